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
