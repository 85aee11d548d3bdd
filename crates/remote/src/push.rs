//! `reformkg push`: the store's graphs into another engine, through the
//! SPARQL 1.1 Graph Store HTTP Protocol or SPARQL 1.1 Update.
//!
//! Each target graph is replaced, not added to, so pushing twice gives the
//! same remote content: its first request replaces the graph (a Graph Store
//! `PUT`, or `DROP SILENT GRAPH` before `INSERT DATA`) and the rest of its
//! triples follow in bounded batches (`POST`, or more `INSERT DATA`). A
//! blank node means something only within one request, so every triple
//! with a blank node goes in the graph's first request.

use crate::client::{Body, Client, RemoteError};
use oxigraph::io::{RdfFormat, RdfSerializer};
use oxigraph::model::{GraphName, GraphNameRef, NamedNode, NamedOrBlankNode, Quad, Term, Triple};
use oxigraph::store::{StorageError, Store};
use reformkg_store::sparql::{self, QueryError};
use reformkg_vocab as vocab;
use std::collections::HashSet;

/// Triples per Graph Store request.
pub const GRAPH_STORE_BATCH: usize = 50_000;
/// Triples per `INSERT DATA` (Virtuoso fails from about 5,000).
pub const UPDATE_BATCH: usize = 1_000;
/// Triples with blank nodes per `INSERT { … } WHERE {}` (Virtuoso compiles
/// a template to SQL and gives up past 10,000 lines: about 250 triples).
const TEMPLATE_BATCH: usize = 100;

/// Where the graph goes.
#[derive(Debug, Clone)]
pub enum Service {
    /// A Graph Store HTTP Protocol service (`/store`, Virtuoso's
    /// `/sparql-graph-crud`).
    GraphStore(String),
    /// A SPARQL Update endpoint (form-encoded `update=`).
    Update(String),
    /// Batches through the graph store into a staging graph, put in place
    /// by one `MOVE` through the update endpoint: as fast as the graph
    /// store, and atomic.
    GraphStoreWithUpdate { graph_store: String, update: String },
}

impl Service {
    /// Where the data goes (for reports).
    pub fn url(&self) -> &str {
        match self {
            Service::GraphStore(url) | Service::Update(url) => url,
            Service::GraphStoreWithUpdate { graph_store, .. } => graph_store,
        }
    }

    /// The update endpoint, when there is one (graphs are then staged).
    fn update_url(&self) -> Option<&str> {
        match self {
            Service::Update(url) => Some(url),
            Service::GraphStoreWithUpdate { update, .. } => Some(update),
            Service::GraphStore(_) => None,
        }
    }
}

/// Which remote graphs the built graph fills.
#[derive(Debug, Clone)]
pub enum Target {
    /// The remote default graph (not every engine's Graph Store takes it:
    /// Virtuoso's answers 500).
    DefaultGraph,
    /// One named graph.
    Graph(NamedNode),
    /// One named graph per collection, plus one for the ontology and the
    /// nodes collections share.
    PerCollection,
}

/// Why a push failed.
#[derive(Debug, thiserror::Error)]
pub enum PushError {
    #[error(transparent)]
    Remote(#[from] RemoteError),
    #[error("reading the store: {0}")]
    Storage(#[from] StorageError),
    #[error("reading the store: {0}")]
    Query(#[from] QueryError),
    #[error("the store already has a named graph <{0}>: push it under another --graph")]
    Clash(String),
    #[error("the thread sending the requests stopped without saying why")]
    SenderLost,
}

/// Reports progress, in triples, as batches are sent (from the sending
/// thread).
pub trait PushProgress: Sync {
    fn start(&self, _total_triples: u64) {}
    fn sent(&self, _graph: &str, _triples: u64) {}
}

/// No progress shown.
pub struct Silent;
impl PushProgress for Silent {}

/// What a push sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pushed {
    /// Each remote graph (`None`: the default graph) and its triples.
    pub graphs: Vec<(Option<String>, u64)>,
    pub requests: usize,
}

impl Pushed {
    pub fn triples(&self) -> u64 {
        self.graphs.iter().map(|(_, n)| n).sum()
    }
}

/// A push: where to, and how many triples per request.
pub struct Push {
    pub client: Client,
    pub service: Service,
    pub batch: usize,
}

/// The graph of a collection when pushing one per collection.
pub fn collection_graph(collection: &NamedNode) -> NamedNode {
    let slug = collection
        .as_str()
        .rsplit('/')
        .next()
        .unwrap_or(collection.as_str());
    NamedNode::new_unchecked(format!("{}collection/{slug}", vocab::GRAPH))
}

/// The graph of the ontology and the shared nodes when pushing one per
/// collection.
pub fn shared_graph() -> NamedNode {
    NamedNode::new_unchecked(format!("{}shared", vocab::GRAPH))
}

/// Which local triples fill one remote graph.
enum Source {
    /// All of a local graph.
    Graph(GraphName),
    /// The default graph's triples about these subjects.
    Subjects(Vec<NamedOrBlankNode>),
    /// The default graph's triples about any other subject.
    AllBut(HashSet<NamedOrBlankNode>),
}

struct Job {
    remote: Option<NamedNode>,
    source: Source,
}

/// One request, ready to go: serialised on the reading thread while the
/// sending thread waits on the server.
struct Prepared {
    method: &'static str,
    url: String,
    content_type: &'static str,
    body: Vec<u8>,
    graph: String,
    /// Triples sent to this graph once this request is through.
    graph_sent: u64,
}

/// Requests waiting for the sender: the one being sent and one ready
/// (memory stays at about two batches).
const IN_FLIGHT: usize = 1;

impl Push {
    /// Sends the store's graphs: the built (default) graph to `target`, and
    /// each named graph of the store (files added with `reformkg load`)
    /// under its own name. The store is read and batches are serialised
    /// on this thread while another sends the previous batch.
    pub fn run(
        &self,
        store: &Store,
        target: &Target,
        progress: &dyn PushProgress,
    ) -> Result<Pushed, PushError> {
        let jobs = plan(store, target)?;
        progress.start(store.len()? as u64);
        std::thread::scope(|scope| {
            let (ready, waiting) = std::sync::mpsc::sync_channel::<Prepared>(IN_FLIGHT);
            let sender = scope.spawn(move || -> Result<(), PushError> {
                for request in waiting {
                    self.client.send(
                        request.method,
                        &request.url,
                        None,
                        Some(&Body {
                            content_type: request.content_type,
                            bytes: &request.body,
                        }),
                    )?;
                    progress.sent(&request.graph, request.graph_sent);
                }
                Ok(())
            });
            let mut pushed = Pushed {
                graphs: Vec::new(),
                requests: 0,
            };
            let produced = jobs.iter().try_for_each(|job| {
                let (triples, requests) = self.prepare_graph(store, job, &ready)?;
                pushed
                    .graphs
                    .push((job.remote.as_ref().map(|g| g.as_str().to_owned()), triples));
                pushed.requests += requests;
                Ok::<(), Stop>(())
            });
            drop(ready);
            // A failed request stops the sender first; its error is the one
            // to report (the reader then only saw the channel close).
            let sent = sender.join().unwrap_or_else(|_| Err(PushError::SenderLost));
            match (sent, produced) {
                (Err(e), _) | (Ok(()), Err(Stop::Failed(e))) => Err(e),
                (Ok(()), Err(Stop::SenderGone)) => Err(PushError::SenderLost),
                (Ok(()), Ok(())) => Ok(pushed),
            }
        })
    }

    /// Serialises one remote graph's requests (the first replaces the
    /// graph) and hands them to the sender; returns the triples and
    /// requests.
    fn prepare_graph(
        &self,
        store: &Store,
        job: &Job,
        ready: &std::sync::mpsc::SyncSender<Prepared>,
    ) -> Result<(u64, usize), Stop> {
        let name = job.remote.as_ref().map_or("default graph", |g| g.as_str());
        let batch_size = self.batch.max(1);
        // Through SPARQL Update the batches fill a staging graph that one
        // MOVE puts in place at the end: readers of the target never see it
        // half written, and a failed push leaves it as it was.
        let staging = self
            .service
            .update_url()
            .map(|_| staging_graph(job.remote.as_ref()));
        let filled = staging.as_ref().or(job.remote.as_ref());
        let mut sent = 0u64;
        let mut requests = 0usize;
        let mut send = |batch: &[Triple], requests: &mut usize| -> Result<(), Stop> {
            sent += batch.len() as u64;
            let request = self.prepare(filled, batch, *requests == 0, name, sent);
            *requests += 1;
            ready.send(request).map_err(|_| Stop::SenderGone)
        };
        // One pass: triples without blank nodes go out in batches as they
        // come; those with blank nodes wait and go last, each blank node's
        // triples in one request (a blank node names one node only within
        // a request).
        let mut blank = Vec::new();
        let mut batch: Vec<Triple> = Vec::with_capacity(batch_size.min(100_000));
        for_each_triple(store, &job.source, |t| -> Result<(), Stop> {
            if has_blank_node(&t) {
                blank.push(t);
                return Ok(());
            }
            batch.push(t);
            if batch.len() >= batch_size {
                send(&batch, &mut requests)?;
                batch.clear();
            }
            Ok(())
        })?;
        if !batch.is_empty() || (requests == 0 && blank.is_empty()) {
            // The last batch; for an empty source, the request that empties
            // the remote graph.
            send(&batch, &mut requests)?;
        }
        let blank_batch = match self.service {
            Service::GraphStore(_) | Service::GraphStoreWithUpdate { .. } => usize::MAX,
            Service::Update(_) => TEMPLATE_BATCH,
        };
        for batch in pack(blank_components(blank), blank_batch) {
            send(&batch, &mut requests)?;
        }
        if let (Some(staging), Some(url)) = (&staging, self.service.update_url()) {
            let update = move_into_place(staging, job.remote.as_ref(), sent > 0);
            ready
                .send(Prepared {
                    method: "POST",
                    url: url.to_owned(),
                    content_type: "application/x-www-form-urlencoded",
                    body: form_urlencoded::Serializer::new(String::new())
                        .append_pair("update", &update)
                        .finish()
                        .into_bytes(),
                    graph: name.to_owned(),
                    graph_sent: sent,
                })
                .map_err(|_| Stop::SenderGone)?;
            requests += 1;
        }
        Ok((sent, requests))
    }

    /// One request for `triples`: a Graph Store `PUT` (replacing) or
    /// `POST`, or a form-encoded SPARQL Update.
    fn prepare(
        &self,
        graph: Option<&NamedNode>,
        triples: &[Triple],
        replace: bool,
        name: &str,
        graph_sent: u64,
    ) -> Prepared {
        let (method, url, content_type, body) = match &self.service {
            Service::GraphStore(url)
            | Service::GraphStoreWithUpdate {
                graph_store: url, ..
            } => (
                if replace { "PUT" } else { "POST" },
                graph_store_url(url, graph),
                "application/n-triples",
                n_triples(triples),
            ),
            Service::Update(url) => {
                let update = insert_data(graph, triples, replace);
                let form = form_urlencoded::Serializer::new(String::new())
                    .append_pair("update", &update)
                    .finish();
                (
                    "POST",
                    url.clone(),
                    "application/x-www-form-urlencoded",
                    form.into_bytes(),
                )
            }
        };
        Prepared {
            method,
            url,
            content_type,
            body,
            graph: name.to_owned(),
            graph_sent,
        }
    }
}

/// Why preparing stopped.
enum Stop {
    Failed(PushError),
    /// The sender stopped (a request failed): its error says why.
    SenderGone,
}

impl<E: Into<PushError>> From<E> for Stop {
    fn from(e: E) -> Self {
        Stop::Failed(e.into())
    }
}

/// The remote graphs and what fills each.
fn plan(store: &Store, target: &Target) -> Result<Vec<Job>, PushError> {
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
        Target::PerCollection => per_collection(store)?,
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
/// their outcomes and mentions), then one for everything else.
fn per_collection(store: &Store) -> Result<Vec<Job>, PushError> {
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
        jobs.push(Job {
            remote: Some(collection_graph(&collection)),
            source: Source::Subjects(subjects),
        });
    }
    jobs.push(Job {
        remote: Some(shared_graph()),
        source: Source::AllBut(owned),
    });
    Ok(jobs)
}

fn for_each_triple<E: From<StorageError>>(
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

/// The triples grouped so that triples sharing a blank node (directly or
/// through others) are in one group, in first-seen order.
fn blank_components(triples: Vec<Triple>) -> Vec<Vec<Triple>> {
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
fn pack(groups: Vec<Vec<Triple>>, limit: usize) -> Vec<Vec<Triple>> {
    let mut batches: Vec<Vec<Triple>> = Vec::new();
    for group in groups {
        match batches.last_mut() {
            Some(last) if last.len() + group.len() <= limit => last.extend(group),
            _ => batches.push(group),
        }
    }
    batches
}

fn has_blank_node(t: &Triple) -> bool {
    matches!(t.subject, NamedOrBlankNode::BlankNode(_)) || matches!(t.object, Term::BlankNode(_))
}

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

fn n_triples(triples: &[Triple]) -> Vec<u8> {
    let mut writer = RdfSerializer::from_format(RdfFormat::NTriples).for_writer(Vec::new());
    for t in triples {
        // Writing to memory cannot fail.
        let _ = writer.serialize_triple(t);
    }
    writer.finish().unwrap_or_default()
}

/// Where a push through SPARQL Update fills `target` before moving it
/// there: `…/id/graph/staging/` + the target IRI, percent-encoded (or
/// `default`).
pub fn staging_graph(target: Option<&NamedNode>) -> NamedNode {
    let local = match target {
        Some(g) => form_urlencoded::byte_serialize(g.as_str().as_bytes()).collect::<String>(),
        None => "default".to_owned(),
    };
    NamedNode::new_unchecked(format!("{}staging/{local}", vocab::GRAPH))
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
    use oxigraph::model::{BlankNode, Literal};

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
    fn triples_sharing_blank_nodes_stay_together() {
        let iri = |s: &str| NamedNode::new_unchecked(format!("http://example.org/{s}"));
        let b = |s: &str| BlankNode::new_unchecked(s);
        let triples = vec![
            Triple::new(b("x"), iri("p"), b("y")),
            Triple::new(b("z"), iri("p"), iri("o")),
            Triple::new(b("y"), iri("p"), iri("o")),
            Triple::new(iri("s"), iri("p"), b("x")),
        ];
        let groups = blank_components(triples);
        let sizes: Vec<usize> = groups.iter().map(Vec::len).collect();
        assert_eq!(sizes, vec![3, 1]);
        let packed = pack(groups.clone(), 2);
        assert_eq!(packed.len(), 2, "a group of 3 goes alone, the 1 after it");
        assert_eq!(pack(groups, 10).len(), 1);
    }

    #[test]
    fn staged_graphs_are_moved_into_place_with_valid_updates() {
        let target = NamedNode::new_unchecked("http://example.org/g?x=1");
        let staging = staging_graph(Some(&target));
        assert!(staging.as_str().starts_with(vocab::GRAPH));
        assert_ne!(staging, staging_graph(None));
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

    #[test]
    fn collection_graphs_take_the_collection_slug() {
        let c = NamedNode::new_unchecked(format!("{}collection/shanghai-2023", vocab::ID));
        assert_eq!(
            collection_graph(&c).as_str(),
            "https://w3id.org/reformkg/id/graph/collection/shanghai-2023"
        );
    }
}
