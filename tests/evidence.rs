//! Evidence everywhere: the store the real binary builds from the seed is
//! checked mention by mention.
//!
//! - every rk:Mention's oa:exact is exactly the characters [oa:start,
//!   oa:end) of its case's rk:text;
//! - every rk:usesMechanism, rk:involvesAgency, rk:leadAgency,
//!   rk:citesDocument and rk:hasOutcome link has at least one rk:Mention in
//!   that case, and the quoted sentence contains what the link is about (a
//!   label of the mechanism or agency, the 《title》, the quantity as written).

mod common;

use oxigraph::model::Term;
use oxigraph::store::Store;
use std::collections::BTreeMap;

const LINKS: [&str; 5] = [
    "rk:usesMechanism",
    "rk:involvesAgency",
    "rk:leadAgency",
    "rk:citesDocument",
    "rk:hasOutcome",
];

fn rows(store: &Store, sparql: &str) -> Vec<Vec<Option<Term>>> {
    common::solutions(store, sparql)
}

fn value(term: &Option<Term>) -> String {
    match term {
        Some(Term::Literal(l)) => l.value().to_owned(),
        Some(Term::NamedNode(n)) => n.as_str().to_owned(),
        other => panic!("unexpected term {other:?}"),
    }
}

fn number(term: &Option<Term>) -> usize {
    value(term).parse().expect("an integer offset")
}

fn seed_store() -> (tempfile::TempDir, reformkg::store::Snapshot) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = common::build_seed(dir.path());
    let store = reformkg::store::open(&path).expect("the built store opens");
    (dir, store)
}

#[test]
fn every_mention_quotes_its_offsets_and_every_link_has_evidence() {
    let (_dir, store) = seed_store();
    let texts: BTreeMap<String, Vec<char>> = rows(
        &store,
        "SELECT ?case ?text WHERE { ?case a rk:Case ; rk:text ?text }",
    )
    .iter()
    .map(|r| (value(&r[0]), value(&r[1]).chars().collect()))
    .collect();
    assert_eq!(texts.len(), 20, "the seed has 20 cases");

    let mentions = rows(
        &store,
        "SELECT ?m ?case ?exact ?start ?end WHERE {
           ?m a rk:Mention ; rk:case ?case ; oa:exact ?exact ; oa:start ?start ; oa:end ?end }",
    );
    assert!(mentions.len() > 500, "only {} mentions", mentions.len());
    let mut wrong = Vec::new();
    for row in &mentions {
        let text = &texts[&value(&row[1])];
        let (start, end) = (number(&row[3]), number(&row[4]));
        let exact = value(&row[2]);
        let sliced: Option<String> =
            (start < end && end <= text.len()).then(|| text[start..end].iter().collect());
        if sliced.as_deref() != Some(exact.as_str()) {
            wrong.push(format!("{} [{start}, {end}): {exact}", value(&row[0])));
        }
    }
    assert!(
        wrong.is_empty(),
        "offsets that do not slice oa:exact: {wrong:#?}"
    );

    for link in LINKS {
        let linked = rows(
            &store,
            &format!("SELECT (COUNT(*) AS ?n) WHERE {{ ?case {link} ?o }}"),
        );
        assert!(number(&linked[0][0]) > 0, "no {link} links at all");
        let unsupported = rows(
            &store,
            &format!(
                "SELECT ?case ?o WHERE {{ ?case {link} ?o
                   FILTER NOT EXISTS {{ ?m a rk:Mention ; rk:case ?case ; rk:mentions ?o }} }}"
            ),
        );
        assert!(
            unsupported.is_empty(),
            "{link} links without a mention: {unsupported:?}"
        );
    }
}

#[test]
fn quoted_sentences_contain_what_they_are_evidence_for() {
    let (_dir, store) = seed_store();
    // For each kind of link, the strings one of which the sentence must hold.
    let checks = [
        (
            "mechanism",
            r#"SELECT ?o ?exact ?needle WHERE { ?case rk:usesMechanism ?o .
                 ?m rk:case ?case ; rk:mentions ?o ; oa:exact ?exact .
                 ?o skos:prefLabel|skos:altLabel ?needle FILTER(lang(?needle) = "zh") }"#,
        ),
        (
            "agency",
            r#"SELECT ?o ?exact ?needle WHERE { ?case rk:involvesAgency ?o .
                 ?m rk:case ?case ; rk:mentions ?o ; oa:exact ?exact .
                 ?o skos:prefLabel|skos:altLabel ?needle FILTER(lang(?needle) = "zh") }"#,
        ),
        (
            "document",
            r#"SELECT ?o ?exact ?needle WHERE { ?case rk:citesDocument ?o .
                 ?m rk:case ?case ; rk:mentions ?o ; oa:exact ?exact .
                 ?o dct:title ?t BIND(CONCAT("《", STR(?t), "》") AS ?needle) }"#,
        ),
        (
            "outcome",
            r#"SELECT ?o ?exact ?needle WHERE { ?case rk:hasOutcome ?o .
                 ?m rk:case ?case ; rk:mentions ?o ; oa:exact ?exact .
                 ?o rk:quantityText ?needle }"#,
        ),
    ];
    for (kind, sparql) in checks {
        // (node, sentence) → does the sentence hold one of the node's strings?
        let mut supported: BTreeMap<(String, String), bool> = BTreeMap::new();
        for row in rows(&store, sparql) {
            let (node, exact, needle) = (value(&row[0]), value(&row[1]), value(&row[2]));
            // Names are matched as if the text had no quotation marks
            // (“要素式”审判 is 要素式审判).
            let bare: String = exact.chars().filter(|c| !"“”‘’「」".contains(*c)).collect();
            *supported.entry((node, exact.clone())).or_default() |=
                exact.contains(&needle) || bare.contains(&needle);
        }
        assert!(!supported.is_empty(), "no {kind} mentions");
        let unsupported: Vec<&(String, String)> = supported
            .iter()
            .filter(|(_, ok)| !**ok)
            .map(|(pair, _)| pair)
            .collect();
        assert!(
            unsupported.is_empty(),
            "{kind} sentences that name none of its labels: {unsupported:#?}"
        );
    }
}
