//! The interactive SPARQL shell, `reformkg repl`.
//!
//! With a terminal on stdin it is a rustyline editor (history, Ctrl-R,
//! Tab completion); otherwise it runs the statements on stdin as a script
//! and reports how many failed.
//!
//! - [`text`]: where statements end, PREFIX lines, binding saved queries.
//! - [`command`]: the dot-commands.
//! - [`complete`]: Tab completion, fed by the store's vocabulary.
//! - [`lookup`]: labels and concepts looked up in the store.
//! - [`session`]: a session: statements, scripts, output and commands.
//! - [`worker`]: one statement on a worker thread (cancel, timeout).
//! - [`settings`], [`interrupt`] (Ctrl-C), [`error`].

pub mod command;
pub mod complete;
pub mod context;
pub mod error;
pub mod interrupt;
pub mod lookup;
pub mod session;
pub mod settings;
pub mod text;
pub mod worker;

use crate::saved;
use crate::store::sparql;
use crate::store::{self, StoreError};
use complete::{ReplHelper, SharedVocabulary};
pub use error::ReplError;
pub use interrupt::Interrupt;
use rustyline::error::ReadlineError;
use rustyline::history::FileHistory;
use rustyline::{
    Cmd, CompletionType, ConditionalEventHandler, Config, Editor, Event, EventContext,
    EventHandler, KeyEvent, RepeatCount,
};
pub use session::{Flow, Session};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use text::{Complete, StatementBuffer};

const PROMPT: &str = "reformkg> ";
const CONTINUATION: &str = "     ...> ";

/// Where the REPL works.
#[derive(Debug, Clone)]
pub struct ReplConfig {
    pub store_dir: PathBuf,
    pub saved: saved::SavedQueries,
    /// The history file; `None` keeps no history.
    pub history: Option<PathBuf>,
    /// The starting `.timeout` (`None`: no limit).
    pub timeout: Option<std::time::Duration>,
    /// Statements go to this endpoint from the start (`repl --endpoint`).
    pub remote: Option<crate::remote::Endpoint>,
    /// What `.connect` authenticates with.
    pub credentials: Option<crate::remote::Credentials>,
}

/// How a REPL run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ended {
    /// Statements that failed (always 0 for an interactive session).
    pub failed: usize,
    /// Cancelled statements whose threads may still be running: the
    /// process should exit without running exit handlers.
    pub abandoned: usize,
}

/// The history file: `REFORMKG_HISTORY` if set (empty: none), else
/// `reformkg/history` in the user's data directory.
pub fn default_history_file() -> Option<PathBuf> {
    match std::env::var_os("REFORMKG_HISTORY") {
        Some(path) if path.is_empty() => None,
        Some(path) => Some(PathBuf::from(path)),
        None => dirs::data_dir().map(|d| d.join("reformkg").join("history")),
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot set up the terminal: {0}")]
    Terminal(#[from] ReadlineError),
    #[error("cannot handle Ctrl-C: {0}")]
    Signal(#[from] ctrlc::Error),
    #[error(transparent)]
    Repl(#[from] ReplError),
}

/// Runs the REPL until the user quits or the script ends.
///
/// The session reads a pinned snapshot of the store (see [`crate::store`]):
/// a build elsewhere never disturbs it, and before each statement it moves
/// to the newest version. Updates are applied to a copy and published.
pub fn run(config: &ReplConfig) -> Result<Ended, StartError> {
    let interactive = std::io::stdin().is_terminal();
    // Connected to an endpoint, the session needs no local store (it is
    // read if there is one, for `.disconnect`).
    let snapshot = if config.remote.is_some() && !store::exists(&config.store_dir) {
        None
    } else {
        Some(store::open(&config.store_dir)?)
    };
    let interrupt = Interrupt::default();
    let mut session = Session::new(
        snapshot,
        config.store_dir.clone(),
        config.saved.clone(),
        interrupt.clone(),
        interactive,
        config.timeout,
    );
    session.set_credentials(config.credentials.clone());
    if let Some(endpoint) = &config.remote {
        session.connect(endpoint.clone());
    }
    if interactive {
        interact(&mut session, config, interrupt)?;
        return Ok(Ended {
            failed: 0,
            abandoned: session.abandoned_workers(),
        });
    }
    on_ctrl_c(interrupt, false)?;
    let outcome = session.run_script(std::io::stdin().lock(), "stdin")?;
    if outcome.failed > 0 {
        eprintln!("{} statement(s) failed", outcome.failed);
    }
    Ok(Ended {
        failed: outcome.failed,
        abandoned: session.abandoned_workers(),
    })
}

/// Ctrl-C (SIGINT) cancels the running statement; with none running, a
/// script stops, as scripts do. (At the prompt the terminal is raw and
/// Ctrl-C reaches rustyline as a key, not as a signal.)
fn on_ctrl_c(interrupt: Interrupt, interactive: bool) -> Result<(), ctrlc::Error> {
    ctrlc::set_handler(move || {
        if !interrupt.cancel() && !interactive {
            std::process::exit(130);
        }
    })
}

/// Remembers whether Ctrl-C came on an empty line (two of those quit).
struct NoteEmptyLine(Arc<AtomicBool>);

impl ConditionalEventHandler for NoteEmptyLine {
    fn handle(&self, _: &Event, _: RepeatCount, _: bool, ctx: &EventContext) -> Option<Cmd> {
        self.0.store(ctx.line().is_empty(), Ordering::SeqCst);
        Some(Cmd::Interrupt)
    }
}

fn interact(
    session: &mut Session,
    config: &ReplConfig,
    interrupt: Interrupt,
) -> Result<(), StartError> {
    let vocabulary = SharedVocabulary::default();
    refresh_vocabulary(&vocabulary, session);
    let mut editor = editor(session, vocabulary.clone())?;
    // After the editor: rustyline installs a SIGINT handler of its own
    // that only its prompt would read, and this one must win.
    on_ctrl_c(interrupt, true)?;
    let ctrl_c_on_empty_line = Arc::new(AtomicBool::new(false));
    editor.bind_sequence(
        KeyEvent::ctrl('C'),
        EventHandler::Conditional(Box::new(NoteEmptyLine(ctrl_c_on_empty_line.clone()))),
    );
    let history = History::open(&mut editor, config.history.as_deref());
    print_banner(session, &config.store_dir);
    let mut buffer = StatementBuffer::default();
    let mut quit_armed = false;
    loop {
        let width = editor.dimensions().map(|(columns, _)| columns);
        session.set_width(width);
        let prompt = if buffer.is_empty() {
            PROMPT
        } else {
            CONTINUATION
        };
        match editor.readline(prompt) {
            Ok(line) => {
                quit_armed = false;
                for input in buffer.push(&line) {
                    history.remember(&mut editor, &input);
                    let flow = session.handle(&input).unwrap_or_else(|error| {
                        if error.is_user_cancel() {
                            eprintln!("{error}");
                        } else {
                            eprintln!("error: {error}");
                        }
                        Flow::Continue
                    });
                    if let Some(helper) = editor.helper_mut() {
                        helper.prefixes = session.prefixes().clone();
                    }
                    if matches!(&input, Complete::Sparql { text, .. } if sparql::is_update(text)) {
                        // New classes, properties or labels complete too.
                        refresh_vocabulary(&vocabulary, session);
                    }
                    if flow == Flow::Quit {
                        return Ok(());
                    }
                }
            }
            Err(ReadlineError::Interrupted) => {
                let empty = ctrl_c_on_empty_line.swap(false, Ordering::SeqCst);
                if !buffer.is_empty() || !empty {
                    buffer.clear();
                    quit_armed = false;
                } else if quit_armed {
                    return Ok(());
                } else {
                    quit_armed = true;
                    eprintln!("(Ctrl-C again or Ctrl-D to quit)");
                }
            }
            Err(ReadlineError::Eof) => return Ok(()),
            Err(error) => return Err(error.into()),
        }
    }
}

fn editor(
    session: &Session,
    vocabulary: SharedVocabulary,
) -> Result<Editor<ReplHelper, FileHistory>, ReadlineError> {
    let config = Config::builder()
        .completion_type(CompletionType::List)
        .auto_add_history(false)
        .history_ignore_space(true)
        .history_ignore_dups(true)?
        .max_history_size(10_000)?
        .build();
    let mut editor = Editor::with_config(config)?;
    let saved = session.saved().list().into_iter().map(|q| q.name).collect();
    editor.set_helper(Some(ReplHelper::new(
        session.prefixes().clone(),
        saved,
        vocabulary,
    )));
    Ok(editor)
}

/// Completion reads the local store's vocabulary; connected to an
/// endpoint, it keeps to keywords, prefixes and what it already has.
fn refresh_vocabulary(vocabulary: &SharedVocabulary, session: &Session) {
    if session.remote().is_some() {
        return;
    }
    if let Some(snapshot) = session.snapshot() {
        vocabulary.refresh_in_background(snapshot);
    }
}

fn print_banner(session: &Session, store_dir: &Path) {
    // No statement count: counting reads every row, seconds on a large
    // store before the first prompt (`stats` counts on request).
    let source = match (session.remote(), session.snapshot()) {
        (Some(endpoint), _) => format!("connected to {}", endpoint.url()),
        (None, Some(snapshot)) => format!("{} ({})", store_dir.display(), snapshot.version()),
        (None, None) => store_dir.display().to_string(),
    };
    println!("reformkg {} · {source}", env!("CARGO_PKG_VERSION"));
    println!(
        "End a statement with ; or a blank line. .help lists commands; Tab completes; Ctrl-D quits."
    );
}

/// The history file, written after every statement so that a crash or a
/// closed terminal keeps it.
struct History(Option<PathBuf>);

impl History {
    fn open(editor: &mut Editor<ReplHelper, FileHistory>, path: Option<&Path>) -> Self {
        let Some(path) = path else {
            return Self(None);
        };
        if let Some(parent) = path.parent() {
            let _ = std::fs::create_dir_all(parent);
        }
        if path.exists() {
            if let Err(e) = editor.load_history(path) {
                eprintln!("note: cannot read the history {}: {e}", path.display());
            }
        }
        Self(Some(path.to_path_buf()))
    }

    /// Adds a statement as one entry, ending with `;` so that recalling it
    /// runs it at once.
    fn remember(&self, editor: &mut Editor<ReplHelper, FileHistory>, input: &Complete) {
        let entry = match input {
            // Recalling `.quit` by accident would end the session.
            Complete::Command { text, .. }
                if command::parse(text) == Ok(command::Command::Quit) =>
            {
                return
            }
            Complete::Command { text, .. } => text.clone(),
            Complete::Sparql { text, .. } => format!("{text};"),
        };
        let _ = editor.add_history_entry(entry);
        if let Some(path) = &self.0 {
            if let Err(e) = editor.append_history(path) {
                eprintln!("note: cannot write the history {}: {e}", path.display());
            }
        }
    }
}
