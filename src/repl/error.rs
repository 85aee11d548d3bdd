//! What can go wrong in a REPL session, as one error type.

use super::command::CommandError;
use super::text::BindError;
use crate::diagram::DiagramError;
use crate::present::export::ExportError;
use crate::store::sparql::QueryError;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ReplError {
    #[error(transparent)]
    Query(#[from] QueryError),
    #[error(transparent)]
    Command(#[from] CommandError),
    #[error(transparent)]
    Bind(#[from] BindError),
    #[error("{0}")]
    Binding(String),
    #[error("cancelled after {elapsed}{}", still_running(*.abandoned))]
    Cancelled { elapsed: String, abandoned: bool },
    #[error("timed out after {limit} (the .timeout; `.timeout off` removes it){}", still_running(*.abandoned))]
    TimedOut { limit: String, abandoned: bool },
    #[error("the statement's worker thread stopped without an answer")]
    WorkerLost,
    #[error("cannot start a worker thread: {0}")]
    Thread(std::io::Error),
    #[error("invalid namespace <{namespace}> for prefix {prefix}: {message}")]
    Namespace {
        prefix: String,
        namespace: String,
        message: String,
    },
    #[error("cannot write {path}: {source}")]
    WriteFile {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot read {path}: {source}")]
    ReadFile {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot write the results: {0}")]
    Output(std::io::Error),
    #[error(transparent)]
    Export(#[from] ExportError),
    #[error("{failed} statement(s) in {path} failed")]
    ReadFailed { path: String, failed: usize },
    #[error(".read nests deeper than {limit} files (does a file read itself?)")]
    TooDeep { limit: usize },
    #[error(
        "no query result to draw yet: run a CONSTRUCT, DESCRIBE or two-column SELECT, \
         then .diagram FILE"
    )]
    NothingToDraw,
    #[error(transparent)]
    Diagram(#[from] DiagramError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Remote(#[from] crate::remote::RemoteError),
    #[error("{0} reads the local store, and this session has none (.disconnect needs one too; `reformkg build` makes it)")]
    NoLocalStore(&'static str),
    #[error(
        "{0} reads the whole local store: .disconnect first (the session is connected to {1})"
    )]
    LocalOnly(&'static str, String),
    #[error("line {0} is not valid UTF-8, so it was skipped")]
    NotUtf8(usize),
}

fn still_running(abandoned: bool) -> &'static str {
    if abandoned {
        " (Oxigraph cannot interrupt it at this step, so it runs on in the background until it \
         ends or the REPL exits)"
    } else {
        ""
    }
}

impl ReplError {
    /// Did the user stop it (Ctrl-C), as opposed to a timeout or a failure?
    pub fn is_user_cancel(&self) -> bool {
        matches!(self, ReplError::Cancelled { .. })
    }

    /// Did the reader of the results go away (`reformkg repl < s | head`)?
    pub fn is_broken_pipe(&self) -> bool {
        let io = match self {
            ReplError::Output(e) => Some(e),
            ReplError::Query(QueryError::Output(e)) => Some(e),
            _ => None,
        };
        io.is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    }
}
