//! The gazetteer read from the project's ontology (ontology/places.ttl and
//! the hand-written places of districts.ttl and reformkg.ttl).

use oxrdf::{NamedOrBlankNode, Term};
use reformkg_lexicon::{
    ChainResolution, Gazetteer, Lexicon, LexiconError, Ontology, PlaceId, PlaceLevel, Resolution,
};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::OnceLock;

const RK: &str = "https://w3id.org/reformkg/ontology#";
const CHINA: &str = "https://w3id.org/reformkg/id/place/china";

fn ontology_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ontology")
}

fn ontology() -> &'static Ontology {
    static ONTOLOGY: OnceLock<Ontology> = OnceLock::new();
    ONTOLOGY.get_or_init(|| Ontology::load_dir(&ontology_dir()).expect("the ontology loads"))
}

fn lexicon() -> &'static Lexicon {
    static LEXICON: OnceLock<Lexicon> = OnceLock::new();
    LEXICON.get_or_init(|| Lexicon::from_ontology(ontology()).expect("the lexicon reads"))
}

fn gazetteer() -> &'static Gazetteer {
    lexicon().gazetteer()
}

fn code(id: PlaceId) -> &'static str {
    gazetteer().place(id).code.as_deref().unwrap_or("-")
}

fn place(code: &str) -> PlaceId {
    gazetteer()
        .by_code(code)
        .unwrap_or_else(|| panic!("no place {code}"))
}

/// The codes of the unique chain at the start of `text`, and its length.
fn chain(text: &str) -> (Vec<&'static str>, usize) {
    match gazetteer().resolve_chain(text) {
        ChainResolution::Unique(chain) => (chain.places.into_iter().map(code).collect(), chain.len),
        other => panic!("{text}: {other:?}"),
    }
}

#[test]
fn chains_of_full_names_read_to_the_innermost_place() {
    assert_eq!(
        chain("北京市西城区"),
        (vec!["110000", "110102"], "北京市西城区".len())
    );
    assert_eq!(
        chain("浙江省湖州市德清县人民政府"),
        (
            vec!["330000", "330500", "330521"],
            "浙江省湖州市德清县".len()
        )
    );
    assert_eq!(chain("天津市滨海新区").0, ["120000", "120116"]);
    assert_eq!(
        chain("内蒙古自治区阿拉善盟阿拉善右旗").0,
        ["150000", "152900", "152922"]
    );
}

#[test]
fn a_chain_may_leave_out_a_level_and_use_short_forms() {
    // The prefecture (阿拉善盟) is left out.
    assert_eq!(chain("内蒙古自治区阿拉善右旗").0, ["150000", "152922"]);
    assert_eq!(chain("浙江湖州").0, ["330000", "330500"]);
    // 吉林 is the province and the city; only the province holds 长春.
    assert_eq!(chain("吉林长春").0, ["220000", "220100"]);
}

#[test]
fn a_chain_is_only_places_each_within_the_last() {
    assert_eq!(
        gazetteer().resolve_chain("营商环境"),
        ChainResolution::Unknown
    );
    // 西城区 is not in 浙江省: the chain stops at the province.
    assert_eq!(chain("浙江省西城区").0, ["330000"]);
    match gazetteer().resolve_chain("朝阳区") {
        ChainResolution::Ambiguous(chains) => {
            let codes: BTreeSet<&str> = chains.iter().map(|c| code(c.place())).collect();
            assert!(
                codes.contains("110105") && codes.contains("220104"),
                "{codes:?}"
            );
        }
        other => panic!("{other:?}"),
    }
    let beijing = place("110000");
    match gazetteer().resolve_chain_in("朝阳区", Some(beijing)) {
        ChainResolution::Unique(chain) => assert_eq!(code(chain.place()), "110105"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_bare_name_resolves_within_its_scope() {
    let g = gazetteer();
    let Resolution::Ambiguous(all) = g.resolve("朝阳区", None) else {
        panic!("朝阳区 is in Beijing and Changchun");
    };
    assert!(all.len() >= 2, "{all:?}");
    assert_eq!(
        g.resolve("朝阳区", Some(place("110000"))),
        Resolution::Unique(place("110105"))
    );
    let ChainResolution::Unique(changchun) = g.resolve_chain("吉林省长春市") else {
        panic!("吉林省长春市 is one place");
    };
    let chaoyang = g.resolve("朝阳区", Some(changchun.place()));
    assert_eq!(chaoyang, Resolution::Unique(place("220104")));
    // Outside the scope, the nearest level that has it: 朝阳区 from a
    // district of Beijing is Beijing's.
    assert_eq!(
        g.resolve("朝阳区", Some(place("110102"))),
        Resolution::Unique(place("110105"))
    );
    // Two candidates at the nearest level stay ambiguous: in 辽宁省, 朝阳
    // is the city and its county.
    assert_eq!(
        g.resolve("朝阳", Some(place("210000"))),
        Resolution::Ambiguous(vec![place("211300"), place("211321")])
    );
    assert_eq!(g.resolve("营商环境", None), Resolution::Unknown);
}

#[test]
fn shanghai_keeps_its_iris() {
    let g = gazetteer();
    let Resolution::Unique(pudong) = g.resolve("浦东", None) else {
        panic!("浦东 is one place");
    };
    let pudong = g.place(pudong);
    assert_eq!(
        pudong.concept.iri,
        "https://w3id.org/reformkg/id/district/pudong"
    );
    assert_eq!(pudong.code.as_deref(), Some("310115"));
    assert_eq!(pudong.level, PlaceLevel::County);
    let shanghai = g.place(pudong.parent.expect("in Shanghai"));
    assert_eq!(
        shanghai.concept.iri,
        "https://w3id.org/reformkg/id/place/shanghai"
    );
    assert_eq!(shanghai.level, PlaceLevel::Province);
    // The hand-written districts are still the lexicon's districts.
    let lexicon = lexicon();
    assert_eq!(lexicon.districts.len(), 18);
    let d = lexicon.district_named("浦东").expect("浦东 is a district");
    assert_eq!(lexicon.district(d).concept.labels_zh, ["浦东新区", "浦东"]);
}

#[test]
fn every_place_has_one_code_and_a_parent_up_to_the_country() {
    let g = gazetteer();
    assert!(g.len() > 3000, "{} places", g.len());
    let china = g.by_iri(CHINA).expect("the country");
    assert_eq!(g.place(china).level, PlaceLevel::National);
    assert_eq!(g.place(china).code, None);
    assert_eq!(g.place(china).parent, None);
    // Each place states one code in the RDF, even where two files describe it.
    let mut codes: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for quad in ontology().quads() {
        if let (NamedOrBlankNode::NamedNode(s), Term::Literal(code)) = (&quad.subject, &quad.object)
        {
            if quad.predicate.as_str() == format!("{RK}divisionCode") {
                codes
                    .entry(s.as_str().to_owned())
                    .or_default()
                    .insert(code.value().to_owned());
            }
        }
    }
    for (id, p) in g.places_with_ids() {
        let iri = &p.concept.iri;
        if id == china {
            assert!(!codes.contains_key(iri));
            continue;
        }
        let code = p
            .code
            .as_deref()
            .unwrap_or_else(|| panic!("{iri} has no code"));
        assert_eq!(codes[iri].len(), 1, "{iri}: {:?}", codes[iri]);
        assert!(
            code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()),
            "{code}"
        );
        assert_eq!(g.by_code(code), Some(id));
        let parent = p.parent.unwrap_or_else(|| panic!("{iri} has no parent"));
        assert!(g.place(parent).level < p.level, "{iri}");
        assert_eq!(g.ancestors(id).last(), Some(china), "{iri}");
    }
}

#[test]
fn the_ancestors_of_a_county_end_at_the_country() {
    let g = gazetteer();
    let deqing = place("330521");
    assert_eq!(g.place(deqing).level, PlaceLevel::County);
    let up: Vec<&str> = g
        .ancestors(deqing)
        .map(|a| g.place(a).concept.pref_zh.as_str())
        .collect();
    assert_eq!(up, ["湖州市", "浙江省", "中华人民共和国"]);
    // Under a municipality, a county is in the province directly (no 市辖区).
    assert_eq!(g.place(place("110102")).parent, Some(place("110000")));
}

#[test]
fn names_list_every_label_of_every_place() {
    let g = gazetteer();
    let names: Vec<(&str, PlaceId)> = g.names().collect();
    let xicheng = place("110102");
    assert!(names.contains(&("西城区", xicheng)));
    assert!(names.contains(&("西城", xicheng)));
    let labels: usize = g
        .places_with_ids()
        .map(|(_, p)| p.concept.labels_zh.len())
        .sum();
    assert_eq!(names.len(), labels);
}

const PLACES: &str = r#"
    @prefix rk: <https://w3id.org/reformkg/ontology#> .
    @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
    @prefix schema: <https://schema.org/> .
    rk:NationalLevel a rk:AdministrativeLevel .
    rk:ProvinceLevel a rk:AdministrativeLevel .
    rk:CountyLevel a rk:AdministrativeLevel .
    <http://x/cn> skos:prefLabel "中国"@zh ; rk:divisionLevel rk:NationalLevel .
    <http://x/p> skos:prefLabel "甲省"@zh ; rk:divisionLevel rk:ProvinceLevel ;
        rk:divisionCode "990000" ; schema:containedInPlace <http://x/cn> .
    <http://x/c> skos:prefLabel "乙县"@zh ; skos:altLabel "乙"@zh ; rk:divisionLevel rk:CountyLevel ;
        rk:divisionCode "990101" ; schema:containedInPlace <http://x/p> .
"#;

fn load(ttl: &str) -> Result<Lexicon, LexiconError> {
    Lexicon::from_turtle([("places-test.ttl", ttl.as_bytes())])
}

#[test]
fn levels_come_from_the_data() {
    let lexicon = load(PLACES).expect("loads");
    let g = lexicon.gazetteer();
    let county = g.by_code("990101").expect("the county");
    assert_eq!(g.place(county).level, PlaceLevel::County);
    assert_eq!(g.resolve("乙", None), Resolution::Unique(county));
    assert_eq!(g.ancestors(county).count(), 2);
}

#[test]
fn a_renamed_level_fails_the_load_naming_it_and_the_file() {
    // The place names a level no rule knows.
    let ttl = PLACES.replace(
        "rk:divisionLevel rk:CountyLevel",
        "rk:divisionLevel rk:CantonLevel",
    );
    let err = load(&ttl).expect_err("an unknown division level");
    let message = err.to_string();
    assert!(
        matches!(err, LexiconError::UnknownDivisionLevel { .. }),
        "{message}"
    );
    assert!(message.contains("places-test.ttl"), "{message}");
    assert!(message.contains(&format!("{RK}CantonLevel")), "{message}");
    assert!(message.contains("http://x/c"), "{message}");
    assert!(message.contains("rk:CountyLevel"), "{message}");

    // The level's own declaration is renamed.
    let ttl = PLACES.replace(
        "rk:CountyLevel a rk:AdministrativeLevel",
        "rk:CountryLevel a rk:AdministrativeLevel",
    );
    let message = load(&ttl).expect_err("an unknown level").to_string();
    assert!(message.contains("places-test.ttl"), "{message}");
    assert!(message.contains("CountryLevel"), "{message}");
}

#[test]
fn contradictory_places_fail_the_load() {
    let two_codes = PLACES.replace(
        r#"rk:divisionCode "990101""#,
        r#"rk:divisionCode "990101", "990102""#,
    );
    let message = load(&two_codes).expect_err("two codes").to_string();
    assert!(
        message.contains("rk:divisionCode") && message.contains("990102"),
        "{message}"
    );

    let shared = PLACES.replace(r#""990101""#, r#""990000""#);
    assert!(matches!(
        load(&shared).expect_err("a shared code"),
        LexiconError::SharedDivisionCode { .. }
    ));

    let upside_down = PLACES.replace(
        "schema:containedInPlace <http://x/cn> .",
        "schema:containedInPlace <http://x/c> .",
    );
    assert!(matches!(
        load(&upside_down).expect_err("a province in a county"),
        LexiconError::PlaceParentLevel { .. }
    ));
}
