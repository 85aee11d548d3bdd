//! The lexicon lint: the vocabulary in `ontology/` names things, one name
//! per thing, in both languages.
//!
//! A label is the name an instrument or body goes by, not a clause lifted
//! from a sentence: it holds no sentence punctuation or quotation marks (the
//! matcher reads “要素式”审判 as 要素式审判 already). No Chinese label names
//! two concepts: the matcher could only pick one of them. Every mechanism and
//! agency type has a Chinese and an English prefLabel and an English
//! definition, so graphs and diagrams read in either language.

use oxrdf::{NamedOrBlankNode, Term};
use reformkg_lexicon::Ontology;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

const RK: &str = "https://w3id.org/reformkg/ontology#";
const SKOS: &str = "http://www.w3.org/2004/02/skos/core#";
const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";

/// Characters that only occur in sentences (or around names), never
/// inside a name. Parentheses may: 中国（上海）自由贸易试验区 is a name.
const SENTENCE_MARKS: &[char] = &[
    '、', '，', '。', '；', '：', '！', '？', '“', '”', '‘', '’', '「', '」', '《', '》', ',', ';',
    '"',
];

/// The classes whose labels the matcher reads.
const MATCHED_CLASSES: &[&str] = &[
    "Mechanism",
    "AgencyType",
    "NonStateBodyType",
    "Agency",
    "NonStateBody",
];

/// The classes that must be described in both languages.
const DESCRIBED_CLASSES: &[&str] = &["Mechanism", "AgencyType"];

#[derive(Default)]
struct Described {
    classes: BTreeSet<String>,
    pref_zh: Vec<String>,
    pref_en: Vec<String>,
    labels_zh: Vec<String>,
    definitions_en: usize,
}

fn concepts() -> BTreeMap<String, Described> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ontology");
    let ontology = Ontology::load_dir(&dir).expect("the ontology loads");
    let mut all: BTreeMap<String, Described> = BTreeMap::new();
    for quad in ontology.quads() {
        let NamedOrBlankNode::NamedNode(subject) = &quad.subject else {
            continue;
        };
        let entry = all.entry(subject.as_str().to_owned()).or_default();
        let predicate = quad.predicate.as_str();
        match &quad.object {
            Term::NamedNode(class) if predicate == RDF_TYPE => {
                if let Some(local) = class.as_str().strip_prefix(RK) {
                    entry.classes.insert(local.to_owned());
                }
            }
            Term::Literal(literal) => {
                let language = literal.language().unwrap_or_default();
                let value = literal.value().to_owned();
                let Some(property) = predicate.strip_prefix(SKOS) else {
                    continue;
                };
                match (property, language) {
                    ("prefLabel", "zh") => {
                        entry.pref_zh.push(value.clone());
                        entry.labels_zh.push(value);
                    }
                    ("prefLabel", "en") => entry.pref_en.push(value),
                    ("altLabel" | "hiddenLabel", "zh") => entry.labels_zh.push(value),
                    ("definition", "en") => entry.definitions_en += 1,
                    _ => {}
                }
            }
            _ => {}
        }
    }
    all.retain(|_, d| MATCHED_CLASSES.iter().any(|c| d.classes.contains(*c)));
    all
}

#[test]
fn labels_are_names_not_clauses() {
    let concepts = concepts();
    assert!(concepts.len() > 100, "the lexicon's concepts were read");
    let bad: Vec<String> = concepts
        .iter()
        .flat_map(|(iri, d)| d.labels_zh.iter().map(move |l| (iri, l)))
        .filter(|(_, label)| label.contains(SENTENCE_MARKS))
        .map(|(iri, label)| format!("{label} ({iri})"))
        .collect();
    assert!(bad.is_empty(), "labels with sentence punctuation: {bad:#?}");
}

#[test]
fn no_label_names_two_concepts() {
    let mut owners: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    let concepts = concepts();
    for (iri, d) in &concepts {
        for label in &d.labels_zh {
            owners.entry(label).or_default().insert(iri);
        }
    }
    let shared: Vec<String> = owners
        .iter()
        .filter(|(_, iris)| iris.len() > 1)
        .map(|(label, iris)| format!("{label}: {iris:?}"))
        .collect();
    assert!(shared.is_empty(), "labels of two concepts: {shared:#?}");
}

#[test]
fn mechanisms_and_agency_types_read_in_both_languages() {
    let concepts = concepts();
    let mut described = 0;
    for (iri, d) in &concepts {
        if !DESCRIBED_CLASSES.iter().any(|c| d.classes.contains(*c)) {
            continue;
        }
        described += 1;
        assert_eq!(d.pref_zh.len(), 1, "{iri}: one @zh prefLabel");
        assert_eq!(d.pref_en.len(), 1, "{iri}: one @en prefLabel");
        assert!(d.definitions_en >= 1, "{iri}: an @en definition");
    }
    assert!(described > 100, "{described} mechanisms and agency types");
}
