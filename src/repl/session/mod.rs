//! A REPL session: the store, the session's prefixes and settings, and
//! running statements and dot-commands.
//!
//! - `script`: running a script (stdin, `.read FILE`).
//! - `output`: showing answers where results go (`.output`).
//! - `commands`: the dot-command dispatcher and the commands.
//!
//! Statements run on a worker thread (see [`super::worker`]).

mod commands;
mod output;
mod script;

pub use script::ScriptOutcome;

use super::command;
use super::error::ReplError;
use super::interrupt::Interrupt;
use super::lookup::{Lookup, LookupSource};
use super::settings::{format_duration, Settings};
use super::text::{self, Complete};
use super::worker::{self, Target, Waited, WorkerResult};
use crate::remote::{Credentials, Endpoint};
use crate::saved::SavedQueries;
use crate::store::sparql::{Answer, Prefixes, Timed};
use crate::store::{self, Snapshot, StoreError};
use output::Output;
use oxigraph::model::NamedNode;
use oxigraph::sparql::CancellationToken;
use oxigraph::store::Store;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// What to do after a piece of input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    Continue,
    Quit,
}

/// One REPL session: the store being read, the session's prefixes and
/// settings, and where results go.
pub struct Session {
    /// The local version being read; replaced when a build or an update
    /// publishes a newer one. `None` for `repl --endpoint` without a store.
    snapshot: Option<Snapshot>,
    store_dir: PathBuf,
    /// The endpoint statements go to instead (`.connect`), and the
    /// credentials `.connect` uses.
    remote: Option<Endpoint>,
    credentials: Option<Credentials>,
    prefixes: Prefixes,
    saved: SavedQueries,
    settings: Settings,
    output: Output,
    interrupt: Interrupt,
    width: Option<u16>,
    read_depth: usize,
    told_about_build: bool,
    /// The last SELECT, CONSTRUCT or DESCRIBE answer, for `.diagram`.
    /// ASK answers and updates leave it alone: neither can be drawn, and
    /// `ASK`ing something between a query and its drawing is common.
    last_answer: Option<Answer>,
    /// Workers that did not stop when cancelled and may still be running.
    abandoned: usize,
}

impl Session {
    pub fn new(
        snapshot: Option<Snapshot>,
        store_dir: PathBuf,
        saved: SavedQueries,
        interrupt: Interrupt,
        interactive: bool,
        timeout: Option<Duration>,
    ) -> Self {
        Self {
            snapshot,
            store_dir,
            remote: None,
            credentials: None,
            prefixes: Prefixes::default(),
            saved,
            settings: Settings::new(interactive, timeout),
            output: Output::Terminal,
            interrupt,
            width: None,
            read_depth: 0,
            told_about_build: false,
            last_answer: None,
            abandoned: 0,
        }
    }

    /// The local store, for commands that read all of it (`what` names the
    /// command in the error).
    pub fn store(&self, what: &'static str) -> Result<&Store, ReplError> {
        if let Some(remote) = &self.remote {
            return Err(ReplError::LocalOnly(what, remote.url().to_owned()));
        }
        self.snapshot
            .as_ref()
            .map(Snapshot::store)
            .ok_or(ReplError::NoLocalStore(what))
    }

    /// The local version being read, to hand to a background thread (it
    /// stays pinned while the thread holds it).
    pub fn snapshot(&self) -> Option<Snapshot> {
        self.snapshot.clone()
    }

    pub fn store_dir(&self) -> &std::path::Path {
        &self.store_dir
    }

    /// The endpoint statements go to, when connected.
    pub fn remote(&self) -> Option<&Endpoint> {
        self.remote.as_ref()
    }

    /// Statements go to `endpoint` from now on.
    pub fn connect(&mut self, endpoint: Endpoint) {
        self.remote = Some(endpoint);
    }

    /// What `.connect` authenticates with.
    pub fn set_credentials(&mut self, credentials: Option<Credentials>) {
        self.credentials = credentials;
    }

    /// How many statements ran past cancelling and may still be running.
    pub fn abandoned_workers(&self) -> usize {
        self.abandoned
    }

    /// Moves to the live version if a build or an update replaced the one
    /// being read, and says so. Called before every piece of input.
    pub fn follow_store(&mut self) -> Result<bool, ReplError> {
        let Some(snapshot) = self.snapshot.as_ref().filter(|s| s.is_stale()) else {
            return Ok(false);
        };
        let old = snapshot.version();
        let new = store::open(snapshot.dir())?;
        eprintln!(
            "note: the store at {} was replaced ({old} → {}); now reading the new one",
            new.dir().display(),
            new.version()
        );
        self.snapshot = Some(new);
        Ok(true)
    }

    pub fn prefixes(&self) -> &Prefixes {
        &self.prefixes
    }

    pub fn saved(&self) -> &SavedQueries {
        &self.saved
    }

    fn lookup(&self) -> Result<Lookup<'_>, ReplError> {
        let source = match (&self.remote, &self.snapshot) {
            (Some(endpoint), _) => LookupSource::Remote(endpoint),
            (None, Some(snapshot)) => LookupSource::Local(snapshot.store()),
            (None, None) => return Err(ReplError::NoLocalStore("looking up labels")),
        };
        Ok(Lookup {
            source,
            prefixes: &self.prefixes,
            lang: &self.settings.lang,
        })
    }

    /// The terminal width tables are fitted to (`None`: no limit).
    pub fn set_width(&mut self, width: Option<u16>) {
        self.width = width;
    }

    /// Runs one complete piece of input.
    pub fn handle(&mut self, input: &Complete) -> Result<Flow, ReplError> {
        self.follow_store()?;
        match input {
            Complete::Command { text, .. } => self.command(command::parse(text)?),
            Complete::Sparql { text, .. } => {
                self.statement(text)?;
                Ok(Flow::Continue)
            }
        }
    }

    fn statement(&mut self, sparql: &str) -> Result<(), ReplError> {
        if text::is_prologue_only(sparql) {
            for (prefix, namespace) in text::prefix_declarations(sparql) {
                self.declare(&prefix, &namespace)?;
                eprintln!("prefix {prefix}: <{namespace}> declared for this session");
            }
            return Ok(());
        }
        let timed = self.evaluate(sparql)?;
        for (prefix, namespace) in text::prefix_declarations(sparql) {
            self.declare(&prefix, &namespace)?;
        }
        let shown = self.show(&timed);
        // The query ran, so its answer can be drawn even if showing it failed.
        self.remember(timed.answer);
        shown
    }

    /// Keeps a drawable kind of answer for `.diagram`.
    fn remember(&mut self, answer: Answer) {
        if matches!(answer, Answer::Solutions { .. } | Answer::Graph(_)) {
            self.last_answer = Some(answer);
        }
    }

    fn declare(&mut self, prefix: &str, namespace: &str) -> Result<(), ReplError> {
        NamedNode::new(namespace).map_err(|e| ReplError::Namespace {
            prefix: prefix.to_owned(),
            namespace: namespace.to_owned(),
            message: e.to_string(),
        })?;
        self.prefixes.set(prefix, namespace);
        Ok(())
    }

    /// Runs a statement on a worker thread and waits for it, cancelling it
    /// on Ctrl-C (through [`Interrupt`]) or when `.timeout` passes.
    fn evaluate(&mut self, sparql: &str) -> Result<Timed, ReplError> {
        let token = CancellationToken::new();
        let interrupt = self.interrupt.clone();
        let _armed = interrupt.arm(token.clone());
        let started = Instant::now();
        let target = match (&self.remote, &self.snapshot) {
            (Some(endpoint), _) => Target::Remote(endpoint.clone()),
            (None, Some(snapshot)) => Target::Local(snapshot.clone()),
            (None, None) => return Err(ReplError::NoLocalStore("a statement")),
        };
        let (waited, timed_out) = worker::run(
            &target,
            &self.prefixes,
            sparql,
            &token,
            self.settings.timeout,
        )?;
        match waited {
            Waited::Abandoned => {
                self.abandoned += 1;
                Err(self.stopped(timed_out, started, true))
            }
            Waited::Answered(_) if token.is_cancelled() => {
                Err(self.stopped(timed_out, started, false))
            }
            Waited::Answered(result) => self.outcome(result),
        }
    }

    fn outcome(&mut self, result: WorkerResult) -> Result<Timed, ReplError> {
        match result {
            Err(error @ ReplError::Store(StoreError::Stale(_))) => {
                self.follow_store()?;
                Err(error)
            }
            Err(error) => Err(error),
            Ok(worked) => {
                if worked.published.is_some() {
                    // Our own update: read what it published, no note.
                    self.snapshot = Some(store::open(&self.store_dir)?);
                }
                Ok(worked.timed)
            }
        }
    }

    fn stopped(&self, timed_out: bool, started: Instant, abandoned: bool) -> ReplError {
        if timed_out {
            ReplError::TimedOut {
                limit: format_duration(self.settings.timeout.unwrap_or_default()),
                abandoned,
            }
        } else {
            ReplError::Cancelled {
                elapsed: format_duration(started.elapsed()),
                abandoned,
            }
        }
    }
}
