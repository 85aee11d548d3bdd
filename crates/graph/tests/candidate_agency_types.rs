//! A body the lexicon cannot type is typed by its own name after its place
//! (区财政局 → 财政局), as a candidate agency type narrower than the
//! fallback type of its suffix (局): bodies of one kind share the type, and
//! nothing claims the type is curated.
//!
//! The lexicon here is the ontology without the finance bureau's type, as
//! if a new document named a kind of body the lexicon never listed.

use oxrdf::{NamedOrBlankNode, Quad, Term};
use reformkg_extract::Extractor;
use reformkg_graph::{add_collection, Graph};
use reformkg_lexicon::{Lexicon, Ontology};
use std::path::Path;

const FINANCE: &str = "https://w3id.org/reformkg/id/agency-type/finance";
const RK: &str = "https://w3id.org/reformkg/ontology#";
const SKOS: &str = "http://www.w3.org/2004/02/skos/core#";

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

fn objects<'q>(quads: &'q [Quad], subject: &str, predicate: &str) -> Vec<&'q Term> {
    quads
        .iter()
        .filter(|q| {
            matches!(&q.subject, NamedOrBlankNode::NamedNode(s) if s.as_str() == subject)
                && q.predicate.as_str() == predicate
        })
        .map(|q| &q.object)
        .collect()
}

fn literal_values(terms: &[&Term]) -> Vec<String> {
    terms
        .iter()
        .filter_map(|t| match t {
            Term::Literal(l) => Some(l.value().to_owned()),
            _ => None,
        })
        .collect()
}

fn iri_of(term: &Term) -> &str {
    match term {
        Term::NamedNode(n) => n.as_str(),
        other => panic!("not an IRI: {other}"),
    }
}

#[test]
fn a_body_of_an_unknown_kind_gets_a_candidate_type_from_its_own_name() {
    let ontology = Ontology::load_dir(&root().join("ontology")).expect("the ontology loads");
    let finance_name = Lexicon::from_ontology(&ontology)
        .expect("the lexicon reads")
        .agency_types
        .iter()
        .find(|t| t.concept.iri == FINANCE)
        .expect("the ontology has a finance bureau type")
        .concept
        .pref_zh
        .clone();
    let without_finance = ontology.filter_map(|quad| {
        let about_finance =
            matches!(&quad.subject, NamedOrBlankNode::NamedNode(s) if s.as_str() == FINANCE);
        (!about_finance).then(|| quad.clone())
    });
    let lexicon = Lexicon::from_ontology(&without_finance).expect("the lexicon reads");
    let collection =
        reformkg_corpus::read_collection(&root().join("seeds/shanghai-2023-district-cases.txt"))
            .expect("the seed segments");
    let extractor = Extractor::new(&lexicon).expect("the matcher builds");
    let facts: Vec<_> = collection
        .cases
        .iter()
        .map(|c| extractor.extract(c))
        .collect();
    let mut graph = Graph::new();
    add_collection(&mut graph, &lexicon, &collection, &facts);
    let quads = graph.quads();

    let typed: Vec<(&str, &str)> = quads
        .iter()
        .filter(|q| q.predicate.as_str() == format!("{RK}agencyType"))
        .filter_map(|q| match &q.subject {
            NamedOrBlankNode::NamedNode(s) => Some((s.as_str(), iri_of(&q.object))),
            _ => None,
        })
        .collect();
    let finance_bodies: Vec<&(&str, &str)> = typed
        .iter()
        .filter(|(_, t)| {
            literal_values(&objects(quads, t, &format!("{SKOS}prefLabel")))
                == [finance_name.as_str()]
        })
        .collect();
    assert!(
        !finance_bodies.is_empty(),
        "the seed's finance bureaus are typed {finance_name}: {typed:?}"
    );
    let agency_type = finance_bodies[0].1;
    assert!(
        finance_bodies.iter().all(|(_, t)| *t == agency_type),
        "bodies of one kind share the candidate type: {finance_bodies:?}"
    );
    assert_ne!(agency_type, FINANCE);
    let status = objects(quads, agency_type, &format!("{RK}status"));
    assert_eq!(status.len(), 1);
    assert_eq!(iri_of(status[0]), format!("{RK}Candidate"));
    let broader = objects(quads, agency_type, &format!("{SKOS}broader"));
    assert_eq!(broader.len(), 1, "one fallback type above it");
    let fallback = lexicon
        .agency_types
        .iter()
        .find(|t| t.concept.iri == iri_of(broader[0]))
        .expect("the broader type is the lexicon's");
    assert_eq!(fallback.name_suffix.as_deref(), Some("局"));

    // Every body keeps one type; curated types are never marked candidate.
    for (body, _) in &typed {
        assert_eq!(objects(quads, body, &format!("{RK}agencyType")).len(), 1);
    }
    for t in &lexicon.agency_types {
        assert!(objects(quads, &t.concept.iri, &format!("{RK}status")).is_empty());
    }
}
