//! Corpus stage: a case-collection document in, its cases out.
//!
//! A collection is a title block, usually a table of contents (rank,
//! district, title) and then the case bodies. A body starts either after a
//! marker line (`排名N`, `案例N`, `第N名`) or directly with its title, which
//! may be split over several lines. Segmentation is structural: it knows
//! nothing about districts, agencies or mechanisms (that is the lexicon's
//! job), so a document from another year or city goes through the same code.

use regex::Regex;
use sha2::{Digest, Sha256};
use std::path::Path;
use std::sync::LazyLock;

/// One source document and the cases found in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Collection {
    /// ASCII identifier derived from the file name; part of every IRI minted
    /// for this collection.
    pub slug: String,
    /// The file name the collection was read from.
    pub source_name: String,
    pub title: String,
    pub publisher: Option<String>,
    /// The issue date line as written (e.g. 二〇二三年十一月).
    pub issued: Option<String>,
    pub year: Option<i32>,
    /// SHA-256 of the raw bytes, lowercase hex.
    pub sha256: String,
    pub cases: Vec<Case>,
}

/// One case: its place in the collection and its full text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    pub rank: u32,
    /// The district as the table of contents names it, when there is one.
    pub district: Option<String>,
    pub title: String,
    /// The body, starting at its title. All character offsets of the later
    /// stages (sections, mentions) count Unicode scalar values in this text.
    pub text: String,
    pub sections: Vec<Section>,
}

/// A top-level section of a case (一、工作背景 …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub heading: String,
    /// Character offsets into [`Case::text`], end exclusive.
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum CorpusError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{0}: the text is neither UTF-8, UTF-16 nor GB18030")]
    Encoding(String),
    #[error("{0}: the document is empty")]
    Empty(String),
    #[error(
        "{0}: no cases found: the document has no table of contents (rank, district, title) \
         and no case marker lines (排名N, 案例N, 第N名)"
    )]
    NoCases(String),
    #[error(
        "{source_name}: case {rank} of the table of contents ({title}) has no body in the text"
    )]
    MissingBody {
        source_name: String,
        rank: u32,
        title: String,
    },
}

/// Reads and segments one document.
pub fn read_collection(path: &Path) -> Result<Collection, CorpusError> {
    let bytes = std::fs::read(path).map_err(|source| CorpusError::Read {
        path: path.display().to_string(),
        source,
    })?;
    let source_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    parse_collection(&source_name, &bytes)
}

/// Segments a document given as bytes; `source_name` names it in messages
/// and gives the collection its slug.
pub fn parse_collection(source_name: &str, bytes: &[u8]) -> Result<Collection, CorpusError> {
    let sha256 = hex(&Sha256::digest(bytes));
    let text = decode(bytes).ok_or_else(|| CorpusError::Encoding(source_name.to_owned()))?;
    let text = normalise_newlines(&text);
    let lines = Lines::new(&text);
    let first = lines
        .next_non_empty(0)
        .ok_or_else(|| CorpusError::Empty(source_name.to_owned()))?;
    let title = lines.trimmed(first).to_owned();

    let toc = parse_toc(&lines, first + 1);
    let header_end = toc.as_ref().map_or(lines.len(), |t| t.first_line);
    let (publisher, issued) = title_block(&lines, first + 1, header_end.min(first + 6));
    let year = year_of(&title).or_else(|| issued.as_deref().and_then(year_of));

    let cases = match toc {
        Some(toc) => cases_from_toc(source_name, &lines, &toc, &title)?,
        None => cases_from_markers(&lines, first + 1, &title),
    };
    if cases.is_empty() {
        return Err(CorpusError::NoCases(source_name.to_owned()));
    }
    Ok(Collection {
        slug: slug_for(source_name, &sha256),
        source_name: source_name.to_owned(),
        title,
        publisher,
        issued,
        year,
        sha256,
        cases,
    })
}

/// UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 (a superset
/// of GBK/GB2312, the usual encoding of older government documents).
fn decode(bytes: &[u8]) -> Option<String> {
    if let Some((encoding, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
        return (!had_errors).then(|| text.into_owned());
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Some(text.to_owned());
    }
    let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
    (!had_errors).then(|| text.into_owned())
}

fn normalise_newlines(text: &str) -> String {
    text.replace("\r\n", "\n").replace('\r', "\n")
}

/// The document's lines with their byte offsets, so case bodies can be
/// sliced out of the original text unchanged.
struct Lines<'a> {
    text: &'a str,
    /// Byte offset of the start of each line; one extra entry for the end.
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        if starts.last() != Some(&text.len()) {
            starts.push(text.len());
        }
        Self { text, starts }
    }

    fn len(&self) -> usize {
        self.starts.len() - 1
    }

    fn raw(&self, i: usize) -> &'a str {
        self.text[self.starts[i]..self.starts[i + 1]].trim_end_matches('\n')
    }

    fn trimmed(&self, i: usize) -> &'a str {
        self.raw(i).trim()
    }

    fn is_blank(&self, i: usize) -> bool {
        self.trimmed(i).is_empty()
    }

    fn next_non_empty(&self, from: usize) -> Option<usize> {
        (from..self.len()).find(|&i| !self.is_blank(i))
    }

    /// Text of lines `from..to`, trimmed at both ends.
    fn span(&self, from: usize, to: usize) -> &'a str {
        self.text[self.starts[from]..self.starts[to]].trim()
    }
}

/// One row of a table of contents.
#[derive(Debug, Clone)]
struct TocEntry {
    rank: u32,
    district: String,
    title: String,
}

#[derive(Debug)]
struct Toc {
    entries: Vec<TocEntry>,
    /// First line of the table, and the line after its last entry.
    first_line: usize,
    end_line: usize,
}

/// Finds a table of contents: rows numbered 1, 2, 3 … each giving a district
/// and a title, either one field per line or all on one line separated by
/// whitespace. At least two rows are needed to call it a table.
fn parse_toc(lines: &Lines, from: usize) -> Option<Toc> {
    let mut i = from;
    while i < lines.len() {
        if let Some((entry, next)) = toc_entry(lines, i, 1) {
            let first_line = i;
            let mut entries = vec![entry];
            let mut cursor = next;
            while let Some(j) = lines.next_non_empty(cursor) {
                let expected = entries.len() as u32 + 1;
                match toc_entry(lines, j, expected) {
                    Some((entry, next)) => {
                        entries.push(entry);
                        cursor = next;
                    }
                    None => break,
                }
            }
            if entries.len() >= 2 {
                return Some(Toc {
                    entries,
                    first_line,
                    end_line: cursor,
                });
            }
        }
        i += 1;
    }
    None
}

/// Reads the row numbered `rank` starting at line `i`; returns it with the
/// line after it.
fn toc_entry(lines: &Lines, i: usize, rank: u32) -> Option<(TocEntry, usize)> {
    let line = lines.trimmed(i);
    if line.parse::<u32>().ok() == Some(rank) {
        // One field per line: rank / district / title (the title may wrap
        // until the next rank or a blank line).
        let district_line = lines.next_non_empty(i + 1)?;
        let district = lines.trimmed(district_line);
        if !looks_like_place_name(district) {
            return None;
        }
        let title_line = lines.next_non_empty(district_line + 1)?;
        let mut end = title_line + 1;
        while end < lines.len()
            && !lines.is_blank(end)
            && lines.trimmed(end).parse::<u32>().is_err()
        {
            end += 1;
        }
        let title = join_wrapped(lines, title_line, end);
        return Some((
            TocEntry {
                rank,
                district: district.to_owned(),
                title,
            },
            end,
        ));
    }
    // All on one line: "1 金山区 标题…" or "1. 金山区 标题…".
    let mut fields = line.splitn(3, char::is_whitespace);
    let number = fields.next()?.trim_end_matches(['.', '．', '、']);
    if number.parse::<u32>().ok() != Some(rank) {
        return None;
    }
    let district = fields.next()?.trim();
    let title = fields.next()?.trim();
    (looks_like_place_name(district) && !title.is_empty()).then(|| {
        (
            TocEntry {
                rank,
                district: district.to_owned(),
                title: title.to_owned(),
            },
            i + 1,
        )
    })
}

/// A district or county name: short and made of letters only.
fn looks_like_place_name(s: &str) -> bool {
    let n = s.chars().count();
    (2..=12).contains(&n) && s.chars().all(char::is_alphabetic)
}

fn join_wrapped(lines: &Lines, from: usize, to: usize) -> String {
    (from..to)
        .map(|i| lines.trimmed(i))
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Publisher and issue date from the lines between the title and the table.
fn title_block(lines: &Lines, from: usize, to: usize) -> (Option<String>, Option<String>) {
    let mut publisher = None;
    let mut issued = None;
    for i in from..to.min(lines.len()) {
        let line = lines.trimmed(i);
        if line.is_empty() {
            continue;
        }
        if issued.is_none() && year_of(line).is_some() && line.chars().count() <= 16 {
            issued = Some(line.to_owned());
        } else if publisher.is_none() && looks_like_place_name(line) {
            publisher = Some(line.to_owned());
        }
    }
    (publisher, issued)
}

/// Digits as written in Chinese dates: 〇一二…九 (and 零), besides 0-9.
const CHINESE_DIGITS: [char; 10] = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
const YEAR_SIGN: char = '年';

/// The first four-digit year followed by the year sign, in Arabic or Chinese
/// digits.
fn year_of(s: &str) -> Option<i32> {
    let chars: Vec<char> = s.chars().collect();
    chars.windows(5).find_map(|w| {
        if w[4] != YEAR_SIGN {
            return None;
        }
        let digits: Option<String> = w[..4].iter().map(|&c| digit_value(c)).collect();
        digits?.parse().ok()
    })
}

fn digit_value(c: char) -> Option<char> {
    if c.is_ascii_digit() {
        return Some(c);
    }
    let zero_alias = char::from_u32(0x96F6); // 零
    if Some(c) == zero_alias {
        return Some('0');
    }
    CHINESE_DIGITS
        .iter()
        .position(|&d| d == c)
        .and_then(|p| char::from_digit(p as u32, 10))
}

/// Marker lines that open a case body: 排名N, 案例N, 第N名, with N in Arabic
/// or Chinese numerals.
static CASE_MARKER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:排名|案例|第)\s*([0-9]+|[〇零一二三四五六七八九十百]+)\s*[名：:．.、]?\s*$")
        .expect("static regex")
});

fn marker_rank(line: &str) -> Option<u32> {
    let caps = CASE_MARKER.captures(line.trim())?;
    let n = caps.get(1)?.as_str();
    n.parse().ok().or_else(|| chinese_number(n))
}

/// Chinese numerals up to 999 (一, 十二, 二十, 一百零五 …).
pub fn chinese_number(s: &str) -> Option<u32> {
    const TEN: char = '十';
    const HUNDRED: char = '百';
    let mut total = 0;
    let mut digit: Option<u32> = None;
    for c in s.chars() {
        match c {
            TEN | HUNDRED => {
                let unit = if c == TEN { 10 } else { 100 };
                total += digit.unwrap_or(1) * unit;
                digit = None;
            }
            _ => digit = Some(digit_value(c)?.to_digit(10)?),
        }
    }
    let value = total + digit.unwrap_or(0);
    (!s.is_empty()).then_some(value)
}

/// Whitespace-free form used to find a title in the body, where the table's
/// one-line title may be split over lines or spaced differently.
fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// How many characters a body's title line may carry before the table's
/// title: bodies often restate the place (海淀区法院… for the table's 区法院…).
const TITLE_LEAD_SLACK: usize = 6;

/// Does the title start at line `i` (possibly continuing over the next
/// lines), right at its start or after at most [`TITLE_LEAD_SLACK`]
/// characters?
fn title_starts_at(lines: &Lines, i: usize, title: &str) -> bool {
    let first = squeeze(lines.raw(i));
    first
        .char_indices()
        .take(TITLE_LEAD_SLACK + 1)
        .any(|(lead, _)| title_continues(lines, i, &first[lead..], title))
}

/// Does `title` start with `start` followed by the squeezed lines after `i`?
fn title_continues(lines: &Lines, i: usize, start: &str, title: &str) -> bool {
    let mut seen = start.to_owned();
    let mut next = i + 1;
    loop {
        if seen.len() >= title.len() {
            return seen.starts_with(title);
        }
        if !title.starts_with(&seen) || next >= lines.len() {
            return false;
        }
        seen.push_str(&squeeze(lines.raw(next)));
        next += 1;
    }
}

/// Where case bodies start: a marker line for the rank, or the title itself.
fn cases_from_toc(
    source_name: &str,
    lines: &Lines,
    toc: &Toc,
    collection_title: &str,
) -> Result<Vec<Case>, CorpusError> {
    // (first line of the case including its marker, first line of its body)
    let mut starts = Vec::with_capacity(toc.entries.len());
    let mut cursor = toc.end_line;
    for entry in &toc.entries {
        let wanted = squeeze(&entry.title);
        let found = (cursor..lines.len()).find_map(|i| {
            if marker_rank(lines.raw(i)) == Some(entry.rank) {
                lines.next_non_empty(i + 1).map(|body| (i, body))
            } else if title_starts_at(lines, i, &wanted) {
                Some((i, i))
            } else {
                None
            }
        });
        let (case_line, body_line) = found.ok_or_else(|| CorpusError::MissingBody {
            source_name: source_name.to_owned(),
            rank: entry.rank,
            title: entry.title.clone(),
        })?;
        starts.push((case_line, body_line));
        cursor = body_line + 1;
    }
    Ok(toc
        .entries
        .iter()
        .enumerate()
        .map(|(k, entry)| {
            let end = starts.get(k + 1).map_or(lines.len(), |s| s.0);
            let text = body_text(lines, starts[k].1, end, collection_title);
            Case {
                rank: entry.rank,
                district: Some(entry.district.clone()),
                title: entry.title.clone(),
                sections: sections_of(&text),
                text,
            }
        })
        .collect())
}

/// Without a table of contents: every marker line opens a case; its title is
/// the first line after the marker.
fn cases_from_markers(lines: &Lines, from: usize, collection_title: &str) -> Vec<Case> {
    let markers: Vec<(usize, u32)> = (from..lines.len())
        .filter_map(|i| marker_rank(lines.raw(i)).map(|r| (i, r)))
        .collect();
    markers
        .iter()
        .enumerate()
        .filter_map(|(k, &(line, rank))| {
            let body_line = lines.next_non_empty(line + 1)?;
            let end = markers.get(k + 1).map_or(lines.len(), |m| m.0);
            if body_line >= end {
                return None;
            }
            let text = body_text(lines, body_line, end, collection_title);
            Some(Case {
                rank,
                district: None,
                title: lines.trimmed(body_line).to_owned(),
                sections: sections_of(&text),
                text,
            })
        })
        .collect()
}

/// The body between two lines, without a trailing running header (the
/// collection title repeated at a page top) or blank lines.
fn body_text(lines: &Lines, from: usize, mut to: usize, collection_title: &str) -> String {
    while to > from && (lines.is_blank(to - 1) || lines.trimmed(to - 1) == collection_title) {
        to -= 1;
    }
    lines.span(from, to).to_owned()
}

/// Top-level section headings: 一、… (Chinese numeral) or a short 1、… line.
static SECTION_HEADING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:[一二三四五六七八九十]+、.{1,40}|[0-9]{1,2}、\s*\S.{0,14})$")
        .expect("static regex")
});

const SENTENCE_END: char = '。';

fn sections_of(text: &str) -> Vec<Section> {
    let mut headings = Vec::new();
    let mut offset = 0;
    for line in text.split('\n') {
        let trimmed = line.trim();
        if SECTION_HEADING.is_match(trimmed) && !trimmed.contains(SENTENCE_END) {
            let lead = line.chars().take_while(|c| c.is_whitespace()).count();
            headings.push((trimmed.to_owned(), offset + lead));
        }
        offset += line.chars().count() + 1;
    }
    let total = text.chars().count();
    let ends: Vec<usize> = headings
        .iter()
        .skip(1)
        .map(|h| h.1)
        .chain([total])
        .collect();
    headings
        .into_iter()
        .zip(ends)
        .map(|((heading, start), end)| Section {
            heading,
            start,
            end,
        })
        .collect()
}

/// The collection's identifier: the file stem in lowercase ASCII, or a digest
/// prefix when the name has no ASCII letters.
fn slug_for(source_name: &str, sha256: &str) -> String {
    let stem = Path::new(source_name)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut slug = String::new();
    for c in stem.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-').to_owned();
    if slug.chars().any(|c| c.is_ascii_alphabetic()) {
        slug
    } else {
        format!("collection-{}", &sha256[..12])
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_numbers() {
        assert_eq!(chinese_number("一"), Some(1));
        assert_eq!(chinese_number("十"), Some(10));
        assert_eq!(chinese_number("十二"), Some(12));
        assert_eq!(chinese_number("二十"), Some(20));
        assert_eq!(chinese_number("二十三"), Some(23));
        assert_eq!(chinese_number("一百零五"), Some(105));
        assert_eq!(chinese_number("甲"), None);
    }

    #[test]
    fn years_in_both_scripts() {
        assert_eq!(
            year_of("上海市2023年度各区优化营商环境优秀案例"),
            Some(2023)
        );
        assert_eq!(year_of("二〇二三年十一月"), Some(2023));
        assert_eq!(year_of("没有年份"), None);
    }

    #[test]
    fn slugs_are_ascii_and_stable() {
        assert_eq!(
            slug_for("shanghai-2023-district-cases.txt", "ab"),
            "shanghai-2023-district-cases"
        );
        assert_eq!(
            slug_for("案例.txt", "0123456789abcdef"),
            "collection-0123456789ab"
        );
    }

    #[test]
    fn gb18030_is_decoded() {
        let (bytes, _, _) = encoding_rs::GB18030.encode("排名1\n标题");
        assert_eq!(decode(&bytes).as_deref(), Some("排名1\n标题"));
    }

    #[test]
    fn sections_are_found_with_offsets() {
        let text = "标题\n一、背景\n内容。\n二、做法\n更多内容。";
        let sections = sections_of(text);
        assert_eq!(sections.len(), 2);
        assert_eq!(sections[0].heading, "一、背景");
        let chars: Vec<char> = text.chars().collect();
        let first: String = chars[sections[0].start..sections[0].end].iter().collect();
        assert_eq!(first, "一、背景\n内容。\n");
        assert_eq!(sections[1].end, chars.len());
    }
}
