//! Helpers shared by the integration tests: run the real binary, build a
//! store from the seed in a temporary directory.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const BIN: &str = env!("CARGO_BIN_EXE_reformkg");

/// The repository root (tests run from it, but say so explicitly).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `reformkg ARGS` from the repository root with the store at `store`.
pub fn run(store: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .current_dir(repo())
        .env_remove("REFORMKG_STORE")
        .arg("--store")
        .arg(store)
        .args(args)
        .output()
        .expect("the reformkg binary runs")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Builds the seed into `dir/store` and returns the store path.
pub fn build_seed(dir: &Path) -> PathBuf {
    let store = dir.join("store");
    let output = run(&store, &["build"]);
    assert!(output.status.success(), "build failed: {}", stderr(&output));
    store
}

/// Runs a SELECT and returns its CSV lines (header dropped).
pub fn csv_lines(store: &Path, sparql: &str) -> Vec<String> {
    let output = run(store, &["query", "--format", "csv", sparql]);
    assert!(output.status.success(), "query failed: {}", stderr(&output));
    stdout(&output)
        .lines()
        .skip(1)
        .map(|line| line.trim_end_matches('\r').to_owned())
        .filter(|line| !line.is_empty())
        .collect()
}

/// Runs a SELECT and returns its CSV rows split into cells (for answers
/// without commas inside values).
pub fn select(store: &Path, sparql: &str) -> Vec<Vec<String>> {
    csv_lines(store, sparql)
        .iter()
        .map(|line| line.split(',').map(str::to_owned).collect())
        .collect()
}

/// The single number a `SELECT (COUNT(…) AS ?n)` returns.
pub fn count(store: &Path, sparql: &str) -> usize {
    let rows = select(store, sparql);
    rows.first()
        .and_then(|r| r.first())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no count in {rows:?}"))
}

/// The rows of a SELECT run in-process on a store.
pub fn solutions(
    store: &oxigraph::store::Store,
    sparql: &str,
) -> Vec<Vec<Option<oxigraph::model::Term>>> {
    use reformkg::store::sparql::{self as query, Answer, Prefixes};
    match query::run(store, sparql, &Prefixes::default(), None)
        .expect("query runs")
        .answer
    {
        Answer::Solutions { rows, .. } => rows,
        other => panic!("expected solutions, got {other:?}"),
    }
}

/// `reformkg --store STORE` from the repository root, with no history file
/// and no `REFORMKG_STORE` from the environment; add the subcommand.
pub fn reformkg_at(store: &Path) -> Command {
    let mut command = Command::new(BIN);
    command
        .current_dir(repo())
        .env_remove("REFORMKG_STORE")
        .env("REFORMKG_HISTORY", "")
        .arg("--store")
        .arg(store);
    command
}

/// Runs `reformkg --store STORE ARGS` under `strace` so that its `when`-th
/// rename gets SIGKILL (the one way to kill a writer at each step of its
/// publishing; `.ci/run` installs strace).
pub fn killed_at_rename(store: &Path, args: &[&std::ffi::OsStr], when: usize) -> Output {
    Command::new("strace")
        .args([
            "-f",
            "-o",
            "/dev/null",
            "-e",
            &format!("inject=rename,renameat,renameat2:signal=SIGKILL:when={when}"),
        ])
        .arg(BIN)
        .arg("--store")
        .arg(store)
        .args(args)
        .current_dir(repo())
        .env_remove("REFORMKG_STORE")
        .output()
        .expect("strace runs (CI installs it: apt-get install strace)")
}

/// Runs `command` with `input` on its stdin and collects its output.
pub fn feed(mut command: Command, input: &[u8]) -> Output {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the reformkg binary starts");
    // A command that exits early closes its stdin; that is its business.
    let _ = child.stdin.take().expect("stdin").write_all(input);
    child.wait_with_output().expect("the reformkg binary ends")
}

/// A `reformkg serve` running on a free loopback port, stopped on drop.
pub struct Served {
    child: std::process::Child,
    pub base: String,
}

impl Served {
    /// Starts `reformkg --store STORE serve --bind 127.0.0.1:0 EXTRA…` and
    /// waits for the address it prints.
    pub fn start(store: &Path, extra: &[&str]) -> Served {
        use std::io::BufRead;
        use std::process::Stdio;
        let mut child = reformkg_at(store)
            .args(["serve", "--bind", "127.0.0.1:0"])
            .args(extra)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("reformkg serve starts");
        let stderr = child.stderr.take().expect("stderr is piped");
        let mut first = String::new();
        std::io::BufReader::new(stderr)
            .read_line(&mut first)
            .expect("serve prints its address");
        let base = first
            .split_whitespace()
            .find_map(|w| w.strip_prefix("http://"))
            .map(|addr| format!("http://{}", addr.trim_end_matches('/')))
            .unwrap_or_else(|| panic!("no address in {first:?}"));
        Served { child, base }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A response read in full: status, content type, body.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub content_type: String,
    /// Header names in lower case.
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Sends one HTTP request and reads the answer, whatever its status.
pub fn http(method: &str, url: &str, headers: &[(&str, &str)], body: Option<&[u8]>) -> Response {
    let agent = ureq::AgentBuilder::new()
        .timeout(std::time::Duration::from_secs(120))
        .build();
    let mut request = agent.request(method, url);
    for (name, value) in headers {
        request = request.set(name, value);
    }
    let result = match body {
        Some(bytes) => request.send_bytes(bytes),
        None => request.call(),
    };
    let response = match result {
        Ok(response) => response,
        Err(ureq::Error::Status(_, response)) => response,
        Err(e) => panic!("{method} {url}: {e}"),
    };
    let headers = response
        .headers_names()
        .into_iter()
        .filter_map(|name| {
            let value = response.header(&name)?.to_owned();
            Some((name.to_ascii_lowercase(), value))
        })
        .collect();
    Response {
        status: response.status(),
        content_type: response.content_type().to_owned(),
        headers,
        body: response.into_string().expect("a UTF-8 body"),
    }
}

/// `GET url` with these headers.
pub fn get(url: &str, headers: &[(&str, &str)]) -> Response {
    http("GET", url, headers, None)
}

/// Percent-encodes a query-string value.
pub fn encode(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}
