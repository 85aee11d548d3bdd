//! Mechanisms grouped by family, each family with its colour: the
//! headline diagram and the matrix group and colour by the same rule.

use super::model::ReformGraph;
use petgraph::graph::NodeIndex;
use reformkg_present::labels::Labels;
use reformkg_vocab::RK;
use std::collections::BTreeMap;

/// Line colours for the families, distinct from each other on white and
/// none of them grey (grey is for candidates): Tableau 10, with its grey
/// swapped for cyan and its yellow darkened so thin lines show.
const FAMILY_COLOURS: [&str; 10] = [
    "#4e79a7", "#f28e2b", "#e15759", "#59a14f", "#b07aa1", "#76b7b2", "#c9a227", "#ff9da7",
    "#9c755f", "#17becf",
];
/// Candidates, and curated mechanisms without a family.
const NO_FAMILY_COLOUR: &str = "#8c8c8c";

/// What a group of mechanisms has in common.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum GroupKey {
    /// A family of the vocabulary, by its place in [`ReformGraph::families`].
    Family(usize),
    /// Curated, with no family.
    Unsorted,
    /// Named by the text, not in the lexicon.
    Candidate,
}

/// A group of mechanisms as drawn.
#[derive(Debug, Clone)]
pub struct Group {
    pub key: GroupKey,
    /// The family's IRI, `rk:Candidate` for candidates, none for unsorted.
    pub iri: Option<String>,
    pub label: String,
    /// `#rrggbb`.
    pub colour: &'static str,
    pub members: Vec<NodeIndex>,
}

impl Group {
    /// The colour with an alpha channel: `0x33` for a tint behind text.
    pub fn colour_alpha(&self, alpha: u8) -> String {
        format!("{}{alpha:02x}", self.colour)
    }

    pub fn is_candidate(&self) -> bool {
        self.key == GroupKey::Candidate
    }
}

/// The group of one mechanism.
pub fn key_of(g: &ReformGraph, mechanism: NodeIndex) -> GroupKey {
    let family = g
        .family_of(mechanism)
        .and_then(|f| g.families().iter().position(|x| x == f));
    match family {
        Some(i) => GroupKey::Family(i),
        None if g.resource(mechanism).candidate => GroupKey::Candidate,
        None => GroupKey::Unsorted,
    }
}

/// `mechanisms` grouped: families in the vocabulary's order, then the
/// unsorted, then candidates; members keep their order in `mechanisms`.
pub fn groups(g: &ReformGraph, labels: &Labels, mechanisms: &[NodeIndex]) -> Vec<Group> {
    let mut by_key: BTreeMap<GroupKey, Vec<NodeIndex>> = BTreeMap::new();
    for &m in mechanisms {
        by_key.entry(key_of(g, m)).or_default().push(m);
    }
    by_key
        .into_iter()
        .map(|(key, members)| {
            let (iri, colour) = match key {
                // A family keeps its colour whichever families a diagram
                // shows: the colour follows its place in the vocabulary.
                GroupKey::Family(i) => (
                    Some(g.families()[i].clone()),
                    FAMILY_COLOURS[i % FAMILY_COLOURS.len()],
                ),
                GroupKey::Candidate => (Some(format!("{RK}Candidate")), NO_FAMILY_COLOUR),
                GroupKey::Unsorted => (None, NO_FAMILY_COLOUR),
            };
            let label = iri.as_deref().map(|i| labels.get(i)).unwrap_or_default();
            Group {
                key,
                iri,
                label,
                colour,
                members,
            }
        })
        .collect()
}
