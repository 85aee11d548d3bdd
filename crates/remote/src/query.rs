//! Any SPARQL endpoint as a store to query: the statement goes out with
//! reformkg's default prefixes declared, and the answer comes back through
//! Oxigraph's result and RDF parsers as the same `QueryResults` a local
//! query gives, so tables, formats and `.run` work unchanged.

use crate::client::{Body, Client, Credentials, RemoteError};
use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::Triple;
use oxigraph::sparql::results::{QueryResultsFormat, QueryResultsParser};
use oxigraph::sparql::{QueryEvaluationError, QueryResults, QueryTripleIter};
use reformkg_store::sparql::Prefixes;
use std::time::Duration;

/// Longer GET URLs go as a form POST instead (Virtuoso cuts GET URLs over
/// about 8 KB; a direct `application/sparql-query` POST hangs it).
const MAX_GET_URL: usize = 4096;

const ACCEPT_SOLUTIONS: &str =
    "application/sparql-results+json, application/sparql-results+xml;q=0.9";
const ACCEPT_GRAPH: &str = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5";
const ACCEPT_ANY: &str = "application/sparql-results+json, application/sparql-results+xml;q=0.9, application/n-triples;q=0.9, text/turtle;q=0.8, application/rdf+xml;q=0.5";

/// What a statement is, as far as reformkg's own parser can tell. Text it
/// cannot parse (an engine's own extensions) is sent as a query anyway and
/// the server's answer decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    Solutions,
    Graph,
    Update,
    Unknown,
}

/// A SPARQL endpoint.
#[derive(Clone)]
pub struct Endpoint {
    url: String,
    client: Client,
}

impl std::fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Endpoint({})", self.url)
    }
}

/// What a remote statement gave.
pub enum RemoteAnswer {
    Results(QueryResults<'static>),
    Updated,
}

impl Endpoint {
    /// An endpoint at `url`; each request gives up after `timeout`.
    pub fn new(
        url: &str,
        credentials: Option<Credentials>,
        timeout: Option<Duration>,
    ) -> Result<Self, RemoteError> {
        let url = url.trim().to_owned();
        crate::client::check_url(&url)?;
        Ok(Self {
            url,
            client: Client::new(credentials, timeout),
        })
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// Runs one statement: a query's answer streams from the response; an
    /// update is sent as a form-encoded `update=`.
    pub fn run(&self, sparql: &str, prefixes: &Prefixes) -> Result<RemoteAnswer, RemoteError> {
        let form = form_of(sparql, prefixes);
        let text = with_prologue(sparql, prefixes);
        if form == Form::Update {
            let body = encode(&[("update", &text)]);
            self.client.send(
                "POST",
                &self.url,
                None,
                Some(&Body {
                    content_type: "application/x-www-form-urlencoded",
                    bytes: body.as_bytes(),
                }),
            )?;
            return Ok(RemoteAnswer::Updated);
        }
        let accept = match form {
            Form::Solutions => ACCEPT_SOLUTIONS,
            Form::Graph => ACCEPT_GRAPH,
            _ => ACCEPT_ANY,
        };
        let query = encode(&[("query", &text)]);
        let get_url = format!("{}{}{query}", self.url, separator(&self.url));
        let answer = if get_url.len() <= MAX_GET_URL {
            self.client.send("GET", &get_url, Some(accept), None)?
        } else {
            self.client.send(
                "POST",
                &self.url,
                Some(accept),
                Some(&Body {
                    content_type: "application/x-www-form-urlencoded",
                    bytes: query.as_bytes(),
                }),
            )?
        };
        let content_type = answer.content_type.clone();
        let reader = answer.into_reader();
        parse_answer(&self.url, &content_type, reader).map(RemoteAnswer::Results)
    }

    /// Runs a query and reads its rows (the "SELECT, get rows" helper for
    /// remote stores).
    pub fn select_rows(
        &self,
        sparql: &str,
    ) -> Result<Vec<Vec<Option<oxigraph::model::Term>>>, RemoteError> {
        let url = self.url.clone();
        let bad = |e: &dyn std::fmt::Display| RemoteError::Answer {
            url: url.clone(),
            reason: e.to_string(),
        };
        match self.run(sparql, &Prefixes::default())? {
            RemoteAnswer::Results(QueryResults::Solutions(solutions)) => solutions
                .map(|row| row.map(|s| s.values().to_vec()).map_err(|e| bad(&e)))
                .collect(),
            _ => Ok(Vec::new()),
        }
    }
}

impl Endpoint {
    /// Runs a CONSTRUCT (with the default prefixes) and adds its triples
    /// to the default graph of `store`.
    pub fn construct_into(
        &self,
        sparql: &str,
        store: &oxigraph::store::Store,
    ) -> Result<(), RemoteError> {
        let bad = |reason: String| RemoteError::Answer {
            url: self.url.clone(),
            reason,
        };
        let RemoteAnswer::Results(QueryResults::Graph(triples)) =
            self.run(sparql, &Prefixes::default())?
        else {
            return Err(bad("a CONSTRUCT did not answer a graph".to_owned()));
        };
        for triple in triples {
            let triple = triple.map_err(|e| bad(e.to_string()))?;
            store
                .insert(
                    triple
                        .as_ref()
                        .in_graph(oxigraph::model::GraphNameRef::DefaultGraph),
                )
                .map_err(|e| bad(e.to_string()))?;
        }
        Ok(())
    }

    /// Every triple the endpoint's default graph holds, in a new in-memory
    /// store (for `validate --endpoint`). A server that caps result sizes
    /// (Virtuoso's `ResultSetMaxRows`) would cut the answer short without
    /// saying so: the distinct triples are counted first and a short answer
    /// is an error.
    pub fn fetch_graph(&self) -> Result<oxigraph::store::Store, RemoteError> {
        let bad = |reason: String| RemoteError::Answer {
            url: self.url.clone(),
            reason,
        };
        let counted = self
            .select_rows(
                "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }",
            )?
            .into_iter()
            .next()
            .and_then(|row| match row.into_iter().next().flatten() {
                Some(oxigraph::model::Term::Literal(n)) => n.value().parse::<usize>().ok(),
                _ => None,
            })
            .ok_or_else(|| bad("no triple count in the answer".to_owned()))?;
        let store = oxigraph::store::Store::new().map_err(|e| bad(e.to_string()))?;
        self.construct_into("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", &store)?;
        let received = store.len().map_err(|e| bad(e.to_string()))?;
        if received < counted {
            return Err(bad(format!(
                "the endpoint sent {received} of its {counted} triples: a limit on result \
                 size (Virtuoso's ResultSetMaxRows) cut the answer; raise it"
            )));
        }
        Ok(store)
    }
}

/// The statement's form, by reformkg's parser with the default prefixes.
pub fn form_of(sparql: &str, prefixes: &Prefixes) -> Form {
    let parser = || {
        prefixes.iter().try_fold(
            spargebra::SparqlParser::new(),
            |parser, (prefix, namespace)| parser.with_prefix(prefix, namespace),
        )
    };
    let Ok(query_parser) = parser() else {
        return Form::Unknown;
    };
    match query_parser.parse_query(sparql) {
        Ok(spargebra::Query::Select { .. } | spargebra::Query::Ask { .. }) => Form::Solutions,
        Ok(_) => Form::Graph,
        Err(_) => match parser().map(|p| p.parse_update(sparql)) {
            Ok(Ok(_)) => Form::Update,
            _ => Form::Unknown,
        },
    }
}

/// The statement with a `PREFIX` line for each of `prefixes` in front (a
/// statement's own declarations come later and win).
pub fn with_prologue(sparql: &str, prefixes: &Prefixes) -> String {
    let mut text = String::new();
    for (prefix, namespace) in prefixes.iter() {
        text.push_str(&format!("PREFIX {prefix}: <{namespace}>\n"));
    }
    text.push_str(sparql);
    text
}

fn separator(url: &str) -> char {
    if url.contains('?') {
        '&'
    } else {
        '?'
    }
}

fn encode(pairs: &[(&str, &str)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

/// Reads a response body as SPARQL results or as an RDF graph, by its
/// media type.
fn parse_answer(
    url: &str,
    content_type: &str,
    reader: Box<dyn std::io::Read + Send + Sync>,
) -> Result<QueryResults<'static>, RemoteError> {
    let bad = |reason: String| RemoteError::Answer {
        url: url.to_owned(),
        reason,
    };
    if let Some(format) = QueryResultsFormat::from_media_type(content_type) {
        let parsed = QueryResultsParser::from_format(format)
            .for_reader(reader)
            .map_err(|e| bad(format!("unreadable {} answer: {e}", format.name())))?;
        return Ok(parsed.into());
    }
    if let Some(format) = RdfFormat::from_media_type(content_type) {
        let triples = RdfParser::from_format(format)
            .for_reader(reader)
            .map(|quad| {
                quad.map(Triple::from)
                    .map_err(|e| QueryEvaluationError::Service(Box::new(e)))
            });
        return Ok(QueryResults::Graph(QueryTripleIter::new(triples)));
    }
    Err(bad(format!(
        "the answer is {content_type}, neither SPARQL results nor RDF"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_are_told_apart_with_the_default_prefixes() {
        let prefixes = Prefixes::default();
        assert_eq!(
            form_of("SELECT * { ?c a rk:Case }", &prefixes),
            Form::Solutions
        );
        assert_eq!(form_of("ASK { ?c a rk:Case }", &prefixes), Form::Solutions);
        assert_eq!(
            form_of("CONSTRUCT WHERE { ?c a rk:Case }", &prefixes),
            Form::Graph
        );
        assert_eq!(form_of("DESCRIBE case:x", &prefixes), Form::Graph);
        assert_eq!(form_of("CLEAR DEFAULT", &prefixes), Form::Update);
        assert_eq!(form_of("SELECT bif:contains", &prefixes), Form::Unknown);
    }

    #[test]
    fn the_prologue_comes_first_and_the_statement_keeps_its_own() {
        let text = with_prologue("PREFIX rk: <urn:x#> ASK {}", &Prefixes::default());
        assert!(text.starts_with("PREFIX "));
        assert!(text.ends_with("PREFIX rk: <urn:x#> ASK {}"));
    }

    /// Whatever a server sends, reading it gives rows or an error, never a
    /// panic: malformed bodies in every media type, and pseudo-random bytes
    /// (a fixed generator, so a failure repeats).
    #[test]
    fn malformed_answers_are_errors_not_panics() {
        let media_types = [
            "application/sparql-results+json",
            "application/sparql-results+xml",
            "text/csv",
            "text/tab-separated-values",
            "application/n-triples",
            "text/turtle",
            "application/rdf+xml",
            "text/html",
            "",
        ];
        let mut bodies: Vec<Vec<u8>> = [
            "",
            "{",
            "{\"head\":{\"vars\":[\"x\"]},\"results\":{\"bindings\":[{\"x\":{\"type\":\"uri\"}}]}}",
            "{\"head\":{},\"boolean\":\"yes\"}",
            "<sparql><head><variable name=\"x\"/></head><results><result><binding name=\"y\"><uri>a b</uri></binding></result></results></sparql>",
            "<http://a> <http://b> \"unterminated .",
            "_:b <http://p> <not an iri> .",
            "@prefix : <> . :a :b [ :c ( 1 2 3 ",
            "\u{feff}?x\n<http://a>\t\"\\u00\"",
        ]
        .iter()
        .map(|s| s.as_bytes().to_vec())
        .collect();
        bodies.push("[".repeat(100_000).into_bytes());
        bodies.push("{\"a\":".repeat(50_000).into_bytes());
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        for length in [1, 7, 64, 512, 4096] {
            let bytes = (0..length)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    (state >> 24) as u8
                })
                .collect();
            bodies.push(bytes);
        }
        for media_type in media_types {
            for body in &bodies {
                let reader: Box<dyn std::io::Read + Send + Sync> =
                    Box::new(std::io::Cursor::new(body.clone()));
                let Ok(results) = parse_answer("http://test/", media_type, reader) else {
                    continue;
                };
                let limits = reformkg_store::sparql::Limits {
                    max_rows: Some(1000),
                };
                // Rows or an error: either is fine, a panic is not.
                let _ = reformkg_store::sparql::read_answer(
                    results,
                    None,
                    limits,
                    std::time::Instant::now(),
                );
            }
        }
    }

    #[test]
    fn query_strings_join_an_existing_one() {
        assert_eq!(separator("http://h/sparql"), '?');
        assert_eq!(separator("http://h/sparql?default-graph-uri=x"), '&');
    }
}
