//! A REPL session: the store, the session's prefixes and settings, and
//! running statements and dot-commands.
//!
//! Statements run on a worker thread with a cancellation token, so Ctrl-C
//! (see [`Interrupt`]) and `.timeout` stop them and the prompt comes back.

use super::command::{self, Command, CommandError, LabelMode};
use super::lookup::Lookup;
use super::text::{self, BindError, Complete, StatementBuffer};
use crate::diagram::{self, DiagramError, Lang};
use crate::present::export::{export, ExportError, ExportFormat};
use crate::present::format::{write_answer, OutputFormat};
use crate::present::table::TableOptions;
use crate::saved;
use crate::stats::stats;
use crate::store::sparql::{self, Answer, Limits, Prefixes, QueryError, Statement, Timed};
use crate::store::{self, Snapshot, StoreError, UpdateError};
use oxigraph::model::NamedNode;
use oxigraph::sparql::{CancellationToken, SparqlEvaluator};
use oxigraph::store::Store;
use std::fs::File;
use std::io::{BufRead, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How often the waiting thread looks at the clock and the token.
const POLL: Duration = Duration::from_millis(20);
/// How long a cancelled statement may take to stop before the prompt comes
/// back anyway (a few operators only check the token between rows).
const GRACE: Duration = Duration::from_secs(2);
/// `.read` inside `.read` deeper than this is a file reading itself.
const MAX_READ_DEPTH: usize = 16;
/// At most this many rows (or triples) of one answer are held in memory,
/// whatever `.maxrows` draws: a cartesian product stops here, not at OOM.
pub const HELD_ROWS: usize = 100_000;

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
    #[error("invalid SPARQL: {0}")]
    UpdateSyntax(oxigraph::sparql::SparqlSyntaxError),
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
    #[error(".read nests deeper than {MAX_READ_DEPTH} files (does a file read itself?)")]
    TooDeep,
    #[error(
        "no query result to draw yet: run a CONSTRUCT, DESCRIBE or two-column SELECT, \
         then .diagram FILE"
    )]
    NothingToDraw,
    #[error(transparent)]
    Diagram(#[from] DiagramError),
    #[error(transparent)]
    Store(#[from] StoreError),
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

/// What to do after a piece of input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    Continue,
    Quit,
}

/// The link between the SIGINT handler and the running statement.
#[derive(Clone, Default)]
pub struct Interrupt {
    running: Arc<Mutex<Option<CancellationToken>>>,
}

impl Interrupt {
    /// Cancels the running statement; `false` when none is running.
    pub fn cancel(&self) -> bool {
        match self.running.lock() {
            Ok(running) => running.as_ref().map(|t| t.cancel()).is_some(),
            Err(_) => false,
        }
    }

    fn arm(&self, token: CancellationToken) -> Armed<'_> {
        if let Ok(mut running) = self.running.lock() {
            *running = Some(token);
        }
        Armed(self)
    }
}

/// Disarms the interrupt when the statement is over, however it ended.
struct Armed<'a>(&'a Interrupt);

impl Drop for Armed<'_> {
    fn drop(&mut self) {
        if let Ok(mut running) = self.0.running.lock() {
            *running = None;
        }
    }
}

/// The settings dot-commands change.
#[derive(Debug, Clone)]
pub struct Settings {
    pub mode: OutputFormat,
    pub timer: bool,
    pub max_rows: Option<usize>,
    pub timeout: Option<Duration>,
    pub labels: LabelMode,
    pub lang: String,
}

impl Settings {
    fn new(interactive: bool, timeout: Option<Duration>) -> Self {
        Self {
            mode: OutputFormat::Table,
            timer: true,
            // A person reads the first hundred rows; a script wants them all.
            max_rows: interactive.then_some(100),
            timeout,
            labels: LabelMode::Off,
            lang: "zh".to_owned(),
        }
    }
}

/// Where results go.
enum Output {
    Terminal,
    File {
        path: PathBuf,
        writer: BufWriter<File>,
    },
}

/// What running a script (stdin or `.read FILE`) came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScriptOutcome {
    pub failed: usize,
    pub flow: Flow,
}

pub struct Session {
    /// The version being read; replaced when a build or an update
    /// publishes a newer one.
    snapshot: Snapshot,
    prefixes: Prefixes,
    queries_dir: PathBuf,
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

/// What a statement's worker sends back.
type WorkerResult = Result<Worked, ReplError>;

/// A statement's outcome: an answer, and the version an update published.
struct Worked {
    timed: Timed,
    published: Option<store::Version>,
}

impl Session {
    pub fn new(
        snapshot: Snapshot,
        queries_dir: PathBuf,
        interrupt: Interrupt,
        interactive: bool,
        timeout: Option<Duration>,
    ) -> Self {
        Self {
            snapshot,
            prefixes: Prefixes::default(),
            queries_dir,
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

    pub fn store(&self) -> &Store {
        self.snapshot.store()
    }

    /// The version being read, to hand to a background thread (it stays
    /// pinned while the thread holds it).
    pub fn snapshot(&self) -> Snapshot {
        self.snapshot.clone()
    }

    /// How many statements ran past cancelling and may still be running.
    pub fn abandoned_workers(&self) -> usize {
        self.abandoned
    }

    /// Moves to the live version if a build or an update replaced the one
    /// being read, and says so. Called before every piece of input.
    pub fn follow_store(&mut self) -> Result<bool, ReplError> {
        if !self.snapshot.is_stale() {
            return Ok(false);
        }
        let old = self.snapshot.version();
        self.snapshot = store::open(self.snapshot.dir())?;
        eprintln!(
            "note: the store at {} was replaced ({old} → {}); now reading the new one",
            self.snapshot.dir().display(),
            self.snapshot.version()
        );
        Ok(true)
    }

    pub fn prefixes(&self) -> &Prefixes {
        &self.prefixes
    }

    pub fn queries_dir(&self) -> &Path {
        &self.queries_dir
    }

    fn lookup(&self) -> Lookup<'_> {
        Lookup {
            store: self.snapshot.store(),
            prefixes: &self.prefixes,
            lang: &self.settings.lang,
        }
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

    /// Runs every statement read from `reader`; errors are reported with
    /// `source:line` and counted, and the run goes on (Ctrl-C stops it).
    pub fn run_script(
        &mut self,
        reader: impl BufRead,
        source: &str,
    ) -> Result<ScriptOutcome, ReplError> {
        let mut buffer = StatementBuffer::default();
        let mut outcome = ScriptOutcome {
            failed: 0,
            flow: Flow::Continue,
        };
        let mut reader = reader;
        let mut bytes = Vec::new();
        let mut line_number = 0;
        loop {
            bytes.clear();
            let read = reader
                .read_until(b'\n', &mut bytes)
                .map_err(|e| ReplError::ReadFile {
                    path: source.to_owned(),
                    source: e,
                })?;
            let (inputs, at_end) = if read == 0 {
                (buffer.finish().into_iter().collect(), true)
            } else {
                line_number += 1;
                while bytes.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
                    bytes.pop();
                }
                match std::str::from_utf8(&bytes) {
                    Ok(line) => (buffer.push(line), false),
                    Err(_) => {
                        // One bad line is one failure; the script goes on.
                        outcome.failed += 1;
                        eprintln!(
                            "{source}:{line_number}: error: {}",
                            ReplError::NotUtf8(line_number)
                        );
                        (Vec::new(), false)
                    }
                }
            };
            for input in &inputs {
                if !self.run_scripted(input, source, &mut outcome) {
                    return Ok(outcome);
                }
            }
            if at_end {
                return Ok(outcome);
            }
        }
    }

    /// Runs one input of a script and records how it went; `false` when
    /// the script should stop.
    fn run_scripted(
        &mut self,
        input: &Complete,
        source: &str,
        outcome: &mut ScriptOutcome,
    ) -> bool {
        match self.handle(input) {
            Ok(Flow::Continue) => true,
            Ok(Flow::Quit) => {
                outcome.flow = Flow::Quit;
                false
            }
            Err(error) if error.is_broken_pipe() => {
                // Nobody reads the results any more: stop quietly.
                outcome.flow = Flow::Quit;
                false
            }
            Err(error) => {
                outcome.failed += 1;
                let (Complete::Command { line, .. } | Complete::Sparql { line, .. }) = input;
                eprintln!("{source}:{line}: error: {error}");
                // Ctrl-C stops the script, not just the statement.
                !error.is_user_cancel()
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
        let (receiver, worker) = self.spawn_worker(sparql, token.clone())?;
        let started = Instant::now();
        let mut timed_out = false;
        let mut cancelled_at: Option<Instant> = None;
        loop {
            match receiver.recv_timeout(POLL) {
                Ok(result) => {
                    // Joined, so no thread outlives the session in RocksDB.
                    let _ = worker.join();
                    return self.outcome(result, &token, timed_out, started, sparql);
                }
                Err(RecvTimeoutError::Disconnected) => {
                    let _ = worker.join();
                    return Err(ReplError::WorkerLost);
                }
                Err(RecvTimeoutError::Timeout) => {}
            }
            if let Some(limit) = self.settings.timeout {
                if !token.is_cancelled() && started.elapsed() >= limit {
                    timed_out = true;
                    token.cancel();
                }
            }
            if token.is_cancelled() {
                let since = *cancelled_at.get_or_insert_with(Instant::now);
                if since.elapsed() >= GRACE {
                    self.abandoned += 1;
                    return Err(self.stopped(timed_out, started, true));
                }
            }
        }
    }

    fn spawn_worker(
        &self,
        sparql: &str,
        token: CancellationToken,
    ) -> Result<(Receiver<WorkerResult>, std::thread::JoinHandle<()>), ReplError> {
        let (sender, receiver) = mpsc::channel();
        let (snapshot, prefixes, text) = (
            self.snapshot.clone(),
            self.prefixes.clone(),
            sparql.to_owned(),
        );
        let worker = std::thread::Builder::new()
            .name("sparql".to_owned())
            .stack_size(sparql::STACK_SIZE)
            .spawn(move || {
                // The receiver is gone only when the REPL gave up waiting.
                let _ = sender.send(work(&snapshot, &text, &prefixes, token));
            })
            .map_err(ReplError::Thread)?;
        Ok((receiver, worker))
    }

    fn outcome(
        &mut self,
        result: WorkerResult,
        token: &CancellationToken,
        timed_out: bool,
        started: Instant,
        sparql: &str,
    ) -> Result<Timed, ReplError> {
        if token.is_cancelled() {
            return Err(self.stopped(timed_out, started, false));
        }
        match result {
            Err(ReplError::Query(QueryError::Syntax(query_error))) if text::is_update(sparql) => {
                // `query::parse` may report the query parser's message; for
                // an update the update parser's says what is wrong.
                Err(match self.update_syntax_error(sparql) {
                    Some(update_error) => ReplError::UpdateSyntax(update_error),
                    None => QueryError::Syntax(query_error).into(),
                })
            }
            Err(error @ ReplError::Store(StoreError::Stale(_))) => {
                self.follow_store()?;
                Err(error)
            }
            Err(error) => Err(error),
            Ok(worked) => {
                if worked.published.is_some() {
                    // Our own update: read what it published, no note.
                    self.snapshot = store::open(self.snapshot.dir())?;
                }
                Ok(worked.timed)
            }
        }
    }

    fn update_syntax_error(&self, sparql: &str) -> Option<oxigraph::sparql::SparqlSyntaxError> {
        let mut evaluator = SparqlEvaluator::new();
        for (prefix, namespace) in self.prefixes.iter() {
            evaluator = evaluator.with_prefix(prefix, namespace).ok()?;
        }
        evaluator.parse_update(sparql).err()
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

    /// Writes an answer where results go, then `N rows · 3.2 ms`.
    fn show(&mut self, timed: &Timed) -> Result<(), ReplError> {
        let format = self.format_for(&timed.answer);
        let answer = match (&timed.answer, format, self.settings.labels) {
            (Answer::Solutions { variables, rows }, OutputFormat::Table, mode)
                if mode != LabelMode::Off =>
            {
                self.lookup().labelled(variables, rows, mode)?
            }
            (answer, _, _) => answer.clone(),
        };
        let options = TableOptions {
            width: match self.output {
                Output::Terminal => self.width,
                Output::File { .. } => None,
            },
            max_rows: self.settings.max_rows,
            ..TableOptions::default()
        };
        let prefixes = self.prefixes.clone();
        self.write_results(|out| write_answer(&answer, format, &prefixes, &options, out))?;
        eprintln!("{}", self.footer(timed, format));
        if timed.answer == Answer::Updated && !self.told_about_build {
            self.told_about_build = true;
            eprintln!(
                "(The store changed. `reformkg build` rebuilds it from the seeds and discards such edits.)"
            );
        }
        Ok(())
    }

    /// The mode decides, but only among formats that fit the answer:
    /// graphs are Turtle (or N-Triples), tables are for solutions.
    fn format_for(&self, answer: &Answer) -> OutputFormat {
        let mode = self.settings.mode;
        match answer {
            Answer::Graph(_) if mode == OutputFormat::Ntriples => OutputFormat::Ntriples,
            Answer::Graph(_) => OutputFormat::Turtle,
            _ if matches!(mode, OutputFormat::Turtle | OutputFormat::Ntriples) => {
                OutputFormat::Table
            }
            _ => mode,
        }
    }

    fn write_results(
        &mut self,
        write: impl FnOnce(&mut dyn Write) -> Result<(), QueryError>,
    ) -> Result<(), ReplError> {
        match &mut self.output {
            Output::Terminal => {
                let stdout = std::io::stdout();
                let mut out = stdout.lock();
                write(&mut out)?;
                out.flush().map_err(ReplError::Output)
            }
            Output::File { path, writer } => {
                write(writer)?;
                writer.flush().map_err(|source| ReplError::WriteFile {
                    path: path.display().to_string(),
                    source,
                })
            }
        }
    }

    fn footer(&self, timed: &Timed, format: OutputFormat) -> String {
        let time = self.settings.timer.then(|| format_duration(timed.elapsed));
        let what = match &timed.answer {
            Answer::Solutions { rows, .. } => {
                let mut what = plural(rows.len(), "row");
                if timed.truncated {
                    what.push_str(&format!(" (reading stopped at {HELD_ROWS}: add LIMIT, or .output FILE with reformkg query for all)"));
                }
                if let Some(max) = self.settings.max_rows {
                    if format == OutputFormat::Table && rows.len() > max {
                        what.push_str(&format!(" ({max} drawn; .maxrows 0 draws all)"));
                    }
                }
                what
            }
            Answer::Graph(triples) if timed.truncated => format!(
                "{} (reading stopped at {HELD_ROWS})",
                plural(triples.len(), "triple")
            ),
            Answer::Graph(triples) => plural(triples.len(), "triple"),
            Answer::Boolean(_) => "1 answer".to_owned(),
            Answer::Updated => "update applied".to_owned(),
        };
        match time {
            Some(time) => format!("{what} · {time}"),
            None => what,
        }
    }

    fn command(&mut self, command: Command) -> Result<Flow, ReplError> {
        match command {
            Command::Help => print!("{}", command::help_text()),
            Command::Quit => return Ok(Flow::Quit),
            Command::Prefixes => self.print_prefixes(),
            Command::Prefix { name, namespace } => self.declare(&name, &namespace)?,
            Command::Queries => self.print_queries(),
            Command::Run { name, bindings } => self.run_saved(&name, &bindings)?,
            Command::Mode(None) => eprintln!("mode {}", mode_name(self.settings.mode)),
            Command::Mode(Some(mode)) => self.settings.mode = mode,
            Command::Output(path) => self.redirect(path)?,
            Command::Timer(None) => eprintln!("timer {}", on_off(self.settings.timer)),
            Command::Timer(Some(on)) => self.settings.timer = on,
            Command::MaxRows(None) => match self.settings.max_rows {
                Some(n) => eprintln!("maxrows {n}"),
                None => eprintln!("maxrows 0 (all rows)"),
            },
            Command::MaxRows(Some(max)) => self.settings.max_rows = max,
            Command::Timeout(None) => match self.settings.timeout {
                Some(limit) => eprintln!("timeout {}", format_duration(limit)),
                None => eprintln!("timeout off"),
            },
            Command::Timeout(Some(limit)) => self.settings.timeout = limit,
            Command::Labels(None) => eprintln!("labels {}", label_mode_name(self.settings.labels)),
            Command::Labels(Some(mode)) => self.settings.labels = mode,
            Command::Lang(None) => eprintln!("lang {}", self.settings.lang),
            Command::Lang(Some(lang)) => self.settings.lang = lang,
            Command::Stats => println!("{}", stats(self.store())?),
            Command::Export { format, path } => self.export_to(format, &path)?,
            Command::Read(path) => return self.read(&path),
            Command::Diagram(path) => self.draw_last_answer(&path)?,
        }
        Ok(Flow::Continue)
    }

    fn print_prefixes(&self) {
        let width = self
            .prefixes
            .iter()
            .map(|(p, _)| p.len())
            .max()
            .unwrap_or(0)
            + 1;
        for (prefix, namespace) in self.prefixes.iter() {
            println!("{:width$} <{namespace}>", format!("{prefix}:"));
        }
    }

    fn print_queries(&self) {
        let saved = saved::saved_queries(&self.queries_dir);
        if saved.is_empty() {
            eprintln!("no saved queries in {}", self.queries_dir.display());
        }
        let width = saved.iter().map(|q| q.name.len()).max().unwrap_or(0);
        for saved_query in saved {
            println!("{:width$}  {}", saved_query.name, saved_query.description);
        }
    }

    fn redirect(&mut self, path: Option<PathBuf>) -> Result<(), ReplError> {
        if let Output::File { writer, path } = &mut self.output {
            writer.flush().map_err(|source| ReplError::WriteFile {
                path: path.display().to_string(),
                source,
            })?;
        }
        self.output = match path {
            None => Output::Terminal,
            Some(path) => {
                let file = File::create(&path).map_err(|source| ReplError::WriteFile {
                    path: path.display().to_string(),
                    source,
                })?;
                eprintln!(
                    "results now go to {} (.output alone to stop)",
                    path.display()
                );
                Output::File {
                    writer: BufWriter::new(file),
                    path,
                }
            }
        };
        Ok(())
    }

    fn export_to(&self, format: ExportFormat, path: &Path) -> Result<(), ReplError> {
        let write_error = |source| ReplError::WriteFile {
            path: path.display().to_string(),
            source,
        };
        // No half-written file where a good one was, whatever fails.
        let mut file = crate::store::atomic_file::AtomicFile::create(path).map_err(write_error)?;
        let count = export(self.store(), format, &mut file)?;
        file.commit().map_err(write_error)?;
        eprintln!("wrote {count} statements to {}", path.display());
        Ok(())
    }

    /// `.diagram FILE`: the last answer drawn with labels in the session's
    /// language (read from the store as it is now).
    fn draw_last_answer(&self, path: &Path) -> Result<(), ReplError> {
        let answer = self.last_answer.as_ref().ok_or(ReplError::NothingToDraw)?;
        let drawing =
            diagram::from_answer(self.store(), answer, diagram_lang(&self.settings.lang))?;
        let written = drawing.write(path)?;
        if !written.warnings.is_empty() {
            eprintln!("{}", written.warnings);
        }
        let engine = written.engine.unwrap_or("DOT text");
        eprintln!(
            "wrote {} ({engine}, {})",
            written.path.display(),
            plural(drawing.nodes, "node")
        );
        Ok(())
    }

    fn read(&mut self, path: &Path) -> Result<Flow, ReplError> {
        if self.read_depth >= MAX_READ_DEPTH {
            return Err(ReplError::TooDeep);
        }
        let file = File::open(path).map_err(|source| ReplError::ReadFile {
            path: path.display().to_string(),
            source,
        })?;
        self.read_depth += 1;
        let outcome = self.run_script(std::io::BufReader::new(file), &path.display().to_string());
        self.read_depth -= 1;
        let outcome = outcome?;
        if outcome.failed > 0 {
            return Err(ReplError::ReadFailed {
                path: path.display().to_string(),
                failed: outcome.failed,
            });
        }
        Ok(outcome.flow)
    }

    /// `.run NAME var=value …`: the saved query with its variables bound.
    fn run_saved(&mut self, name: &str, bindings: &[(String, String)]) -> Result<(), ReplError> {
        if !saved::is_query_name(name) {
            return Err(ReplError::Binding(format!(
                "{name} is not a saved query name (.queries lists them)"
            )));
        }
        let path = saved::saved_query_path(&self.queries_dir, name);
        let mut sparql = std::fs::read_to_string(&path).map_err(|_| QueryError::NoSavedQuery {
            name: name.to_owned(),
            path: path.display().to_string(),
        })?;
        for (variable, value) in bindings {
            text::check_variable(&sparql, variable)?;
            let term = self.lookup().binding_term(&sparql, variable, value)?;
            eprintln!("?{variable} = {}", self.lookup().describe(&term));
            sparql = text::bind(&sparql, variable, &term.to_string())?;
        }
        self.statement(&sparql)
    }
}

fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// The diagram language for a `.lang` setting: English for `en` and its
/// regional tags, Chinese otherwise (the diagrams know only these two, and
/// labels fall back to the other one anyway).
fn diagram_lang(lang: &str) -> Lang {
    let primary = lang.split(['-', '_']).next().unwrap_or(lang);
    if primary.eq_ignore_ascii_case("en") {
        Lang::En
    } else {
        Lang::Zh
    }
}

fn on_off(on: bool) -> &'static str {
    if on {
        "on"
    } else {
        "off"
    }
}

fn label_mode_name(mode: LabelMode) -> &'static str {
    match mode {
        LabelMode::Off => "off",
        LabelMode::On => "on",
        LabelMode::Only => "only",
    }
}

fn mode_name(mode: OutputFormat) -> String {
    use clap::ValueEnum;
    mode.to_possible_value()
        .map(|v| v.get_name().to_owned())
        .unwrap_or_default()
}

/// `3.2 ms`, or `1.52 s` from a second on.
pub fn format_duration(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms >= 1000.0 {
        format!("{:.2} s", ms / 1000.0)
    } else {
        format!("{ms:.1} ms")
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lang_setting_picks_the_diagram_language() {
        assert_eq!(diagram_lang("en"), Lang::En);
        assert_eq!(diagram_lang("en-GB"), Lang::En);
        assert_eq!(diagram_lang("EN"), Lang::En);
        assert_eq!(diagram_lang("zh"), Lang::Zh);
        assert_eq!(diagram_lang("zh-Hans"), Lang::Zh);
        assert_eq!(diagram_lang("fr"), Lang::Zh);
    }
}
