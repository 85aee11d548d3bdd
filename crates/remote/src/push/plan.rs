//! Which local triples fill which remote graph.

use super::{PushError, Target};
use oxigraph::model::{GraphName, GraphNameRef, NamedNode, NamedOrBlankNode, Quad, Term, Triple};
use oxigraph::store::{StorageError, Store};
use reformkg_store::sparql;
use reformkg_vocab as vocab;
use std::collections::HashSet;

/// The graph of a collection when pushing one per collection.
pub fn collection_graph(collection: &NamedNode) -> NamedNode {
    collection_graph_of_slug(slug_of(collection))
}

fn collection_graph_of_slug(slug: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{}collection/{slug}", vocab::GRAPH))
}

/// A collection's slug: the last segment of its IRI.
fn slug_of(collection: &NamedNode) -> &str {
    collection
        .as_str()
        .rsplit('/')
        .next()
        .unwrap_or(collection.as_str())
}

/// The graph of the ontology and the shared nodes when pushing one per
/// collection.
pub fn shared_graph() -> NamedNode {
    NamedNode::new_unchecked(format!("{}shared", vocab::GRAPH))
}

/// Which local triples fill one remote graph.
pub(super) enum Source {
    /// All of a local graph.
    Graph(GraphName),
    /// The default graph's triples about these subjects.
    Subjects(Vec<NamedOrBlankNode>),
    /// The default graph's triples about any other subject.
    AllBut(HashSet<NamedOrBlankNode>),
}

pub(super) struct Job {
    pub(super) remote: Option<NamedNode>,
    pub(super) source: Source,
}

/// The remote graphs and what fills each.
pub(super) fn plan(store: &Store, target: &Target) -> Result<Vec<Job>, PushError> {
    let named: Vec<NamedNode> = store
        .named_graphs()
        .filter_map(|g| match g {
            Ok(NamedOrBlankNode::NamedNode(n)) => Some(Ok(n)),
            Ok(NamedOrBlankNode::BlankNode(_)) => None,
            Err(e) => Some(Err(e)),
        })
        .collect::<Result<_, _>>()?;
    let mut jobs = match target {
        Target::DefaultGraph => vec![Job {
            remote: None,
            source: Source::Graph(GraphName::DefaultGraph),
        }],
        Target::Graph(graph) => vec![Job {
            remote: Some(graph.clone()),
            source: Source::Graph(GraphName::DefaultGraph),
        }],
        Target::PerCollection { only } => per_collection(store, only)?,
    };
    for job in &jobs {
        if let Some(clash) = job.remote.as_ref().filter(|g| named.contains(g)) {
            return Err(PushError::Clash(clash.as_str().to_owned()));
        }
    }
    jobs.extend(named.into_iter().map(|g| Job {
        remote: Some(g.clone()),
        source: Source::Graph(GraphName::NamedNode(g)),
    }));
    Ok(jobs)
}

/// One job per collection (its own resources: the collection, its cases,
/// their outcomes, mentions and pairs), then one for everything else.
fn per_collection(store: &Store, only: &[String]) -> Result<Vec<Job>, PushError> {
    let collections = sparql::select_rows(
        store,
        "SELECT ?c WHERE { ?c a rk:CaseCollection } ORDER BY ?c",
    )?;
    let mut owned = HashSet::new();
    let mut jobs = Vec::new();
    for row in collections {
        let Some(Term::NamedNode(collection)) = row.into_iter().next().flatten() else {
            continue;
        };
        // LATERAL: from this collection's cases to what hangs off them; as
        // a join Oxigraph would read every mention of the store per
        // collection.
        let query = format!(
            "SELECT DISTINCT ?s WHERE {{ \
               {{ BIND(<{c}> AS ?s) }} \
               UNION {{ ?s rk:inCollection <{c}> }} \
               UNION {{ ?case rk:inCollection <{c}> LATERAL {{ ?case rk:hasOutcome ?s }} }} \
               UNION {{ ?case rk:inCollection <{c}> LATERAL {{ ?s rk:case ?case }} }} \
               UNION {{ ?case rk:inCollection <{c}> LATERAL {{ ?s rk:firstCase ?case }} }} \
             }}",
            c = collection.as_str()
        );
        let mut subjects = Vec::new();
        for row in sparql::select_rows(store, &query)? {
            let subject = match row.into_iter().next().flatten() {
                Some(Term::NamedNode(n)) => NamedOrBlankNode::NamedNode(n),
                Some(Term::BlankNode(b)) => NamedOrBlankNode::BlankNode(b),
                _ => continue,
            };
            // A subject two collections claim goes with the first.
            if owned.insert(subject.clone()) {
                subjects.push(subject);
            }
        }
        // The subjects of every collection are found, so that the shared
        // graph leaves them out even when only some collections go.
        if only.is_empty() || only.iter().any(|slug| slug == slug_of(&collection)) {
            jobs.push(Job {
                remote: Some(collection_graph(&collection)),
                source: Source::Subjects(subjects),
            });
        }
    }
    if let Some(missing) = only.iter().find(|slug| {
        !jobs
            .iter()
            .any(|job| job.remote.as_ref() == Some(&collection_graph_of_slug(slug)))
    }) {
        return Err(PushError::NoSuchCollection(missing.clone()));
    }
    jobs.push(Job {
        remote: Some(shared_graph()),
        source: Source::AllBut(owned),
    });
    Ok(jobs)
}

pub(super) fn for_each_triple<E: From<StorageError>>(
    store: &Store,
    source: &Source,
    mut each: impl FnMut(Triple) -> Result<(), E>,
) -> Result<(), E> {
    let default = GraphNameRef::DefaultGraph;
    match source {
        Source::Graph(graph) => {
            for quad in store.quads_for_pattern(None, None, None, Some(graph.as_ref())) {
                each(quad?.into())?;
            }
        }
        Source::Subjects(subjects) => {
            for subject in subjects {
                for quad in
                    store.quads_for_pattern(Some(subject.as_ref()), None, None, Some(default))
                {
                    each(quad?.into())?;
                }
            }
        }
        Source::AllBut(owned) => {
            for quad in store.quads_for_pattern(None, None, None, Some(default)) {
                let quad: Quad = quad?;
                if !owned.contains(&quad.subject) {
                    each(quad.into())?;
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collection_graphs_take_the_collection_slug() {
        let c = NamedNode::new_unchecked(format!("{}collection/shanghai-2023", vocab::ID));
        assert_eq!(
            collection_graph(&c).as_str(),
            "https://w3id.org/reformkg/id/graph/collection/shanghai-2023"
        );
    }
}
