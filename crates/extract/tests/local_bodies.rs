//! Bodies of a locality below the county that the gazetteer does not list
//! (北外滩街道): found when the case repeats the name with the bare head,
//! and placed in the case's district; words that merely stand before the
//! head once (过程中街道) are not a body.

use reformkg_corpus::Case;
use reformkg_extract::{AgencyKey, Extractor};
use reformkg_lexicon::Lexicon;
use std::path::Path;

fn lexicon() -> Lexicon {
    Lexicon::load_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ontology"))
        .expect("the ontology loads")
}

fn unlisted_names(lexicon: &Lexicon, district: &str, text: &str) -> Vec<String> {
    let extractor = Extractor::new(lexicon).expect("the matcher builds");
    let case = Case {
        rank: 1,
        district: Some(district.to_owned()),
        title: text.lines().next().unwrap_or_default().to_owned(),
        text: text.to_owned(),
        sections: Vec::new(),
    };
    extractor
        .extract(&case)
        .agencies
        .into_iter()
        .filter_map(|a| match a.key {
            AgencyKey::Unlisted { name, .. } => Some(name),
            _ => None,
        })
        .collect()
}

#[test]
fn a_repeated_locality_before_a_bare_head_is_a_body_of_the_district() {
    let lexicon = lexicon();
    // The district and the head come from the lexicon, not from here.
    let district = lexicon.districts[0].concept.pref_zh.clone();
    let text = "标题\n在北外滩街道探索开店服务。北外滩街道已累计服务新开店铺约80家。";
    assert_eq!(unlisted_names(&lexicon, &district, text), ["北外滩街道"]);
}

#[test]
fn words_before_a_head_said_once_are_no_body() {
    let lexicon = lexicon();
    let district = lexicon.districts[0].concept.pref_zh.clone();
    let text = "标题\n在开店过程中街道主动对接。街道与市场监管所联合辅导。";
    assert!(unlisted_names(&lexicon, &district, text).is_empty());
}
