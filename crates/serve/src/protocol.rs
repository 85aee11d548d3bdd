//! The SPARQL 1.1 Protocol (query and update operations) and the read side
//! of the Graph Store Protocol.
//!
//! A statement runs on its own thread with a large stack (Oxigraph's parser
//! and evaluator recurse on the query's shape) under a deadline: past
//! `--timeout` its cancellation token fires, and a thread that does not
//! stop within [`GRACE`] is left to finish alone while the client gets 503.

use crate::accept;
use crate::http::{Incoming, Reply};
use crate::App;
use oxigraph::io::RdfFormat;
use oxigraph::model::{GraphName, GraphNameRef, NamedNode, NamedOrBlankNode, Triple};
use oxigraph::sparql::CancellationToken;
use reformkg_present::format::{write_results, write_triples};
use reformkg_store::sparql::{self, Answer, Prefixes, QueryError, Statement};
use reformkg_store::Snapshot;
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// How long a cancelled statement may take to stop before its client is
/// answered without it.
const GRACE: Duration = Duration::from_secs(1);

/// Why a statement gave no answer.
enum Failure {
    Query(QueryError),
    /// Refused before it ran, with the reply to send.
    Refused(Reply),
}

impl From<QueryError> for Failure {
    fn from(error: QueryError) -> Self {
        Failure::Query(error)
    }
}

/// What a protocol request asks for.
#[derive(Debug, Default)]
struct Operation {
    query: Option<String>,
    update: Option<String>,
    /// `default-graph-uri` / `using-graph-uri`.
    default_graphs: Vec<String>,
    /// `named-graph-uri` / `using-named-graph-uri`.
    named_graphs: Vec<String>,
    /// `format=` (a file extension or a media type) overrides `Accept`.
    format: Option<String>,
}

/// `/sparql` and `/query`.
pub fn handle(app: &App, request: &Incoming) -> Reply {
    let operation = match read_operation(request) {
        Ok(operation) => operation,
        Err(reply) => return reply,
    };
    match (&operation.query, &operation.update) {
        (Some(_), Some(_)) => Reply::error(400, "give either query or update, not both"),
        (Some(query), None) => run_query(app, request, query, &operation),
        (None, Some(update)) => run_update(app, request, update, &operation),
        (None, None) if request.method == "GET" && request.query.is_empty() => {
            crate::explorer::query_page(app, request)
        }
        (None, None) => Reply::error(400, "no query: give query=… (or update=… with --writable)"),
    }
}

fn read_operation(request: &Incoming) -> Result<Operation, Reply> {
    let url_params = request.params();
    let mut operation = Operation::default();
    match request.method.as_str() {
        "GET" => {
            if url_params.iter().any(|(name, _)| name == "update") {
                return Err(Reply::error(
                    400,
                    "an update must be POSTed, not sent with GET",
                ));
            }
            collect(&mut operation, &url_params)?;
        }
        "POST" => {
            let content_type = request.header("content-type").unwrap_or_default();
            let (media_type, charset) = media_type_and_charset(content_type);
            if charset.is_some_and(|c| !c.eq_ignore_ascii_case("utf-8")) {
                return Err(Reply::error(415, "the body must be UTF-8 (charset=utf-8)"));
            }
            match media_type.as_str() {
                "application/x-www-form-urlencoded" => {
                    let form: Vec<(String, String)> =
                        form_urlencoded::parse(&request.body).into_owned().collect();
                    collect(&mut operation, &url_params)?;
                    collect(&mut operation, &form)?;
                }
                "application/sparql-query" | "application/sparql-update" => {
                    let text = String::from_utf8(request.body.clone())
                        .map_err(|_| Reply::error(400, "the body is not valid UTF-8"))?;
                    collect(&mut operation, &url_params)?;
                    if operation.query.is_some() || operation.update.is_some() {
                        return Err(Reply::error(
                            400,
                            "the statement is in the body: do not repeat it in the URL",
                        ));
                    }
                    if media_type == "application/sparql-query" {
                        operation.query = Some(text);
                    } else {
                        operation.update = Some(text);
                    }
                }
                "" => {
                    return Err(Reply::error(
                        400,
                        "a POST needs a Content-Type: application/sparql-query, \
                         application/sparql-update or application/x-www-form-urlencoded",
                    ))
                }
                other => {
                    return Err(Reply::error(
                        415,
                        format!(
                            "unsupported Content-Type {other}: use application/sparql-query, \
                             application/sparql-update or application/x-www-form-urlencoded"
                        ),
                    ))
                }
            }
        }
        other => {
            return Err(Reply::error(
                405,
                format!("method {other} is not allowed: use GET or POST"),
            )
            .with_header("Allow", "GET, POST"))
        }
    }
    Ok(operation)
}

fn collect(operation: &mut Operation, params: &[(String, String)]) -> Result<(), Reply> {
    for (name, value) in params {
        let slot = match name.as_str() {
            "query" => &mut operation.query,
            "update" => &mut operation.update,
            "format" => &mut operation.format,
            "default-graph-uri" | "using-graph-uri" => {
                operation.default_graphs.push(value.clone());
                continue;
            }
            "named-graph-uri" | "using-named-graph-uri" => {
                operation.named_graphs.push(value.clone());
                continue;
            }
            _ => continue,
        };
        if slot.is_some() {
            return Err(Reply::error(400, format!("more than one {name} parameter")));
        }
        *slot = Some(value.clone());
    }
    Ok(())
}

/// `application/sparql-query; charset=UTF-8` → the media type in lower case
/// and the charset, if given.
fn media_type_and_charset(content_type: &str) -> (String, Option<&str>) {
    let mut parts = content_type.split(';');
    let media_type = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
    let charset = parts.find_map(|p| {
        let (name, value) = p.split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| value.trim().trim_matches('"'))
    });
    (media_type, charset)
}

/// The default prefixes, and the endpoint's own URL as the base IRI (the
/// protocol lets a service choose; relative IRIs then name things on it).
fn prologue(app: &App, request: &Incoming) -> Prefixes {
    let host = request
        .header("host")
        .map_or_else(|| app.options.bind.to_string(), str::to_owned);
    let base = format!("http://{host}{}", request.path);
    match oxigraph::model::NamedNode::new(base) {
        Ok(base) => Prefixes::default().with_base(base.into_string()),
        Err(_) => Prefixes::default(),
    }
}

fn named_nodes(iris: &[String]) -> Result<Vec<NamedNode>, Reply> {
    iris.iter()
        .map(|iri| {
            NamedNode::new(iri.as_str())
                .map_err(|e| Reply::error(400, format!("invalid graph IRI <{iri}>: {e}")))
        })
        .collect()
}

fn run_query(app: &App, request: &Incoming, text: &str, operation: &Operation) -> Reply {
    let default_graphs = match named_nodes(&operation.default_graphs) {
        Ok(nodes) => nodes,
        Err(reply) => return reply,
    };
    let named_graphs = match named_nodes(&operation.named_graphs) {
        Ok(nodes) => nodes,
        Err(reply) => return reply,
    };
    let text = text.to_owned();
    let prefixes = prologue(app, request);
    let outcome = on_deadline(app, move |snapshot, token| {
        let Statement::Query(mut prepared) = sparql::parse(&text, &prefixes, Some(token.clone()))?
        else {
            return Ok(None);
        };
        if !default_graphs.is_empty() || !named_graphs.is_empty() {
            let dataset = prepared.dataset_mut();
            dataset.set_default_graph(default_graphs.into_iter().map(GraphName::from).collect());
            dataset.set_available_named_graphs(
                named_graphs
                    .into_iter()
                    .map(NamedOrBlankNode::from)
                    .collect(),
            );
        }
        let timed = sparql::execute_query(
            snapshot.store(),
            prepared,
            Some(token),
            sparql::Limits::default(),
            Instant::now(),
        )?;
        Ok(Some(timed.answer))
    });
    match outcome {
        Ok(Some(answer)) => write_answer(&answer, request, operation.format.as_deref()),
        Ok(None) => Reply::error(
            400,
            "this is an update: POST it as update=… or application/sparql-update",
        ),
        Err(reply) => reply,
    }
}

fn run_update(app: &App, request: &Incoming, text: &str, operation: &Operation) -> Reply {
    if !app.options.writable {
        return Reply::error(
            403,
            "this server is read-only: updates are refused (start it with --writable to allow them)",
        );
    }
    let text = text.to_owned();
    let (using, using_named) = match (
        named_nodes(&operation.default_graphs),
        named_nodes(&operation.named_graphs),
    ) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(reply), _) | (_, Err(reply)) => return reply,
    };
    let dir = app.options.store_dir.clone();
    let prefixes = prologue(app, request);
    let outcome = on_deadline(app, move |_, token| {
        let statement = sparql::parse(&text, &prefixes, Some(token))?;
        let Statement::Update(mut update) = statement else {
            return Ok(Some(()));
        };
        if !using.is_empty() || !using_named.is_empty() {
            for dataset in update.using_datasets_mut() {
                if !dataset.is_default_dataset() {
                    return Err(Failure::Refused(Reply::error(
                        400,
                        "the update names its dataset (USING or WITH) and so does the request",
                    )));
                }
                dataset.set_default_graph(using.iter().cloned().map(GraphName::from).collect());
                dataset.set_available_named_graphs(
                    using_named
                        .iter()
                        .cloned()
                        .map(NamedOrBlankNode::from)
                        .collect(),
                );
            }
        }
        match reformkg_store::update(&dir, None, |store| update.on_store(store).execute()) {
            Ok(_) => Ok(None),
            Err(reformkg_store::UpdateError::Apply(e)) => Err(QueryError::Update(e).into()),
            Err(reformkg_store::UpdateError::Store(e)) => {
                Err(Failure::Refused(Reply::error(503, e)))
            }
        }
    });
    match outcome {
        Ok(None) => Reply::new(204, "text/plain", Vec::new()),
        Ok(Some(())) => Reply::error(400, "this is a query: send it as query=…"),
        Err(reply) => reply,
    }
}

/// Runs `work` on a query thread against the live snapshot, cancelling it
/// at the deadline. Errors come back as the reply to send.
fn on_deadline<T: Send + 'static>(
    app: &App,
    work: impl FnOnce(Snapshot, CancellationToken) -> Result<T, Failure> + Send + 'static,
) -> Result<T, Reply> {
    let snapshot = app
        .live
        .snapshot()
        .map_err(|e| Reply::error(503, format!("the store cannot be read: {e}")))?;
    let Some(slot) = app.try_start_query() else {
        return Err(
            Reply::error(503, "too many queries are running: try again shortly")
                .with_header("Retry-After", "5"),
        );
    };
    let token = CancellationToken::new();
    let (sender, receiver) = mpsc::sync_channel(1);
    let thread_token = token.clone();
    let spawned = std::thread::Builder::new()
        .name("sparql".into())
        .stack_size(sparql::STACK_SIZE)
        .spawn(move || {
            let _slot = slot;
            let _ = sender.send(work(snapshot, thread_token));
        });
    if let Err(e) = spawned {
        return Err(Reply::error(
            503,
            format!("cannot start a query thread: {e}"),
        ));
    }
    let limit = app.options.timeout;
    let result = match receiver.recv_timeout(limit) {
        Ok(result) => result,
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            return Err(Reply::error(500, "the query's thread stopped"))
        }
        Err(mpsc::RecvTimeoutError::Timeout) => {
            token.cancel();
            // Wait for the cancellation to land, then answer either way.
            let _ = receiver.recv_timeout(GRACE);
            return Err(timed_out(limit));
        }
    };
    result.map_err(|failure| match failure {
        Failure::Query(e) => error_reply(&e, limit),
        Failure::Refused(reply) => reply,
    })
}

fn timed_out(limit: Duration) -> Reply {
    Reply::error(
        503,
        format!(
            "the query ran past the server's time limit of {} s and was stopped",
            limit.as_secs_f64()
        ),
    )
}

fn error_reply(error: &QueryError, limit: Duration) -> Reply {
    match error {
        QueryError::Syntax(_) | QueryError::TooDeep { .. } | QueryError::Prefix { .. } => {
            Reply::error(400, error)
        }
        QueryError::Cancelled => timed_out(limit),
        _ => Reply::error(500, error),
    }
}

fn write_answer(answer: &Answer, request: &Incoming, asked: Option<&str>) -> Reply {
    let accept = request.header("accept");
    match answer {
        Answer::Graph(triples) => write_graph(triples, accept, asked),
        Answer::Updated => Reply::new(204, "text/plain", Vec::new()),
        _ => {
            let Some(format) = accept::results_format(accept, asked) else {
                return not_acceptable("application/sparql-results+json, application/sparql-results+xml, text/csv, text/tab-separated-values");
            };
            let mut body = Vec::new();
            match write_results(answer, format, &mut body) {
                Ok(()) => Reply::new(200, content_type(format.media_type()), body),
                Err(e) => Reply::error(500, e),
            }
        }
    }
}

fn write_graph(triples: &[Triple], accept: Option<&str>, asked: Option<&str>) -> Reply {
    let Some(format) = accept::graph_format(accept, asked) else {
        return not_acceptable(
            "text/turtle, application/n-triples, application/rdf+xml, application/ld+json",
        );
    };
    let mut body = Vec::new();
    match write_triples(triples, format, &Prefixes::default(), &mut body) {
        Ok(()) => Reply::new(200, content_type(format.media_type()), body),
        Err(e) => Reply::error(500, e),
    }
}

/// Text formats are UTF-8; say so, so browsers and curl agree.
fn content_type(media_type: &str) -> String {
    if media_type.contains("charset") {
        media_type.to_owned()
    } else {
        format!("{media_type}; charset=utf-8")
    }
}

fn not_acceptable(offered: &str) -> Reply {
    Reply::error(
        406,
        format!("none of the formats in Accept is available; offered: {offered}"),
    )
}

/// `GET /store?default` (or `?graph=IRI`): a graph of the store, read.
pub fn graph_store(app: &App, request: &Incoming) -> Reply {
    if !matches!(request.method.as_str(), "GET" | "HEAD") {
        return Reply::error(405, "the graph store is read-only here: use GET")
            .with_header("Allow", "GET");
    }
    let params = request.params();
    let named = params.iter().find(|(n, _)| n == "graph").map(|(_, v)| v);
    let is_default = params.iter().any(|(n, _)| n == "default");
    let graph = match (is_default, named) {
        (true, None) => GraphName::DefaultGraph,
        (false, Some(iri)) => match NamedNode::new(iri.as_str()) {
            Ok(node) => GraphName::NamedNode(node),
            Err(e) => return Reply::error(400, format!("invalid graph IRI <{iri}>: {e}")),
        },
        _ => return Reply::error(400, "give exactly one of ?default or ?graph=IRI"),
    };
    let asked = request.param("format");
    let Some(format) = accept::graph_format(request.header("accept"), asked.as_deref()) else {
        return not_acceptable(
            "text/turtle, application/n-triples, application/rdf+xml, application/ld+json",
        );
    };
    let snapshot = match app.live.snapshot() {
        Ok(snapshot) => snapshot,
        Err(e) => return Reply::error(503, format!("the store cannot be read: {e}")),
    };
    match read_graph(&snapshot, graph.as_ref(), format) {
        Ok(Some(body)) => Reply::new(200, content_type(format.media_type()), body),
        Ok(None) => Reply::error(404, format!("no graph {graph} in the store")),
        Err(e) => Reply::error(500, e),
    }
}

fn read_graph(
    snapshot: &Snapshot,
    graph: GraphNameRef<'_>,
    format: RdfFormat,
) -> Result<Option<Vec<u8>>, QueryError> {
    let store = snapshot.store();
    if let GraphNameRef::NamedNode(node) = graph {
        if !store.contains_named_graph(node)? {
            return Ok(None);
        }
    }
    let triples = store
        .quads_for_pattern(None, None, None, Some(graph))
        .map(|q| q.map(Triple::from))
        .collect::<Result<Vec<_>, _>>()?;
    let mut body = Vec::new();
    write_triples(&triples, format, &Prefixes::default(), &mut body)?;
    Ok(Some(body))
}
