//! Real triple stores for the remote tests: a throwaway Virtuoso 7.2 and an
//! Oxigraph server, each in its own temporary directory on a free loopback
//! port, stopped when dropped. `scripts/deps.sh --with-test-tools` installs
//! both (Debian's `virtuoso-opensource-7-bin` only: the metapackage would
//! start a system service on every interface; PyPI's `oxigraph` wheel, which
//! carries the server binary, in a venv). A missing engine fails the test
//! with the command that installs it: a skipped test would prove nothing.
#![allow(dead_code)]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long an engine may take to answer its first request.
const START_PATIENCE: Duration = Duration::from_secs(90);

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free loopback port")
        .port()
}

/// Waits until `url` answers 200 (the engine is up).
fn wait_until_up(url: &str, what: &str) {
    let started = Instant::now();
    loop {
        if let Ok(response) = ureq::get(url).timeout(Duration::from_secs(5)).call() {
            if response.status() == 200 {
                return;
            }
        }
        assert!(
            started.elapsed() < START_PATIENCE,
            "{what} did not answer {url} within {START_PATIENCE:?}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn need(program: &str, install: &str) -> PathBuf {
    which(program).unwrap_or_else(|| {
        panic!(
            "{program} is not installed: run `{install}` (scripts/deps.sh --with-test-tools does)"
        )
    })
}

fn which(program: &str) -> Option<PathBuf> {
    if program.contains('/') {
        return Path::new(program).is_file().then(|| PathBuf::from(program));
    }
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(program))
            .find(|path| path.is_file())
    })
}

/// A Virtuoso 7.2 server of its own: `virtuoso-t +configfile … +wait` with
/// an ini file in a temporary directory, HTTP and SQL on loopback only.
pub struct Virtuoso {
    dir: tempfile::TempDir,
    pub sql_port: u16,
    pub http_port: u16,
}

impl Virtuoso {
    /// Starts one; `grant_update` gives the anonymous `SPARQL` user
    /// `SPARQL_UPDATE` (without it Virtuoso refuses updates with 500).
    pub fn start(grant_update: bool) -> Self {
        let server = need("virtuoso-t", "apt-get install virtuoso-opensource-7-bin");
        let dir = tempfile::tempdir().expect("tempdir");
        let (sql_port, http_port) = (free_port(), free_port());
        let d = dir.path().display();
        let ini = format!(
            "[Database]\nDatabaseFile = {d}/virtuoso.db\nErrorLogFile = {d}/virtuoso.log\n\
             LockFile = {d}/virtuoso.lck\nTransactionFile = {d}/virtuoso.trx\n\
             xa_persistent_file = {d}/virtuoso.pxa\nErrorLogLevel = 7\nFileExtend = 200\n\
             MaxCheckpointRemap = 2000\nStriping = 0\nTempStorage = TempDatabase\n\n\
             [TempDatabase]\nDatabaseFile = {d}/virtuoso-temp.db\n\
             TransactionFile = {d}/virtuoso-temp.trx\nMaxCheckpointRemap = 2000\nStriping = 0\n\n\
             [Parameters]\nServerPort = 127.0.0.1:{sql_port}\nDisableUnixSocket = 1\n\
             ServerThreads = 10\nCheckpointInterval = 60\nNumberOfBuffers = 20000\n\
             MaxDirtyBuffers = 12000\nDirsAllowed = .\nCaseMode = 2\n\n\
             [HTTPServer]\nServerPort = 127.0.0.1:{http_port}\nServerRoot = {d}\n\
             ServerThreads = 10\nMaxClientConnections = 10\nMaxKeepAlives = 10\n\
             KeepAliveTimeout = 10\n\n\
             [SPARQL]\nResultSetMaxRows = 1000000\nMaxQueryExecutionTime = 120\n"
        );
        std::fs::write(dir.path().join("virtuoso.ini"), ini).expect("write virtuoso.ini");
        let status = Command::new(server)
            .current_dir(dir.path())
            .args(["+configfile", "virtuoso.ini", "+wait"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("virtuoso-t runs");
        let virtuoso = Self {
            dir,
            sql_port,
            http_port,
        };
        assert!(
            status.success(),
            "virtuoso-t failed to start: {}",
            virtuoso.log()
        );
        wait_until_up(
            &format!("{}?query=ASK%7B%7D", virtuoso.sparql()),
            "Virtuoso",
        );
        if grant_update {
            virtuoso.sql("grant SPARQL_UPDATE to \"SPARQL\";");
        }
        virtuoso
    }

    /// The SPARQL endpoint (queries, and updates once granted).
    pub fn sparql(&self) -> String {
        format!("http://127.0.0.1:{}/sparql", self.http_port)
    }

    /// The SPARQL endpoint behind HTTP Digest (user dba, password dba).
    pub fn sparql_auth(&self) -> String {
        format!("http://127.0.0.1:{}/sparql-auth", self.http_port)
    }

    /// The Graph Store Protocol service.
    pub fn graph_store(&self) -> String {
        format!("http://127.0.0.1:{}/sparql-graph-crud", self.http_port)
    }

    /// The Graph Store Protocol service behind HTTP Digest.
    pub fn graph_store_auth(&self) -> String {
        format!("http://127.0.0.1:{}/sparql-graph-crud-auth", self.http_port)
    }

    /// Runs SQL as dba through `isql-vt`.
    pub fn sql(&self, statement: &str) {
        let isql = need("isql-vt", "apt-get install virtuoso-opensource-7-bin");
        let output = Command::new(isql)
            .arg(format!("127.0.0.1:{}", self.sql_port))
            .args(["dba", "dba"])
            .arg(format!("exec={statement}"))
            .output()
            .expect("isql-vt runs");
        assert!(
            output.status.success(),
            "isql-vt {statement}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("virtuoso.log")).unwrap_or_default()
    }

    fn pid(&self) -> Option<i32> {
        let lock = std::fs::read_to_string(self.dir.path().join("virtuoso.lck")).ok()?;
        lock.trim().strip_prefix("VIRT_PID=")?.parse().ok()
    }
}

impl Drop for Virtuoso {
    /// Shuts it down (an idle Virtuoso keeps a core busy), by SQL, else by
    /// signal, and waits for the process to go.
    fn drop(&mut self) {
        let pid = self.pid();
        if let Some(isql) = which("isql-vt") {
            let _ = Command::new(isql)
                .arg(format!("127.0.0.1:{}", self.sql_port))
                .args(["dba", "dba", "-K"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
        }
        let Some(pid) = pid else { return };
        let alive = || Path::new(&format!("/proc/{pid}")).exists();
        let started = Instant::now();
        while alive() && started.elapsed() < Duration::from_secs(10) {
            std::thread::sleep(Duration::from_millis(100));
        }
        if alive() {
            let _ = Command::new("kill")
                .args(["-KILL", &pid.to_string()])
                .status();
        }
    }
}

/// An Oxigraph server (`oxigraph serve`, from PyPI's `oxigraph` wheel) on
/// a store of its own, with the union of all graphs as its default graph
/// (as Virtuoso has).
pub struct OxigraphServer {
    _dir: tempfile::TempDir,
    child: Child,
    pub port: u16,
}

impl OxigraphServer {
    pub fn start() -> Self {
        let binary = std::env::var("REFORMKG_OXIGRAPH_SERVER")
            .ok()
            .or_else(|| which("oxigraph").map(|p| p.display().to_string()))
            .unwrap_or_else(|| {
                let tools = std::env::var("REFORMKG_TOOLS")
                    .unwrap_or_else(|_| "/var/tmp/reformkg-tools".to_owned());
                format!("{tools}/venv/bin/oxigraph")
            });
        let binary = need(
            &binary,
            "python3 -m venv /var/tmp/reformkg-tools/venv && /var/tmp/reformkg-tools/venv/bin/pip install oxigraph==0.5.13",
        );
        let dir = tempfile::tempdir().expect("tempdir");
        let port = free_port();
        let child = Command::new(binary)
            .arg("serve")
            .arg("--location")
            .arg(dir.path())
            .arg("--bind")
            .arg(format!("127.0.0.1:{port}"))
            .arg("--union-default-graph")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("oxigraph serve starts");
        let server = Self {
            _dir: dir,
            child,
            port,
        };
        wait_until_up(
            &format!("{}?query=ASK%7B%7D", server.query()),
            "oxigraph serve",
        );
        server
    }

    pub fn query(&self) -> String {
        format!("http://127.0.0.1:{}/query", self.port)
    }

    pub fn update(&self) -> String {
        format!("http://127.0.0.1:{}/update", self.port)
    }

    pub fn graph_store(&self) -> String {
        format!("http://127.0.0.1:{}/store", self.port)
    }
}

impl Drop for OxigraphServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
