//! Arbitrary text through the REPL's statement buffer, line by line and in
//! pasted chunks. It must agree with the plain definition (re-read the whole
//! statement after every line) and never invent text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use reformkg::repl::text::{
    ends_with_terminator, is_prologue_only, strip_terminator, tokenize, Complete, StatementBuffer,
};

/// The definition the incremental buffer must match: after every line,
/// tokenize everything gathered so far.
#[derive(Default)]
struct Reference {
    text: String,
    lines_seen: usize,
    first_line: usize,
}

impl Reference {
    fn is_empty(&self) -> bool {
        self.text.trim().is_empty()
    }

    fn push(&mut self, input: &str) -> Vec<Complete> {
        let mut lines = input.split('\n').peekable();
        let mut done = Vec::new();
        while let Some(line) = lines.next() {
            self.lines_seen += 1;
            let last = lines.peek().is_none();
            done.extend(self.push_line(line, last));
        }
        done
    }

    fn push_line(&mut self, line: &str, blank_ends: bool) -> Option<Complete> {
        if self.is_empty() {
            self.text.clear();
            if line.trim().is_empty() {
                return None;
            }
            self.first_line = self.lines_seen;
            if line.trim_start().starts_with('.') {
                return Some(Complete::Command {
                    line: self.lines_seen,
                    text: line.trim().to_owned(),
                });
            }
        }
        if line.trim().is_empty() {
            return if blank_ends { self.take() } else { None };
        }
        self.text.push_str(line);
        self.text.push('\n');
        if ends_with_terminator(&self.text) || is_prologue_only(&self.text) {
            return self.take();
        }
        None
    }

    fn take(&mut self) -> Option<Complete> {
        let text = std::mem::take(&mut self.text);
        let statement = strip_terminator(&text).trim();
        if tokenize(statement).is_empty() {
            return None;
        }
        Some(Complete::Sparql {
            line: self.first_line,
            text: statement.to_owned(),
        })
    }
}

fn text_of(c: &Complete) -> &str {
    match c {
        Complete::Command { text, .. } | Complete::Sparql { text, .. } => text,
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    // A `\x01` splits the input into chunks pushed at once (a paste or a
    // recalled history entry); otherwise every line is pushed on its own.
    let chunks: Vec<&str> = if input.contains('\x01') {
        input.split('\x01').collect()
    } else {
        input.split('\n').collect()
    };
    let mut buffer = StatementBuffer::default();
    let mut reference = Reference::default();
    let mut got = Vec::new();
    let mut want = Vec::new();
    for chunk in &chunks {
        got.extend(buffer.push(chunk));
        want.extend(reference.push(chunk));
        assert_eq!(buffer.is_empty(), reference.is_empty());
    }
    got.extend(buffer.finish());
    want.extend(reference.take());
    assert_eq!(got, want);

    // Nothing comes out that was not typed: the non-whitespace characters of
    // the statements, in order, are a subsequence of the input's.
    let mut typed = input.chars().filter(|c| !c.is_whitespace());
    for c in got.iter().flat_map(|c| text_of(c).chars()) {
        if !c.is_whitespace() {
            assert!(typed.any(|t| t == c), "{c:?} was not typed");
        }
    }
});
