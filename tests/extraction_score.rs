//! Scores the graph built from the seed against the hand-made answer key
//! (`tests/answer_key/shanghai-2023.json`) and fails below the bars of
//! issue 3.
//!
//! The graph is built with the library pipeline (lexicon → corpus → extract
//! → graph), loaded into an in-memory Oxigraph store and read back with
//! SPARQL, so the score is what a researcher querying the store would see.
//!
//! How each kind is counted (per case, then summed over the 20 cases):
//! - agencies: a key agency whose type is in the lexicon matches an extracted
//!   agency of the case with the same type (prefLabel @zh) and place (the
//!   district's name, the city's name, or 国家 for the national level); a key
//!   agency whose type the lexicon lacks matches an extracted agency whose
//!   labels include its name or one of its written forms. Matching is one to
//!   one; unmatched extracted agencies are false positives.
//! - agency types: the set of agency types of the case. A key type marked
//!   `"type_in_lexicon": false` counts once the lexicon has learned a type of
//!   that prefLabel (城建中心, 领导小组), else it is left out; extracted
//!   agencies with no type are left out.
//! - mechanisms: the set of curated mechanism prefLabels @zh of the case
//!   (candidate mechanisms, `rk:status rk:Candidate`, are the lexicon's
//!   open questions, not its answers; they are counted and printed). The key's
//!   `mechanisms_not_in_lexicon` count as expected mechanisms under their
//!   `name`: the lexicon is expected to learn them.
//! - documents: the set of cited titles.
//! - outcomes: a multiset of (unit, value); each key outcome matches at most
//!   one extracted outcome with the same unit and the same normalised value.
//!   Key outcomes with a null value (vague quantities such as 数千万元) have
//!   no number to compare and are not scored.
//! - lead agency (printed, no bar): the lead agency matched like agencies.

mod common;

use oxigraph::model::{NamedNode, NamedOrBlankNode, Term};
use oxigraph::store::Store;
use reformkg::lexicon::{Lexicon, Ontology};
use reformkg::pipeline::{extract_all, to_graph, Timings};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

const SKOS: &str = "http://www.w3.org/2004/02/skos/core#";
const SEED: &str = "seeds/shanghai-2023-district-cases.txt";
const KEY: &str = "tests/answer_key/shanghai-2023.json";

#[derive(Debug, Clone, Deserialize)]
struct AnswerKey {
    source: String,
    cases: Vec<KeyCase>,
}

#[derive(Debug, Clone, Deserialize)]
struct KeyCase {
    rank: u32,
    agencies: Vec<KeyAgency>,
    lead_agency: Option<String>,
    mechanisms: Vec<String>,
    mechanisms_not_in_lexicon: Vec<UnlistedMechanism>,
    documents: Vec<String>,
    outcomes: Vec<KeyOutcome>,
}

#[derive(Debug, Clone, Deserialize)]
struct KeyAgency {
    name: String,
    place: String,
    #[serde(rename = "type")]
    agency_type: String,
    #[serde(default = "listed")]
    type_in_lexicon: bool,
    as_written: Vec<String>,
}

fn listed() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize)]
struct UnlistedMechanism {
    name: String,
    /// How the text writes it, when not by its name (“要素式”审判).
    #[serde(default)]
    surface: String,
}

#[derive(Debug, Clone, Deserialize)]
struct KeyOutcome {
    value: Option<f64>,
    unit: String,
    text: String,
}

/// True positives, false positives and false negatives of one kind.
#[derive(Debug, Default, Clone, Copy)]
struct Score {
    tp: usize,
    fp: usize,
    fn_: usize,
}

impl Score {
    fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }
    fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }
    fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
    fn add(&mut self, other: Score) {
        self.tp += other.tp;
        self.fp += other.fp;
        self.fn_ += other.fn_;
    }
}

/// An empty denominator means nothing was expected and nothing was wrong.
fn ratio(n: usize, d: usize) -> f64 {
    if d == 0 {
        1.0
    } else {
        n as f64 / d as f64
    }
}

impl fmt::Display for Score {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:>9.3} {:>7.3} {:>7.3} {:>5} {:>5} {:>5}",
            self.precision(),
            self.recall(),
            self.f1(),
            self.tp,
            self.fp,
            self.fn_
        )
    }
}

/// One agency of a case as the graph has it.
#[derive(Debug, Clone, Default)]
struct GraphAgency {
    iri: String,
    agency_type: Option<String>,
    place: Option<String>,
    labels: BTreeSet<String>,
}

/// What the built store holds: the facts of each case (by rank) and the
/// agency types of its lexicon.
#[derive(Debug, Default)]
struct BuiltGraph {
    cases: BTreeMap<u32, GraphCase>,
    agency_types: BTreeSet<String>,
}

/// Everything the graph says about one case, keyed by rank.
#[derive(Debug, Default)]
struct GraphCase {
    agencies: BTreeMap<String, GraphAgency>,
    leads: BTreeSet<String>,
    mechanisms: BTreeSet<String>,
    /// Labels of the candidate mechanisms (not in the lexicon).
    candidates: BTreeSet<String>,
    documents: BTreeSet<String>,
    /// (unit, value, text as written)
    outcomes: Vec<(String, f64, String)>,
}

fn project_path(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

fn built_store() -> Store {
    let ontology = Ontology::load_dir(&project_path("ontology")).expect("ontology loads");
    built_store_with(&ontology)
}

/// The seed built with this vocabulary, in an in-memory store.
fn built_store_with(ontology: &Ontology) -> Store {
    let lexicon = Lexicon::from_ontology(ontology).expect("lexicon reads");
    let extracted = extract_all(&lexicon, &[project_path(SEED)], &mut Timings::default())
        .expect("seed extracts");
    let graph = to_graph(&lexicon, ontology, &extracted);
    let store = Store::new().expect("in-memory store");
    store.extend(graph.into_quads()).expect("quads load");
    store
}

fn rows(store: &Store, sparql: &str) -> Vec<Vec<Option<Term>>> {
    common::solutions(store, sparql)
}

fn text(term: &Option<Term>) -> Option<String> {
    match term.as_ref()? {
        Term::Literal(l) => Some(l.value().to_owned()),
        Term::NamedNode(n) => Some(n.as_str().to_owned()),
        Term::BlankNode(b) => Some(b.as_str().to_owned()),
        #[allow(unreachable_patterns)]
        _ => None,
    }
}

fn rank_of(term: &Option<Term>) -> u32 {
    text(term)
        .and_then(|r| r.parse().ok())
        .expect("rank is an integer")
}

fn read_graph(store: &Store) -> BuiltGraph {
    let agency_types = rows(
        store,
        r#"SELECT ?label WHERE { ?t a rk:AgencyType ; skos:prefLabel ?label FILTER(lang(?label) = "zh") }"#,
    )
    .iter()
    .filter_map(|row| text(&row[0]))
    .collect();
    let mut cases: BTreeMap<u32, GraphCase> = BTreeMap::new();
    // The place of an agency: its district, the city it serves, or 国家 for
    // a national body (the name of rk:NationalLevel's prefix).
    let agencies = rows(
        store,
        r#"SELECT ?rank ?a ?type ?place ?label WHERE {
             ?case a rk:Case ; rk:rank ?rank ; rk:involvesAgency ?a .
             OPTIONAL { ?a rk:agencyType/skos:prefLabel ?type FILTER(lang(?type) = "zh") }
             OPTIONAL {
               { ?a rk:district/skos:prefLabel ?place }
               UNION { ?a schema:areaServed/skos:prefLabel ?place }
               UNION { ?a rk:level rk:NationalLevel . rk:NationalLevel rk:levelPrefix ?place }
               FILTER(lang(?place) = "zh" || lang(?place) = "")
             }
             OPTIONAL { ?a skos:prefLabel|skos:altLabel|rdfs:label ?label FILTER(lang(?label) = "zh") }
           }"#,
    );
    for row in &agencies {
        let case = cases.entry(rank_of(&row[0])).or_default();
        let iri = text(&row[1]).expect("agency IRI");
        let agency = case
            .agencies
            .entry(iri.clone())
            .or_insert_with(|| GraphAgency {
                iri,
                ..GraphAgency::default()
            });
        agency.agency_type = agency.agency_type.take().or_else(|| text(&row[2]));
        agency.place = agency.place.take().or_else(|| text(&row[3]));
        agency.labels.extend(text(&row[4]));
    }
    for row in rows(
        store,
        "SELECT ?rank ?a WHERE { ?case a rk:Case ; rk:rank ?rank ; rk:leadAgency ?a }",
    ) {
        let lead = text(&row[1]).expect("lead IRI");
        cases
            .entry(rank_of(&row[0]))
            .or_default()
            .leads
            .insert(lead);
    }
    for row in rows(
        store,
        r#"SELECT ?rank ?label WHERE {
             ?case a rk:Case ; rk:rank ?rank ; rk:usesMechanism ?m .
             ?m rk:status rk:Curated ; skos:prefLabel ?label FILTER(lang(?label) = "zh") }"#,
    ) {
        let label = text(&row[1]).expect("mechanism label");
        cases
            .entry(rank_of(&row[0]))
            .or_default()
            .mechanisms
            .insert(label);
    }
    for row in rows(
        store,
        r#"SELECT ?rank ?label WHERE {
             ?case a rk:Case ; rk:rank ?rank ; rk:usesMechanism ?m .
             ?m rk:status rk:Candidate ; skos:prefLabel ?label }"#,
    ) {
        let label = text(&row[1]).expect("candidate label");
        cases
            .entry(rank_of(&row[0]))
            .or_default()
            .candidates
            .insert(label);
    }
    for row in rows(
        store,
        "SELECT ?rank ?title WHERE { ?case a rk:Case ; rk:rank ?rank ; rk:citesDocument/dct:title ?title }",
    ) {
        let title = text(&row[1]).expect("title");
        cases
            .entry(rank_of(&row[0]))
            .or_default()
            .documents
            .insert(title);
    }
    for row in rows(
        store,
        r#"SELECT ?rank ?unit ?value ?written WHERE {
             ?case a rk:Case ; rk:rank ?rank ; rk:hasOutcome ?o .
             ?o rk:unit ?unit ; rdf:value ?value ; rk:quantityText ?written }"#,
    ) {
        let unit = text(&row[1]).expect("unit");
        let value: f64 = text(&row[2])
            .and_then(|v| v.parse().ok())
            .expect("decimal value");
        let written = text(&row[3]).expect("quantity text");
        cases
            .entry(rank_of(&row[0]))
            .or_default()
            .outcomes
            .push((unit, value, written));
    }
    BuiltGraph {
        cases,
        agency_types,
    }
}

/// Collects what was missed and what was wrong, for the report.
#[derive(Default)]
struct Misses {
    lines: Vec<String>,
}

impl Misses {
    fn note(&mut self, rank: u32, kind: &str, missed: &[String], wrong: &[String]) {
        if !missed.is_empty() {
            self.lines.push(format!(
                "case {rank:>2} {kind:<9} missed: {}",
                missed.join(" | ")
            ));
        }
        if !wrong.is_empty() {
            self.lines.push(format!(
                "case {rank:>2} {kind:<9} extra:  {}",
                wrong.join(" | ")
            ));
        }
    }
}

fn score_sets(
    expected: &BTreeSet<String>,
    found: &BTreeSet<String>,
    rank: u32,
    kind: &str,
    misses: &mut Misses,
) -> Score {
    let missed: Vec<String> = expected.difference(found).cloned().collect();
    let wrong: Vec<String> = found.difference(expected).cloned().collect();
    misses.note(rank, kind, &missed, &wrong);
    Score {
        tp: expected.intersection(found).count(),
        fp: wrong.len(),
        fn_: missed.len(),
    }
}

/// Is the key agency's type one the lexicon has (from the start, or
/// learned since the key was written)?
fn typed(key: &KeyAgency, lexicon_types: &BTreeSet<String>) -> bool {
    key.type_in_lexicon || lexicon_types.contains(&key.agency_type)
}

fn agency_matches(key: &KeyAgency, found: &GraphAgency, lexicon_types: &BTreeSet<String>) -> bool {
    if typed(key, lexicon_types) {
        found.agency_type.as_deref() == Some(key.agency_type.as_str())
            && found.place.as_deref() == Some(key.place.as_str())
    } else {
        found.labels.contains(&key.name) || key.as_written.iter().any(|w| found.labels.contains(w))
    }
}

fn describe(agency: &GraphAgency) -> String {
    let name = agency
        .labels
        .iter()
        .next()
        .cloned()
        .unwrap_or_else(|| agency.iri.clone());
    format!(
        "{name} [{}@{}]",
        agency.agency_type.as_deref().unwrap_or("-"),
        agency.place.as_deref().unwrap_or("-")
    )
}

/// One-to-one matching of key agencies to graph agencies; returns the score
/// and which graph agency each key agency matched.
fn score_agencies(
    key: &KeyCase,
    found: &GraphCase,
    lexicon_types: &BTreeSet<String>,
    misses: &mut Misses,
) -> (Score, BTreeMap<String, String>) {
    let mut free: Vec<&GraphAgency> = found.agencies.values().collect();
    let mut matched = BTreeMap::new();
    let mut missed = Vec::new();
    for agency in &key.agencies {
        match free
            .iter()
            .position(|g| agency_matches(agency, g, lexicon_types))
        {
            Some(i) => {
                matched.insert(agency.name.clone(), free.remove(i).iri.clone());
            }
            None => missed.push(format!(
                "{} [{}@{}]",
                agency.name, agency.agency_type, agency.place
            )),
        }
    }
    let wrong: Vec<String> = free.iter().map(|g| describe(g)).collect();
    misses.note(key.rank, "agency", &missed, &wrong);
    let score = Score {
        tp: matched.len(),
        fp: wrong.len(),
        fn_: missed.len(),
    };
    (score, matched)
}

fn score_leads(
    key: &KeyCase,
    found: &GraphCase,
    matched: &BTreeMap<String, String>,
    misses: &mut Misses,
) -> Score {
    let expected: BTreeSet<String> = key
        .lead_agency
        .iter()
        .map(|name| matched.get(name).cloned().unwrap_or_else(|| name.clone()))
        .collect();
    score_sets(&expected, &found.leads, key.rank, "lead", misses)
}

fn score_outcomes(key: &KeyCase, found: &GraphCase, misses: &mut Misses) -> Score {
    let mut free: Vec<&(String, f64, String)> = found.outcomes.iter().collect();
    let mut score = Score::default();
    let mut missed = Vec::new();
    for outcome in &key.outcomes {
        let Some(value) = outcome.value else {
            continue;
        };
        let same = |(unit, v, _): &&(String, f64, String)| {
            *unit == outcome.unit && (v - value).abs() <= 1e-9 * value.abs().max(1.0)
        };
        match free.iter().position(same) {
            Some(i) => {
                free.remove(i);
                score.tp += 1;
            }
            None => {
                score.fn_ += 1;
                missed.push(format!("{} ({value} {})", outcome.text, outcome.unit));
            }
        }
    }
    score.fp = free.len();
    let wrong: Vec<String> = free
        .iter()
        .map(|(unit, value, written)| format!("{written} ({value} {unit})"))
        .collect();
    misses.note(key.rank, "outcome", &missed, &wrong);
    score
}

const KINDS: [&str; 6] = [
    "agencies",
    "agency types",
    "mechanisms",
    "documents",
    "outcomes",
    "lead agency",
];

fn score_all(key: &AnswerKey, graph: &BuiltGraph) -> (Vec<Score>, Misses) {
    let mut totals = vec![Score::default(); KINDS.len()];
    let mut misses = Misses::default();
    let empty = GraphCase::default();
    let lexicon_types = &graph.agency_types;
    for case in &key.cases {
        let found = graph.cases.get(&case.rank).unwrap_or(&empty);
        let (agencies, matched) = score_agencies(case, found, lexicon_types, &mut misses);
        totals[0].add(agencies);

        let expected_types: BTreeSet<String> = case
            .agencies
            .iter()
            .filter(|a| typed(a, lexicon_types))
            .map(|a| a.agency_type.clone())
            .collect();
        let found_types: BTreeSet<String> = found
            .agencies
            .values()
            .filter_map(|a| a.agency_type.clone())
            .collect();
        totals[1].add(score_sets(
            &expected_types,
            &found_types,
            case.rank,
            "type",
            &mut misses,
        ));

        let expected_mechanisms: BTreeSet<String> = case
            .mechanisms
            .iter()
            .cloned()
            .chain(
                case.mechanisms_not_in_lexicon
                    .iter()
                    .map(|m| m.name.clone()),
            )
            .collect();
        totals[2].add(score_sets(
            &expected_mechanisms,
            &found.mechanisms,
            case.rank,
            "mechanism",
            &mut misses,
        ));

        let expected_documents: BTreeSet<String> = case.documents.iter().cloned().collect();
        totals[3].add(score_sets(
            &expected_documents,
            &found.documents,
            case.rank,
            "document",
            &mut misses,
        ));

        totals[4].add(score_outcomes(case, found, &mut misses));
        totals[5].add(score_leads(case, found, &matched, &mut misses));
    }
    (totals, misses)
}

fn read_key() -> AnswerKey {
    let text = std::fs::read_to_string(project_path(KEY)).expect("answer key readable");
    let key: AnswerKey = serde_json::from_str(&text).expect("answer key parses");
    assert_eq!(key.source, SEED, "the key describes the seed");
    assert_eq!(key.cases.len(), 20, "the key covers every case of the seed");
    key
}

/// A bar: minimum precision and recall for one kind.
struct Bar {
    kind: usize,
    precision: f64,
    recall: f64,
}

const BARS: [Bar; 4] = [
    Bar {
        kind: 1,
        precision: 0.9,
        recall: 0.9,
    },
    Bar {
        kind: 2,
        precision: 0.9,
        recall: 0.9,
    },
    Bar {
        kind: 3,
        precision: 1.0,
        recall: 1.0,
    },
    Bar {
        kind: 4,
        precision: 0.9,
        recall: 0.85,
    },
];

#[test]
fn extraction_meets_the_bars_on_the_seed() {
    let key = read_key();
    let store = built_store();
    let graph = read_graph(&store);
    let (totals, misses) = score_all(&key, &graph);
    let candidates = rows(
        &store,
        "SELECT DISTINCT ?m WHERE { ?c rk:usesMechanism ?m . ?m rk:status rk:Candidate }",
    )
    .len();

    println!("differences from the answer key:");
    for line in &misses.lines {
        println!("  {line}");
    }
    println!();
    println!(
        "{:<13} {:>9} {:>7} {:>7} {:>5} {:>5} {:>5}",
        "kind", "precision", "recall", "F1", "TP", "FP", "FN"
    );
    for (kind, score) in KINDS.iter().zip(&totals) {
        println!("{kind:<13} {score}");
    }
    println!("candidate mechanisms (not scored): {candidates}");

    let failures: Vec<String> = BARS
        .iter()
        .filter_map(|bar| {
            let score = totals[bar.kind];
            let ok = score.precision() >= bar.precision && score.recall() >= bar.recall;
            (!ok).then(|| {
                format!(
                    "{}: P {:.3} (bar {}) R {:.3} (bar {})",
                    KINDS[bar.kind],
                    score.precision(),
                    bar.precision,
                    score.recall(),
                    bar.recall
                )
            })
        })
        .collect();
    assert!(failures.is_empty(), "below the bar: {failures:?}");
}

#[test]
fn the_scorer_counts_misses_and_extras() {
    // A graph that found one right and one wrong mechanism, and no outcome.
    let key: AnswerKey = serde_json::from_str(
        r#"{"source": "x", "cases": [{"rank": 1, "agencies": [], "lead_agency": null,
            "mechanisms": ["告知承诺", "容缺受理"], "mechanisms_not_in_lexicon": [],
            "documents": [], "outcomes": [{"value": 12000, "unit": "件", "text": "1.2万件"},
            {"value": null, "unit": "元", "text": "数千万元"}]}]}"#,
    )
    .expect("test key parses");
    let mut graph = BuiltGraph::default();
    graph.cases.insert(
        1,
        GraphCase {
            mechanisms: ["告知承诺", "一网通办"].map(String::from).into(),
            outcomes: vec![("件".into(), 12000.0, "1.2万件".into())],
            ..GraphCase::default()
        },
    );
    let (totals, misses) = score_all(&key, &graph);
    let mechanisms = totals[2];
    assert_eq!((mechanisms.tp, mechanisms.fp, mechanisms.fn_), (1, 1, 1));
    assert!((mechanisms.f1() - 0.5).abs() < 1e-9);
    let outcomes = totals[4];
    assert_eq!(
        (outcomes.tp, outcomes.fp, outcomes.fn_),
        (1, 0, 0),
        "a null-valued key outcome is not scored"
    );
    assert!(misses.lines.iter().any(|l| l.contains("容缺受理")));
}

/// What the lexicon would not know of one case if the case came from a new
/// document: each label of a concept (mechanism, agency type, named body)
/// that no other case uses, nor any text in `general` (the regulations the
/// national lexicon is drawn from; empty for the seed-only variant).
struct Withheld {
    /// Concepts none of whose labels is known: removed whole.
    concepts: BTreeSet<String>,
    /// Unknown labels of the concepts that keep others.
    labels: BTreeMap<String, BTreeSet<String>>,
}

impl Withheld {
    fn for_case(
        lexicon: &Lexicon,
        texts: &BTreeMap<u32, String>,
        rank: u32,
        general: &[String],
    ) -> Self {
        let known = |label: &str| {
            !label.is_empty()
                && (texts
                    .iter()
                    .any(|(other, text)| *other != rank && text.contains(label))
                    || general.iter().any(|text| text.contains(label)))
        };
        let concepts = lexicon
            .mechanisms
            .iter()
            .chain(lexicon.agency_types.iter().map(|t| &t.concept))
            .chain(lexicon.named_agencies.iter().map(|a| &a.concept));
        let mut withheld = Withheld {
            concepts: BTreeSet::new(),
            labels: BTreeMap::new(),
        };
        for concept in concepts {
            let unknown: BTreeSet<String> = concept
                .labels_zh
                .iter()
                .filter(|l| !known(l))
                .cloned()
                .collect();
            if unknown.len() == concept.labels_zh.len() {
                withheld.concepts.insert(concept.iri.clone());
            } else if !unknown.is_empty() {
                withheld.labels.insert(concept.iri.clone(), unknown);
            }
        }
        withheld
    }

    /// The ontology without what is withheld. A concept whose Chinese
    /// prefLabel is withheld is named by its first known altLabel instead;
    /// `renamed` maps that name back to the prefLabel the key uses.
    fn apply(
        &self,
        ontology: &Ontology,
        lexicon: &Lexicon,
    ) -> (Ontology, BTreeMap<String, String>) {
        let mut new_pref: BTreeMap<&str, &str> = BTreeMap::new();
        let mut renamed = BTreeMap::new();
        let concepts = lexicon
            .mechanisms
            .iter()
            .chain(lexicon.agency_types.iter().map(|t| &t.concept))
            .chain(lexicon.named_agencies.iter().map(|a| &a.concept));
        for concept in concepts {
            let Some(unknown) = self.labels.get(&concept.iri) else {
                continue;
            };
            if unknown.contains(&concept.pref_zh) {
                if let Some(alt) = concept.labels_zh.iter().find(|l| !unknown.contains(*l)) {
                    new_pref.insert(concept.iri.as_str(), alt.as_str());
                    renamed.insert(alt.clone(), concept.pref_zh.clone());
                }
            }
        }
        let pref = NamedNode::new_unchecked(format!("{SKOS}prefLabel"));
        let reduced = ontology.filter_map(|quad| {
            let NamedOrBlankNode::NamedNode(subject) = &quad.subject else {
                return Some(quad.clone());
            };
            if self.concepts.contains(subject.as_str()) {
                return None;
            }
            let Term::Literal(label) = &quad.object else {
                return Some(quad.clone());
            };
            let is_label = [format!("{SKOS}prefLabel"), format!("{SKOS}altLabel")]
                .iter()
                .any(|p| p == quad.predicate.as_str());
            if !is_label || label.language() != Some("zh") {
                return Some(quad.clone());
            }
            if self
                .labels
                .get(subject.as_str())
                .is_some_and(|unknown| unknown.contains(label.value()))
            {
                return None;
            }
            if new_pref.get(subject.as_str()) == Some(&label.value()) {
                let mut promoted = quad.clone();
                promoted.predicate = pref.clone();
                return Some(promoted);
            }
            Some(quad.clone())
        });
        (reduced, renamed)
    }

    fn count(&self) -> usize {
        self.concepts.len()
    }

    fn label_count(&self) -> usize {
        self.labels.values().map(BTreeSet::len).sum()
    }
}

/// Puts back the key's names for concepts a held-out build named otherwise.
fn restore_names(graph: &mut BuiltGraph, renamed: &BTreeMap<String, String>) {
    let restore = |name: &mut String| {
        if let Some(original) = renamed.get(name.as_str()) {
            name.clone_from(original);
        }
    };
    for case in graph.cases.values_mut() {
        case.mechanisms = std::mem::take(&mut case.mechanisms)
            .into_iter()
            .map(|mut m| {
                restore(&mut m);
                m
            })
            .collect();
        for agency in case.agencies.values_mut() {
            if let Some(t) = agency.agency_type.as_mut() {
                restore(t);
            }
        }
    }
    graph.agency_types = std::mem::take(&mut graph.agency_types)
        .into_iter()
        .map(|mut t| {
            restore(&mut t);
            t
        })
        .collect();
}

/// The regulations in `../shared/corpus/regulations/`: the general sources
/// of the national lexicon.
fn regulations() -> Vec<String> {
    let dir = project_path("../shared/corpus/regulations");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension().is_some_and(|x| x == "md")
                && p.file_name().is_some_and(|n| n != "SOURCES.md")
        })
        .collect();
    files.sort();
    assert!(files.len() >= 7, "the regulations are read");
    files
        .iter()
        .map(|f| std::fs::read_to_string(f).expect("a regulation reads"))
        .collect()
}

/// A candidate counts as the key mechanism of the case that has a name it
/// contains or lies inside, the longest such name deciding
/// (住所便利化服务一件事 is 住所便利化, not the family 一件事); otherwise as
/// itself. A key mechanism's names are the labels of its concept in the
/// full lexicon, or, for one the lexicon lacks, its name and the surface
/// the key records.
fn as_key_mechanism(candidate: &str, case: &KeyCase, lexicon: &Lexicon) -> String {
    let curated = lexicon
        .mechanisms
        .iter()
        .filter(|m| case.mechanisms.contains(&m.pref_zh))
        .flat_map(|m| m.labels_zh.iter().map(move |l| (l.as_str(), &m.pref_zh)));
    let unlisted = case
        .mechanisms_not_in_lexicon
        .iter()
        .flat_map(|m| [(m.name.as_str(), &m.name), (m.surface.as_str(), &m.name)]);
    curated
        .chain(unlisted)
        .filter(|(name, _)| {
            !name.is_empty() && (candidate.contains(name) || name.contains(candidate))
        })
        .max_by_key(|(name, _)| name.chars().count())
        .map_or_else(|| candidate.to_owned(), |(_, key)| key.clone())
}

/// Leave-one-case-out: for each case, what the lexicon would lack if the
/// case came from a new document is withheld (`Withheld`), the seed is
/// built again, and that case alone is scored; candidates that match the
/// key count as found (and those that do not as false positives).
///
/// Two variants, printed beside the in-sample figures:
/// - seed only: a label is known when another case of the seed uses it, as
///   if the lexicon had been grown from the seed alone (the first
///   definition of this evaluation);
/// - national: a label is also known when a regulation of
///   `../shared/corpus/regulations/` uses it, the general sources the
///   national lexicon is drawn from. The bars apply to this variant.
#[test]
fn leave_one_case_out_beside_in_sample() {
    let key = read_key();
    let ontology = Ontology::load_dir(&project_path("ontology")).expect("ontology loads");
    let lexicon = Lexicon::from_ontology(&ontology).expect("lexicon reads");
    let collection =
        reformkg::corpus::read_collection(&project_path(SEED)).expect("the seed segments");
    let texts: BTreeMap<u32, String> = collection
        .cases
        .iter()
        .map(|c| (c.rank, c.text.clone()))
        .collect();

    let (in_sample, _) = score_all(&key, &read_graph(&built_store_with(&ontology)));
    let regulations = regulations();
    let seed_only = held_out_scores(&key, &ontology, &lexicon, &texts, &[]);
    let national = held_out_scores(&key, &ontology, &lexicon, &texts, &regulations);
    println!(
        "{:<13} {:>17} {:>19} {:>19}",
        "kind", "in-sample P / R", "seed-only P / R", "national P / R"
    );
    for (i, kind) in KINDS.iter().enumerate() {
        println!(
            "{kind:<13} {:>8.3} / {:.3} {:>10.3} / {:.3} {:>10.3} / {:.3}",
            in_sample[i].precision(),
            in_sample[i].recall(),
            seed_only[i].precision(),
            seed_only[i].recall(),
            national[i].precision(),
            national[i].recall()
        );
    }
    let mechanisms = national[2];
    assert!(in_sample[2].recall() >= 0.95 && in_sample[2].precision() >= 0.95);
    assert!(
        mechanisms.recall() >= LOO_MECHANISM_RECALL,
        "held-out mechanism recall {:.3}",
        mechanisms.recall()
    );
    assert!(
        mechanisms.precision() >= LOO_MECHANISM_PRECISION,
        "held-out mechanism precision {:.3}",
        mechanisms.precision()
    );
}

/// Each case scored with the seed built from the ontology minus what that
/// case alone would have taught it.
fn held_out_scores(
    key: &AnswerKey,
    ontology: &Ontology,
    lexicon: &Lexicon,
    texts: &BTreeMap<u32, String>,
    general: &[String],
) -> Vec<Score> {
    let mut held_out = vec![Score::default(); KINDS.len()];
    // LOO_DEBUG=mechanism (or agency, outcome …) prints the national
    // variant's candidates, and its misses and extras of that kind.
    let debug = std::env::var("LOO_DEBUG")
        .ok()
        .filter(|_| !general.is_empty());
    let (mut concepts, mut labels) = (0, 0);
    for case in &key.cases {
        let withheld = Withheld::for_case(lexicon, texts, case.rank, general);
        concepts += withheld.count();
        labels += withheld.label_count();
        let (reduced, renamed) = withheld.apply(ontology, lexicon);
        let mut graph = read_graph(&built_store_with(&reduced));
        restore_names(&mut graph, &renamed);
        if let Some(found) = graph.cases.get_mut(&case.rank) {
            let candidates = std::mem::take(&mut found.candidates);
            if debug.is_some() {
                println!("  case {:>2} candidates: {candidates:?}", case.rank);
            }
            found.mechanisms.extend(
                candidates
                    .iter()
                    .map(|c| as_key_mechanism(c, case, lexicon)),
            );
        }
        let one = AnswerKey {
            source: key.source.clone(),
            cases: vec![case.clone()],
        };
        let (scores, misses) = score_all(&one, &graph);
        if let Some(kind) = &debug {
            for line in misses.lines.iter().filter(|l| l.contains(kind.as_str())) {
                println!("  {line}");
            }
        }
        for (total, score) in held_out.iter_mut().zip(scores) {
            total.add(score);
        }
    }
    println!(
        "{}: {concepts} concepts and {labels} more labels withheld over {} cases",
        if general.is_empty() {
            "seed only"
        } else {
            "national"
        },
        key.cases.len()
    );
    held_out
}

/// The issue's bar for recall (R >= 0.75 with P >= 0.85), and a floor
/// just under the last measured precision of the national variant (P
/// 0.878, R 0.754: 159 of 211 found, 22 false).
const LOO_MECHANISM_RECALL: f64 = 0.75;
const LOO_MECHANISM_PRECISION: f64 = 0.87;
