//! Showing answers where results go: the terminal or the `.output` file.

use super::Session;
use crate::present::format::{write_answer, OutputFormat};
use crate::present::table::TableOptions;
use crate::repl::command::LabelMode;
use crate::repl::error::ReplError;
use crate::repl::settings::format_duration;
use crate::repl::worker::HELD_ROWS;
use crate::store::sparql::{Answer, QueryError, Timed};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

/// Where results go.
pub(super) enum Output {
    Terminal,
    File {
        path: PathBuf,
        writer: BufWriter<File>,
    },
}

impl Session {
    /// Writes an answer where results go, then `N rows · 3.2 ms`.
    pub(super) fn show(&mut self, timed: &Timed) -> Result<(), ReplError> {
        let format = self.format_for(&timed.answer);
        let answer = match (&timed.answer, format, self.settings.labels) {
            (Answer::Solutions { variables, rows }, OutputFormat::Table, mode)
                if mode != LabelMode::Off =>
            {
                self.lookup()?.labelled(variables, rows, mode)?
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

    pub(super) fn redirect(&mut self, path: Option<PathBuf>) -> Result<(), ReplError> {
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
}

pub(super) fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}
