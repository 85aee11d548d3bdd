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
    pub fn into_sorted(self) -> io::Result<Merged> {
        merge(vec![self])
    }
}

/// Every line pushed into any of `sets` (gathered on threads of their
/// own), in one ascending byte order: in memory when none spilled (each
/// set stayed under its limit), else merged from the spilled runs.
pub fn merge(sets: Vec<SortedRuns>) -> io::Result<Merged> {
    if sets.iter().all(|set| set.spilled.is_empty()) {
        let mut lines: Vec<String> = sets.into_iter().flat_map(|set| set.buffer).collect();
        lines.sort_unstable();
        return Ok(Merged::InMemory(lines.into_iter()));
    }
    let mut files = Vec::new();
    for mut set in sets {
        if !set.buffer.is_empty() {
            set.spill()?;
        }
        files.append(&mut set.spilled);
    }
    Merged::from_runs(files)
}

impl Merged {
    fn from_runs(files: Vec<File>) -> io::Result<Self> {
        let mut runs: Vec<_> = files
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
    fn sets_gathered_apart_merge_into_one_order() {
        let lines: Vec<String> = (0..3000u32)
            .map(|i| format!("<s{}> 浦东 {}", (i * 7919) % 911, i % 5))
            .collect();
        // One set spills many runs, one spills none, one stays empty.
        let mut sets = vec![
            SortedRuns::new(2_000),
            SortedRuns::new(1 << 20),
            SortedRuns::new(1 << 20),
        ];
        for (i, line) in lines.iter().enumerate() {
            sets[i % 2].push(line.clone()).expect("push");
        }
        assert!(sets[0].spilled_runs() > 10 && sets[1].spilled_runs() == 0);
        let out = merge(sets)
            .expect("merge")
            .collect::<io::Result<Vec<_>>>()
            .expect("read back");
        let mut expected = lines.clone();
        expected.sort();
        assert_eq!(out, expected);

        // None spilled: merged in memory.
        let mut sets = vec![SortedRuns::new(1 << 20), SortedRuns::new(1 << 20)];
        for (i, line) in lines.iter().enumerate() {
            sets[i % 2].push(line.clone()).expect("push");
        }
        let merged = merge(sets).expect("merge");
        assert!(matches!(merged, Merged::InMemory(_)));
        assert_eq!(
            merged.collect::<io::Result<Vec<_>>>().expect("read"),
            expected
        );
    }

    #[test]
    fn nothing_in_nothing_out() {
        let (out, _) = sorted(&[], 10);
        assert!(out.is_empty());
    }
}
