//! Sentences and clauses of one case text, in byte offsets; evidence in
//! character offsets through the text's [`CharIndex`].

use super::offsets::CharIndex;
use super::Evidence;

/// Characters that end a sentence (a line break also does).
const SENTENCE_ENDS: [char; 6] = ['。', '！', '？', '；', '!', '?'];

/// Characters that end a clause inside a sentence.
const CLAUSE_ENDS: [char; 12] = [
    '。', '！', '？', '；', '!', '?', '，', ',', '：', ':', ';', '\n',
];

/// The longest sentence kept whole, in characters. A longer run without
/// sentence punctuation (no real sentence is: the seed's longest has 250)
/// is cut into pieces this long, so that evidence stays readable and each
/// fact's cost stays bounded however the text is laid out.
pub(super) const MAX_SENTENCE_CHARS: usize = 2000;

/// How far (characters) a clause reaches at most on either side of a
/// position. Real clauses are far shorter (the seed's longest has 116);
/// the bound keeps lookups around a match constant on text without commas.
pub(super) const MAX_CLAUSE_CHARS: usize = 500;

/// Sentence boundaries and byte ↔ character offset conversion for one text.
pub(super) struct TextIndex<'t> {
    text: &'t str,
    /// (byte start, byte end) of each sentence, trimmed.
    sentences: Vec<(usize, usize)>,
    offsets: CharIndex,
}

impl<'t> TextIndex<'t> {
    pub(super) fn new(text: &'t str) -> Self {
        let mut sentences = Vec::new();
        let mut start = 0;
        let mut chars_since_start = 0;
        for (i, c) in text.char_indices() {
            let end = i + c.len_utf8();
            if c == '\n' {
                push_trimmed(&mut sentences, text, start, i);
                start = end;
                chars_since_start = 0;
            } else if SENTENCE_ENDS.contains(&c) || chars_since_start + 1 >= MAX_SENTENCE_CHARS {
                push_trimmed(&mut sentences, text, start, end);
                start = end;
                chars_since_start = 0;
            } else {
                chars_since_start += 1;
            }
        }
        push_trimmed(&mut sentences, text, start, text.len());
        Self {
            text,
            sentences,
            offsets: CharIndex::new(text),
        }
    }

    /// The byte range of the sentence containing byte offset `at`.
    pub(super) fn sentence_bytes(&self, at: usize) -> (usize, usize) {
        let index = self.sentences.partition_point(|&(_, end)| end <= at);
        self.sentences
            .get(index)
            .copied()
            .filter(|&(s, _)| s <= at)
            .unwrap_or((at, at))
    }

    /// The character span of the sentence containing byte offset `at`.
    pub(super) fn sentence_chars(&self, at: usize) -> (usize, usize) {
        let (start, end) = self.sentence_bytes(at);
        (self.char_offset(start), self.char_offset(end))
    }

    /// The sentence containing byte offset `at`, as evidence.
    pub(super) fn sentence_at(&self, at: usize) -> Evidence {
        let (start, end) = self.sentence_bytes(at);
        Evidence {
            start: self.char_offset(start),
            end: self.char_offset(end),
            sentence: self.text.get(start..end).unwrap_or_default().to_owned(),
        }
    }

    /// Character offset of a byte offset (the character count when past
    /// the end).
    pub(super) fn char_offset(&self, byte: usize) -> usize {
        self.offsets.char_offset(byte)
    }

    /// Byte offset of a character offset (the text length when past the end).
    pub(super) fn byte_offset(&self, char_offset: usize) -> usize {
        self.offsets.byte_offset(char_offset)
    }
}

fn push_trimmed(sentences: &mut Vec<(usize, usize)>, text: &str, start: usize, end: usize) {
    let slice = &text[start..end];
    let lead = slice.len() - slice.trim_start().len();
    let trail = slice.len() - slice.trim_end().len();
    if start + lead < end - trail {
        sentences.push((start + lead, end - trail));
    }
}

/// Byte offset where the clause containing `at` starts (after the last
/// comma, colon, sentence end or line break before it, at most
/// [`MAX_CLAUSE_CHARS`] back).
pub(super) fn clause_start(text: &str, at: usize) -> usize {
    let before = &text[..floor_boundary(text, at)];
    let mut start = 0;
    for (n, (i, c)) in before.char_indices().rev().enumerate() {
        if CLAUSE_ENDS.contains(&c) {
            return i + c.len_utf8();
        }
        if n + 1 >= MAX_CLAUSE_CHARS {
            start = i;
            break;
        }
    }
    start
}

/// Byte offset where the clause containing `at` ends (at the next clause
/// mark, exclusive, at most [`MAX_CLAUSE_CHARS`] on).
pub(super) fn clause_end(text: &str, at: usize) -> usize {
    let at = floor_boundary(text, at);
    let after = &text[at..];
    after
        .char_indices()
        .take(MAX_CLAUSE_CHARS)
        .find(|(_, c)| CLAUSE_ENDS.contains(c))
        .map_or_else(
            || at + first_chars(after, MAX_CLAUSE_CHARS).len(),
            |(i, _)| at + i,
        )
}

/// The nearest character boundary at or before `at` (the text length when
/// past the end).
pub(super) fn floor_boundary(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// Does `text` hold any of `words`?
pub(super) fn contains_any(text: &str, words: &[String]) -> bool {
    words
        .iter()
        .any(|w| !w.is_empty() && text.contains(w.as_str()))
}

/// The longest of `words` that `text` ends with.
pub(super) fn ends_with_any<'w>(text: &str, words: &'w [String]) -> Option<&'w str> {
    words
        .iter()
        .filter(|w| !w.is_empty() && text.ends_with(w.as_str()))
        .max_by_key(|w| w.len())
        .map(String::as_str)
}

/// What follows the last of `stops` in `run` (all of it when none occurs):
/// where a name starts (建立了第三方… → 第三方…, 在北外滩 → 北外滩).
pub(super) fn after_last_stop<'t>(run: &'t str, stops: &[String]) -> &'t str {
    let cut = stops
        .iter()
        .filter(|s| !s.is_empty())
        .filter_map(|s| run.rfind(s.as_str()).map(|i| i + s.len()))
        .max()
        .unwrap_or(0);
    &run[cut..]
}

/// The longest of `words` that `text` starts with.
pub(super) fn starts_with_any<'w>(text: &str, words: &'w [String]) -> Option<&'w str> {
    words
        .iter()
        .filter(|w| !w.is_empty() && text.starts_with(w.as_str()))
        .max_by_key(|w| w.len())
        .map(String::as_str)
}

/// Is `c` a Chinese character (the CJK Unified Ideographs block and its
/// extension A)?
pub(super) fn is_han(c: char) -> bool {
    matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}')
}

/// The last `n` characters of `text`.
pub(super) fn last_chars(text: &str, n: usize) -> &str {
    if n == 0 {
        return "";
    }
    let start = text.char_indices().rev().nth(n - 1).map_or(0, |(i, _)| i);
    &text[start..]
}

/// The first `n` characters of `text`.
pub(super) fn first_chars(text: &str, n: usize) -> &str {
    let end = text.char_indices().nth(n).map_or(text.len(), |(i, _)| i);
    &text[..end]
}

/// Opening and closing quotation marks a name may be written with
/// (“要素式”审判 is 要素式审判).
const QUOTE_PAIRS: [(char, char); 3] = [('“', '”'), ('‘', '’'), ('「', '」')];

fn is_quote(c: char) -> bool {
    QUOTE_PAIRS
        .iter()
        .any(|&(open, close)| c == open || c == close)
}

/// Label matches of `automaton` in `text` as if the text had no quotation
/// marks, as (byte start, byte end, pattern) spans of `text` itself. A span
/// that crosses a quotation mark takes in its partner, so that the written
/// form stays balanced (“要素式”审判, not 要素式”审判); a match that would
/// need more is dropped: it joins words the quotes keep apart (企业“服务+”
/// is no 企业服务).
pub(super) fn find_ignoring_quotes<'a>(
    automaton: &'a aho_corasick::AhoCorasick,
    text: &'a str,
) -> Vec<(usize, usize, usize)> {
    if !text.chars().any(is_quote) {
        return automaton
            .find_iter(text)
            .map(|m| (m.start(), m.end(), m.pattern().as_usize()))
            .collect();
    }
    // The text without quotes, and for each of its bytes the byte of `text`.
    let mut bare = String::with_capacity(text.len());
    let mut raw_of = Vec::with_capacity(text.len() + 1);
    for (i, c) in text.char_indices() {
        if !is_quote(c) {
            bare.push(c);
            raw_of.extend(i..i + c.len_utf8());
        }
    }
    automaton
        .find_iter(&bare)
        .filter_map(|m| {
            let (start, end) = (raw_of[m.start()], raw_of[m.end() - 1] + 1);
            let (start, end) = balance_quotes(text, start, end);
            is_balanced(&text[start..end]).then(|| (start, end, m.pattern().as_usize()))
        })
        .collect()
}

/// Does every quotation mark of `span` have its partner in it, in order?
fn is_balanced(span: &str) -> bool {
    QUOTE_PAIRS.iter().all(|&(open, close)| {
        let mut depth = 0usize;
        for c in span.chars() {
            if c == open {
                depth += 1;
            } else if c == close {
                match depth.checked_sub(1) {
                    Some(d) => depth = d,
                    None => return false,
                }
            }
        }
        depth == 0
    })
}

/// Widens `start..end` by one quotation mark on either side when the span
/// holds the other mark of its pair alone.
fn balance_quotes(text: &str, mut start: usize, mut end: usize) -> (usize, usize) {
    for (open, close) in QUOTE_PAIRS {
        let span = &text[start..end];
        let opens = span.matches(open).count();
        let closes = span.matches(close).count();
        if closes > opens && text[..start].ends_with(open) {
            start -= open.len_utf8();
        }
        if opens > closes && text[end..].starts_with(close) {
            end += close.len_utf8();
        }
    }
    (start, end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_have_character_offsets() {
        let text = "第一句。\n  第二句，有逗号；第三句";
        let index = TextIndex::new(text);
        let byte = text.find("逗号").expect("present");
        let e = index.sentence_at(byte);
        assert_eq!(e.sentence, "第二句，有逗号；");
        let sliced: String = text.chars().skip(e.start).take(e.end - e.start).collect();
        assert_eq!(sliced, e.sentence);
        assert_eq!(
            index.byte_offset(e.start),
            text.find("第二句").expect("present")
        );
    }

    #[test]
    fn clauses_stop_at_commas_and_colons() {
        let text = "甲说：乙，丙和丁。戊";
        let at = text.find('丙').expect("present");
        assert_eq!(
            &text[clause_start(text, at)..clause_end(text, at)],
            "丙和丁"
        );
        assert_eq!(clause_start(text, 0), 0);
    }

    #[test]
    fn edges_of_text_by_characters() {
        assert_eq!(last_chars("上海市", 2), "海市");
        assert_eq!(last_chars("上海市", 9), "上海市");
        assert_eq!(last_chars("上海市", 0), "");
        assert_eq!(first_chars("上海市", 1), "上");
        let words = ["市".to_owned(), "海市".to_owned()];
        assert_eq!(ends_with_any("上海市", &words), Some("海市"));
        assert_eq!(starts_with_any("上海市", &words), None);
        assert!(is_han('区') && !is_han('、') && !is_han('3'));
    }

    #[test]
    fn labels_match_across_quotation_marks() {
        let automaton = aho_corasick::AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::LeftmostLongest)
            .build(["要素式审判", "告知承诺"])
            .expect("builds");
        let text = "推行“要素式”审判，实行“告知承诺”制。";
        let spans: Vec<&str> = find_ignoring_quotes(&automaton, text)
            .into_iter()
            .map(|(s, e, _)| &text[s..e])
            .collect();
        assert_eq!(spans, ["“要素式”审判", "告知承诺"]);
        // Quotes that keep words apart are not crossed.
        let apart = "要素式“审判+”试点";
        assert!(find_ignoring_quotes(&automaton, apart).is_empty());
        let plain = "要素式审判";
        assert_eq!(
            find_ignoring_quotes(&automaton, plain),
            [(0, plain.len(), 0)]
        );
    }
}
