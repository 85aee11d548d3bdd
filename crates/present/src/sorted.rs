//! An external merge sort of text lines, so that sorted output of any size
//! needs a bounded amount of memory: lines are gathered into runs of at most
//! a given size, each run is sorted and spilled to an anonymous temporary
//! file (gone when closed, even if the process is killed), and the runs are
//! merged as they are read.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Seek, SeekFrom, Write};

/// Lines gathered for sorting. A line must not contain `\n`.
pub struct SortedRuns {
    limit: usize,
    buffer: Vec<String>,
    bytes: usize,
    spilled: Vec<File>,
}

impl SortedRuns {
    /// Runs of about `limit` bytes (text plus per-line bookkeeping).
    pub fn new(limit: usize) -> Self {
        Self {
            limit,
            buffer: Vec::new(),
            bytes: 0,
            spilled: Vec::new(),
        }
    }

    pub fn push(&mut self, line: String) -> io::Result<()> {
        debug_assert!(!line.contains('\n'), "a line to sort holds a newline");
        self.bytes += line.len() + std::mem::size_of::<String>();
        self.buffer.push(line);
        if self.bytes >= self.limit {
            self.spill()?;
        }
        Ok(())
    }

    /// How many runs went to temporary files so far.
    pub fn spilled_runs(&self) -> usize {
        self.spilled.len()
    }

    fn spill(&mut self) -> io::Result<()> {
        self.buffer.sort_unstable();
        let mut file = BufWriter::new(tempfile::tempfile()?);
        for line in self.buffer.drain(..) {
            file.write_all(line.as_bytes())?;
            file.write_all(b"\n")?;
        }
        let mut file = file.into_inner().map_err(io::IntoInnerError::into_error)?;
        file.seek(SeekFrom::Start(0))?;
        self.spilled.push(file);
        self.bytes = 0;
        Ok(())
    }

    /// Every line pushed, in ascending byte order.
    pub fn into_sorted(mut self) -> io::Result<Merged> {
        if self.spilled.is_empty() {
            self.buffer.sort_unstable();
            return Ok(Merged::InMemory(self.buffer.into_iter()));
        }
        if !self.buffer.is_empty() {
            self.spill()?;
        }
        let mut runs: Vec<_> = self
            .spilled
            .into_iter()
            .map(|f| BufReader::new(f).lines())
            .collect();
        let mut heads = BinaryHeap::with_capacity(runs.len());
        for (index, run) in runs.iter_mut().enumerate() {
            if let Some(line) = run.next() {
                heads.push(Reverse((line?, index)));
            }
        }
        Ok(Merged::Runs { runs, heads })
    }
}

/// The sorted lines: straight from memory when they fitted in one run,
/// else merged from the spilled runs.
pub enum Merged {
    InMemory(std::vec::IntoIter<String>),
    Runs {
        runs: Vec<io::Lines<BufReader<File>>>,
        /// The smallest unread line of each run that has one left.
        heads: BinaryHeap<Reverse<(String, usize)>>,
    },
}

impl Iterator for Merged {
    type Item = io::Result<String>;

    fn next(&mut self) -> Option<Self::Item> {
        match self {
            Merged::InMemory(lines) => lines.next().map(Ok),
            Merged::Runs { runs, heads } => {
                let Reverse((line, index)) = heads.pop()?;
                match runs[index].next() {
                    Some(Ok(next)) => heads.push(Reverse((next, index))),
                    Some(Err(e)) => return Some(Err(e)),
                    None => {}
                }
                Some(Ok(line))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(lines: &[&str], limit: usize) -> (Vec<String>, usize) {
        let mut runs = SortedRuns::new(limit);
        for line in lines {
            runs.push((*line).to_owned()).expect("push");
        }
        let spilled = runs.spilled_runs();
        let out = runs
            .into_sorted()
            .expect("sort")
            .collect::<io::Result<Vec<_>>>()
            .expect("read back");
        (out, spilled)
    }

    #[test]
    fn small_inputs_sort_in_memory() {
        let (out, spilled) = sorted(&["b", "a", "c"], 1 << 20);
        assert_eq!(out, ["a", "b", "c"]);
        assert_eq!(spilled, 0);
    }

    #[test]
    fn many_runs_merge_into_one_order() {
        // A pseudo-random permutation with repeats, over tiny runs.
        let lines: Vec<String> = (0..2000u32)
            .map(|i| format!("<s{}> 浦东 {}", (i * 7919) % 613, i % 3))
            .collect();
        let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
        let (out, spilled) = sorted(&refs, 2_000);
        assert!(spilled > 10, "the input spread over many runs ({spilled})");
        let mut expected = lines.clone();
        expected.sort();
        assert_eq!(out, expected);
    }

    #[test]
    fn nothing_in_nothing_out() {
        let (out, _) = sorted(&[], 10);
        assert!(out.is_empty());
    }
}
