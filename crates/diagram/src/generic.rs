//! Any query result drawn generically: a CONSTRUCT/DESCRIBE graph (labels
//! by language, colour by class, literals folded into their subject's
//! node) or a two-column SELECT (one edge a row).

use super::dot::{self, attr, edge, node, subgraph, wrap};
use super::kinds::palette_colour;
use super::model::{iri_at, select};
use super::render::{Diagram, Engine};
use super::DiagramError;
use oxigraph::model::{NamedOrBlankNode, Term, Triple};
use oxigraph::store::Store;
use reformkg_present::labels::{Labels, Lang};
use reformkg_present::table::truncate;
use reformkg_store::sparql::{self, Answer, Limits, Prefixes, Statement};
use reformkg_vocab::{DCT, RDF, RDFS, RK, SKOS};
use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

/// Literal lines folded into one node before the rest is cut.
const MAX_LITERAL_LINES: usize = 8;
/// Display columns a folded literal may take.
const LITERAL_WIDTH: usize = 48;

/// Draws a query answer: a CONSTRUCT/DESCRIBE result or a two-column
/// SELECT. Labels (and classes, for colours) come from `store`, in `lang`.
/// This is what the REPL's `.diagram FILE` calls with its last answer.
pub fn from_answer(store: &Store, answer: &Answer, lang: Lang) -> Result<Diagram, DiagramError> {
    let labels = Labels::load(store, lang)?;
    draw_answer(store, answer, labels)
}

/// Runs a query (never an update) and draws its answer.
pub(super) fn from_query(
    store: &Store,
    sparql: &str,
    labels: &Labels,
) -> Result<Diagram, DiagramError> {
    // Parsed once; a diagram only reads, so an update in a `.rq` file is
    // refused before it can run.
    let prepared = match sparql::parse(sparql, &Prefixes::default(), None)? {
        Statement::Query(prepared) => prepared,
        Statement::Update(_) => return Err(DiagramError::Update),
    };
    let answer =
        sparql::execute_query(store, prepared, None, Limits::default(), Instant::now())?.answer;
    draw_answer(store, &answer, labels.clone())
}

fn draw_answer(store: &Store, answer: &Answer, labels: Labels) -> Result<Diagram, DiagramError> {
    match answer {
        Answer::Graph(triples) => draw_triples(store, triples, labels),
        Answer::Solutions { variables, rows } if variables.len() == 2 => {
            draw_pairs(store, rows, &labels)
        }
        Answer::Solutions { variables, .. } => Err(DiagramError::NotDrawable(format!(
            "a SELECT with {} columns",
            variables.len()
        ))),
        Answer::Boolean(_) => Err(DiagramError::NotDrawable("an ASK answer".to_owned())),
        Answer::Updated => Err(DiagramError::NotDrawable("an update".to_owned())),
    }
}

/// The DOT node ID of a term: the IRI, `_:id`, or the literal as N-Triples.
fn term_id(term: &Term) -> String {
    match term {
        Term::NamedNode(n) => n.as_str().to_owned(),
        Term::BlankNode(b) => format!("_:{}", b.as_str()),
        other => other.to_string(),
    }
}

fn subject_term(subject: &NamedOrBlankNode) -> Term {
    match subject {
        NamedOrBlankNode::NamedNode(n) => Term::NamedNode(n.clone()),
        NamedOrBlankNode::BlankNode(b) => Term::BlankNode(b.clone()),
    }
}

fn is_label_property(p: &str) -> bool {
    [
        format!("{SKOS}prefLabel"),
        format!("{RDFS}label"),
        format!("{DCT}title"),
    ]
    .iter()
    .any(|l| l == p)
}

/// One node of a CONSTRUCT drawing.
#[derive(Default)]
struct Resource {
    classes: BTreeSet<String>,
    literals: Vec<(String, String)>,
}

fn draw_triples(
    store: &Store,
    triples: &[Triple],
    mut labels: Labels,
) -> Result<Diagram, DiagramError> {
    let rdf_type = format!("{RDF}type");
    let mut resources: BTreeMap<String, Resource> = BTreeMap::new();
    let mut edges: Vec<(String, String, String)> = Vec::new();
    for t in triples {
        let s = term_id(&subject_term(&t.subject));
        let p = t.predicate.as_str();
        resources.entry(s.clone()).or_default();
        match &t.object {
            Term::Literal(l) => {
                if is_label_property(p) {
                    labels.offer(&s, p, l.value(), l.language());
                } else {
                    resources
                        .entry(s)
                        .or_default()
                        .literals
                        .push((p.to_owned(), l.value().to_owned()));
                }
            }
            Term::NamedNode(o) if p == rdf_type => {
                resources
                    .entry(s)
                    .or_default()
                    .classes
                    .insert(o.as_str().to_owned());
            }
            object => {
                let o = term_id(object);
                resources.entry(o.clone()).or_default();
                edges.push((s, o, p.to_owned()));
            }
        }
    }
    add_stored_classes(store, &mut resources)?;
    let colours = class_colours(resources.values().filter_map(|r| primary_class(&r.classes)));
    let mut stmts = vec![class_legend(&colours, &labels)];
    for (id, resource) in &resources {
        stmts.push(resource_node(id, resource, &labels, &colours));
    }
    for (s, o, p) in &edges {
        stmts.push(edge(s, o, vec![attr("label", labels.get(p))]));
    }
    Ok(generic_diagram(stmts, resources.len()))
}

fn resource_node(
    id: &str,
    resource: &Resource,
    labels: &Labels,
    colours: &BTreeMap<String, usize>,
) -> graphviz_rust::dot_structures::Stmt {
    let mut lines = vec![wrap(&labels.get(id), 30)];
    let mut literals = resource.literals.clone();
    literals.sort();
    for (p, value) in literals.iter().take(MAX_LITERAL_LINES) {
        let value = truncate(
            &value.split_whitespace().collect::<Vec<_>>().join(" "),
            LITERAL_WIDTH,
        );
        lines.push(format!("{}: {value}", labels.get(p)));
    }
    if literals.len() > MAX_LITERAL_LINES {
        lines.push("…".to_owned());
    }
    let mut attrs = vec![
        attr("label", lines.join("\n")),
        attr("tooltip", id),
        attr("shape", "box"),
        attr("style", "rounded,filled"),
    ];
    match primary_class(&resource.classes).and_then(|c| colours.get(c)) {
        Some(&group) => attrs.extend(palette_colour(group)),
        None => attrs.push(attr("fillcolor", "white")),
    }
    node(id, attrs)
}

/// Classes of the drawn IRIs that the answer did not carry, from the store.
fn add_stored_classes(
    store: &Store,
    resources: &mut BTreeMap<String, Resource>,
) -> Result<(), DiagramError> {
    let untyped: Vec<String> = resources
        .iter()
        .filter(|(id, r)| r.classes.is_empty() && is_iri_id(id))
        .map(|(id, _)| format!("<{id}>"))
        .collect();
    for chunk in untyped.chunks(500) {
        // The IRIs come from parsed terms, so they are valid to splice in.
        let sparql = format!(
            "SELECT ?s ?class WHERE {{ VALUES ?s {{ {} }} ?s a ?class FILTER(isIRI(?class)) }}",
            chunk.join(" ")
        );
        for row in select(store, &sparql)? {
            if let (Some(s), Some(class)) = (iri_at(&row, 0), iri_at(&row, 1)) {
                if let Some(r) = resources.get_mut(s) {
                    r.classes.insert(class.to_owned());
                }
            }
        }
    }
    Ok(())
}

fn is_iri_id(id: &str) -> bool {
    !id.starts_with("_:") && !id.starts_with('"')
}

/// The class a resource is coloured by: its reformkg class when it has one
/// (a mechanism is an rk:Mechanism before it is a skos:Concept), else the
/// first in IRI order.
fn primary_class(classes: &BTreeSet<String>) -> Option<&String> {
    classes
        .iter()
        .find(|c| c.starts_with(RK))
        .or_else(|| classes.iter().next())
}

/// A palette colour per class, in IRI order. A resource with several
/// classes takes the colour of its first.
fn class_colours<'a>(classes: impl Iterator<Item = &'a String>) -> BTreeMap<String, usize> {
    let classes: BTreeSet<&String> = classes.collect();
    classes
        .into_iter()
        .enumerate()
        .map(|(i, c)| (c.clone(), i))
        .collect()
}

fn class_legend(
    colours: &BTreeMap<String, usize>,
    labels: &Labels,
) -> graphviz_rust::dot_structures::Stmt {
    let mut stmts = vec![dot::graph_attrs(vec![
        attr("label", ""),
        attr("style", "rounded"),
        attr("color", "#9aa5b1"),
    ])];
    for (class, &group) in colours {
        let mut attrs = vec![
            attr("label", labels.get(class)),
            attr("shape", "box"),
            attr("style", "rounded,filled"),
        ];
        attrs.extend(palette_colour(group));
        stmts.push(node(&format!("legend:{class}"), attrs));
    }
    subgraph("cluster_legend", stmts)
}

fn generic_diagram(stmts: Vec<graphviz_rust::dot_structures::Stmt>, nodes: usize) -> Diagram {
    let graph_attrs = vec![
        attr("rankdir", "LR"),
        attr("pad", "0.3"),
        attr("bgcolor", "white"),
        attr("nodesep", "0.2"),
    ];
    let mut all = vec![dot::edge_defaults(vec![
        attr("color", "#7d8fa3"),
        attr("fontsize", "10"),
    ])];
    all.extend(stmts);
    let graph = dot::directed("query", graph_attrs, all);
    Diagram::new(graph, Engine::Dot, nodes)
}

/// A two-column SELECT: an edge from the first value to the second on
/// every row where both are bound.
fn draw_pairs(
    store: &Store,
    rows: &[Vec<Option<Term>>],
    labels: &Labels,
) -> Result<Diagram, DiagramError> {
    let mut resources: BTreeMap<String, Resource> = BTreeMap::new();
    let mut shown: BTreeMap<String, String> = BTreeMap::new();
    let mut edges: BTreeSet<(String, String)> = BTreeSet::new();
    for row in rows {
        let (Some(Some(a)), Some(Some(b))) = (row.first(), row.get(1)) else {
            continue;
        };
        for term in [a, b] {
            let id = term_id(term);
            let text = match term {
                Term::Literal(l) => l.value().to_owned(),
                _ => labels.get(&id),
            };
            shown.insert(id.clone(), text);
            resources.entry(id).or_default();
        }
        edges.insert((term_id(a), term_id(b)));
    }
    add_stored_classes(store, &mut resources)?;
    let colours = class_colours(resources.values().filter_map(|r| primary_class(&r.classes)));
    let mut stmts = vec![class_legend(&colours, labels)];
    for (id, resource) in &resources {
        let mut attrs = vec![
            attr("label", wrap(&shown[id], 30)),
            attr("tooltip", id),
            attr("shape", if is_iri_id(id) { "box" } else { "plaintext" }),
            attr("style", "rounded,filled"),
        ];
        match primary_class(&resource.classes).and_then(|c| colours.get(c)) {
            Some(&group) => attrs.extend(palette_colour(group)),
            None => attrs.push(attr("fillcolor", "white")),
        }
        stmts.push(node(id, attrs));
    }
    for (a, b) in &edges {
        stmts.push(edge(a, b, vec![]));
    }
    Ok(generic_diagram(stmts, resources.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reformkg_classes_colour_before_generic_ones() {
        let classes: BTreeSet<String> = [format!("{SKOS}Concept"), format!("{RK}Mechanism")]
            .into_iter()
            .collect();
        assert_eq!(primary_class(&classes), Some(&format!("{RK}Mechanism")));
        let generic: BTreeSet<String> = [format!("{SKOS}Concept")].into_iter().collect();
        assert_eq!(primary_class(&generic), Some(&format!("{SKOS}Concept")));
        assert_eq!(primary_class(&BTreeSet::new()), None);
    }
}
