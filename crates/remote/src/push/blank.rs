//! Triples with blank nodes: a blank node names one node only within one
//! request, so the triples that share one (directly or through others)
//! travel together.

use oxigraph::model::{NamedOrBlankNode, Term, Triple};

/// The triples grouped so that triples sharing a blank node (directly or
/// through others) are in one group, in first-seen order.
pub(super) fn components(triples: Vec<Triple>) -> Vec<Vec<Triple>> {
    use std::collections::HashMap;
    let mut parent: Vec<usize> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    let mut id_of = |label: &str, parent: &mut Vec<usize>| -> usize {
        *index.entry(label.to_owned()).or_insert_with(|| {
            parent.push(parent.len());
            parent.len() - 1
        })
    };
    let blanks = |t: &Triple| -> Vec<String> {
        let mut ids = Vec::new();
        if let NamedOrBlankNode::BlankNode(b) = &t.subject {
            ids.push(b.as_str().to_owned());
        }
        if let Term::BlankNode(b) = &t.object {
            ids.push(b.as_str().to_owned());
        }
        ids
    };
    let mut first_node = Vec::with_capacity(triples.len());
    for t in &triples {
        let ids: Vec<usize> = blanks(t).iter().map(|b| id_of(b, &mut parent)).collect();
        if let [a, b] = ids.as_slice() {
            let (ra, rb) = (root(&mut parent, *a), root(&mut parent, *b));
            parent[ra] = rb;
        }
        first_node.push(ids.first().copied());
    }
    let mut groups: Vec<Vec<Triple>> = Vec::new();
    let mut group_of_root: HashMap<usize, usize> = HashMap::new();
    for (t, node) in triples.into_iter().zip(first_node) {
        let Some(node) = node else { continue };
        let r = root(&mut parent, node);
        let g = *group_of_root.entry(r).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[g].push(t);
    }
    groups
}

/// Whole groups packed into batches of about `limit` triples (a larger
/// group goes alone).
pub(super) fn pack(groups: Vec<Vec<Triple>>, limit: usize) -> Vec<Vec<Triple>> {
    let mut batches: Vec<Vec<Triple>> = Vec::new();
    for group in groups {
        match batches.last_mut() {
            Some(last) if last.len() + group.len() <= limit => last.extend(group),
            _ => batches.push(group),
        }
    }
    batches
}

pub(crate) fn has_blank_node(t: &Triple) -> bool {
    matches!(t.subject, NamedOrBlankNode::BlankNode(_)) || matches!(t.object, Term::BlankNode(_))
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxigraph::model::{BlankNode, NamedNode};

    #[test]
    fn triples_sharing_blank_nodes_stay_together() {
        let iri = |s: &str| NamedNode::new_unchecked(format!("http://example.org/{s}"));
        let b = |s: &str| BlankNode::new_unchecked(s);
        let triples = vec![
            Triple::new(b("x"), iri("p"), b("y")),
            Triple::new(b("z"), iri("p"), iri("o")),
            Triple::new(b("y"), iri("p"), iri("o")),
            Triple::new(iri("s"), iri("p"), b("x")),
        ];
        let groups = components(triples);
        let sizes: Vec<usize> = groups.iter().map(Vec::len).collect();
        assert_eq!(sizes, vec![3, 1]);
        let packed = pack(groups.clone(), 2);
        assert_eq!(packed.len(), 2, "a group of 3 goes alone, the 1 after it");
        assert_eq!(pack(groups, 10).len(), 1);
    }
}
