//! What the diagrams show, computed on the [`ReformGraph`]: the mechanisms
//! each pair of cases shares (count and Jaccard similarity), how often each
//! mechanism is used and which travel together, groups of cases tied by
//! shared mechanisms, and communities of the dense part.

use super::community::louvain;
use super::model::{NodeKind, ReformGraph};
use petgraph::graph::{NodeIndex, UnGraph};
use petgraph::unionfind::UnionFind;
use std::collections::{BTreeMap, BTreeSet};

/// Two cases and the mechanisms they have in common.
#[derive(Debug, Clone, PartialEq)]
pub struct CasePair {
    pub a: NodeIndex,
    pub b: NodeIndex,
    /// Shared mechanisms, ordered by IRI.
    pub shared: Vec<NodeIndex>,
    /// How many distinct mechanisms the two use together.
    pub union: usize,
}

impl CasePair {
    pub fn count(&self) -> usize {
        self.shared.len()
    }

    /// |A ∩ B| / |A ∪ B|; 0 when neither case uses a mechanism.
    pub fn jaccard(&self) -> f64 {
        if self.union == 0 {
            0.0
        } else {
            self.shared.len() as f64 / self.union as f64
        }
    }

    /// The case of the pair that is not `case`.
    pub fn other(&self, case: NodeIndex) -> NodeIndex {
        if self.a == case {
            self.b
        } else {
            self.a
        }
    }
}

/// Two mechanisms and the cases that use both.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MechanismPair {
    pub a: NodeIndex,
    pub b: NodeIndex,
    pub cases: Vec<NodeIndex>,
}

/// The pair of two cases (whether or not they share anything).
pub fn pair(g: &ReformGraph, a: NodeIndex, b: NodeIndex) -> CasePair {
    let ma: BTreeSet<NodeIndex> = g.mechanisms_of(a).into_iter().collect();
    let mb: BTreeSet<NodeIndex> = g.mechanisms_of(b).into_iter().collect();
    let mut shared: Vec<NodeIndex> = ma.intersection(&mb).copied().collect();
    shared.sort_by(|&x, &y| g.iri(x).cmp(g.iri(y)));
    CasePair {
        a,
        b,
        shared,
        union: ma.union(&mb).count(),
    }
}

/// Every pair of cases sharing at least one mechanism, in case order.
pub fn case_pairs(g: &ReformGraph) -> Vec<CasePair> {
    let cases = g.cases();
    let mut pairs = Vec::new();
    for (i, &a) in cases.iter().enumerate() {
        for &b in &cases[i + 1..] {
            let p = pair(g, a, b);
            if p.count() > 0 {
                pairs.push(p);
            }
        }
    }
    pairs
}

/// The cases sharing a mechanism with `case`, most similar first (Jaccard,
/// then shared count, then case order).
pub fn similar_cases(g: &ReformGraph, case: NodeIndex) -> Vec<CasePair> {
    let mut pairs: Vec<CasePair> = g
        .cases()
        .into_iter()
        .filter(|&other| other != case)
        .map(|other| pair(g, case, other))
        .filter(|p| p.count() > 0)
        .collect();
    pairs.sort_by(|x, y| {
        y.jaccard()
            .total_cmp(&x.jaccard())
            .then(y.count().cmp(&x.count()))
            .then_with(|| g.order_key(x.b).cmp(&g.order_key(y.b)))
    });
    pairs
}

/// How many cases use each mechanism, most used first (ties by IRI).
pub fn mechanism_frequency(g: &ReformGraph) -> Vec<(NodeIndex, usize)> {
    let mut freq: Vec<(NodeIndex, usize)> = g
        .nodes(NodeKind::Mechanism)
        .into_iter()
        .map(|m| (m, g.cases_using(m).len()))
        .filter(|&(_, n)| n > 0)
        .collect();
    freq.sort_by(|x, y| y.1.cmp(&x.1).then_with(|| g.iri(x.0).cmp(g.iri(y.0))));
    freq
}

/// Every pair of mechanisms used together by at least one case, with those
/// cases; pairs ordered by IRI.
pub fn co_occurrence(g: &ReformGraph) -> Vec<MechanismPair> {
    let mut together: BTreeMap<(&str, &str), (NodeIndex, NodeIndex, Vec<NodeIndex>)> =
        BTreeMap::new();
    for case in g.cases() {
        let ms = g.mechanisms_of(case);
        for (i, &a) in ms.iter().enumerate() {
            for &b in &ms[i + 1..] {
                together
                    .entry((g.iri(a), g.iri(b)))
                    .or_insert_with(|| (a, b, Vec::new()))
                    .2
                    .push(case);
            }
        }
    }
    together
        .into_values()
        .map(|(a, b, cases)| MechanismPair { a, b, cases })
        .collect()
}

/// Cases as nodes, joined when they share at least `min_shared`
/// mechanisms; node weights are the case indices of `g`.
pub fn case_network(g: &ReformGraph, min_shared: usize) -> UnGraph<NodeIndex, CasePair> {
    let mut net = UnGraph::new_undirected();
    let mut node_of = BTreeMap::new();
    for pair in case_pairs(g) {
        if pair.count() < min_shared.max(1) {
            continue;
        }
        let a = *node_of
            .entry(pair.a)
            .or_insert_with(|| net.add_node(pair.a));
        let b = *node_of
            .entry(pair.b)
            .or_insert_with(|| net.add_node(pair.b));
        net.add_edge(a, b, pair);
    }
    net
}

/// Mechanisms used by at least `min_cases` cases, joined when at least
/// `min_together` cases use both.
pub fn mechanism_network(
    g: &ReformGraph,
    min_cases: usize,
    min_together: usize,
) -> UnGraph<NodeIndex, MechanismPair> {
    let mut net = UnGraph::new_undirected();
    let mut node_of = BTreeMap::new();
    for (m, n) in mechanism_frequency(g) {
        if n >= min_cases {
            node_of.insert(m, net.add_node(m));
        }
    }
    for pair in co_occurrence(g) {
        if pair.cases.len() < min_together.max(1) {
            continue;
        }
        if let (Some(&a), Some(&b)) = (node_of.get(&pair.a), node_of.get(&pair.b)) {
            net.add_edge(a, b, pair);
        }
    }
    net
}

/// Connected components of a network with at least two nodes, largest
/// first (ties: the one whose first node came first); each lists its
/// nodes' weights in the network's node order.
pub fn components<N: Copy, E>(net: &UnGraph<N, E>) -> Vec<Vec<N>> {
    let mut sets = UnionFind::new(net.node_count());
    for e in net.edge_indices() {
        if let Some((a, b)) = net.edge_endpoints(e) {
            sets.union(a.index(), b.index());
        }
    }
    let mut groups: BTreeMap<usize, Vec<NodeIndex>> = BTreeMap::new();
    for ix in net.node_indices() {
        groups.entry(sets.find(ix.index())).or_default().push(ix);
    }
    let mut groups: Vec<Vec<NodeIndex>> = groups.into_values().filter(|g| g.len() > 1).collect();
    groups.sort_by(|x, y| y.len().cmp(&x.len()).then(x[0].cmp(&y[0])));
    groups
        .into_iter()
        .map(|g| g.into_iter().map(|ix| net[ix]).collect())
        .collect()
}

/// A community number for every node of a network (Louvain on the edge
/// weights `weight`), numbered from 0 in node order.
pub fn communities<N, E>(net: &UnGraph<N, E>, weight: impl Fn(&E) -> f64) -> Vec<usize> {
    let edges: Vec<(usize, usize, f64)> = net
        .edge_indices()
        .filter_map(|e| {
            let (a, b) = net.edge_endpoints(e)?;
            Some((a.index(), b.index(), weight(&net[e])))
        })
        .collect();
    louvain(net.node_count(), &edges)
}
