//! Running one statement on a worker thread, with a cancellation token,
//! so Ctrl-C and `.timeout` stop it and the prompt comes back.

use super::error::ReplError;
use crate::remote::{Endpoint, RemoteAnswer};
use crate::store::sparql::{self, Answer, Limits, Prefixes, QueryError, Statement, Timed};
use crate::store::{self, Snapshot, UpdateError};
use oxigraph::sparql::CancellationToken;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How often the waiting thread looks at the clock and the token.
const POLL: Duration = Duration::from_millis(20);
/// How long a cancelled statement may take to stop before the prompt comes
/// back anyway (a few operators only check the token between rows).
const GRACE: Duration = Duration::from_secs(2);
/// At most this many rows (or triples) of one answer are held in memory,
/// whatever `.maxrows` draws: a cartesian product stops here, not at OOM.
pub const HELD_ROWS: usize = 100_000;

/// What a statement's worker sends back.
pub type WorkerResult = Result<Worked, ReplError>;

/// A statement's outcome: an answer, and the version an update published.
pub struct Worked {
    pub timed: Timed,
    pub published: Option<store::Version>,
}

/// Where a statement runs.
#[derive(Clone)]
pub enum Target {
    /// The local store's pinned version.
    Local(Snapshot),
    /// A SPARQL endpoint (`repl --endpoint`, `.connect`).
    Remote(Endpoint),
}

/// How waiting for a worker ended.
pub enum Waited {
    /// The worker answered (after a cancel, if `cancelled`).
    Answered(WorkerResult),
    /// The worker did not stop within [`GRACE`] of being cancelled; it is
    /// left to finish on its own.
    Abandoned,
}

/// Starts `sparql` on a worker thread and waits for it, cancelling it when
/// `timeout` passes (the caller's `token` also cancels it, from Ctrl-C).
/// Returns how it ended and whether the timeout fired.
pub fn run(
    target: &Target,
    prefixes: &Prefixes,
    sparql: &str,
    token: &CancellationToken,
    timeout: Option<Duration>,
) -> Result<(Waited, bool), ReplError> {
    let (receiver, worker) = spawn(target, prefixes, sparql, token.clone())?;
    let started = Instant::now();
    let mut timed_out = false;
    let mut cancelled_at: Option<Instant> = None;
    loop {
        match receiver.recv_timeout(POLL) {
            Ok(result) => {
                // Joined, so no thread outlives the session in RocksDB.
                let _ = worker.join();
                return Ok((Waited::Answered(result), timed_out));
            }
            Err(RecvTimeoutError::Disconnected) => {
                let _ = worker.join();
                return Err(ReplError::WorkerLost);
            }
            Err(RecvTimeoutError::Timeout) => {}
        }
        if let Some(limit) = timeout {
            if !token.is_cancelled() && started.elapsed() >= limit {
                timed_out = true;
                token.cancel();
            }
        }
        if token.is_cancelled() {
            let since = *cancelled_at.get_or_insert_with(Instant::now);
            if since.elapsed() >= GRACE {
                return Ok((Waited::Abandoned, timed_out));
            }
        }
    }
}

fn spawn(
    target: &Target,
    prefixes: &Prefixes,
    sparql: &str,
    token: CancellationToken,
) -> Result<(Receiver<WorkerResult>, JoinHandle<()>), ReplError> {
    let (sender, receiver) = mpsc::channel();
    let (target, prefixes, text) = (target.clone(), prefixes.clone(), sparql.to_owned());
    let worker = std::thread::Builder::new()
        .name("sparql".to_owned())
        .stack_size(sparql::STACK_SIZE)
        .spawn(move || {
            // The receiver is gone only when the REPL gave up waiting.
            let result = match &target {
                Target::Local(snapshot) => work(snapshot, &text, &prefixes, token),
                Target::Remote(endpoint) => work_remote(endpoint, &text, &prefixes, token),
            };
            let _ = sender.send(result);
        })
        .map_err(ReplError::Thread)?;
    Ok((receiver, worker))
}

/// A statement's work, on the worker thread: a query reads the snapshot;
/// an update goes to a copy of the live version, published only if the
/// session's version is still the live one.
fn work(
    snapshot: &Snapshot,
    sparql: &str,
    prefixes: &Prefixes,
    token: CancellationToken,
) -> WorkerResult {
    let started = Instant::now();
    let limits = Limits {
        max_rows: Some(HELD_ROWS),
    };
    match sparql::parse(sparql, prefixes, Some(token.clone()))? {
        Statement::Query(prepared) => Ok(Worked {
            timed: sparql::execute_query(snapshot.store(), prepared, Some(token), limits, started)?,
            published: None,
        }),
        Statement::Update(update) => {
            let applied = store::update(snapshot.dir(), Some(snapshot.version()), |store| {
                update.on_store(store).execute().map_err(QueryError::from)
            });
            let ((), version) = applied.map_err(|e| match e {
                UpdateError::Store(e) => ReplError::Store(e),
                UpdateError::Apply(e) => ReplError::Query(e),
            })?;
            Ok(Worked {
                timed: Timed {
                    answer: Answer::Updated,
                    elapsed: started.elapsed(),
                    truncated: false,
                },
                published: Some(version),
            })
        }
    }
}

/// A statement's work against an endpoint: the answer streams back through
/// Oxigraph's parsers and is read like a local one (cancelling stops the
/// reading; the server may go on until its own limit).
fn work_remote(
    endpoint: &Endpoint,
    sparql: &str,
    prefixes: &Prefixes,
    token: CancellationToken,
) -> WorkerResult {
    let started = Instant::now();
    sparql::check_nesting(sparql)?;
    let timed = match endpoint.run(sparql, prefixes)? {
        RemoteAnswer::Updated => Timed {
            answer: Answer::Updated,
            elapsed: started.elapsed(),
            truncated: false,
        },
        RemoteAnswer::Results(results) => {
            let limits = Limits {
                max_rows: Some(HELD_ROWS),
            };
            sparql::read_answer(results, Some(token), limits, started)?
        }
    };
    Ok(Worked {
        timed,
        published: None,
    })
}
