//! The part of the store the analysis needs, as a petgraph graph: cases,
//! the mechanisms they use, their districts, the agencies involved and the
//! collections they come from.

use super::DiagramError;
use oxigraph::model::Term;
use oxigraph::store::Store;
use petgraph::graph::{NodeIndex, UnGraph};
use petgraph::visit::EdgeRef;
use reformkg_store::sparql::{self, Prefixes, QueryError};
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NodeKind {
    Case,
    Mechanism,
    District,
    Agency,
    Collection,
}

/// A node: the resource's IRI, what it is, and a case's rank.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resource {
    pub iri: String,
    pub kind: NodeKind,
    pub rank: Option<i64>,
    /// A candidate mechanism (`rk:status rk:Candidate`): drawn dashed.
    pub candidate: bool,
    /// A mechanism's family: the top concept of the mechanisms scheme it
    /// falls under (`skos:broader*`); a family is its own family.
    pub family: Option<String>,
}

/// An edge, always between a case and something the case links to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    UsesMechanism,
    InDistrict,
    InvolvesAgency,
    InCollection,
}

const CASES: &str = "SELECT ?case ?rank ?district ?collection WHERE {
  ?case a rk:Case .
  OPTIONAL { ?case rk:rank ?rank }
  OPTIONAL { ?case rk:district ?district FILTER(isIRI(?district)) }
  OPTIONAL { ?case rk:inCollection ?collection FILTER(isIRI(?collection)) }
}";

// A family is a mechanism that is a top concept of its scheme; a mechanism
// under two families gets the first by IRI (the rows are sorted).
const FAMILIES: &str = "SELECT ?m ?family WHERE {
  ?family a rk:Mechanism ; skos:topConceptOf ?scheme .
  { SELECT DISTINCT ?m WHERE { ?case a rk:Case ; rk:usesMechanism ?m FILTER(isIRI(?m)) } }
  ?m skos:broader* ?family .
}";

const ALL_FAMILIES: &str =
    "SELECT DISTINCT ?family WHERE { ?family a rk:Mechanism ; skos:topConceptOf ?scheme }";

const CANDIDATES: &str = "SELECT ?m WHERE { ?m rk:status rk:Candidate }";

const USES: &str = "SELECT ?case ?mechanism WHERE {
  ?case a rk:Case ; rk:usesMechanism ?mechanism FILTER(isIRI(?mechanism))
}";

const AGENCIES: &str = "SELECT ?case ?agency WHERE {
  ?case a rk:Case ; rk:involvesAgency ?agency FILTER(isIRI(?agency))
}";

/// Cases and what they link to. Node order follows the query results; every
/// accessor that lists nodes sorts them, so output does not depend on it.
#[derive(Debug, Clone, Default)]
pub struct ReformGraph {
    graph: UnGraph<Resource, Link>,
    by_iri: HashMap<String, NodeIndex>,
    /// Every mechanism family of the store's vocabulary, by IRI (used or
    /// not, so that a family keeps its colour whatever a diagram shows).
    families: Vec<String>,
}

impl ReformGraph {
    /// Reads cases, mechanisms, districts and agencies from a store.
    pub fn load(store: &Store) -> Result<Self, QueryError> {
        let mut g = ReformGraph::default();
        for row in select(store, CASES)? {
            let Some(case) = iri_at(&row, 0) else {
                continue;
            };
            let rank = integer_at(&row, 1);
            let c = g.add_node(case, NodeKind::Case);
            if rank.is_some() {
                g.graph[c].rank = rank;
            }
            if let Some(district) = iri_at(&row, 2) {
                g.link(c, district, NodeKind::District, Link::InDistrict);
            }
            if let Some(collection) = iri_at(&row, 3) {
                g.link(c, collection, NodeKind::Collection, Link::InCollection);
            }
        }
        for (query, kind, link) in [
            (USES, NodeKind::Mechanism, Link::UsesMechanism),
            (AGENCIES, NodeKind::Agency, Link::InvolvesAgency),
        ] {
            for row in select(store, query)? {
                if let (Some(case), Some(other)) = (iri_at(&row, 0), iri_at(&row, 1)) {
                    let c = g.add_node(case, NodeKind::Case);
                    g.link(c, other, kind, link);
                }
            }
        }
        for row in select(store, CANDIDATES)? {
            if let Some(&ix) = iri_at(&row, 0).and_then(|m| g.by_iri.get(m)) {
                g.graph[ix].candidate = true;
            }
        }
        for row in select(store, FAMILIES)? {
            if let (Some(&ix), Some(family)) = (
                iri_at(&row, 0).and_then(|m| g.by_iri.get(m)),
                iri_at(&row, 1),
            ) {
                g.graph[ix].family.get_or_insert_with(|| family.to_owned());
            }
        }
        g.families = select(store, ALL_FAMILIES)?
            .iter()
            .filter_map(|row| iri_at(row, 0).map(str::to_owned))
            .collect();
        Ok(g)
    }

    /// Adds a node unless one with that IRI exists; returns its index.
    pub fn add_node(&mut self, iri: &str, kind: NodeKind) -> NodeIndex {
        if let Some(&ix) = self.by_iri.get(iri) {
            return ix;
        }
        let ix = self.graph.add_node(Resource {
            iri: iri.to_owned(),
            kind,
            rank: None,
            candidate: false,
            family: None,
        });
        self.by_iri.insert(iri.to_owned(), ix);
        ix
    }

    /// Links a case to a resource (added when new), once.
    pub fn link(&mut self, case: NodeIndex, iri: &str, kind: NodeKind, link: Link) {
        let other = self.add_node(iri, kind);
        let exists = self
            .graph
            .edges_connecting(case, other)
            .any(|e| *e.weight() == link);
        if !exists {
            self.graph.add_edge(case, other, link);
        }
    }

    pub fn graph(&self) -> &UnGraph<Resource, Link> {
        &self.graph
    }

    pub fn resource(&self, ix: NodeIndex) -> &Resource {
        &self.graph[ix]
    }

    pub fn iri(&self, ix: NodeIndex) -> &str {
        &self.graph[ix].iri
    }

    pub fn index_of(&self, iri: &str) -> Option<NodeIndex> {
        self.by_iri.get(iri).copied()
    }

    /// The nodes of a kind; cases by rank then IRI, the rest by IRI.
    pub fn nodes(&self, kind: NodeKind) -> Vec<NodeIndex> {
        let mut nodes: Vec<NodeIndex> = self
            .graph
            .node_indices()
            .filter(|&ix| self.graph[ix].kind == kind)
            .collect();
        nodes.sort_by(|&a, &b| self.order_key(a).cmp(&self.order_key(b)));
        nodes
    }

    /// Every mechanism family of the vocabulary, by IRI.
    pub fn families(&self) -> &[String] {
        &self.families
    }

    /// A mechanism's family, if the vocabulary gives it one.
    pub fn family_of(&self, mechanism: NodeIndex) -> Option<&str> {
        self.graph[mechanism].family.as_deref()
    }

    pub fn cases(&self) -> Vec<NodeIndex> {
        self.nodes(NodeKind::Case)
    }

    /// Sort key that puts case 2 before case 10.
    pub fn order_key(&self, ix: NodeIndex) -> (i64, &str) {
        let r = &self.graph[ix];
        (r.rank.unwrap_or(i64::MAX), r.iri.as_str())
    }

    /// The nodes a case links to with one kind of link, ordered by IRI.
    pub fn linked(&self, case: NodeIndex, link: Link) -> Vec<NodeIndex> {
        let mut nodes: Vec<NodeIndex> = self
            .graph
            .edges(case)
            .filter(|e| *e.weight() == link)
            .map(|e| e.target())
            .collect();
        nodes.sort_by(|&a, &b| self.iri(a).cmp(self.iri(b)));
        nodes.dedup();
        nodes
    }

    /// The mechanisms a case uses, ordered by IRI.
    pub fn mechanisms_of(&self, case: NodeIndex) -> Vec<NodeIndex> {
        self.linked(case, Link::UsesMechanism)
    }

    /// A case's district; with several, the first by IRI.
    pub fn district_of(&self, case: NodeIndex) -> Option<NodeIndex> {
        self.linked(case, Link::InDistrict).into_iter().next()
    }

    /// The cases using a mechanism, by rank.
    pub fn cases_using(&self, mechanism: NodeIndex) -> Vec<NodeIndex> {
        let mut cases: Vec<NodeIndex> = self
            .graph
            .edges(mechanism)
            .filter(|e| *e.weight() == Link::UsesMechanism)
            .map(|e| e.target())
            .collect();
        cases.sort_by(|&a, &b| self.order_key(a).cmp(&self.order_key(b)));
        cases.dedup();
        cases
    }

    /// Finds a case by rank (`5`), IRI (`<…>` or bare), prefixed name
    /// (`case:…-5`) or local name (`…-5`).
    pub fn find_case(&self, spec: &str) -> Result<NodeIndex, DiagramError> {
        let spec = spec.trim();
        let unknown = || DiagramError::UnknownCase(spec.to_owned());
        let matches: Vec<NodeIndex> = if let Ok(rank) = spec.parse::<i64>() {
            self.cases()
                .into_iter()
                .filter(|&c| self.graph[c].rank == Some(rank))
                .collect()
        } else {
            let iri = expand(spec);
            let by_iri = self
                .index_of(&iri)
                .filter(|&ix| self.graph[ix].kind == NodeKind::Case);
            match by_iri {
                Some(ix) => vec![ix],
                None => self
                    .cases()
                    .into_iter()
                    .filter(|&c| self.iri(c).rsplit(['/', '#']).next() == Some(spec))
                    .collect(),
            }
        };
        match matches.as_slice() {
            [] => Err(unknown()),
            [one] => Ok(*one),
            many => Err(DiagramError::AmbiguousCase {
                spec: spec.to_owned(),
                matches: many.iter().map(|&c| short_iri(self.iri(c))).collect(),
            }),
        }
    }
}

/// `<iri>` → iri; `prefix:local` → the full IRI when the prefix is known.
fn expand(spec: &str) -> String {
    if let Some(inner) = spec.strip_prefix('<').and_then(|s| s.strip_suffix('>')) {
        return inner.to_owned();
    }
    if !spec.contains("://") {
        if let Some((prefix, local)) = spec.split_once(':') {
            let prefixes = Prefixes::default();
            let namespace = prefixes
                .iter()
                .find(|(p, _)| *p == prefix)
                .map(|(_, ns)| ns.to_owned());
            if let Some(ns) = namespace {
                return format!("{ns}{local}");
            }
        }
    }
    spec.to_owned()
}

/// `case:…` where a default prefix covers the IRI, else `<iri>`.
pub fn short_iri(iri: &str) -> String {
    Prefixes::default()
        .compact(iri)
        .unwrap_or_else(|| format!("<{iri}>"))
}

/// The rows of a SELECT, sorted, so that whatever is built from them does
/// not depend on the store's result order.
pub(crate) fn select(store: &Store, sparql: &str) -> Result<Vec<Vec<Option<Term>>>, QueryError> {
    let mut rows = sparql::select_rows(store, sparql)?;
    rows.sort_by_cached_key(|row| {
        row.iter()
            .map(|t| t.as_ref().map(ToString::to_string).unwrap_or_default())
            .collect::<Vec<_>>()
    });
    Ok(rows)
}

pub(crate) fn iri_at(row: &[Option<Term>], i: usize) -> Option<&str> {
    match row.get(i)? {
        Some(Term::NamedNode(n)) => Some(n.as_str()),
        _ => None,
    }
}

fn integer_at(row: &[Option<Term>], i: usize) -> Option<i64> {
    match row.get(i)? {
        Some(Term::Literal(l)) => l.value().trim().parse().ok(),
        _ => None,
    }
}
