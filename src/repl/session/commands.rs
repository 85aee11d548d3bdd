//! The dot-commands: the dispatcher and the commands that are more than a
//! setting.

use super::output::plural;
use super::{Flow, Session};
use crate::diagram;
use crate::present::export::{export, ExportFormat};
use crate::repl::command::{self, Command};
use crate::repl::error::ReplError;
use crate::repl::settings::{diagram_lang, format_duration, label_mode_name, mode_name, on_off};
use crate::repl::text;
use crate::saved;
use crate::stats::stats;
use std::path::Path;

impl Session {
    pub(super) fn command(&mut self, command: Command) -> Result<Flow, ReplError> {
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
            Command::Stats => println!("{}", stats(self.store(".stats")?)?),
            Command::Export { format, path } => self.export_to(format, &path)?,
            Command::Read(path) => return self.read(&path),
            Command::Diagram(path) => self.draw_last_answer(&path)?,
            Command::Connect(url) => self.connect_to(&url)?,
            Command::Disconnect => self.disconnect()?,
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
        let saved = self.saved.list();
        if saved.is_empty() {
            eprintln!("no saved queries in {}", self.saved.source());
        }
        let width = saved.iter().map(|q| q.name.len()).max().unwrap_or(0);
        for saved_query in saved {
            println!("{:width$}  {}", saved_query.name, saved_query.description);
        }
    }

    fn export_to(&self, format: ExportFormat, path: &Path) -> Result<(), ReplError> {
        let write_error = |source| ReplError::WriteFile {
            path: path.display().to_string(),
            source,
        };
        // No half-written file where a good one was, whatever fails.
        let mut file = crate::store::atomic_file::AtomicFile::create(path).map_err(write_error)?;
        let count = export(self.store(".export")?, format, &mut file)?;
        file.commit().map_err(write_error)?;
        eprintln!("wrote {count} statements to {}", path.display());
        Ok(())
    }

    /// `.diagram FILE`: the last answer drawn with labels in the session's
    /// language (read from the store as it is now).
    fn draw_last_answer(&self, path: &Path) -> Result<(), ReplError> {
        let answer = self.last_answer.as_ref().ok_or(ReplError::NothingToDraw)?;
        let lang = diagram_lang(&self.settings.lang);
        let drawing = match self.remote() {
            // Labels and classes of the drawn resources, fetched from the
            // endpoint into a scratch store.
            Some(endpoint) => {
                let context = crate::repl::context::of_answer(endpoint, answer)?;
                diagram::from_answer(&context, answer, lang)?
            }
            None => diagram::from_answer(self.store(".diagram")?, answer, lang)?,
        };
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

    /// `.run NAME var=value …`: the saved query with its variables bound.
    fn run_saved(&mut self, name: &str, bindings: &[(String, String)]) -> Result<(), ReplError> {
        if !saved::is_query_name(name) {
            return Err(ReplError::Binding(format!(
                "{name} is not a saved query name (.queries lists them)"
            )));
        }
        let mut sparql = self.saved.text(name)?;
        for (variable, value) in bindings {
            text::check_variable(&sparql, variable)?;
            let lookup = self.lookup()?;
            let term = lookup.binding_term(&sparql, variable, value)?;
            eprintln!("?{variable} = {}", lookup.describe(&term));
            sparql = text::bind(&sparql, variable, &term.to_string())?;
        }
        self.statement(&sparql)
    }
}

impl Session {
    /// `.connect URL`: checks the endpoint answers (`ASK {}`), then sends
    /// every statement there.
    fn connect_to(&mut self, url: &str) -> Result<(), ReplError> {
        let credentials = self.credentials.clone();
        let endpoint = crate::remote::Endpoint::new(url, credentials, None)?;
        let started = std::time::Instant::now();
        endpoint.run("ASK {}", &crate::store::sparql::Prefixes::default())?;
        eprintln!(
            "connected to {} (answered in {}); .disconnect goes back to the local store",
            endpoint.url(),
            format_duration(started.elapsed())
        );
        self.connect(endpoint);
        Ok(())
    }

    /// `.disconnect`: statements go to the local store again.
    fn disconnect(&mut self) -> Result<(), ReplError> {
        let Some(endpoint) = self.remote.take() else {
            eprintln!("not connected: statements already go to the local store");
            return Ok(());
        };
        if self.snapshot.is_none() {
            match crate::store::open(&self.store_dir) {
                Ok(snapshot) => self.snapshot = Some(snapshot),
                Err(e) => {
                    self.remote = Some(endpoint);
                    return Err(e.into());
                }
            }
        }
        eprintln!(
            "disconnected from {}; reading {}",
            endpoint.url(),
            self.store_dir.display()
        );
        Ok(())
    }
}
