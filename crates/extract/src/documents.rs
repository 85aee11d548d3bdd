//! Cited documents: every 《…》 span of a case.

use super::text::TextIndex;
use super::{push_evidence, DocumentFact};
use regex::Regex;
use std::collections::HashMap;
use std::sync::LazyLock;

/// The marks around a cited title. Punctuation, not vocabulary.
pub(super) const OPEN_TITLE: char = '《';

static DOCUMENT_TITLE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"《([^《》\n]{1,120})》").expect("static regex"));

/// Byte spans of 《…》 (brackets included): words inside a cited title are
/// not facts about the case.
pub(super) fn document_spans(text: &str) -> Vec<(usize, usize)> {
    DOCUMENT_TITLE
        .find_iter(text)
        .map(|m| (m.start(), m.end()))
        .collect()
}

/// Is the byte range inside one of the spans?
/// The spans are sorted and disjoint (regex matches), so only the last
/// one starting at or before `start` can hold the range.
pub(super) fn inside(spans: &[(usize, usize)], start: usize, end: usize) -> bool {
    let candidates = spans.partition_point(|&(s, _)| s <= start);
    candidates > 0 && end <= spans[candidates - 1].1
}

/// Each distinct title, in order of first citation, with every sentence
/// that cites it.
pub(super) fn documents(raw: &str, text: &TextIndex) -> Vec<DocumentFact> {
    let mut facts: Vec<DocumentFact> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for caps in DOCUMENT_TITLE.captures_iter(raw) {
        let (Some(whole), Some(title)) = (caps.get(0), caps.get(1)) else {
            continue;
        };
        let title = title.as_str().trim();
        if title.is_empty() {
            continue;
        }
        match index.get(title) {
            Some(&i) => push_evidence(&mut facts[i].evidence, text, whole.start()),
            None => {
                index.insert(title.to_owned(), facts.len());
                facts.push(DocumentFact {
                    title: title.to_owned(),
                    evidence: vec![text.sentence_at(whole.start())],
                });
            }
        }
    }
    facts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_are_distinct_and_in_order() {
        let raw = "依据《条例》和《办法》。再依《条例》。";
        let index = TextIndex::new(raw);
        let found = documents(raw, &index);
        let titles: Vec<&str> = found.iter().map(|d| d.title.as_str()).collect();
        assert_eq!(titles, ["条例", "办法"]);
        assert_eq!(found[0].evidence.len(), 2, "cited in two sentences");
        let spans = document_spans(raw);
        let inner = raw.find("办法").expect("present");
        assert!(inside(&spans, inner, inner + "办法".len()));
        assert!(!inside(&spans, 0, 3));
    }
}
