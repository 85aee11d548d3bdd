//! A small hand-made reform graph for the diagram tests, and a reader for
//! the DOT the diagrams produce (graphviz-rust's own parser).
#![allow(dead_code)]

use graphviz_rust::dot_structures::{Attribute, EdgeTy, Graph, Id, Stmt, Vertex};
use oxigraph::io::RdfFormat;
use oxigraph::store::Store;
use std::collections::{BTreeMap, BTreeSet};

pub const CASE: &str = "https://w3id.org/reformkg/id/case/";
pub const MECHANISM: &str = "https://w3id.org/reformkg/id/mechanism/";
pub const DISTRICT: &str = "https://w3id.org/reformkg/id/district/";

/// Five cases in three districts:
///
/// | case | district | mechanisms |
/// |------|----------|------------|
/// | t-1  | a        | m1 m2 m3   |
/// | t-2  | a        | m2 m3 m4   |
/// | t-3  | b        | m3 m4      |
/// | t-4  | b        | m5         |
/// | t-5  | c        | m5 m6      |
///
/// m4 and district c have only a Chinese label, m6 has none. m1–m3 are
/// of family fa (甲族), m4 and m5 of fb (乙族); m6 has no family.
pub const TURTLE: &str = r#"
@prefix rk:         <https://w3id.org/reformkg/ontology#> .
@prefix rdfs:       <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos:       <http://www.w3.org/2004/02/skos/core#> .
@prefix dct:        <http://purl.org/dc/terms/> .
@prefix collection: <https://w3id.org/reformkg/id/collection/> .
@prefix case:       <https://w3id.org/reformkg/id/case/> .
@prefix district:   <https://w3id.org/reformkg/id/district/> .
@prefix mechanism:  <https://w3id.org/reformkg/id/mechanism/> .
@prefix agency:     <https://w3id.org/reformkg/id/agency/> .
@prefix agencytype: <https://w3id.org/reformkg/id/agency-type/> .
@prefix outcome:    <https://w3id.org/reformkg/id/outcome/> .
@prefix doc:        <https://w3id.org/reformkg/id/document/> .

rk:Case rdfs:label "案例"@zh , "Case"@en .
rk:District rdfs:label "行政区"@zh , "District"@en .
rk:Mechanism rdfs:label "改革机制"@zh , "Reform mechanism"@en .
rk:Agency rdfs:label "机构"@zh , "Agency"@en .
rk:district rdfs:label "所属区"@zh , "district"@en .
rk:involvesAgency rdfs:label "涉及机构"@zh , "involves agency"@en .
rk:leadAgency rdfs:label "牵头机构"@zh , "lead agency"@en .
rk:usesMechanism rdfs:label "采用机制"@zh , "uses mechanism"@en .
rk:hasOutcome rdfs:label "取得成效"@zh , "has outcome"@en .
rk:citesDocument rdfs:label "引用文件"@zh , "cites document"@en .
rk:rank rdfs:label "排名"@zh , "rank"@en .

collection:t a rk:CaseCollection ; rdfs:label "测试案例集"@zh , "Test cases"@en .

district:a a rk:District ; skos:prefLabel "甲区"@zh , "District A"@en .
district:b a rk:District ; skos:prefLabel "乙区"@zh , "District B"@en .
district:c a rk:District ; skos:prefLabel "丙区"@zh .

mechanism:fa a rk:Mechanism ; skos:topConceptOf <https://w3id.org/reformkg/id/scheme/t> ;
    skos:prefLabel "甲族"@zh , "Family A"@en .
mechanism:fb a rk:Mechanism ; skos:topConceptOf <https://w3id.org/reformkg/id/scheme/t> ;
    skos:prefLabel "乙族"@zh , "Family B"@en .
mechanism:m1 a rk:Mechanism ; skos:broader mechanism:fa ; skos:prefLabel "告知承诺"@zh , "Notification and commitment"@en .
mechanism:m2 a rk:Mechanism ; skos:broader mechanism:fa ; skos:prefLabel "容缺受理"@zh , "Acceptance with deficiencies"@en .
mechanism:m3 a rk:Mechanism ; skos:broader mechanism:fa ; skos:prefLabel "一网通办"@zh , "One network"@en .
mechanism:m4 a rk:Mechanism ; skos:broader mechanism:fb ; skos:prefLabel "免罚清单"@zh .
mechanism:m5 a rk:Mechanism ; skos:broader mechanism:fb ; skos:prefLabel "信易贷"@zh , "Credit-easy loans"@en .
mechanism:m6 a rk:Mechanism .

agencytype:court skos:prefLabel "法院"@zh , "Court"@en .
agencytype:tax skos:prefLabel "税务局"@zh , "Tax bureau"@en .
agency:a-court a rk:Agency ; skos:prefLabel "甲区法院"@zh , "District A Court"@en ;
    rk:agencyType agencytype:court .
agency:a-tax a rk:Agency ; skos:prefLabel "甲区税务局"@zh , "District A Tax Bureau"@en ;
    rk:agencyType agencytype:tax .
outcome:t-1-1 a rk:Outcome ; rdfs:label "1.2万件"@zh ; rk:metric "办理业务"@zh .
doc:d1 a rk:PolicyDocument ; rdfs:label "优化营商环境条例"@zh .

case:t-1 a rk:Case ; rk:rank 1 ; rk:inCollection collection:t ;
    dct:title "第一个案例：告知承诺"@zh ; rdfs:label "第一个案例：告知承诺"@zh ;
    rk:district district:a ;
    rk:usesMechanism mechanism:m1 , mechanism:m2 , mechanism:m3 ;
    rk:involvesAgency agency:a-court , agency:a-tax ; rk:leadAgency agency:a-court ;
    rk:hasOutcome outcome:t-1-1 ; rk:citesDocument doc:d1 .
case:t-2 a rk:Case ; rk:rank 2 ; rk:inCollection collection:t ;
    rdfs:label "第二个案例"@zh ; rk:district district:a ;
    rk:usesMechanism mechanism:m2 , mechanism:m3 , mechanism:m4 .
case:t-3 a rk:Case ; rk:rank 3 ; rk:inCollection collection:t ;
    rdfs:label "第三个案例"@zh ; rk:district district:b ;
    rk:usesMechanism mechanism:m3 , mechanism:m4 .
case:t-4 a rk:Case ; rk:rank 4 ; rk:inCollection collection:t ;
    rdfs:label "第四个案例"@zh ; rk:district district:b ;
    rk:usesMechanism mechanism:m5 .
case:t-5 a rk:Case ; rk:rank 5 ; rk:inCollection collection:t ;
    rdfs:label "第五个案例"@zh ; rk:district district:c ;
    rk:usesMechanism mechanism:m5 , mechanism:m6 .
"#;

/// The fixture in an in-memory Oxigraph store.
pub fn store() -> Store {
    let store = Store::new().expect("in-memory store");
    store
        .load_from_reader(RdfFormat::Turtle, TURTLE.as_bytes())
        .expect("the fixture is valid Turtle");
    store
}

pub fn case(n: u32) -> String {
    format!("{CASE}t-{n}")
}

pub fn mechanism(n: u32) -> String {
    format!("{MECHANISM}m{n}")
}

pub fn district(name: &str) -> String {
    format!("{DISTRICT}{name}")
}

/// A node of a parsed DOT graph.
#[derive(Debug, Clone, Default)]
pub struct DotNode {
    pub attrs: BTreeMap<String, String>,
    /// The clusters around the node's declaration, outermost first.
    pub clusters: Vec<String>,
}

impl DotNode {
    pub fn label(&self) -> &str {
        self.attrs.get("label").map(String::as_str).unwrap_or("")
    }

    pub fn innermost_cluster(&self) -> Option<&str> {
        self.clusters.last().map(String::as_str)
    }
}

/// A DOT graph read back with graphviz-rust's parser: nodes by ID (with
/// the clusters they are declared in), edges, and graph attributes.
#[derive(Debug, Default)]
pub struct ParsedDot {
    pub nodes: BTreeMap<String, DotNode>,
    pub edges: Vec<(String, String, BTreeMap<String, String>)>,
    pub clusters: BTreeMap<String, BTreeMap<String, String>>,
    pub graph_attrs: BTreeMap<String, String>,
    pub directed: bool,
}

impl ParsedDot {
    pub fn parse(text: &str) -> ParsedDot {
        let graph =
            graphviz_rust::parse(text).unwrap_or_else(|e| panic!("invalid DOT: {e}\n{text}"));
        let mut parsed = ParsedDot::default();
        let stmts = match graph {
            Graph::Graph { stmts, .. } => stmts,
            Graph::DiGraph { stmts, .. } => {
                parsed.directed = true;
                stmts
            }
        };
        parsed.walk(&stmts, &mut Vec::new());
        parsed
    }

    fn walk(&mut self, stmts: &[Stmt], clusters: &mut Vec<String>) {
        for stmt in stmts {
            match stmt {
                Stmt::Node(n) => {
                    let id = text(&n.id.0);
                    let entry = self.nodes.entry(id).or_default();
                    entry.attrs.extend(attrs(&n.attributes));
                    entry.clusters = clusters.clone();
                }
                Stmt::Edge(e) => {
                    if let EdgeTy::Pair(Vertex::N(a), Vertex::N(b)) = &e.ty {
                        self.edges
                            .push((text(&a.0), text(&b.0), attrs(&e.attributes)));
                    }
                }
                Stmt::Subgraph(s) => {
                    let name = text(&s.id);
                    let own = s.stmts.iter().find_map(|st| match st {
                        Stmt::GAttribute(
                            graphviz_rust::dot_structures::GraphAttributes::Graph(a),
                        ) => Some(attrs(a)),
                        _ => None,
                    });
                    self.clusters.insert(name.clone(), own.unwrap_or_default());
                    clusters.push(name);
                    self.walk(&s.stmts, clusters);
                    clusters.pop();
                }
                Stmt::GAttribute(graphviz_rust::dot_structures::GraphAttributes::Graph(a))
                    if clusters.is_empty() =>
                {
                    self.graph_attrs.extend(attrs(a));
                }
                _ => {}
            }
        }
    }

    /// Node IDs that are not legend samples.
    pub fn content_nodes(&self) -> BTreeSet<String> {
        self.nodes
            .keys()
            .filter(|id| !id.starts_with("legend:"))
            .cloned()
            .collect()
    }

    /// The nodes linked to `id` by an edge (either direction).
    pub fn neighbours(&self, id: &str) -> BTreeSet<String> {
        self.edges
            .iter()
            .filter_map(|(a, b, _)| {
                if a == id {
                    Some(b.clone())
                } else if b == id {
                    Some(a.clone())
                } else {
                    None
                }
            })
            .collect()
    }

    /// The edge between two nodes, in either direction.
    pub fn edge(&self, x: &str, y: &str) -> Option<&BTreeMap<String, String>> {
        self.edges
            .iter()
            .find(|(a, b, _)| (a == x && b == y) || (a == y && b == x))
            .map(|(_, _, attrs)| attrs)
    }

    pub fn visible_edges(&self) -> BTreeSet<(String, String)> {
        self.edges
            .iter()
            .filter(|(_, _, a)| a.get("style").map(String::as_str) != Some("invis"))
            .map(|(a, b, _)| {
                if a < b {
                    (a.clone(), b.clone())
                } else {
                    (b.clone(), a.clone())
                }
            })
            .collect()
    }
}

fn attrs(list: &[Attribute]) -> BTreeMap<String, String> {
    list.iter()
        .map(|Attribute(k, v)| (text(k), text(v)))
        .collect()
}

/// The text of a DOT ID, quotes and escapes removed.
pub fn text(id: &Id) -> String {
    match id {
        Id::Escaped(s) => {
            let inner = s
                .strip_prefix('"')
                .and_then(|s| s.strip_suffix('"'))
                .unwrap_or(s);
            let mut out = String::new();
            let mut chars = inner.chars();
            while let Some(c) = chars.next() {
                if c == '\\' {
                    match chars.next() {
                        Some('"') => out.push('"'),
                        Some('\\') => out.push('\\'),
                        Some('n') => out.push('\n'),
                        Some(other) => {
                            out.push('\\');
                            out.push(other);
                        }
                        None => out.push('\\'),
                    }
                } else {
                    out.push(c);
                }
            }
            out
        }
        Id::Html(s) | Id::Plain(s) | Id::Anonymous(s) => s.clone(),
    }
}

/// A label with its line breaks removed, for matching wrapped text.
pub fn unwrapped(label: &str) -> String {
    label.replace('\n', "")
}
