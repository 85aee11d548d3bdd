//! Every diagram kind on the hand-made graph, in both languages: the DOT is
//! read back with graphviz-rust's parser and checked, and rendered to SVG
//! by the real Graphviz.

mod diagram_fixture;

use diagram_fixture::{case, district, mechanism, store, unwrapped, ParsedDot};
use reformkg::diagram::{self, Diagram, DiagramError, Kind, Lang, Options};
use reformkg::store::sparql::{self as query, Prefixes};
use std::collections::BTreeSet;

fn options(lang: Lang) -> Options {
    Options {
        lang,
        ..Options::default()
    }
}

fn draw(kind: Kind, lang: Lang) -> (Diagram, ParsedDot) {
    let diagram = diagram::draw(&store(), &kind, &options(lang)).expect("draws");
    let parsed = ParsedDot::parse(&diagram.to_dot());
    (diagram, parsed)
}

fn set(items: impl IntoIterator<Item = String>) -> BTreeSet<String> {
    items.into_iter().collect()
}

/// Renders with the real `dot` and checks the SVG names every node.
fn renders(diagram: &Diagram, parsed: &ParsedDot) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("d.svg");
    let written = diagram.write(&path).expect("Graphviz renders the diagram");
    assert!(written.engine.is_some());
    let svg = std::fs::read_to_string(&path).expect("svg written");
    assert!(svg.contains("<svg"), "not an SVG");
    for id in parsed.content_nodes() {
        // Graphviz writes node names into <title>, escaping '-' and '&'.
        let escaped = id.replace('&', "&amp;").replace('-', "&#45;");
        assert!(svg.contains(&escaped), "{id} missing from the SVG");
    }
}

#[test]
fn shared_mechanisms_clusters_cases_by_district_and_keeps_shared_mechanisms() {
    let (diagram, dot) = draw(Kind::SharedMechanisms, Lang::Zh);
    // Used by two or more cases: m2 (t-1, t-2), m3 (t-1..t-3), m4 (t-2, t-3),
    // m5 (t-4, t-5). Every case uses one of them.
    let expected: BTreeSet<String> = set((1..=5).map(case).chain([2, 3, 4, 5].map(mechanism)));
    assert_eq!(dot.content_nodes(), expected);
    for (n, d) in [(1, "a"), (2, "a"), (3, "b"), (4, "b"), (5, "c")] {
        assert_eq!(
            dot.nodes[&case(n)].innermost_cluster(),
            Some(format!("cluster_{}", district(d)).as_str()),
            "t-{n} sits in its district's cluster"
        );
    }
    assert_eq!(
        dot.clusters[&format!("cluster_{}", district("a"))]["label"],
        "甲区"
    );
    // Every edge is a real use of a shown mechanism.
    let uses: BTreeSet<(String, String)> = [
        (1, 2),
        (1, 3),
        (2, 2),
        (2, 3),
        (2, 4),
        (3, 3),
        (3, 4),
        (4, 5),
        (5, 5),
    ]
    .into_iter()
    .map(|(c, m)| (case(c), mechanism(m)))
    .collect();
    assert_eq!(dot.visible_edges(), uses);
    // The font grows with use: m3 (3 cases) larger than m2 (2 cases).
    let font = |m: u32| -> u32 {
        dot.nodes[&mechanism(m)].attrs["fontsize"]
            .parse()
            .expect("a size")
    };
    assert!(font(3) > font(2));
    assert_eq!(font(2), font(4));
    assert_eq!(unwrapped(dot.nodes[&mechanism(3)].label()), "一网通办 (3)");
    assert_eq!(dot.graph_attrs["fontname"], "Noto Sans CJK SC");
    // Lines take their mechanism's family colour: m2 and m3 are of one
    // family, m4 and m5 of another.
    let colour = |c: u32, m: u32| dot.edge(&case(c), &mechanism(m)).expect("edge")["color"].clone();
    assert_eq!(colour(1, 2), colour(1, 3));
    assert_eq!(colour(2, 4), colour(4, 5));
    assert_ne!(colour(1, 3), colour(3, 4));
    // The legend (the graph label, a table) has the title and names the
    // families shown, from their labels in the store.
    let legend = &dot.graph_attrs["label"];
    for word in ["测试案例集", "甲族", "乙族", "案例"] {
        assert!(legend.contains(word), "{word} not in the legend {legend}");
    }
    // Every node is placed: Graphviz moves nothing.
    assert!(dot.nodes.values().all(|n| n.attrs.contains_key("pos")));
    renders(&diagram, &dot);
}

#[test]
fn shared_mechanisms_in_english_falls_back_per_label() {
    let (diagram, dot) = draw(Kind::SharedMechanisms, Lang::En);
    assert_eq!(
        unwrapped(dot.nodes[&mechanism(3)].label()),
        "One network (3)"
    );
    assert_eq!(unwrapped(dot.nodes[&mechanism(4)].label()), "免罚清单 (2)");
    assert_eq!(
        dot.clusters[&format!("cluster_{}", district("b"))]["label"],
        "District B"
    );
    assert_eq!(
        dot.clusters[&format!("cluster_{}", district("c"))]["label"],
        "丙区"
    );
    assert!(dot.graph_attrs["label"].contains("Family B"));
    renders(&diagram, &dot);
}

#[test]
fn a_higher_min_cases_keeps_fewer_mechanisms_and_cases() {
    let store = store();
    let diagram = diagram::draw(
        &store,
        &Kind::SharedMechanisms,
        &Options {
            min_cases: 3,
            ..Options::default()
        },
    )
    .expect("draws");
    let dot = ParsedDot::parse(&diagram.to_dot());
    // Only m3 has three cases: t-1, t-2, t-3.
    assert_eq!(
        dot.content_nodes(),
        set([case(1), case(2), case(3), mechanism(3)])
    );
}

#[test]
fn case_network_joins_cases_sharing_enough_mechanisms() {
    let store = store();
    let one = diagram::draw(
        &store,
        &Kind::CaseNetwork,
        &Options {
            min_shared: 1,
            ..Options::default()
        },
    )
    .expect("draws");
    let dot = ParsedDot::parse(&one.to_dot());
    let pairs = |list: &[(u32, u32)]| -> BTreeSet<(String, String)> {
        list.iter().map(|&(a, b)| (case(a), case(b))).collect()
    };
    assert_eq!(
        dot.visible_edges(),
        pairs(&[(1, 2), (1, 3), (2, 3), (4, 5)])
    );
    let t1_t2 = dot.edge(&case(1), &case(2)).expect("t-1–t-2");
    assert_eq!(t1_t2["label"], "容缺受理\n一网通办");
    let width = |a, b| -> f64 {
        dot.edge(&case(a), &case(b)).expect("edge")["penwidth"]
            .parse()
            .expect("a number")
    };
    assert!(width(1, 2) > width(1, 3), "two shared draw wider than one");
    // Two communities: {t-1, t-2, t-3} and {t-4, t-5}.
    let colour = |n| dot.nodes[&case(n)].attrs["fillcolor"].clone();
    assert_eq!(colour(1), colour(3));
    assert_eq!(colour(4), colour(5));
    assert_ne!(colour(1), colour(4));
    renders(&one, &dot);

    let (two, dot) = draw(Kind::CaseNetwork, Lang::En);
    assert_eq!(dot.visible_edges(), pairs(&[(1, 2), (2, 3)]));
    assert_eq!(
        dot.edge(&case(2), &case(3)).expect("edge")["label"],
        "One network\n免罚清单"
    );
    assert!(dot.nodes[&case(2)].label().starts_with("District A\n"));
    renders(&two, &dot);
}

#[test]
fn mechanism_network_joins_mechanisms_used_together() {
    let (diagram, dot) = draw(Kind::MechanismNetwork, Lang::Zh);
    // Co-occurring in two cases: m2–m3 (t-1, t-2) and m3–m4 (t-2, t-3).
    // m5 is used twice but never with another frequent one: not drawn.
    assert_eq!(dot.content_nodes(), set([2, 3, 4].map(mechanism)));
    assert_eq!(
        dot.visible_edges(),
        [(2, 3), (3, 4)]
            .into_iter()
            .map(|(a, b)| (mechanism(a), mechanism(b)))
            .collect()
    );
    renders(&diagram, &dot);
    let (_, english) = draw(Kind::MechanismNetwork, Lang::En);
    assert_eq!(
        unwrapped(english.nodes[&mechanism(2)].label()),
        "Acceptance with deficiencies (2)"
    );
}

#[test]
fn case_diagram_shows_everything_linked_to_one_case() {
    for lang in [Lang::Zh, Lang::En] {
        let (diagram, dot) = draw(Kind::Case("1".to_owned()), lang);
        let agency = |a: &str| format!("https://w3id.org/reformkg/id/agency/{a}");
        let expected = set([
            case(1),
            district("a"),
            mechanism(1),
            mechanism(2),
            mechanism(3),
            agency("a-court"),
            agency("a-tax"),
            "https://w3id.org/reformkg/id/outcome/t-1-1".to_owned(),
            "https://w3id.org/reformkg/id/document/d1".to_owned(),
        ]);
        assert_eq!(dot.content_nodes(), expected);
        assert!(dot.directed);
        // Agencies are grouped by type inside the agencies cluster.
        let court = &dot.nodes[&agency("a-court")];
        assert_eq!(
            court.clusters,
            [
                "cluster_involvesAgency".to_owned(),
                "cluster_https://w3id.org/reformkg/id/agency-type/court".to_owned()
            ]
        );
        let (mechanisms_label, court_label, lead) = match lang {
            Lang::Zh => ("采用机制", "法院", "牵头机构"),
            Lang::En => ("uses mechanism", "Court", "lead agency"),
        };
        assert_eq!(
            dot.clusters["cluster_usesMechanism"]["label"],
            mechanisms_label
        );
        assert_eq!(
            dot.clusters["cluster_https://w3id.org/reformkg/id/agency-type/court"]["label"],
            court_label
        );
        assert_eq!(
            dot.edge(&case(1), &agency("a-court")).expect("edge")["label"],
            lead
        );
        assert_eq!(
            dot.nodes["https://w3id.org/reformkg/id/outcome/t-1-1"].label(),
            "1.2万件\n办理业务"
        );
        renders(&diagram, &dot);
    }
}

#[test]
fn construct_results_fold_literals_and_colour_by_class() {
    let sparql = "CONSTRUCT { ?case rk:usesMechanism ?m ; rk:rank ?rank ; a rk:Case }
                  WHERE { ?case rk:usesMechanism ?m ; rk:rank ?rank FILTER(?rank <= 2) }";
    let (diagram, dot) = draw(Kind::Query(sparql.to_owned()), Lang::En);
    assert_eq!(
        dot.content_nodes(),
        set([
            case(1),
            case(2),
            mechanism(1),
            mechanism(2),
            mechanism(3),
            mechanism(4)
        ])
    );
    assert_eq!(
        dot.edge(&case(1), &mechanism(1)).expect("edge")["label"],
        "uses mechanism"
    );
    // The rank literal is folded into the case's node, labelled by language.
    assert_eq!(dot.nodes[&case(1)].label(), "第一个案例：告知承诺\nrank: 1");
    // Cases and mechanisms (typed from the store) differ in colour.
    assert_ne!(
        dot.nodes[&case(1)].attrs["fillcolor"],
        dot.nodes[&mechanism(1)].attrs["fillcolor"]
    );
    assert!(dot
        .nodes
        .contains_key("legend:https://w3id.org/reformkg/ontology#Mechanism"));
    renders(&diagram, &dot);
}

#[test]
fn two_column_selects_draw_one_edge_a_row() {
    let sparql =
        "SELECT ?m ?d WHERE { ?c rk:usesMechanism ?m ; rk:district ?d FILTER(?d = district:b) }";
    let (diagram, dot) = draw(Kind::Query(sparql.to_owned()), Lang::Zh);
    assert_eq!(
        dot.visible_edges(),
        [3, 4, 5]
            .into_iter()
            .map(|m| (district("b"), mechanism(m)))
            .collect()
    );
    assert_eq!(dot.nodes[&district("b")].label(), "乙区");
    renders(&diagram, &dot);
}

#[test]
fn from_answer_draws_what_the_repl_holds() {
    let store = store();
    let answer = query::run(
        &store,
        "SELECT ?c ?m WHERE { ?c rk:usesMechanism ?m FILTER(?c = case:t-4) }",
        &Prefixes::default(),
        None,
    )
    .expect("runs")
    .answer;
    let diagram = diagram::from_answer(&store, &answer, Lang::Zh).expect("two columns draw");
    let dot = ParsedDot::parse(&diagram.to_dot());
    assert_eq!(
        dot.visible_edges(),
        [(case(4), mechanism(5))].into_iter().collect()
    );
    assert_eq!(dot.nodes[&mechanism(5)].label(), "信易贷");

    let three = query::run(
        &store,
        "SELECT ?c ?m ?r WHERE { ?c rk:usesMechanism ?m ; rk:rank ?r }",
        &Prefixes::default(),
        None,
    )
    .expect("runs")
    .answer;
    let err = diagram::from_answer(&store, &three, Lang::Zh).expect_err("three columns");
    assert!(matches!(err, DiagramError::NotDrawable(_)), "{err}");
    let ask = query::run(&store, "ASK { ?s ?p ?o }", &Prefixes::default(), None)
        .expect("runs")
        .answer;
    assert!(diagram::from_answer(&store, &ask, Lang::Zh).is_err());
}

#[test]
fn an_update_in_a_query_file_is_refused_and_changes_nothing() {
    let store = store();
    let before = store.len().expect("len");
    let err = diagram::draw(
        &store,
        &Kind::Query("DELETE WHERE { ?s ?p ?o }".to_owned()),
        &Options::default(),
    )
    .expect_err("updates are refused");
    assert!(matches!(err, DiagramError::Update), "{err}");
    assert_eq!(store.len().expect("len"), before);
    let syntax = diagram::draw(
        &store,
        &Kind::Query("SELEC ?x".to_owned()),
        &Options::default(),
    )
    .expect_err("bad SPARQL");
    assert!(syntax.to_string().contains("invalid SPARQL"), "{syntax}");
}

#[test]
fn dot_output_and_unknown_extensions() {
    let (diagram, _) = draw(Kind::SharedMechanisms, Lang::Zh);
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("d.gv");
    let written = diagram.write(&path).expect("writes DOT");
    assert_eq!(written.engine, None);
    let text = std::fs::read_to_string(&path).expect("written");
    assert_eq!(text, diagram.to_dot());
    let err = diagram
        .write(&dir.path().join("d.jpeg"))
        .expect_err("jpeg is not offered");
    assert!(matches!(err, DiagramError::UnsupportedOutput(_)));
}
