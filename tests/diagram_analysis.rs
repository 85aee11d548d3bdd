//! The analysis behind the diagrams, on a hand-made graph whose numbers
//! were worked out by hand (see the table in diagram_fixture).

mod diagram_fixture;

use diagram_fixture::{case, mechanism, store};
use petgraph::graph::NodeIndex;
use reformkg::diagram::analysis::{
    case_network, case_pairs, co_occurrence, communities, components, mechanism_frequency,
    mechanism_network, similar_cases,
};
use reformkg::diagram::{DiagramError, Labels, Lang, ReformGraph};
use std::collections::BTreeMap;

fn graph() -> ReformGraph {
    ReformGraph::load(&store()).expect("the fixture loads")
}

fn ix(g: &ReformGraph, iri: &str) -> NodeIndex {
    g.index_of(iri)
        .unwrap_or_else(|| panic!("{iri} is in the graph"))
}

/// Short names (t-1, m3) for readable assertions.
fn short(g: &ReformGraph, n: NodeIndex) -> String {
    g.iri(n).rsplit('/').next().unwrap_or_default().to_owned()
}

#[test]
fn the_graph_holds_cases_mechanisms_and_districts() {
    let g = graph();
    assert_eq!(g.cases().len(), 5);
    let ranks: Vec<Option<i64>> = g.cases().iter().map(|&c| g.resource(c).rank).collect();
    assert_eq!(ranks, [1, 2, 3, 4, 5].map(Some));
    let t3 = ix(&g, &case(3));
    assert_eq!(
        g.district_of(t3).map(|d| g.iri(d).to_owned()),
        Some(diagram_fixture::district("b"))
    );
    let t1 = ix(&g, &case(1));
    let names: Vec<String> = g
        .mechanisms_of(t1)
        .into_iter()
        .map(|m| short(&g, m))
        .collect();
    assert_eq!(names, ["m1", "m2", "m3"]);
}

#[test]
fn pairwise_shared_counts_and_jaccard() {
    let g = graph();
    let got: BTreeMap<(String, String), (Vec<String>, f64)> = case_pairs(&g)
        .iter()
        .map(|p| {
            let shared = p.shared.iter().map(|&m| short(&g, m)).collect();
            ((short(&g, p.a), short(&g, p.b)), (shared, p.jaccard()))
        })
        .collect();
    // By hand: t-1 ∩ t-2 = {m2, m3}, ∪ = {m1..m4} → 2/4; t-1 ∩ t-3 = {m3},
    // ∪ = {m1..m4} → 1/4; t-2 ∩ t-3 = {m3, m4}, ∪ = {m2, m3, m4} → 2/3;
    // t-4 ∩ t-5 = {m5}, ∪ = {m5, m6} → 1/2. No other pair shares anything.
    let expected: [((&str, &str), &[&str], f64); 4] = [
        (("t-1", "t-2"), &["m2", "m3"], 0.5),
        (("t-1", "t-3"), &["m3"], 0.25),
        (("t-2", "t-3"), &["m3", "m4"], 2.0 / 3.0),
        (("t-4", "t-5"), &["m5"], 0.5),
    ];
    assert_eq!(got.len(), expected.len(), "{got:?}");
    for ((a, b), shared, jaccard) in expected {
        let (got_shared, got_jaccard) = &got[&(a.to_owned(), b.to_owned())];
        assert_eq!(got_shared, shared, "{a} and {b}");
        assert_eq!(got_shared.len(), shared.len());
        assert!(
            (got_jaccard - jaccard).abs() < 1e-12,
            "{a} {b}: {got_jaccard}"
        );
    }
}

#[test]
fn mechanism_frequency_and_co_occurrence() {
    let g = graph();
    let freq: Vec<(String, usize)> = mechanism_frequency(&g)
        .into_iter()
        .map(|(m, n)| (short(&g, m), n))
        .collect();
    let expected = [
        ("m3", 3),
        ("m2", 2),
        ("m4", 2),
        ("m5", 2),
        ("m1", 1),
        ("m6", 1),
    ];
    assert_eq!(
        freq,
        expected.map(|(m, n)| (m.to_owned(), n)).to_vec(),
        "most used first, ties by IRI"
    );

    let together: BTreeMap<(String, String), usize> = co_occurrence(&g)
        .into_iter()
        .map(|p| ((short(&g, p.a), short(&g, p.b)), p.cases.len()))
        .collect();
    // t-1 gives m1-m2, m1-m3, m2-m3; t-2 gives m2-m3, m2-m4, m3-m4;
    // t-3 gives m3-m4; t-5 gives m5-m6.
    let expected = [
        (("m1", "m2"), 1),
        (("m1", "m3"), 1),
        (("m2", "m3"), 2),
        (("m2", "m4"), 1),
        (("m3", "m4"), 2),
        (("m5", "m6"), 1),
    ];
    let expected: BTreeMap<(String, String), usize> = expected
        .into_iter()
        .map(|((a, b), n)| ((a.to_owned(), b.to_owned()), n))
        .collect();
    assert_eq!(together, expected);
}

#[test]
fn groups_above_a_threshold_and_communities() {
    let g = graph();
    let names = |groups: Vec<Vec<NodeIndex>>| -> Vec<Vec<String>> {
        groups
            .into_iter()
            .map(|grp| grp.into_iter().map(|c| short(&g, c)).collect())
            .collect()
    };
    let one = case_network(&g, 1);
    assert_eq!(one.edge_count(), 4);
    assert_eq!(
        names(components(&one)),
        vec![vec!["t-1", "t-2", "t-3"], vec!["t-4", "t-5"]]
    );
    // At two shared mechanisms only t-1–t-2 and t-2–t-3 remain.
    let two = case_network(&g, 2);
    assert_eq!(two.edge_count(), 2);
    assert_eq!(names(components(&two)), vec![vec!["t-1", "t-2", "t-3"]]);

    let community = communities(&one, |p| p.count() as f64);
    let by_case: BTreeMap<String, usize> = one
        .node_indices()
        .map(|n| (short(&g, one[n]), community[n.index()]))
        .collect();
    assert_eq!(by_case["t-1"], by_case["t-2"]);
    assert_eq!(by_case["t-2"], by_case["t-3"]);
    assert_eq!(by_case["t-4"], by_case["t-5"]);
    assert_ne!(by_case["t-1"], by_case["t-4"]);

    let mechanisms = mechanism_network(&g, 2, 2);
    let nodes: Vec<String> = mechanisms.node_weights().map(|&m| short(&g, m)).collect();
    assert_eq!(nodes, ["m3", "m2", "m4", "m5"]);
    assert_eq!(mechanisms.edge_count(), 2, "m2–m3 and m3–m4 co-occur twice");
}

#[test]
fn similar_cases_rank_by_jaccard_then_count() {
    let g = graph();
    let t3 = ix(&g, &case(3));
    let similar: Vec<(String, usize, f64)> = similar_cases(&g, t3)
        .iter()
        .map(|p| (short(&g, p.other(t3)), p.count(), p.jaccard()))
        .collect();
    assert_eq!(similar.len(), 2);
    assert_eq!((similar[0].0.as_str(), similar[0].1), ("t-2", 2));
    assert!((similar[0].2 - 2.0 / 3.0).abs() < 1e-12);
    assert_eq!((similar[1].0.as_str(), similar[1].1), ("t-1", 1));
    assert!((similar[1].2 - 0.25).abs() < 1e-12);
}

#[test]
fn the_similar_report_lists_shared_mechanisms_by_label() {
    let report =
        reformkg::diagram::similar(&store(), "case:t-2", Lang::Zh, 10).expect("t-2 exists");
    assert_eq!(report.mechanisms, 3);
    let firsts: Vec<(Option<i64>, Vec<String>)> = report
        .similar
        .iter()
        .map(|s| (s.rank, s.shared.clone()))
        .collect();
    // t-3: 2/3, t-1: 2/4.
    assert_eq!(
        firsts,
        vec![
            (Some(3), vec!["一网通办".to_owned(), "免罚清单".to_owned()]),
            (Some(1), vec!["容缺受理".to_owned(), "一网通办".to_owned()]),
        ]
    );
    let text = report.to_string();
    assert!(text.contains("0.667") && text.contains("0.500"), "{text}");
    let english = reformkg::diagram::similar(&store(), "2", Lang::En, 1).expect("rank 2 exists");
    assert_eq!(english.similar.len(), 1, "the limit applies");
    assert_eq!(english.similar[0].shared, ["One network", "免罚清单"]);
    assert_eq!(english.similar[0].district.as_deref(), Some("District B"));
}

#[test]
fn cases_are_found_by_rank_iri_prefixed_or_local_name() {
    let g = graph();
    let t5 = ix(&g, &case(5));
    for spec in ["5", "case:t-5", "t-5", &format!("<{}>", case(5)), &case(5)] {
        assert_eq!(g.find_case(spec).ok(), Some(t5), "{spec}");
    }
    assert!(matches!(
        g.find_case("9"),
        Err(DiagramError::UnknownCase(_))
    ));
    assert!(matches!(
        g.find_case(&mechanism(1)),
        Err(DiagramError::UnknownCase(_))
    ));
}

#[test]
fn a_rank_shared_by_two_collections_is_ambiguous() {
    let store = store();
    store
        .load_from_reader(
            oxigraph::io::RdfFormat::Turtle,
            "<https://w3id.org/reformkg/id/case/u-5> a <https://w3id.org/reformkg/ontology#Case> ; \
             <https://w3id.org/reformkg/ontology#rank> 5 ."
                .as_bytes(),
        )
        .expect("loads");
    let g = ReformGraph::load(&store).expect("loads");
    let err = g.find_case("5").expect_err("two cases have rank 5");
    let message = err.to_string();
    assert!(
        message.contains("case:t-5") && message.contains("case:u-5"),
        "{message}"
    );
}

#[test]
fn labels_fall_back_to_the_other_language_then_the_local_name() {
    let store = store();
    let zh = Labels::load(&store, Lang::Zh).expect("labels");
    let en = Labels::load(&store, Lang::En).expect("labels");
    assert_eq!(zh.get(&mechanism(3)), "一网通办");
    assert_eq!(en.get(&mechanism(3)), "One network");
    assert_eq!(
        en.get(&mechanism(4)),
        "免罚清单",
        "no @en label: the @zh one"
    );
    assert_eq!(en.get(&mechanism(6)), "m6", "no label: the local name");
    assert_eq!(zh.term("Case"), "案例");
    assert_eq!(en.term("Case"), "Case");
}
