//! Progress bars on stderr for long commands (indicatif). A bar appears
//! only once a command has run for a second, and never when stderr is not a
//! terminal, so scripts, pipes and CI logs stay clean.

use crate::pipeline::BuildProgress;
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// How long a command runs before its bar is drawn.
const SHOW_AFTER: Duration = Duration::from_secs(1);

/// The bar of a build: documents read, cases, quads loaded and their rate.
pub struct BuildBar {
    started: Instant,
    on_terminal: bool,
    documents: AtomicUsize,
    done: AtomicUsize,
    cases: AtomicUsize,
    quads: AtomicU64,
    bar: OnceLock<ProgressBar>,
}

impl BuildBar {
    pub fn new() -> Self {
        Self {
            started: Instant::now(),
            on_terminal: std::io::stderr().is_terminal(),
            documents: AtomicUsize::new(0),
            done: AtomicUsize::new(0),
            cases: AtomicUsize::new(0),
            quads: AtomicU64::new(0),
            bar: OnceLock::new(),
        }
    }

    fn redraw(&self) {
        if !self.on_terminal || self.started.elapsed() < SHOW_AFTER {
            return;
        }
        let total = self.documents.load(Ordering::Relaxed) as u64;
        let bar = self.bar.get_or_init(|| {
            let bar = ProgressBar::new(total);
            let style = ProgressStyle::with_template(
                "{elapsed:>4} [{bar:30}] {pos}/{len} documents · {msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> ");
            bar.set_style(style);
            bar
        });
        bar.set_position(self.done.load(Ordering::Relaxed) as u64);
        let quads = self.quads.load(Ordering::Relaxed);
        let rate = quads as f64 / self.started.elapsed().as_secs_f64().max(0.001);
        bar.set_message(format!(
            "{} cases · {quads} quads loaded ({rate:.0}/s)",
            self.cases.load(Ordering::Relaxed)
        ));
    }

    /// Removes the bar (the build prints its report next).
    pub fn finish(&self) {
        if let Some(bar) = self.bar.get() {
            bar.finish_and_clear();
        }
    }
}

impl Default for BuildBar {
    fn default() -> Self {
        Self::new()
    }
}

impl BuildProgress for BuildBar {
    fn start(&self, documents: usize) {
        self.documents.store(documents, Ordering::Relaxed);
    }

    fn document(&self, _name: &str, cases: usize) {
        self.cases.fetch_add(cases, Ordering::Relaxed);
        self.done.fetch_add(1, Ordering::Relaxed);
        self.redraw();
    }

    fn loaded(&self, quads: u64) {
        self.quads.store(quads, Ordering::Relaxed);
        self.redraw();
    }
}

/// The bar of a push: triples sent and their rate.
pub struct PushBar {
    started: Instant,
    on_terminal: bool,
    total: AtomicU64,
    /// Triples of the graphs finished before the current one.
    before: AtomicU64,
    /// The current graph and the triples sent to it so far.
    current: std::sync::Mutex<(String, u64)>,
    bar: OnceLock<ProgressBar>,
}

impl PushBar {
    pub fn new() -> Self {
        Self {
            started: Instant::now(),
            on_terminal: std::io::stderr().is_terminal(),
            total: AtomicU64::new(0),
            before: AtomicU64::new(0),
            current: std::sync::Mutex::new((String::new(), 0)),
            bar: OnceLock::new(),
        }
    }

    fn redraw(&self, graph: &str, sent: u64) {
        if !self.on_terminal || self.started.elapsed() < SHOW_AFTER {
            return;
        }
        let bar = self.bar.get_or_init(|| {
            let bar = ProgressBar::new(self.total.load(Ordering::Relaxed));
            let style =
                ProgressStyle::with_template("{elapsed:>4} [{bar:30}] {pos}/{len} triples · {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("=> ");
            bar.set_style(style);
            bar
        });
        let rate = sent as f64 / self.started.elapsed().as_secs_f64().max(0.001);
        bar.set_position(sent);
        bar.set_message(format!("{rate:.0}/s · {graph}"));
    }

    /// Removes the bar (the push prints its report next).
    pub fn finish(&self) {
        if let Some(bar) = self.bar.get() {
            bar.finish_and_clear();
        }
    }
}

impl Default for PushBar {
    fn default() -> Self {
        Self::new()
    }
}

impl reformkg_remote::PushProgress for PushBar {
    fn start(&self, total_triples: u64) {
        self.total.store(total_triples, Ordering::Relaxed);
    }

    /// `triples` counts within one graph; a new graph name starts the next.
    fn sent(&self, graph: &str, triples: u64) {
        let Ok(mut current) = self.current.lock() else {
            return;
        };
        if current.0 != graph {
            self.before.fetch_add(current.1, Ordering::Relaxed);
            current.0 = graph.to_owned();
        }
        current.1 = triples;
        let sent = self.before.load(Ordering::Relaxed) + triples;
        drop(current);
        self.redraw(graph, sent);
    }
}
