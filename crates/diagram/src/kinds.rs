//! The diagram kinds built from the [`ReformGraph`] and its analysis.

use super::analysis::{self, CasePair};
use super::dot::{self, attr, edge, node, subgraph, wrap};
use super::model::{iri_at, select, Link, ReformGraph};
use super::render::{Diagram, Engine};
use super::{DiagramError, Options};
use graphviz_rust::dot_structures::{Attribute, Id, Stmt};
use oxigraph::store::Store;
use petgraph::graph::NodeIndex;
use reformkg_present::labels::Labels;
use std::collections::{BTreeMap, BTreeSet};

/// Nodes of one kind stacked in a column of the case diagram before the
/// next column starts.
const ROWS_PER_COLUMN: usize = 8;
/// Display columns of a case title line (a Chinese character is two).
const TITLE_WIDTH: usize = 28;
/// The ColorBrewer "Set3" palette, for communities and classes.
pub(super) const PALETTE: &str = "set312";
pub(super) const PALETTE_SIZE: usize = 12;
pub(crate) const CASE_FILL: &str = "#fff4dc";
pub(crate) const CASE_LINE: &str = "#c9932e";
pub(crate) const CLUSTER_FILL: &str = "#f3f5f8";
pub(crate) const CLUSTER_LINE: &str = "#9aa5b1";
const EDGE_COLOUR: &str = "#7d8fa399";

/// `5. 以法治服务…`, wrapped.
pub(crate) fn case_label(
    g: &ReformGraph,
    labels: &Labels,
    case: NodeIndex,
    width: usize,
) -> String {
    let title = labels.get(g.iri(case));
    match g.resource(case).rank {
        Some(rank) => wrap(&format!("{rank}. {title}"), width),
        None => wrap(&title, width),
    }
}

/// A candidate mechanism (a name the lexicon does not know) is dashed, so a
/// reader tells it from a curated one.
fn candidate_style(g: &ReformGraph, m: NodeIndex, attrs: &mut Vec<Attribute>) {
    if g.resource(m).candidate {
        attrs.retain(|a| !matches!(&a.0, Id::Plain(key) if key == "style"));
        attrs.push(attr("style", "filled,dashed"));
        attrs.push(attr("penwidth", "1.5"));
    }
}

/// The collections the cases come from, as a diagram title.
pub(crate) fn title(g: &ReformGraph, labels: &Labels, cases: &[NodeIndex]) -> String {
    let collections: BTreeSet<String> = cases
        .iter()
        .flat_map(|&c| g.linked(c, Link::InCollection))
        .map(|c| labels.get(g.iri(c)))
        .collect();
    collections.into_iter().collect::<Vec<_>>().join("\n")
}

fn title_attrs(text: String) -> Vec<Attribute> {
    vec![
        attr("label", text),
        attr("labelloc", "t"),
        attr("fontsize", "22"),
    ]
}

/// A colour of the palette for a group number.
pub(super) fn palette_colour(group: usize) -> Vec<Attribute> {
    vec![
        attr("colorscheme", PALETTE),
        attr("fillcolor", ((group % PALETTE_SIZE) + 1).to_string()),
    ]
}

/// Cases joined when they share at least `min_shared` mechanisms; edge
/// width by the count, edge label the shared mechanisms, nodes coloured by
/// community.
pub fn case_network(g: &ReformGraph, labels: &Labels, options: &Options) -> Diagram {
    let min_shared = options.min_shared.max(1);
    let net = analysis::case_network(g, min_shared);
    let community = analysis::communities(&net, |p| p.count() as f64);
    let mut stmts = Vec::new();
    for ix in net.node_indices() {
        let case = net[ix];
        let district = g
            .district_of(case)
            .map(|d| format!("{}\n", labels.get(g.iri(d))))
            .unwrap_or_default();
        let mut attrs = vec![
            attr(
                "label",
                format!("{district}{}", case_label(g, labels, case, 20)),
            ),
            attr("tooltip", labels.get(g.iri(case))),
            attr("shape", "box"),
            attr("style", "rounded,filled"),
            attr("color", "#5b6770"),
        ];
        attrs.extend(palette_colour(community[ix.index()]));
        stmts.push(node(g.iri(case), attrs));
    }
    for e in net.edge_references() {
        stmts.push(pair_edge(g, labels, e.weight(), min_shared));
    }
    let cases: Vec<NodeIndex> = net.node_weights().copied().collect();
    let mut graph_attrs = title_attrs(title(g, labels, &cases));
    graph_attrs.extend(network_layout());
    let graph = dot::undirected("case_network", graph_attrs, stmts);
    Diagram::new(graph, Engine::Neato, net.node_count())
}

fn pair_edge(g: &ReformGraph, labels: &Labels, pair: &CasePair, min_shared: usize) -> Stmt {
    let names: Vec<String> = pair.shared.iter().map(|&m| labels.get(g.iri(m))).collect();
    let width = 1.0 + 1.5 * (pair.count() - min_shared) as f64;
    edge(
        g.iri(pair.a),
        g.iri(pair.b),
        vec![
            attr("label", names.join("\n")),
            attr("penwidth", format!("{width:.1}")),
            attr("weight", pair.count().to_string()),
            attr("tooltip", format!("Jaccard {:.2}", pair.jaccard())),
            attr("fontsize", "10"),
            attr("fontcolor", "#34495e"),
            attr("color", EDGE_COLOUR),
        ],
    )
}

fn network_layout() -> Vec<Attribute> {
    vec![
        attr("overlap", "false"),
        attr("sep", "+14"),
        attr("splines", "true"),
        attr("pad", "0.3"),
        attr("bgcolor", "white"),
    ]
}

/// Mechanisms used by at least `min_cases` cases, joined when at least
/// `min_shared` cases use both; sized by use, coloured by community.
pub fn mechanism_network(g: &ReformGraph, labels: &Labels, options: &Options) -> Diagram {
    let net = analysis::mechanism_network(g, options.min_cases.max(1), options.min_shared.max(1));
    let community = analysis::communities(&net, |p| p.cases.len() as f64);
    let uses: BTreeMap<NodeIndex, usize> = analysis::mechanism_frequency(g).into_iter().collect();
    let lo = net.node_weights().map(|m| uses[m]).min().unwrap_or(1);
    let hi = net.node_weights().map(|m| uses[m]).max().unwrap_or(1);
    let mut stmts = Vec::new();
    let mut drawn = 0;
    for ix in net.node_indices() {
        if net.neighbors(ix).next().is_none() {
            continue;
        }
        let m = net[ix];
        let n = uses[&m];
        let size = 11 + (n - lo) * 9 / (hi - lo).max(1);
        let mut attrs = vec![
            attr("label", format!("{} ({n})", labels.get(g.iri(m)))),
            attr("tooltip", g.iri(m)),
            attr("shape", "ellipse"),
            attr("style", "filled"),
            attr("color", "#5b6770"),
            attr("fontsize", size.to_string()),
        ];
        attrs.extend(palette_colour(community[ix.index()]));
        candidate_style(g, m, &mut attrs);
        stmts.push(node(g.iri(m), attrs));
        drawn += 1;
    }
    for e in net.edge_references() {
        let pair = e.weight();
        let ranks: Vec<String> = pair
            .cases
            .iter()
            .map(|&c| short_case(g, labels, c))
            .collect();
        stmts.push(edge(
            g.iri(pair.a),
            g.iri(pair.b),
            vec![
                attr("penwidth", format!("{:.1}", 0.8 * pair.cases.len() as f64)),
                attr("weight", pair.cases.len().to_string()),
                attr("tooltip", ranks.join("; ")),
                attr("color", EDGE_COLOUR),
            ],
        ));
    }
    let mut graph_attrs = title_attrs(labels.term("Mechanism"));
    graph_attrs.extend(network_layout());
    let graph = dot::undirected("mechanism_network", graph_attrs, stmts);
    Diagram::new(graph, Engine::Neato, drawn)
}

fn short_case(g: &ReformGraph, labels: &Labels, case: NodeIndex) -> String {
    match g.resource(case).rank {
        Some(rank) => format!("{rank}. {}", labels.get(g.iri(case))),
        None => labels.get(g.iri(case)),
    }
}

const CASE_LINKS: &str = "SELECT ?p ?o ?type ?metric WHERE {
  VALUES ?p { rk:district rk:involvesAgency rk:leadAgency rk:usesMechanism rk:hasOutcome rk:citesDocument }
  ?case ?p ?o FILTER(isIRI(?o))
  OPTIONAL { ?o rk:agencyType ?type FILTER(isIRI(?type)) }
  OPTIONAL { ?o rk:metric ?metric }
}";

/// What one case links to, by property local name.
#[derive(Default)]
struct CaseLinks {
    by_property: BTreeMap<String, BTreeSet<String>>,
    agency_type: BTreeMap<String, String>,
    metric: BTreeMap<String, String>,
}

fn case_links(store: &Store, case_iri: &str) -> Result<CaseLinks, DiagramError> {
    // The IRI comes from the store, so it is a valid IRI to splice in.
    let sparql = CASE_LINKS.replace("?case ?p", &format!("<{case_iri}> ?p"));
    let mut links = CaseLinks::default();
    for row in select(store, &sparql)? {
        let (Some(p), Some(o)) = (iri_at(&row, 0), iri_at(&row, 1)) else {
            continue;
        };
        let property = reformkg_vocab::local_name(p).to_owned();
        links
            .by_property
            .entry(property)
            .or_default()
            .insert(o.to_owned());
        if let Some(t) = iri_at(&row, 2) {
            links.agency_type.insert(o.to_owned(), t.to_owned());
        }
        if let Some(Some(oxigraph::model::Term::Literal(m))) = row.get(3) {
            links.metric.insert(o.to_owned(), m.value().to_owned());
        }
    }
    Ok(links)
}

/// One case and everything it links to, each kind of link in a cluster
/// named by the property's label; agencies grouped by type.
pub fn case_diagram(
    store: &Store,
    g: &ReformGraph,
    case: NodeIndex,
    labels: &Labels,
) -> Result<Diagram, DiagramError> {
    let case_iri = g.iri(case);
    let links = case_links(store, case_iri)?;
    let empty = BTreeSet::new();
    let linked = |p: &str| links.by_property.get(p).unwrap_or(&empty);
    let lead = linked("leadAgency");
    let mut stmts = vec![node(
        case_iri,
        vec![
            attr("label", case_label(g, labels, case, TITLE_WIDTH)),
            attr("shape", "box"),
            attr("style", "rounded,filled,bold"),
            attr("fillcolor", CASE_FILL),
            attr("color", CASE_LINE),
            attr("fontsize", "16"),
        ],
    )];
    let mut nodes = 1;
    let groups: [(&str, usize, &str); 5] = [
        ("district", 1, "house"),
        ("involvesAgency", 4, "box"),
        ("usesMechanism", 6, "ellipse"),
        ("hasOutcome", 7, "note"),
        ("citesDocument", 9, "component"),
    ];
    for (property, colour, shape) in groups {
        let members = linked(property);
        if members.is_empty() {
            continue;
        }
        let style = vec![
            attr("shape", shape),
            attr("style", "filled"),
            attr("colorscheme", PALETTE),
            attr("fillcolor", colour.to_string()),
        ];
        let member_node = |iri: &str| {
            let mut attrs = vec![attr("label", case_member_label(&links, labels, iri))];
            attrs.extend(style.clone());
            if lead.contains(iri) {
                attrs.push(attr("penwidth", "2.5"));
            }
            node(iri, attrs)
        };
        let body: Vec<Stmt> = if property == "involvesAgency" {
            agencies_by_type(&links, labels, members, &member_node)
        } else {
            let mut body: Vec<Stmt> = members.iter().map(|iri| member_node(iri)).collect();
            body.extend(column_springs(members));
            body
        };
        stmts.push(cluster_of(property, &labels.term(property), body));
        for iri in members {
            let mut attrs = vec![];
            if lead.contains(iri) {
                attrs.push(attr("label", labels.term("leadAgency")));
                attrs.push(attr("penwidth", "2"));
            }
            stmts.push(edge(case_iri, iri, attrs));
            nodes += 1;
        }
    }
    let graph_attrs = vec![
        attr("rankdir", "LR"),
        attr("ranksep", "1.2"),
        attr("nodesep", "0.15"),
        attr("pad", "0.3"),
        attr("bgcolor", "white"),
    ];
    stmts.insert(
        0,
        dot::edge_defaults(vec![attr("color", EDGE_COLOUR), attr("fontsize", "10")]),
    );
    let graph = dot::directed("case", graph_attrs, stmts);
    Ok(Diagram::new(graph, Engine::Dot, nodes))
}

/// Invisible edges from each node to the one a column further on: `dot`
/// ranks a cluster by its own edges, so a long list folds into columns
/// instead of one very tall stack.
fn column_springs(members: &BTreeSet<String>) -> Vec<Stmt> {
    let members: Vec<&String> = members.iter().collect();
    let columns = members.len().div_ceil(ROWS_PER_COLUMN).max(1);
    let rows = members.len().div_ceil(columns).max(1);
    members
        .iter()
        .zip(members.iter().skip(rows))
        .map(|(a, b)| edge(a, b, vec![attr("style", "invis")]))
        .collect()
}

fn case_member_label(links: &CaseLinks, labels: &Labels, iri: &str) -> String {
    let label = wrap(&labels.get(iri), 30);
    match links.metric.get(iri) {
        Some(metric) => format!("{label}\n{}", wrap(metric, 30)),
        None => label,
    }
}

fn agencies_by_type(
    links: &CaseLinks,
    labels: &Labels,
    agencies: &BTreeSet<String>,
    member_node: &dyn Fn(&str) -> Stmt,
) -> Vec<Stmt> {
    let mut by_type: BTreeMap<Option<&String>, Vec<&String>> = BTreeMap::new();
    for a in agencies {
        by_type.entry(links.agency_type.get(a)).or_default().push(a);
    }
    let mut body = Vec::new();
    for (agency_type, members) in by_type {
        let nodes: Vec<Stmt> = members.iter().map(|a| member_node(a)).collect();
        match agency_type {
            Some(t) => body.push(cluster_of(t, &labels.get(t), nodes)),
            None => body.extend(nodes),
        }
    }
    body
}

fn cluster_of(name: &str, label: &str, stmts: Vec<Stmt>) -> Stmt {
    let mut all = vec![dot::graph_attrs(vec![
        attr("label", label),
        attr("style", "rounded"),
        attr("color", CLUSTER_LINE),
        attr("labeljust", "l"),
    ])];
    all.extend(stmts);
    subgraph(&format!("cluster_{name}"), all)
}
