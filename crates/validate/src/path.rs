//! SHACL property paths: read from the shapes graph, evaluated on the data
//! store, written back as RDF (for a report) and as SPARQL (for `$PATH`).

use crate::shapes::{list_items, ShapesError};
use crate::vocab::{sh, RDF_FIRST};
use oxigraph::model::{
    BlankNode, Graph, GraphNameRef, NamedNode, NamedOrBlankNodeRef, Term, TermRef, Triple,
};
use oxigraph::sparql::SparqlEvaluator;
use oxigraph::store::Store;
use std::collections::HashSet;

/// A SHACL property path.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Path {
    Predicate(NamedNode),
    Inverse(Box<Path>),
    Sequence(Vec<Path>),
    Alternative(Vec<Path>),
    ZeroOrMore(Box<Path>),
    OneOrMore(Box<Path>),
    ZeroOrOne(Box<Path>),
}

impl Path {
    /// Reads the path whose node is `node` in the shapes graph.
    pub fn parse(graph: &Graph, node: TermRef<'_>) -> Result<Path, ShapesError> {
        let subject = match node {
            TermRef::NamedNode(n) => return Ok(Path::Predicate(n.into_owned())),
            TermRef::BlankNode(b) => NamedOrBlankNodeRef::from(b),
            _ => return Err(ShapesError::Malformed(format!("{node} is not a path"))),
        };
        if graph
            .object_for_subject_predicate(subject, RDF_FIRST)
            .is_some()
        {
            let items = list_items(graph, node)?;
            return Ok(Path::Sequence(Self::parse_all(graph, &items)?));
        }
        let one = |local: &str| {
            graph
                .object_for_subject_predicate(subject, &sh(local))
                .map(|t| t.into_owned())
        };
        if let Some(inner) = one("inversePath") {
            return Ok(Path::Inverse(Box::new(Self::parse(graph, inner.as_ref())?)));
        }
        if let Some(list) = one("alternativePath") {
            let items = list_items(graph, list.as_ref())?;
            return Ok(Path::Alternative(Self::parse_all(graph, &items)?));
        }
        for (name, make) in [
            ("zeroOrMorePath", Path::ZeroOrMore as fn(Box<Path>) -> Path),
            ("oneOrMorePath", Path::OneOrMore),
            ("zeroOrOnePath", Path::ZeroOrOne),
        ] {
            if let Some(inner) = one(name) {
                return Ok(make(Box::new(Self::parse(graph, inner.as_ref())?)));
            }
        }
        Err(ShapesError::Malformed(format!(
            "the path {node} is none of SHACL's path forms"
        )))
    }

    fn parse_all(graph: &Graph, items: &[Term]) -> Result<Vec<Path>, ShapesError> {
        items
            .iter()
            .map(|i| Self::parse(graph, i.as_ref()))
            .collect()
    }

    /// The path as a SPARQL property path (full IRIs).
    pub fn to_sparql(&self) -> String {
        self.render(&|iri: &NamedNode| iri.to_string())
    }

    /// The path in SPARQL syntax, each IRI written by `iri`.
    pub fn render(&self, iri: &dyn Fn(&NamedNode) -> String) -> String {
        let join = |items: &[Path], sep: &str| {
            let parts: Vec<String> = items.iter().map(|p| p.render(iri)).collect();
            format!("({})", parts.join(sep))
        };
        match self {
            Path::Predicate(p) => iri(p),
            Path::Inverse(p) => format!("^{}", p.render(iri)),
            Path::Sequence(items) => join(items, " / "),
            Path::Alternative(items) => join(items, " | "),
            Path::ZeroOrMore(p) => format!("({})*", p.render(iri)),
            Path::OneOrMore(p) => format!("({})+", p.render(iri)),
            Path::ZeroOrOne(p) => format!("({})?", p.render(iri)),
        }
    }

    /// The value nodes reached from `focus` (the default graph).
    pub fn values(&self, store: &Store, focus: &Term) -> Result<HashSet<Term>, PathError> {
        match self {
            Path::Predicate(p) => objects(store, focus, p),
            Path::Inverse(inner) => match inner.as_ref() {
                Path::Predicate(p) => subjects(store, focus, p),
                _ => self.values_by_sparql(store, focus),
            },
            _ => self.values_by_sparql(store, focus),
        }
    }

    fn values_by_sparql(&self, store: &Store, focus: &Term) -> Result<HashSet<Term>, PathError> {
        let query = format!(
            "SELECT DISTINCT ?this ?value WHERE {{ ?this {} ?value }}",
            self.to_sparql()
        );
        let prepared = SparqlEvaluator::new()
            .parse_query(&query)
            .map_err(|e| PathError(e.to_string()))?
            .substitute_variable(
                oxigraph::model::Variable::new_unchecked("this"),
                focus.clone(),
            );
        let mut values = HashSet::new();
        if let oxigraph::sparql::QueryResults::Solutions(rows) = prepared
            .on_store(store)
            .execute()
            .map_err(|e| PathError(e.to_string()))?
        {
            for row in rows {
                let row = row.map_err(|e| PathError(e.to_string()))?;
                if let Some(value) = row.get("value") {
                    values.insert(value.clone());
                }
            }
        }
        Ok(values)
    }

    /// The path as RDF: its node, and the triples describing it (blank nodes
    /// named `prefix`-N).
    pub fn to_rdf(&self, prefix: &str, triples: &mut Vec<Triple>) -> Term {
        let wrap = |name: &str, inner: &Path, triples: &mut Vec<Triple>| {
            let object = inner.to_rdf(prefix, triples);
            let node = BlankNode::new_unchecked(format!("{prefix}p{}", triples.len()));
            triples.push(Triple::new(node.clone(), sh(name), object));
            Term::from(node)
        };
        match self {
            Path::Predicate(p) => p.clone().into(),
            Path::Inverse(p) => wrap("inversePath", p, triples),
            Path::ZeroOrMore(p) => wrap("zeroOrMorePath", p, triples),
            Path::OneOrMore(p) => wrap("oneOrMorePath", p, triples),
            Path::ZeroOrOne(p) => wrap("zeroOrOnePath", p, triples),
            Path::Sequence(items) => list_to_rdf(items, prefix, triples),
            Path::Alternative(items) => {
                let list = list_to_rdf(items, prefix, triples);
                let node = BlankNode::new_unchecked(format!("{prefix}p{}", triples.len()));
                triples.push(Triple::new(node.clone(), sh("alternativePath"), list));
                node.into()
            }
        }
    }
}

fn list_to_rdf(items: &[Path], prefix: &str, triples: &mut Vec<Triple>) -> Term {
    use crate::vocab::{RDF_NIL, RDF_REST};
    let mut rest: Term = RDF_NIL.into_owned().into();
    for item in items.iter().rev() {
        let value = item.to_rdf(prefix, triples);
        let cell = BlankNode::new_unchecked(format!("{prefix}l{}", triples.len()));
        triples.push(Triple::new(cell.clone(), RDF_FIRST.into_owned(), value));
        triples.push(Triple::new(cell.clone(), RDF_REST.into_owned(), rest));
        rest = cell.into();
    }
    rest
}

/// A path could not be evaluated.
#[derive(Debug, thiserror::Error)]
#[error("cannot evaluate a path: {0}")]
pub struct PathError(pub String);

fn as_subject(term: &Term) -> Option<NamedOrBlankNodeRef<'_>> {
    match term {
        Term::NamedNode(n) => Some(n.into()),
        Term::BlankNode(b) => Some(b.into()),
        _ => None,
    }
}

/// The objects of `focus predicate ?o` in the default graph.
pub fn objects(
    store: &Store,
    focus: &Term,
    predicate: &NamedNode,
) -> Result<HashSet<Term>, PathError> {
    let Some(subject) = as_subject(focus) else {
        return Ok(HashSet::new());
    };
    store
        .quads_for_pattern(
            Some(subject),
            Some(predicate.as_ref()),
            None,
            Some(GraphNameRef::DefaultGraph),
        )
        .map(|q| q.map(|q| q.object).map_err(|e| PathError(e.to_string())))
        .collect()
}

/// The subjects of `?s predicate focus` in the default graph.
pub fn subjects(
    store: &Store,
    focus: &Term,
    predicate: &NamedNode,
) -> Result<HashSet<Term>, PathError> {
    store
        .quads_for_pattern(
            None,
            Some(predicate.as_ref()),
            Some(focus.as_ref()),
            Some(GraphNameRef::DefaultGraph),
        )
        .map(|q| {
            q.map(|q| Term::from(q.subject))
                .map_err(|e| PathError(e.to_string()))
        })
        .collect()
}
