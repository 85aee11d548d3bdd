//! `reformkg push`: the store's graphs into another engine, through the
//! SPARQL 1.1 Graph Store HTTP Protocol or SPARQL 1.1 Update.
//!
//! Each target graph is replaced, not added to, so pushing twice gives the
//! same remote content: its first request replaces the graph (a Graph Store
//! `PUT`, or `DROP SILENT GRAPH` before `INSERT DATA`) and the rest of its
//! triples follow in bounded batches (`POST`, or more `INSERT DATA`). With
//! an update endpoint the batches fill a staging graph that one `MOVE` puts
//! in place, so a failed push leaves the target as it was.
//!
//! - `plan`: which local triples fill which remote graph.
//! - `blank`: triples sharing a blank node travel in one request.
//! - `requests`: the text of each request.

mod blank;
mod plan;
mod requests;

pub use plan::{collection_graph, shared_graph};
pub use requests::{graph_store_url, insert_data, move_into_place, run_id, staging_graph};

use crate::client::{Body, Client, RemoteError};
use oxigraph::model::{NamedNode, Triple};
use oxigraph::store::{StorageError, Store};
use plan::{for_each_triple, plan, Job};
use reformkg_store::sparql::QueryError;

/// Triples per Graph Store request.
pub const GRAPH_STORE_BATCH: usize = 50_000;
/// Triples per `INSERT DATA` (Virtuoso fails from about 5,000).
pub const UPDATE_BATCH: usize = 1_000;
/// Triples with blank nodes per `INSERT { … } WHERE {}` (Virtuoso compiles
/// a template to SQL and gives up past 10,000 lines: about 250 triples).
pub(crate) const TEMPLATE_BATCH: usize = 100;

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
    PerCollection {
        /// Only these collections' graphs (by slug) and the shared graph;
        /// empty: every collection.
        only: Vec<String>,
    },
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
    #[error("no collection {0} in the store (`reformkg query 'SELECT ?c {{ ?c a rk:CaseCollection }}'` lists them)")]
    NoSuchCollection(String),
    #[error("the thread sending the requests stopped without saying why")]
    SenderLost,
}

/// Reports progress, in triples, as batches are sent (from the sending
/// thread).
pub trait PushProgress: Sync {
    fn start(&self, _total_triples: u64) {}
    fn sent(&self, _graph: &str, _triples: u64) {}
}

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
        let run = requests::run_id();
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
                let (triples, requests) = self.prepare_graph(store, job, &run, &ready)?;
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
        run: &str,
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
            .map(|_| requests::staging_graph(job.remote.as_ref(), run));
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
            if blank::has_blank_node(&t) {
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
        for batch in blank::pack(blank::components(blank), blank_batch) {
            send(&batch, &mut requests)?;
        }
        if let (Some(staging), Some(url)) = (&staging, self.service.update_url()) {
            let update = requests::move_into_place(staging, job.remote.as_ref(), sent > 0);
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
                requests::graph_store_url(url, graph),
                "application/n-triples",
                requests::n_triples(triples),
            ),
            Service::Update(url) => {
                let update = requests::insert_data(graph, triples, replace);
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
