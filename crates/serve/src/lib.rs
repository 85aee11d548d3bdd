//! Serve stage: the store on the SPARQL 1.1 Protocol, and a web explorer
//! where every link shows the sentence that supports it.
//!
//! ```text
//! tiny_http ──▶ workers (a fixed pool) ──▶ route
//!                 ├─ /sparql, /query   protocol: parse, run on a query thread
//!                 │                    under a deadline, negotiate, serialise
//!                 ├─ /store            Graph Store Protocol, read only
//!                 └─ /, /case/…, …     explorer: HTML from SPARQL over the store
//! live: the store's current snapshot, reopened when a build publishes a new one
//! ```
//!
//! Everything a page needs is in the binary; nothing is fetched from the
//! internet. There is no authentication: the server binds to loopback
//! unless told otherwise.

mod accept;
mod explorer;
mod http;
mod live;
mod protocol;

pub use http::Reply;
pub use live::Live;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

/// Where `reformkg serve` listens unless `--bind` says otherwise.
pub const DEFAULT_BIND: &str = "127.0.0.1:7878";
/// How long a query may run unless `--timeout` says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
/// The most cases a diagram is drawn for unless `--max-diagram-cases`
/// says otherwise (the seed and the national notice together are 150).
pub const DEFAULT_MAX_DIAGRAM_CASES: usize = 1000;
/// The largest request body read (a query, an update or a form).
pub const DEFAULT_MAX_BODY: usize = 1 << 20;

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot listen on {addr}: {message}")]
    Bind { addr: String, message: String },
    #[error(transparent)]
    Store(#[from] reformkg_store::StoreError),
    #[error("cannot start a server thread: {0}")]
    Thread(std::io::Error),
}

/// A saved query offered as a one-click example on the query page.
#[derive(Debug, Clone)]
pub struct Example {
    pub name: String,
    pub description: String,
    pub text: String,
}

/// How the server runs.
#[derive(Debug, Clone)]
pub struct Options {
    pub store_dir: PathBuf,
    pub bind: SocketAddr,
    /// Accept SPARQL Update (each one publishes a new store version).
    pub writable: bool,
    /// A query still running after this is cancelled.
    pub timeout: Duration,
    /// Send `Access-Control-Allow-Origin: *` so pages elsewhere may call.
    pub cors: bool,
    /// Bodies larger than this are refused with 413.
    pub max_body: usize,
    /// Requests handled at once; more wait in the queue.
    pub workers: usize,
    pub examples: Vec<Example>,
    /// Diagrams of stores with more cases are refused (413): laying out
    /// thousands of cases takes minutes and a core.
    pub max_diagram_cases: usize,
}

impl Options {
    pub fn new(store_dir: PathBuf, bind: SocketAddr) -> Self {
        Self {
            store_dir,
            bind,
            writable: false,
            timeout: DEFAULT_TIMEOUT,
            cors: false,
            max_body: DEFAULT_MAX_BODY,
            workers: default_workers(),
            examples: Vec::new(),
            max_diagram_cases: DEFAULT_MAX_DIAGRAM_CASES,
        }
    }
}

/// Two workers a core: a worker mostly waits on a query thread or a socket.
fn default_workers() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get()) * 2
}

/// What every request handler shares.
pub struct App {
    pub options: Options,
    pub live: Live,
    /// Query threads still running (including cancelled ones that have not
    /// stopped yet); past a limit new queries are refused, not queued.
    running_queries: Arc<AtomicUsize>,
    pages: explorer::Cache,
}

impl App {
    pub fn new(options: Options) -> Result<Self, ServeError> {
        let live = Live::open(&options.store_dir)?;
        Ok(Self {
            options,
            live,
            running_queries: Arc::new(AtomicUsize::new(0)),
            pages: explorer::Cache::default(),
        })
    }

    /// Answers one request.
    pub fn handle(&self, request: &http::Incoming) -> Reply {
        let mut reply = self.route(request);
        if self.options.cors {
            reply
                .headers
                .push(("Access-Control-Allow-Origin".into(), "*".into()));
        }
        reply
    }

    fn route(&self, request: &http::Incoming) -> Reply {
        let path = request.path.as_str();
        match path {
            "/sparql" | "/sparql/" | "/query" => protocol::handle(self, request),
            "/store" => protocol::graph_store(self, request),
            _ if request.method == "OPTIONS" && self.options.cors => http::preflight(),
            _ => explorer::handle(self, request),
        }
    }

    fn query_slots(&self) -> usize {
        self.options.workers * 2
    }

    fn try_start_query(&self) -> Option<QuerySlot> {
        let before = self.running_queries.fetch_add(1, Ordering::SeqCst);
        let slot = QuerySlot(Arc::clone(&self.running_queries));
        (before < self.query_slots()).then_some(slot)
    }
}

/// One running query counted in [`App::running_queries`] until dropped
/// (by its thread, which may outlive the request that started it).
struct QuerySlot(Arc<AtomicUsize>);

impl Drop for QuerySlot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A running server.
pub struct Server {
    http: Arc<tiny_http::Server>,
    workers: Vec<JoinHandle<()>>,
    addr: SocketAddr,
}

impl Server {
    /// Opens the store, binds and starts the worker pool.
    pub fn start(options: Options) -> Result<Self, ServeError> {
        let workers = options.workers.max(1);
        let bind = options.bind;
        let app = Arc::new(App::new(options)?);
        let bind_error = |message: String| ServeError::Bind {
            addr: bind.to_string(),
            message,
        };
        let listener = std::net::TcpListener::bind(bind).map_err(|e| bind_error(e.to_string()))?;
        // A response goes out as headers, then body: with Nagle's algorithm
        // the body's last segment waits for the client's delayed ACK (40 ms
        // on Linux) on every request.
        socket2::SockRef::from(&listener)
            .set_nodelay(true)
            .map_err(|e| bind_error(e.to_string()))?;
        let http = tiny_http::Server::from_listener(listener, None)
            .map_err(|e| bind_error(e.to_string()))?;
        let addr = http.server_addr().to_ip().ok_or_else(|| ServeError::Bind {
            addr: bind.to_string(),
            message: "not an IP address".into(),
        })?;
        let http = Arc::new(http);
        let mut handles = Vec::with_capacity(workers);
        for n in 0..workers {
            let (http, app) = (Arc::clone(&http), Arc::clone(&app));
            let handle = std::thread::Builder::new()
                .name(format!("serve-{n}"))
                .spawn(move || http::work(&http, &app))
                .map_err(ServeError::Thread)?;
            handles.push(handle);
        }
        Ok(Self {
            http,
            workers: handles,
            addr,
        })
    }

    /// The address it listens on (the port the system chose for port 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Serves until [`Server::stop`] is called from elsewhere.
    pub fn wait(self) {
        for handle in self.workers {
            let _ = handle.join();
        }
    }

    /// Stops accepting and waits for the requests in hand.
    pub fn stop(self) {
        for _ in &self.workers {
            self.http.unblock();
        }
        self.wait();
    }
}
