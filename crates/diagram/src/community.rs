//! Louvain community detection (Blondel et al. 2008), deterministic: nodes
//! are visited in index order and ties go to the current community, then
//! to the lowest community number, so the same graph always gives the same
//! split.

use std::collections::BTreeMap;

/// A community number for each of `n` nodes of an undirected weighted graph
/// given as `(a, b, weight)` edges. Numbers start at 0 and follow the order
/// in which nodes first appear. Isolated nodes get a community each.
pub fn louvain(n: usize, edges: &[(usize, usize, f64)]) -> Vec<usize> {
    let mut membership: Vec<usize> = (0..n).collect();
    let mut level = Level::new(n, edges.iter().copied().filter(|e| e.2 > 0.0));
    // Each pass either merges nodes or stops, so this ends; the cap guards
    // against floating-point ping-pong.
    for _ in 0..32 {
        let community = level.local_moving();
        let (community, count) = renumber(&community);
        if count == level.size {
            break;
        }
        for m in &mut membership {
            *m = community[*m];
        }
        level = level.aggregate(&community, count);
    }
    renumber(&membership).0
}

/// One level of the algorithm: a weighted graph whose nodes are the
/// communities of the level below (self-loops hold internal weight).
struct Level {
    size: usize,
    /// Neighbours and edge weights, self-loops excluded.
    adjacency: Vec<Vec<(usize, f64)>>,
    /// Weighted degree; a self-loop of weight w counts 2w.
    degree: Vec<f64>,
    total: f64,
}

impl Level {
    fn new(size: usize, edges: impl Iterator<Item = (usize, usize, f64)>) -> Self {
        let mut merged: BTreeMap<(usize, usize), f64> = BTreeMap::new();
        for (a, b, w) in edges {
            if a < size && b < size {
                *merged.entry((a.min(b), a.max(b))).or_default() += w;
            }
        }
        let mut adjacency = vec![Vec::new(); size];
        let mut degree = vec![0.0; size];
        for (&(a, b), &w) in &merged {
            if a == b {
                degree[a] += 2.0 * w;
            } else {
                adjacency[a].push((b, w));
                adjacency[b].push((a, w));
                degree[a] += w;
                degree[b] += w;
            }
        }
        let total = degree.iter().sum();
        Level {
            size,
            adjacency,
            degree,
            total,
        }
    }

    /// Moves nodes to the neighbouring community with the best modularity
    /// gain until no move helps; returns each node's community.
    fn local_moving(&self) -> Vec<usize> {
        let mut community: Vec<usize> = (0..self.size).collect();
        let mut community_degree = self.degree.clone();
        if self.total <= 0.0 {
            return community;
        }
        for _ in 0..100 {
            let mut moved = false;
            for node in 0..self.size {
                let current = community[node];
                community_degree[current] -= self.degree[node];
                let links = self.links_to_communities(node, &community);
                let gain = |c: usize, k_in: f64| {
                    k_in - community_degree[c] * self.degree[node] / self.total
                };
                let mut best = (current, gain(current, *links.get(&current).unwrap_or(&0.0)));
                for (&c, &k_in) in &links {
                    let g = gain(c, k_in);
                    if g > best.1 + 1e-12 {
                        best = (c, g);
                    }
                }
                community[node] = best.0;
                community_degree[best.0] += self.degree[node];
                moved |= best.0 != current;
            }
            if !moved {
                break;
            }
        }
        community
    }

    /// Weight from `node` to each neighbouring community (ordered, so ties
    /// resolve to the lowest number).
    fn links_to_communities(&self, node: usize, community: &[usize]) -> BTreeMap<usize, f64> {
        let mut links = BTreeMap::new();
        for &(other, w) in &self.adjacency[node] {
            *links.entry(community[other]).or_insert(0.0) += w;
        }
        links
    }

    /// The graph of communities: one node each, weights summed.
    fn aggregate(&self, community: &[usize], count: usize) -> Level {
        let mut edges = Vec::new();
        for (a, neighbours) in self.adjacency.iter().enumerate() {
            for &(b, w) in neighbours {
                // Each undirected edge appears twice in the adjacency lists.
                if a < b {
                    edges.push((community[a], community[b], w));
                }
            }
            let own: f64 = self.degree[a] - neighbours.iter().map(|&(_, w)| w).sum::<f64>();
            if own > 0.0 {
                edges.push((community[a], community[a], own / 2.0));
            }
        }
        Level::new(count, edges.into_iter())
    }
}

/// Renumbers labels 0, 1, 2 … in order of first appearance.
fn renumber(labels: &[usize]) -> (Vec<usize>, usize) {
    let mut seen = BTreeMap::new();
    let numbers = labels
        .iter()
        .map(|&l| {
            let next = seen.len();
            *seen.entry(l).or_insert(next)
        })
        .collect();
    (numbers, seen.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_triangles_joined_by_one_edge_split_in_two() {
        let edges = [
            (0, 1, 1.0),
            (1, 2, 1.0),
            (0, 2, 1.0),
            (3, 4, 1.0),
            (4, 5, 1.0),
            (3, 5, 1.0),
            (2, 3, 1.0),
        ];
        assert_eq!(louvain(6, &edges), vec![0, 0, 0, 1, 1, 1]);
    }

    #[test]
    fn isolated_nodes_stay_alone_and_empty_graphs_work() {
        assert_eq!(louvain(3, &[]), vec![0, 1, 2]);
        assert_eq!(louvain(0, &[]), Vec::<usize>::new());
        assert_eq!(louvain(3, &[(0, 1, 2.0)]), vec![0, 0, 1]);
    }

    #[test]
    fn heavy_edges_decide_the_split() {
        // A path 0-1-2-3 where the middle edge is weak.
        let edges = [(0, 1, 5.0), (1, 2, 0.1), (2, 3, 5.0)];
        assert_eq!(louvain(4, &edges), vec![0, 0, 1, 1]);
    }

    #[test]
    fn the_result_does_not_change_between_runs() {
        let edges: Vec<(usize, usize, f64)> = (0..30)
            .flat_map(|i| [(i, (i * 7 + 3) % 30, 1.0), (i, (i + 1) % 30, 0.5)])
            .collect();
        assert_eq!(louvain(30, &edges), louvain(30, &edges));
    }
}
