//! The text of each request: Graph Store URLs and bodies, and the SPARQL
//! Updates that replace, fill and move graphs.

use super::blank::has_blank_node;
use oxigraph::io::{RdfFormat, RdfSerializer};
use oxigraph::model::{NamedNode, Triple};
use reformkg_vocab as vocab;

/// `URL?graph=IRI` or `URL?default` (the Graph Store Protocol's indirect
/// identification).
pub fn graph_store_url(url: &str, graph: Option<&NamedNode>) -> String {
    let separator = if url.contains('?') { '&' } else { '?' };
    match graph {
        Some(graph) => {
            let query = form_urlencoded::Serializer::new(String::new())
                .append_pair("graph", graph.as_str())
                .finish();
            format!("{url}{separator}{query}")
        }
        None => format!("{url}{separator}default"),
    }
}

pub(super) fn n_triples(triples: &[Triple]) -> Vec<u8> {
    let mut writer = RdfSerializer::from_format(RdfFormat::NTriples).for_writer(Vec::new());
    for t in triples {
        // Writing to memory cannot fail.
        let _ = writer.serialize_triple(t);
    }
    writer.finish().unwrap_or_default()
}

/// Where one push run (`run`, unique to it) fills `target` before moving it
/// there: `…/id/graph/staging/` + the target IRI, percent-encoded (or
/// `default`), `/` + the run. Each run has its own: a request of a killed
/// push that the server is still working on, or another user's push, never
/// writes into it.
pub fn staging_graph(target: Option<&NamedNode>, run: &str) -> NamedNode {
    let local = match target {
        Some(g) => form_urlencoded::byte_serialize(g.as_str().as_bytes()).collect::<String>(),
        None => "default".to_owned(),
    };
    NamedNode::new_unchecked(format!("{}staging/{local}/{run}", vocab::GRAPH))
}

/// A name for one push run: the process and the clock, in hex.
pub fn run_id() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("{:x}-{nanos:x}", std::process::id())
}

/// The update that replaces `target` with the staging graph (or, when
/// nothing was staged, empties it: MOVE SILENT of a graph that does not
/// exist would leave the target as it was).
pub fn move_into_place(staging: &NamedNode, target: Option<&NamedNode>, staged: bool) -> String {
    let target_text = match target {
        Some(g) => format!("GRAPH {g}"),
        None => "DEFAULT".to_owned(),
    };
    if staged {
        format!("MOVE SILENT GRAPH {staging} TO {target_text}")
    } else {
        match target {
            Some(g) => format!("DROP SILENT GRAPH {g} ; DROP SILENT GRAPH {staging}"),
            None => format!("CLEAR SILENT DEFAULT ; DROP SILENT GRAPH {staging}"),
        }
    }
}

/// `INSERT DATA` for the triples (N-Triples terms are SPARQL terms), after
/// `DROP SILENT GRAPH` (or `CLEAR SILENT DEFAULT`) when `replace`. With a
/// blank node it is `INSERT { … } WHERE {}` instead: Virtuoso refuses blank
/// nodes in `INSERT DATA` ("not allowed in a constant clause"), and a
/// template's blank nodes are one fresh node each, shared within it.
pub fn insert_data(graph: Option<&NamedNode>, triples: &[Triple], replace: bool) -> String {
    let mut update = String::new();
    if replace {
        match graph {
            Some(g) => update.push_str(&format!("DROP SILENT GRAPH {g} ;\n")),
            None => update.push_str("CLEAR SILENT DEFAULT ;\n"),
        }
    }
    let template = triples.iter().any(has_blank_node);
    update.push_str(if template {
        "INSERT {\n"
    } else {
        "INSERT DATA {\n"
    });
    if let Some(g) = graph {
        update.push_str(&format!("GRAPH {g} {{\n"));
    }
    for t in triples {
        update.push_str(&t.to_string());
        update.push_str(" .\n");
    }
    if graph.is_some() {
        update.push_str("}\n");
    }
    update.push('}');
    if template {
        update.push_str(" WHERE {}");
    }
    update
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxigraph::model::{BlankNode, Literal, Quad, Term};
    use oxigraph::store::Store;

    fn triple(object: Term) -> Triple {
        Triple::new(
            NamedNode::new_unchecked("http://example.org/s"),
            NamedNode::new_unchecked("http://example.org/p"),
            object,
        )
    }

    #[test]
    fn an_update_replaces_then_inserts_parseable_sparql() {
        let graph = NamedNode::new_unchecked("http://example.org/g");
        let triples = vec![
            triple(
                Literal::new_language_tagged_literal_unchecked("引号\"与\\反斜杠\n", "zh").into(),
            ),
            triple(BlankNode::new_unchecked("b0").into()),
        ];
        let text = insert_data(Some(&graph), &triples, true);
        assert!(text.starts_with("DROP SILENT GRAPH <http://example.org/g> ;"));
        assert!(
            text.contains("INSERT {") && text.ends_with("WHERE {}"),
            "{text}"
        );
        assert!(!insert_data(Some(&graph), &triples[..1], false).contains("WHERE"));
        let parsed = spargebra::SparqlParser::new()
            .parse_update(&text)
            .expect("valid SPARQL Update");
        assert_eq!(parsed.operations.len(), 2);
        let store = Store::new().expect("in-memory store");
        oxigraph::sparql::SparqlEvaluator::new()
            .parse_update(&text)
            .expect("parses")
            .on_store(&store)
            .execute()
            .expect("runs");
        let literal = store
            .quads_for_pattern(None, None, None, None)
            .filter_map(Result::ok)
            .find_map(|q| match q.object {
                Term::Literal(l) => Some(l.value().to_owned()),
                _ => None,
            });
        assert_eq!(literal.as_deref(), Some("引号\"与\\反斜杠\n"));
    }

    #[test]
    fn staged_graphs_are_moved_into_place_with_valid_updates() {
        let target = NamedNode::new_unchecked("http://example.org/g?x=1");
        let staging = staging_graph(Some(&target), "r1");
        assert!(staging.as_str().starts_with(vocab::GRAPH));
        assert_ne!(staging, staging_graph(None, "r1"));
        assert_ne!(staging, staging_graph(Some(&target), "r2"));
        for (target, staged) in [
            (Some(&target), true),
            (Some(&target), false),
            (None, true),
            (None, false),
        ] {
            let text = move_into_place(&staging, target, staged);
            assert!(
                spargebra::SparqlParser::new().parse_update(&text).is_ok(),
                "{text}"
            );
        }
        // Applied to a store: the target ends with exactly the staged triples.
        let store = Store::new().expect("in-memory store");
        let old = Triple::new(
            target.clone(),
            target.clone(),
            Literal::new_simple_literal("old"),
        );
        let new = Triple::new(
            target.clone(),
            target.clone(),
            Literal::new_simple_literal("new"),
        );
        store
            .insert(old.as_ref().in_graph(target.as_ref()))
            .expect("insert");
        let run = |text: &str| {
            oxigraph::sparql::SparqlEvaluator::new()
                .parse_update(text)
                .expect("parses")
                .on_store(&store)
                .execute()
                .expect("runs")
        };
        run(&insert_data(
            Some(&staging),
            std::slice::from_ref(&new),
            true,
        ));
        assert_eq!(
            store.len().expect("len"),
            2,
            "the target is untouched while staging"
        );
        run(&move_into_place(&staging, Some(&target), true));
        let quads: Vec<Quad> = store.iter().map(|q| q.expect("quad")).collect();
        assert_eq!(quads, vec![new.in_graph(target.clone())]);
    }

    #[test]
    fn the_default_graph_is_cleared_not_dropped() {
        let text = insert_data(None, &[], true);
        assert!(text.starts_with("CLEAR SILENT DEFAULT ;"));
        assert!(spargebra::SparqlParser::new().parse_update(&text).is_ok());
    }

    #[test]
    fn graph_store_urls_use_indirect_identification() {
        let g = NamedNode::new_unchecked("http://example.org/g?x=1");
        assert_eq!(
            graph_store_url("http://h/store", Some(&g)),
            "http://h/store?graph=http%3A%2F%2Fexample.org%2Fg%3Fx%3D1"
        );
        assert_eq!(
            graph_store_url("http://h/crud?a=b", None),
            "http://h/crud?a=b&default"
        );
    }
}
