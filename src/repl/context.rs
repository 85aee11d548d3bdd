//! What drawing a remote answer needs from the endpoint: the labels and
//! classes of the drawn resources, fetched into a scratch in-memory store
//! (the diagram reads them from a store, as it does locally).

use super::error::ReplError;
use crate::remote::Endpoint;
use crate::store::sparql::Answer;
use oxigraph::model::{NamedNode, Term};
use oxigraph::store::Store;
use std::collections::BTreeSet;

/// Resources per request: the VALUES list stays a few KB.
const CHUNK: usize = 100;

/// A scratch store with `rdf:type` and the label predicates of every IRI
/// in `answer`, and the labels of their classes (the legend).
pub fn of_answer(endpoint: &Endpoint, answer: &Answer) -> Result<Store, ReplError> {
    let store = Store::new().map_err(|e| ReplError::Remote(scratch_error(endpoint, e)))?;
    let iris: Vec<NamedNode> = iris_of(answer).into_iter().collect();
    fetch(endpoint, &store, &iris)?;
    let classes: BTreeSet<NamedNode> = store
        .quads_for_pattern(None, Some(oxigraph::model::vocab::rdf::TYPE), None, None)
        .filter_map(|q| match q.ok()?.object {
            Term::NamedNode(class) => Some(class),
            _ => None,
        })
        .filter(|class| !iris.contains(class))
        .collect();
    fetch(endpoint, &store, &classes.into_iter().collect::<Vec<_>>())?;
    Ok(store)
}

/// Adds the types and labels of `iris` to `store`.
fn fetch(endpoint: &Endpoint, store: &Store, iris: &[NamedNode]) -> Result<(), ReplError> {
    for chunk in iris.chunks(CHUNK) {
        let values: Vec<String> = chunk.iter().map(ToString::to_string).collect();
        let sparql = format!(
            "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES ?s {{ {} }} \
             VALUES ?p {{ rdf:type skos:prefLabel rdfs:label dct:title }} ?s ?p ?o }}",
            values.join(" ")
        );
        endpoint.construct_into(&sparql, store)?;
    }
    Ok(())
}

fn scratch_error(endpoint: &Endpoint, e: impl std::fmt::Display) -> crate::remote::RemoteError {
    crate::remote::RemoteError::Answer {
        url: endpoint.url().to_owned(),
        reason: e.to_string(),
    }
}

fn iris_of(answer: &Answer) -> BTreeSet<NamedNode> {
    let mut iris = BTreeSet::new();
    let mut add = |term: &Term| {
        if let Term::NamedNode(n) = term {
            iris.insert(n.clone());
        }
    };
    match answer {
        Answer::Solutions { rows, .. } => rows.iter().flatten().flatten().for_each(&mut add),
        Answer::Graph(triples) => {
            for t in triples {
                add(&t.subject.clone().into());
                add(&t.predicate.clone().into());
                add(&t.object);
            }
        }
        Answer::Boolean(_) | Answer::Updated => {}
    }
    iris
}
