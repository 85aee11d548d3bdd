//! Running a script: the statements of stdin or of `.read FILE`.

use super::{Flow, Session};
use crate::repl::error::ReplError;
use crate::repl::text::{Complete, StatementBuffer};
use std::fs::File;
use std::io::BufRead;
use std::path::Path;

/// `.read` inside `.read` deeper than this is a file reading itself.
const MAX_READ_DEPTH: usize = 16;

/// What running a script (stdin or `.read FILE`) came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScriptOutcome {
    pub failed: usize,
    pub flow: Flow,
}

impl Session {
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

    pub(super) fn read(&mut self, path: &Path) -> Result<Flow, ReplError> {
        if self.read_depth >= MAX_READ_DEPTH {
            return Err(ReplError::TooDeep {
                limit: MAX_READ_DEPTH,
            });
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
}
