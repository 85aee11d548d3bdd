//! Bodies of divisions the lexicon's own districts do not cover are placed
//! by the gazetteer name before them, read in the case's scope: 朝阳区 in a
//! Beijing collection is Beijing's (110105), not the case's own district.
//! A short form is read only within the scope's province, so two
//! characters that happen to name a faraway county are not taken for it.
//! Codes are GB/T 2260's.

use reformkg_corpus::Case;
use reformkg_extract::{AgencyKey, Extractor, Place};
use reformkg_lexicon::Lexicon;
use std::path::Path;

fn lexicon() -> Lexicon {
    Lexicon::load_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ontology"))
        .expect("the ontology loads")
}

/// (name as written, division code of its place) of every body of a case.
fn placed_bodies(collection_title: &str, district: &str, text: &str) -> Vec<(String, String)> {
    let lexicon = lexicon();
    let extractor = Extractor::new(&lexicon).expect("the matcher builds");
    let scope = extractor.collection_scope(collection_title);
    assert_eq!(
        scope.is_some(),
        !collection_title.is_empty(),
        "{collection_title} names its place"
    );
    let case = Case {
        rank: 1,
        district: Some(district.to_owned()),
        title: String::new(),
        text: text.to_owned(),
        sections: Vec::new(),
    };
    let code = |place: &Place| -> String {
        place
            .in_gazetteer(&lexicon)
            .and_then(|p| lexicon.gazetteer().place(p).code.clone())
            .unwrap_or_else(|| format!("{place:?}"))
    };
    let mut bodies: Vec<(String, String)> = extractor
        .extract_in(&case, scope)
        .agencies
        .iter()
        .filter_map(|a| {
            let place = match &a.key {
                AgencyKey::Typed { place, .. } | AgencyKey::Unlisted { place, .. } => place,
                AgencyKey::Named(_) => return None,
            };
            let written = a.names.iter().max_by_key(|n| n.len())?.clone();
            Some((written, code(place)))
        })
        .collect();
    bodies.sort();
    bodies
}

#[test]
fn a_body_of_another_district_of_the_city_is_placed_there() {
    let bodies = placed_bodies(
        "北京市2024年优化营商环境典型案例",
        "海淀区",
        "海淀区档案局与朝阳区档案局、朝阳区市场监管局开展服务。区法院参与。",
    );
    let want: Vec<(String, String)> = [
        ("区法院", "110108"),
        ("朝阳区市场监管局", "110105"),
        ("朝阳区档案局", "110105"),
        ("海淀区档案局", "110108"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(bodies, want);
}

#[test]
fn a_short_form_outside_the_province_is_not_a_place() {
    // 滨江 is the short form of Hangzhou's 滨江区; in a Shanghai case,
    // 徐汇滨江 is the riverside of 徐汇区, and its committee is 徐汇区's.
    let bodies = placed_bodies(
        "上海市2023年度各区优化营商环境优秀案例",
        "徐汇区",
        "徐汇滨江管委会牵头，开展服务。",
    );
    assert_eq!(bodies.len(), 1, "{bodies:?}");
    assert_eq!(bodies[0].1, "310104", "{bodies:?}");
}

#[test]
fn a_case_of_a_known_district_is_its_own_scope() {
    // With no place in the collection's title, the case's district is the
    // scope: 徐汇滨江 stays 徐汇区's as above.
    let bodies = placed_bodies("", "徐汇区", "徐汇滨江管委会牵头，开展服务。");
    assert_eq!(bodies.len(), 1, "{bodies:?}");
    assert_eq!(bodies[0].1, "310104", "{bodies:?}");
}
