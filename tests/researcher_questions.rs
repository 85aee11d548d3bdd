//! The researcher's three questions from issue 3, asked the way a user
//! would (saved queries and `reformkg query` on a built store), checked
//! against the hand-made answer key: which cases use 告知承诺, which involve
//! a court, and what the cases using 免罚清单 report. Every answer row must
//! carry a sentence that is really in that case's text.

mod common;

use common::{build_seed, run, stderr};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

fn key() -> Value {
    let text = std::fs::read_to_string(common::repo().join("tests/answer_key/shanghai-2023.json"))
        .expect("answer key readable");
    serde_json::from_str(&text).expect("answer key is JSON")
}

/// Ranks of the key's cases that satisfy `pred`.
fn key_ranks(pred: impl Fn(&Value) -> bool) -> BTreeSet<u64> {
    key()["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .filter(|c| pred(c))
        .filter_map(|c| c["rank"].as_u64())
        .collect()
}

fn lists(case: &Value, field: &str, value: &str) -> bool {
    case[field]
        .as_array()
        .is_some_and(|items| items.iter().any(|m| m.as_str() == Some(value)))
}

/// Rows of a query's JSON answer as variable → value maps.
fn json_rows(store: &Path, args: &[&str]) -> Vec<BTreeMap<String, String>> {
    let mut full = vec!["query", "--format", "json"];
    full.extend_from_slice(args);
    let output = run(store, &full);
    assert!(output.status.success(), "{}", stderr(&output));
    let answer: Value = serde_json::from_slice(&output.stdout).expect("JSON results");
    answer["results"]["bindings"]
        .as_array()
        .expect("bindings")
        .iter()
        .map(|row| {
            row.as_object()
                .expect("binding object")
                .iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        v["value"].as_str().unwrap_or_default().to_owned(),
                    )
                })
                .collect()
        })
        .collect()
}

/// The case texts by rank, to check quoted sentences against.
fn case_texts(store: &Path) -> BTreeMap<u64, String> {
    json_rows(
        store,
        &["SELECT ?rank ?text WHERE { ?c rk:rank ?rank ; rk:text ?text }"],
    )
    .into_iter()
    .map(|r| (r["rank"].parse().expect("rank"), r["text"].clone()))
    .collect()
}

/// The rank of an answer row: its `rank`, else the end of its case IRI
/// (case:COLLECTION-RANK), as the saved questions give it.
fn rank_of(row: &BTreeMap<String, String>) -> u64 {
    row.get("rank")
        .or_else(|| row.get("case"))
        .and_then(|v| v.rsplit(['-', '/']).next())
        .and_then(|r| r.parse().ok())
        .unwrap_or_else(|| panic!("no rank in {row:?}"))
}

fn ranks(rows: &[BTreeMap<String, String>]) -> BTreeSet<u64> {
    rows.iter().map(rank_of).collect()
}

fn assert_sentences_in_text(rows: &[BTreeMap<String, String>], texts: &BTreeMap<u64, String>) {
    for row in rows {
        let rank = rank_of(row);
        let sentence = row.get("sentence").expect("every row has its sentence");
        assert!(!sentence.is_empty());
        assert!(
            texts[&rank].contains(sentence.as_str()),
            "case {rank}: {sentence}"
        );
    }
}

#[test]
fn cases_using_notification_and_commitment() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = build_seed(dir.path());
    let rows = json_rows(&store, &["cases-by-mechanism"]);
    assert_eq!(
        ranks(&rows),
        key_ranks(|c| lists(c, "mechanisms", "告知承诺"))
    );
    assert_sentences_in_text(&rows, &case_texts(&store));
}

#[test]
fn cases_involving_a_court() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = build_seed(dir.path());
    let rows = json_rows(&store, &["court-cases"]);
    let with_court = key_ranks(|c| {
        c["agencies"]
            .as_array()
            .is_some_and(|a| a.iter().any(|a| a["type"].as_str() == Some("法院")))
    });
    assert_eq!(ranks(&rows), with_court);
    assert_sentences_in_text(&rows, &case_texts(&store));
}

#[test]
fn outcomes_of_cases_using_the_penalty_exemption_list() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = build_seed(dir.path());
    let rows = json_rows(
        &store,
        &["SELECT ?rank ?value ?unit ?sentence WHERE {
             ?m skos:prefLabel \"免罚清单\"@zh .
             ?case rk:usesMechanism ?m ; rk:rank ?rank ; rk:hasOutcome ?o .
             ?o rdf:value ?value ; rk:unit ?unit .
             ?mention rk:case ?case ; rk:mentions ?o ; oa:exact ?sentence }"],
    );
    // Every case of the key that uses 免罚清单 and reports outcomes appears.
    let reporting = key_ranks(|c| {
        lists(c, "mechanisms", "免罚清单")
            && c["outcomes"].as_array().is_some_and(|o| !o.is_empty())
    });
    assert_eq!(ranks(&rows), reporting);
    // The outcomes are the key's: (value, unit) pairs of that case, at the
    // precision bar of issue 3.
    let key = key();
    let unknown: Vec<String> = rows
        .iter()
        .filter(|row| {
            let rank = row["rank"].parse::<u64>().expect("rank");
            let value: f64 = row["value"].parse().expect("decimal");
            let case = key["cases"]
                .as_array()
                .expect("cases")
                .iter()
                .find(|c| c["rank"].as_u64() == Some(rank))
                .expect("case in key");
            !case["outcomes"]
                .as_array()
                .expect("outcomes")
                .iter()
                .any(|o| {
                    o["unit"].as_str() == Some(row["unit"].as_str())
                        && o["value"]
                            .as_f64()
                            .is_some_and(|v| (v - value).abs() < 1e-6)
                })
        })
        .map(|row| format!("case {}: {} {}", row["rank"], row["value"], row["unit"]))
        .collect();
    let precision = 1.0 - unknown.len() as f64 / rows.len() as f64;
    assert!(
        precision >= 0.9,
        "precision {precision:.3}; not in the key: {unknown:?}"
    );
    assert_sentences_in_text(&rows, &case_texts(&store));
}

/// The seed built twice, as two collections (two copies under other names).
fn build_two_collections(dir: &Path) -> std::path::PathBuf {
    build_copies(dir, &["first-copy", "second-copy"])
}

/// The seed built once per name, each copy a collection of its own.
fn build_copies(dir: &Path, names: &[&str]) -> std::path::PathBuf {
    let inputs = dir.join("inputs");
    std::fs::create_dir_all(&inputs).expect("inputs folder");
    let seed = common::repo().join("seeds/shanghai-2023-district-cases.txt");
    for name in names {
        std::fs::copy(&seed, inputs.join(format!("{name}.txt"))).expect("copy of the seed");
    }
    let store = dir.join("store");
    let output = run(&store, &["build", inputs.to_str().expect("utf-8")]);
    assert!(output.status.success(), "{}", stderr(&output));
    store
}

/// With two collections in one store, every rank exists twice: the saved
/// questions must keep cases apart by their IRI, never merge two
/// collections' case 1.
#[test]
fn saved_questions_keep_the_cases_of_two_collections_apart() {
    let dir = tempfile::tempdir().expect("tempdir");
    let one = build_seed(&dir.path().join("one"));
    let two = build_two_collections(&dir.path().join("two"));
    for question in ["cases-by-mechanism", "court-cases", "family-members"] {
        let single = json_rows(&one, &[question]);
        let double = json_rows(&two, &[question]);
        assert!(!single.is_empty(), "{question} answers on the seed");
        assert_eq!(double.len(), 2 * single.len(), "{question}");
        let cases: BTreeSet<&str> = double.iter().map(|r| r["case"].as_str()).collect();
        let single_cases: BTreeSet<&str> = single.iter().map(|r| r["case"].as_str()).collect();
        assert_eq!(cases.len(), 2 * single_cases.len(), "{question}");
    }
    // Pairs are taken within a collection: each collection gives the same
    // pairs as the seed alone, with the same counts, and no case is paired
    // with itself or with a case of another collection.
    let single = json_rows(&one, &["shared-mechanisms"]);
    let double = json_rows(&two, &["shared-mechanisms"]);
    assert!(!single.is_empty(), "the seed has cases sharing mechanisms");
    let collection_of = |iri: &str| {
        ["first-copy", "second-copy"]
            .into_iter()
            .find(|c| iri.contains(c))
            .unwrap_or_else(|| panic!("{iri} is a case of one of the two collections"))
    };
    for copy in ["first-copy", "second-copy"] {
        let mut pairs: Vec<(String, String, String)> = double
            .iter()
            .filter(|p| collection_of(&p["caseA"]) == copy)
            .map(|p| {
                assert_eq!(
                    collection_of(&p["caseB"]),
                    copy,
                    "a pair across collections"
                );
                assert_ne!(p["caseA"], p["caseB"]);
                let rank = |iri: &str| iri.rsplit('-').next().unwrap_or_default().to_owned();
                (rank(&p["caseA"]), rank(&p["caseB"]), p["shared"].clone())
            })
            .collect();
        let mut expected: Vec<(String, String, String)> = single
            .iter()
            .map(|p| {
                let rank = |iri: &str| iri.rsplit('-').next().unwrap_or_default().to_owned();
                (rank(&p["caseA"]), rank(&p["caseB"]), p["shared"].clone())
            })
            .collect();
        pairs.sort();
        expected.sort();
        assert_eq!(pairs, expected, "{copy} pairs as the seed alone");
    }
}

/// The counting questions read whole properties in sub-selects and join
/// them by hashing: with the seed twice, every district has twice the
/// cases and every agency count doubles in total, none lost or counted
/// twice by the joins.
#[test]
fn counting_questions_count_each_case_of_two_collections_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let one = build_seed(&dir.path().join("one"));
    let two = build_two_collections(&dir.path().join("two"));
    let counts = |store: &Path| -> BTreeMap<String, (u64, usize)> {
        json_rows(store, &["districts"])
            .iter()
            .map(|r| {
                let count = r["count"].parse().expect("a count");
                let listed = r["cases"].split(", ").count();
                (r["district"].clone(), (count, listed))
            })
            .collect()
    };
    let single = counts(&one);
    let double = counts(&two);
    assert!(
        single.len() > 5,
        "the seed's cases have districts: {single:?}"
    );
    assert_eq!(
        double.keys().collect::<Vec<_>>(),
        single.keys().collect::<Vec<_>>()
    );
    for (district, (count, listed)) in &single {
        assert_eq!(
            *count, *listed as u64,
            "{district}: the count is the cases listed"
        );
        assert_eq!(double[district], (2 * count, 2 * listed), "{district}");
    }
    let total = |store: &Path| -> u64 {
        json_rows(store, &["agencies-by-district"])
            .iter()
            .map(|r| r["cases"].parse::<u64>().expect("a count"))
            .sum()
    };
    let single_total = total(&one);
    assert!(single_total > 20, "the seed's agencies are counted");
    assert_eq!(total(&two), 2 * single_total);
}

/// `shared-mechanisms` by its definition: every pair of cases of a
/// collection counted from the mechanism links, at question time.
const SHARED_MECHANISMS_BY_COUNTING: &str = r#"
SELECT ?collection ?caseA ?caseB ?shared
       (GROUP_CONCAT(DISTINCT ?label; separator="、") AS ?mechanisms) WHERE {
  {
    SELECT ?collection ?caseA ?caseB ?rankA ?rankB (COUNT(DISTINCT ?m) AS ?shared) WHERE {
      { SELECT ?collection ?caseA ?rankA ?m WHERE {
          ?caseA rk:inCollection ?collection ; rk:rank ?rankA ; rk:usesMechanism ?m } }
      { SELECT ?collection ?caseB ?rankB ?m WHERE {
          ?caseB rk:inCollection ?collection ; rk:rank ?rankB ; rk:usesMechanism ?m } }
      FILTER(?rankA < ?rankB)
    }
    GROUP BY ?collection ?caseA ?caseB ?rankA ?rankB
    ORDER BY DESC(?shared) ?collection ?rankA ?rankB
    LIMIT 200
  }
  ?caseA rk:usesMechanism ?m .
  ?caseB rk:usesMechanism ?m .
  ?m skos:prefLabel ?label FILTER(lang(?label) = "zh")
}
GROUP BY ?collection ?caseA ?caseB ?rankA ?rankB ?shared
ORDER BY DESC(?shared) ?collection ?rankA ?rankB
"#;

/// The saved question reads the pairs a build keeps (200 per collection)
/// and gives what counting every pair gives, row for row, also where the
/// 200th place falls among ties: three identical copies of the seed tie on
/// every pair, so the collections decide which are kept.
#[test]
fn shared_mechanisms_from_stored_pairs_is_the_answer_of_counting_every_pair() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = build_copies(dir.path(), &["copy-a", "copy-b", "copy-c"]);
    let stored = json_rows(&store, &["shared-mechanisms"]);
    let counted = json_rows(&store, &[SHARED_MECHANISMS_BY_COUNTING]);
    assert_eq!(stored.len(), 200, "three seeds have more than 200 pairs");
    let collections: BTreeSet<&str> = stored.iter().map(|r| r["collection"].as_str()).collect();
    assert!(
        collections.len() > 1,
        "the top 200 span collections: {collections:?}"
    );
    assert_eq!(stored, counted);
}
