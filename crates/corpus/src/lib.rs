//! Corpus stage: a case-collection document in, its cases out.
//!
//! What this crate owns: reading a document (size limit, encodings), its
//! segmentation into cases and sections, and the one Chinese-numeral
//! reader of the pipeline ([`numerals`]). What it must not know: the
//! lexicon, facts or RDF; it runs before any ontology is read.
//!
//! A collection is a title block, usually a table of contents (rank,
//! district, title) and then the case bodies. A body starts either after a
//! marker line (`排名N`, `案例N`, `第N名`) or directly with its title, which
//! may be split over several lines. A document with neither a table of
//! contents nor markers may be a list of numbered items (`1.…`, `2.…`), each
//! one line and one case, as in a notice praising local practices. Segmentation is structural: it knows
//! nothing about districts, agencies or mechanisms (that is the lexicon's
//! job), so a document from another year or city goes through the same code.

pub mod numerals;

use numerals::{DocumentNumerals, NumeralWords, Shape};
use regex::Regex;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::LazyLock;

/// One source document and the cases found in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Collection {
    /// ASCII identifier derived from the file name; part of every IRI minted
    /// for this collection.
    pub slug: String,
    /// The file name the collection was read from.
    pub source_name: String,
    /// The document's title: its first non-empty line, joined with the
    /// lines that continue it when it is wrapped (see [`parse_collection`]).
    pub title: String,
    /// The document number of an official document (e.g. 国办发〔2018〕108号),
    /// when a line of the title block is one.
    pub document_number: Option<String>,
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
    /// For a numbered item: its text without the final sentence mark.
    pub title: String,
    /// The body, starting at its title. All character offsets of the later
    /// stages (sections, mentions) count Unicode scalar values in this text.
    ///
    /// For a numbered item it is the item as it stands after its number and
    /// list mark, the lines of a wrapped item joined (`join_hard_wrapped`):
    /// `1.甲地推进乙改革。` gives `甲地推进乙改革。`, the title plus its
    /// final sentence mark.
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
    #[error("{path} is {kind}, not a regular file")]
    NotAFile { path: String, kind: &'static str },
    #[error(
        "{path} is larger than the input limit of {limit} bytes (raise it with \
         --max-input-bytes, of build or load, or {env})",
        env = MAX_INPUT_ENV
    )]
    TooLarge { path: String, limit: u64 },
    #[error(
        "{env}={0:?} is not a size in bytes (e.g. 67108864, 64M or 1G)",
        env = MAX_INPUT_ENV
    )]
    BadLimit(String),
    #[error(
        "{source_name}: the file ends in the middle of a UTF-8 character (at byte {at}): \
         it looks truncated"
    )]
    Truncated { source_name: String, at: usize },
    #[error("{source_name}: invalid UTF-8 at byte {at} (line {line})")]
    InvalidUtf8 {
        source_name: String,
        at: usize,
        line: usize,
    },
    #[error("{source_name}: invalid {encoding} at byte {at} (line {line})")]
    InvalidEncoding {
        source_name: String,
        encoding: &'static str,
        at: usize,
        line: usize,
    },
    #[error(
        "{source_name}: the text is neither UTF-8 (invalid at byte {utf8_at}), UTF-16 \
         nor GB18030 (invalid at byte {gb18030_at})"
    )]
    Encoding {
        source_name: String,
        utf8_at: usize,
        gb18030_at: usize,
    },
    #[error("{source_name}: line {line} holds a NUL character: this is not a text file")]
    Nul { source_name: String, line: usize },
    #[error("{0}: the document is empty")]
    Empty(String),
    #[error(
        "{0}: no cases found: the document has no table of contents (rank, district, title), \
         no case marker lines (排名N, 案例N, 第N名) and no run of at least {min} numbered \
         items (1. 2. 3. …)",
        min = MIN_ITEMS
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
    #[error(
        "{source_name}: the table of contents lists rank {rank} twice (lines {first} and {second})"
    )]
    DuplicateRank {
        source_name: String,
        rank: u32,
        first: usize,
        second: usize,
    },
    #[error("{source_name}: two case markers give rank {rank} (lines {first} and {second})")]
    DuplicateMarker {
        source_name: String,
        rank: u32,
        first: usize,
        second: usize,
    },
    #[error("{source_name}: numbered item {expected} is missing: line {line} is numbered {found} (a list cut short would lose items)")]
    ItemOutOfOrder {
        source_name: String,
        expected: usize,
        found: u32,
        line: usize,
    },
    #[error("{source_name}: the case marker {marker:?} at line {line} has no body")]
    EmptyBody {
        source_name: String,
        marker: String,
        line: usize,
    },
    #[error(
        "{source_name}: line {line} ({marker:?}) starts case {rank}, which the table of \
         contents does not list"
    )]
    UnlistedCase {
        source_name: String,
        marker: String,
        line: usize,
        rank: u32,
    },
}

/// The environment variable that overrides [`DEFAULT_MAX_INPUT_BYTES`].
pub const MAX_INPUT_ENV: &str = "REFORMKG_MAX_INPUT_BYTES";

/// The largest document read by default: far above any real collection
/// (the seed is 115 KB), low enough that a wrong path cannot exhaust memory.
pub const DEFAULT_MAX_INPUT_BYTES: u64 = 64 * 1024 * 1024;

/// 0 = not set: use the environment variable, else the default.
static MAX_INPUT_BYTES: AtomicU64 = AtomicU64::new(0);

/// Sets the input size limit for this process (e.g. from a command-line
/// flag); it wins over [`MAX_INPUT_ENV`]. `None` goes back to the
/// environment variable or the default.
pub fn set_max_input_bytes(limit: Option<u64>) {
    MAX_INPUT_BYTES.store(limit.map_or(0, |l| l.max(1)), Ordering::Relaxed);
}

/// The input size limit in force: the value set with
/// [`set_max_input_bytes`], else [`MAX_INPUT_ENV`], else
/// [`DEFAULT_MAX_INPUT_BYTES`].
pub fn max_input_bytes() -> Result<u64, CorpusError> {
    match MAX_INPUT_BYTES.load(Ordering::Relaxed) {
        0 => match std::env::var(MAX_INPUT_ENV) {
            Ok(value) => parse_byte_size(&value).ok_or(CorpusError::BadLimit(value)),
            Err(std::env::VarError::NotPresent) => Ok(DEFAULT_MAX_INPUT_BYTES),
            Err(std::env::VarError::NotUnicode(value)) => {
                Err(CorpusError::BadLimit(value.to_string_lossy().into_owned()))
            }
        },
        limit => Ok(limit),
    }
}

/// Reads a byte count: digits with an optional binary suffix K, M or G
/// (`64M` = 64 MiB). Zero is not a limit.
pub fn parse_byte_size(text: &str) -> Option<u64> {
    let text = text.trim();
    let (digits, shift) = match text.char_indices().last()? {
        (i, 'k' | 'K') => (&text[..i], 10),
        (i, 'm' | 'M') => (&text[..i], 20),
        (i, 'g' | 'G') => (&text[..i], 30),
        _ => (text, 0),
    };
    let value: u64 = digits.trim().parse().ok()?;
    let value = value.checked_mul(1u64 << shift)?;
    (value > 0).then_some(value)
}

/// Reads and segments one document, under the input size limit in force.
pub fn read_collection(path: &Path) -> Result<Collection, CorpusError> {
    let (source_name, bytes) = read_source(path)?;
    parse_collection(&source_name, &bytes)
}

/// What [`read_collection`] parses: the document's name (its file name)
/// and its bytes, read within the input limit.
pub fn read_source(path: &Path) -> Result<(String, Vec<u8>), CorpusError> {
    let bytes = read_document_bytes(path, max_input_bytes()?)?;
    let source_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    Ok((source_name, bytes))
}

/// The bytes of a document that must be a regular file of at most `limit`
/// bytes. A FIFO, device or socket is refused before it is opened (reading
/// one could block forever or never end), and the read itself stops after
/// `limit + 1` bytes so that a file that grows meanwhile cannot exceed it.
pub fn read_document_bytes(path: &Path, limit: u64) -> Result<Vec<u8>, CorpusError> {
    let read_error = |source| CorpusError::Read {
        path: path.display().to_string(),
        source,
    };
    let check = |metadata: &std::fs::Metadata| -> Result<(), CorpusError> {
        if !metadata.is_file() {
            return Err(CorpusError::NotAFile {
                path: path.display().to_string(),
                kind: file_kind(&metadata.file_type()),
            });
        }
        if metadata.len() > limit {
            return Err(CorpusError::TooLarge {
                path: path.display().to_string(),
                limit,
            });
        }
        Ok(())
    };
    check(&std::fs::metadata(path).map_err(read_error)?)?;
    let file = std::fs::File::open(path).map_err(read_error)?;
    // The path may have been replaced between the two calls.
    check(&file.metadata().map_err(read_error)?)?;
    let mut bytes = Vec::new();
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(read_error)?;
    if bytes.len() as u64 > limit {
        return Err(CorpusError::TooLarge {
            path: path.display().to_string(),
            limit,
        });
    }
    Ok(bytes)
}

fn file_kind(file_type: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if file_type.is_char_device() {
            return "a character device";
        }
        if file_type.is_block_device() {
            return "a block device";
        }
        if file_type.is_socket() {
            return "a socket";
        }
    }
    if file_type.is_dir() {
        "a directory"
    } else {
        "not a file"
    }
}

/// Reads one document as plain text, decoded and with `\n` line ends, under
/// the input size limit, without segmenting it into cases: for texts that
/// are not collections (a regulation mined for instrument names).
pub fn read_text(path: &Path) -> Result<String, CorpusError> {
    let bytes = read_document_bytes(path, max_input_bytes()?)?;
    let source_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    let text = decode(&source_name, &bytes)?;
    if let Some(at) = text.find('\0') {
        return Err(CorpusError::Nul {
            source_name,
            line: line_of(text.as_bytes(), at),
        });
    }
    Ok(normalise_newlines(&text))
}

/// Segments a document given as bytes; `source_name` names it in messages
/// and gives the collection its slug.
///
/// The title is the first non-empty line, continued by the lines under it
/// when it is wrapped (an official document's title often is): `title_end`
/// says which lines continue it. The title block is the few lines after the
/// title (`TITLE_BLOCK_LINES`): publisher, issue date and document number
/// are looked for there.
pub fn parse_collection(source_name: &str, bytes: &[u8]) -> Result<Collection, CorpusError> {
    let sha256 = hex(&Sha256::digest(bytes));
    let text = decode(source_name, bytes)?;
    if let Some(at) = text.find('\0') {
        return Err(CorpusError::Nul {
            source_name: source_name.to_owned(),
            line: line_of(text.as_bytes(), at),
        });
    }
    let text = normalise_newlines(&text);
    let lines = Lines::new(&text);
    let first = lines
        .next_non_empty(0)
        .ok_or_else(|| CorpusError::Empty(source_name.to_owned()))?;
    let last_title_line = title_end(&lines, first);
    let title = join_hard_wrapped((first..=last_title_line).map(|i| lines.trimmed(i)));
    let after_title = last_title_line + 1;

    let toc = parse_toc(&lines, after_title);
    let header_end = toc.as_ref().map_or(lines.len(), |t| t.first_line);
    let block_end = header_end.min(after_title + TITLE_BLOCK_LINES);
    let (publisher, issued) = title_block(&lines, after_title, block_end);
    let document_number = (after_title..block_end)
        .map(|i| lines.trimmed(i))
        .find(|line| is_document_number(line))
        .map(str::to_owned);

    let (cases, preamble_end) = match toc {
        Some(toc) => (
            cases_from_toc(source_name, &lines, &toc, &title)?,
            toc.first_line,
        ),
        None => match cases_from_markers(source_name, &lines, after_title, &title)? {
            (cases, _) if cases.is_empty() => cases_from_items(source_name, &lines, after_title)?,
            found => found,
        },
    };
    if cases.is_empty() {
        return Err(CorpusError::NoCases(source_name.to_owned()));
    }
    // What the title block does not give, the signature block may.
    let (publisher, issued) = match (publisher, issued) {
        (Some(publisher), Some(issued)) => (Some(publisher), Some(issued)),
        (publisher, issued) => {
            let (signer, date) = signature(&lines, after_title, preamble_end);
            (publisher.or(signer), issued.or(date))
        }
    };
    let year = year_of(&title).or_else(|| issued.as_deref().and_then(year_of));
    Ok(Collection {
        slug: slug_for(source_name, &sha256),
        source_name: source_name.to_owned(),
        title,
        document_number,
        publisher,
        issued,
        year,
        sha256,
        cases,
    })
}

/// The 1-based line of a byte offset.
fn line_of(bytes: &[u8], at: usize) -> usize {
    bytes[..at.min(bytes.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// UTF-8 (with or without BOM), UTF-16 (with BOM, or without when the NUL
/// bytes of its ASCII characters give it away), else GB18030 (a superset
/// of GBK/GB2312, the usual encoding of older government documents).
fn decode(source_name: &str, bytes: &[u8]) -> Result<String, CorpusError> {
    if let Some((encoding, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        return strict(encoding, &bytes[bom_len..]).map_err(|at| {
            let at = at + bom_len;
            CorpusError::InvalidEncoding {
                source_name: source_name.to_owned(),
                encoding: encoding.name(),
                at,
                line: line_of(bytes, at),
            }
        });
    }
    let utf8 = std::str::from_utf8(bytes);
    // UTF-16 of Chinese text is almost never valid UTF-8 (its high bytes
    // 0x80-0x9F are stray continuation bytes); UTF-16 that is valid UTF-8
    // is mostly ASCII, every other byte NUL. A few NULs in UTF-8 are not it.
    let nuls = bytes.iter().filter(|&&b| b == 0).count();
    let maybe_utf16 = match utf8 {
        Ok(_) => nuls.saturating_mul(4) >= bytes.len(),
        Err(_) => nuls > 0,
    };
    if maybe_utf16 {
        if let Some(text) = utf16_without_bom(bytes) {
            return Ok(text);
        }
    }
    let utf8_error = match utf8 {
        Ok(text) => return Ok(text.to_owned()),
        Err(e) => e,
    };
    let at = utf8_error.valid_up_to();
    // Several well-formed multi-byte characters first: the text is UTF-8
    // with a defect, not GB18030 (whose bytes seldom form UTF-8).
    let utf8_chars = String::from_utf8_lossy(&bytes[..at])
        .chars()
        .filter(|c| !c.is_ascii())
        .take(3)
        .count();
    if utf8_chars < 3 {
        match strict(encoding_rs::GB18030, bytes) {
            Ok(text) => return Ok(text),
            Err(gb18030_at) if utf8_error.error_len().is_some() => {
                return Err(CorpusError::Encoding {
                    source_name: source_name.to_owned(),
                    utf8_at: at,
                    gb18030_at,
                })
            }
            Err(_) => {}
        }
    }
    Err(if utf8_error.error_len().is_none() {
        CorpusError::Truncated {
            source_name: source_name.to_owned(),
            at,
        }
    } else {
        CorpusError::InvalidUtf8 {
            source_name: source_name.to_owned(),
            at,
            line: line_of(bytes, at),
        }
    })
}

/// Decodes without replacement characters; the error is the byte offset of
/// the first malformed sequence.
fn strict(encoding: &'static encoding_rs::Encoding, bytes: &[u8]) -> Result<String, usize> {
    if let Some(text) = encoding.decode_without_bom_handling_and_without_replacement(bytes) {
        return Ok(text.into_owned());
    }
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut out = String::with_capacity(4096);
    let mut read = 0;
    loop {
        let (result, n) =
            decoder.decode_to_string_without_replacement(&bytes[read..], &mut out, true);
        read += n;
        match result {
            encoding_rs::DecoderResult::Malformed(bad, after) => {
                return Err(read.saturating_sub(usize::from(bad) + usize::from(after)))
            }
            encoding_rs::DecoderResult::OutputFull => out.clear(),
            // Not reached: the fast path above failed.
            encoding_rs::DecoderResult::InputEmpty => return Err(read),
        }
    }
}

/// UTF-16 without a byte-order mark, tried when NUL bytes show (every ASCII
/// character, newlines included, has one): of little and big endian, the
/// one that decodes to plain text with the most line breaks.
fn utf16_without_bom(bytes: &[u8]) -> Option<String> {
    if bytes.len() < 4 || !bytes.len().is_multiple_of(2) {
        return None;
    }
    [encoding_rs::UTF_16LE, encoding_rs::UTF_16BE]
        .into_iter()
        .filter_map(|encoding| strict(encoding, bytes).ok())
        .filter(|text| looks_like_text(text))
        .map(|text| (text.matches('\n').count(), text))
        .filter(|(newlines, _)| *newlines > 0)
        .max_by_key(|(newlines, _)| *newlines)
        .map(|(_, text)| text)
}

/// Nine in ten characters are ASCII text, CJK ideographs or CJK and general
/// punctuation.
fn looks_like_text(text: &str) -> bool {
    let mut total = 0usize;
    let mut plain = 0usize;
    for c in text.chars() {
        total += 1;
        let ok = matches!(c, '\t' | '\n' | '\r' | ' '..='~')
            || matches!(c,
                '\u{2000}'..='\u{206f}'     // general punctuation (“” —)
                | '\u{3000}'..='\u{303f}'   // CJK punctuation
                | '\u{3400}'..='\u{4dbf}'   // CJK extension A
                | '\u{4e00}'..='\u{9fff}'   // CJK unified ideographs
                | '\u{ff00}'..='\u{ffef}'); // full-width forms
        plain += usize::from(ok);
    }
    total > 0 && plain >= total - total / 10
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
    /// Its first line (0-based).
    line: usize,
}

#[derive(Debug)]
struct Toc {
    entries: Vec<TocEntry>,
    /// First line of the table, and the line after its last entry.
    first_line: usize,
    end_line: usize,
}

/// Finds a table of contents: rows numbered from 1, each giving a district
/// and a title, either one field per line or all on one line separated by
/// whitespace. At least two rows are needed to call it a table. Later rows
/// may carry any number, so that a misnumbered row (a rank given twice, a
/// gap) is reported instead of silently ending the table there.
fn parse_toc(lines: &Lines, from: usize) -> Option<Toc> {
    let mut i = from;
    while i < lines.len() {
        if let Some((entry, next)) = toc_entry(lines, i, Some(1)) {
            let first_line = i;
            let mut entries = vec![entry];
            let mut cursor = next;
            while let Some(j) = lines.next_non_empty(cursor) {
                match toc_entry(lines, j, None) {
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

/// A row number: 1 or more.
fn row_number(field: &str) -> Option<u32> {
    field.parse::<u32>().ok().filter(|&n| n > 0)
}

/// Reads the row starting at line `i`, numbered `rank` when given (else any
/// number); returns it with the line after it.
fn toc_entry(lines: &Lines, i: usize, rank: Option<u32>) -> Option<(TocEntry, usize)> {
    let wanted = |n: u32| rank.is_none_or(|r| r == n);
    let line = lines.trimmed(i);
    if let Some(number) = row_number(line).filter(|&n| wanted(n)) {
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
                rank: number,
                district: district.to_owned(),
                title,
                line: i,
            },
            end,
        ));
    }
    // All on one line: "1 金山区 标题…" or "1. 金山区 标题…".
    let mut fields = line.splitn(3, char::is_whitespace);
    let number = row_number(fields.next()?.trim_end_matches(['.', '．', '、']))?;
    if !wanted(number) {
        return None;
    }
    let district = fields.next()?.trim();
    let title = fields.next()?.trim();
    (looks_like_place_name(district) && !title.is_empty()).then(|| {
        (
            TocEntry {
                rank: number,
                district: district.to_owned(),
                title: title.to_owned(),
                line: i,
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
        if issued.is_none() && is_date_line(line) {
            issued = Some(line.to_owned());
        } else if publisher.is_none() && looks_like_place_name(line) {
            publisher = Some(line.to_owned());
        }
    }
    (publisher, issued)
}

/// The signature block that closes a preamble (the lines `from..to`): its
/// last date line is the issue date, and the line right above that date,
/// when it is a name, is the issuer:
///
/// ```text
/// 国务院办公厅
/// 2018年11月19日
/// ```
fn signature(lines: &Lines, from: usize, to: usize) -> (Option<String>, Option<String>) {
    let Some(date) = (from..to.min(lines.len()))
        .rev()
        .find(|&i| is_date_line(lines.trimmed(i)))
    else {
        return (None, None);
    };
    let signer = date
        .checked_sub(1)
        .filter(|&i| i >= from)
        .map(|i| lines.trimmed(i))
        .filter(|line| looks_like_signer(line));
    (
        signer.map(str::to_owned),
        Some(lines.trimmed(date).to_owned()),
    )
}

/// The longest signature line: several issuers may sign together.
const SIGNER_MAX_CHARS: usize = 30;

/// A name: letters, and spaces between the names of several issuers.
fn looks_like_signer(line: &str) -> bool {
    line.chars().filter(|c| c.is_alphabetic()).nth(1).is_some()
        && line.chars().nth(SIGNER_MAX_CHARS).is_none()
        && line.chars().all(|c| c.is_alphabetic() || c.is_whitespace())
}

/// How many lines after the title make its title block.
const TITLE_BLOCK_LINES: usize = 5;

/// The longest date line (二〇二三年十一月, 2018年11月19日).
const DATE_LINE_MAX_CHARS: usize = 16;

/// A short line with a year in it: an issue date.
fn is_date_line(line: &str) -> bool {
    line.chars().nth(DATE_LINE_MAX_CHARS).is_none() && year_of(line).is_some()
}

/// A document number line of an official document: an issuer's
/// abbreviation, the year in 〔〕 (or ［］, []), a serial number and 号, as
/// in 国办发〔2018〕108号.
static DOCUMENT_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\S{1,20}[〔［\[]\s*[0-9]{4}\s*[〕］\]]\s*[0-9]{1,6}\s*号$").expect("static regex")
});

fn is_document_number(line: &str) -> bool {
    line.chars().nth(40).is_none() && DOCUMENT_NUMBER.is_match(line)
}

/// How many lines a wrapped collection title may take.
const TITLE_MAX_LINES: usize = 3;

/// The longest line that may continue a wrapped title; a longer one is prose.
const TITLE_LINE_MAX_CHARS: usize = 40;

/// Marks that end a sentence: a line ending in one is prose, not a title.
const SENTENCE_MARKS: [char; 7] = ['。', '！', '？', '；', '!', '?', ';'];

/// Marks that end an addressee line (各省、自治区、直辖市人民政府，…：).
const ADDRESSEE_MARKS: [char; 2] = ['：', ':'];

fn ends_sentence(line: &str) -> bool {
    line.ends_with(SENTENCE_MARKS) || line.ends_with(ADDRESSEE_MARKS)
}

/// Does the line start with an Arabic digit (ASCII or full-width)?
fn starts_with_digit(line: &str) -> bool {
    line.chars().next().and_then(arabic_digit).is_some()
}

/// The value of an Arabic digit, ASCII or full-width (０-９).
fn arabic_digit(c: char) -> Option<u32> {
    match c {
        '0'..='9' => c.to_digit(10),
        '０'..='９' => Some(c as u32 - '０' as u32),
        _ => None,
    }
}

/// The last line of a title that starts at line `first`. The title goes on
/// over the consecutive non-empty lines under it, at most
/// [`TITLE_MAX_LINES`] in all, and stops before a line that
///
/// - is blank (the title block or the text begins), or ends a sentence or
///   an addressee (。！？； or ：), or follows a line that does;
/// - is longer than [`TITLE_LINE_MAX_CHARS`] (a paragraph);
/// - is a document number (国办发〔2018〕108号), a date line, or the line
///   just above the next date line (a publisher or signature);
/// - starts document structure: an Arabic digit (a table row, a numbered
///   item), a case marker (排名N …) or a section heading (一、…).
///
/// Only the layout decides; no word of the title is looked at.
fn title_end(lines: &Lines, first: usize) -> usize {
    let mut last = first;
    while last + 1 < lines.len()
        && last + 1 - first < TITLE_MAX_LINES
        && continues_title(lines, last)
    {
        last += 1;
    }
    last
}

/// Does line `last + 1` continue a title whose last line so far is `last`?
fn continues_title(lines: &Lines, last: usize) -> bool {
    let next = last + 1;
    let line = lines.trimmed(next);
    !line.is_empty()
        && !ends_sentence(lines.trimmed(last))
        && !ends_sentence(line)
        && line.chars().nth(TITLE_LINE_MAX_CHARS).is_none()
        && !is_document_number(line)
        && !is_date_line(line)
        && !lines
            .next_non_empty(next + 1)
            .is_some_and(|i| is_date_line(lines.trimmed(i)))
        && !starts_with_digit(line)
        && marker_rank(line).is_none()
        && !SECTION_HEADING.is_match(line)
}

/// Joins the lines of hard-wrapped Chinese text: nothing goes between two
/// lines (Chinese has no spaces between words), except one space between
/// two ASCII letters or digits, which a wrap must not glue into one word.
fn join_hard_wrapped<'a>(parts: impl IntoIterator<Item = &'a str>) -> String {
    let mut joined = String::new();
    for part in parts {
        let glue = joined.ends_with(|c: char| c.is_ascii_alphanumeric())
            && part.starts_with(|c: char| c.is_ascii_alphanumeric());
        if glue {
            joined.push(' ');
        }
        joined.push_str(part);
    }
    joined
}

const YEAR_SIGN: char = '年';

/// The first four-digit year followed by the year sign, in Arabic or Chinese
/// digits (2023年, 二〇二三年).
fn year_of(s: &str) -> Option<i32> {
    let chars: Vec<char> = s.chars().collect();
    chars.windows(5).find_map(|w| {
        if w[4] != YEAR_SIGN || !w[..4].iter().all(|&c| DocumentNumerals.digit(c).is_some()) {
            return None;
        }
        let digits: String = w[..4].iter().collect();
        let year = numerals::parse(&digits, &DocumentNumerals, Shape::Free)?;
        i32::try_from(year).ok()
    })
}

/// Marker lines that open a case body: 排名N, 案例N, 第N名, with N in Arabic
/// or Chinese numerals.
static CASE_MARKER: LazyLock<Regex> = LazyLock::new(|| {
    let chinese: String = DocumentNumerals
        .chinese_characters()
        .chars()
        .map(|c| regex::escape(c.encode_utf8(&mut [0; 4])))
        .collect();
    Regex::new(&format!(
        r"^(?:排名|案例|第)\s*([0-9]+|[{chinese}]+)\s*[名：:．.、]?\s*$"
    ))
    .expect("static regex")
});

fn marker_rank(line: &str) -> Option<u32> {
    let caps = CASE_MARKER.captures(line.trim())?;
    let n = caps.get(1)?.as_str();
    if n.starts_with(|c: char| c.is_ascii_digit()) {
        // Too large a number is no rank (and must not wrap into one).
        n.parse().ok()
    } else {
        chinese_number(n)
    }
}

/// Chinese numerals up to 999 (一, 十二, 二十, 一百零五 …) in the
/// [`Shape::Counted`] form: digits must be separated by a place word (十, 百)
/// unless the first is zero, and place words must fall (百 before 十):
/// anything else is not a number.
pub fn chinese_number(s: &str) -> Option<u32> {
    let value = numerals::parse(s, &DocumentNumerals, Shape::Counted)?;
    u32::try_from(value).ok()
}

/// Whitespace-free form used to find a title in the body, where the table's
/// one-line title may be split over lines or spaced differently.
fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The first `bytes` bytes (or a little more, to end on a character) of
/// the whitespace-free form of `s`: comparing a line with a title needs no
/// more of it, however long the line is.
fn squeeze_prefix(s: &str, bytes: usize) -> String {
    let mut out = String::new();
    for c in s.chars().filter(|c| !c.is_whitespace()) {
        if out.len() >= bytes {
            break;
        }
        out.push(c);
    }
    out
}

/// How many characters a body's title line may carry before the table's
/// title: bodies often restate the place (海淀区法院… for the table's 区法院…).
const TITLE_LEAD_SLACK: usize = 6;

/// Does the title start at line `i` (possibly continuing over the next
/// lines), right at its start or after at most [`TITLE_LEAD_SLACK`]
/// characters?
fn title_starts_at(lines: &Lines, i: usize, title: &str) -> bool {
    // Enough of the line for the longest lead plus the whole title.
    let first = squeeze_prefix(lines.raw(i), title.len() + 4 * (TITLE_LEAD_SLACK + 1));
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
        seen.push_str(&squeeze_prefix(lines.raw(next), title.len() - seen.len()));
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
    let mut listed: BTreeMap<u32, usize> = BTreeMap::new();
    for entry in &toc.entries {
        if let Some(first) = listed.insert(entry.rank, entry.line) {
            return Err(CorpusError::DuplicateRank {
                source_name: source_name.to_owned(),
                rank: entry.rank,
                first: first + 1,
                second: entry.line + 1,
            });
        }
    }
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
    // A marker inside a body for a rank the table does not list is a case
    // the table forgot: refuse rather than fold it into its neighbour.
    for line in toc.end_line..lines.len() {
        if let Some(rank) = marker_rank(lines.raw(line)) {
            if !listed.contains_key(&rank) {
                return Err(CorpusError::UnlistedCase {
                    source_name: source_name.to_owned(),
                    marker: lines.trimmed(line).to_owned(),
                    line: line + 1,
                    rank,
                });
            }
        }
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
/// the first line after the marker. Two markers with one rank, or a marker
/// with nothing after it, are errors: either would lose a case. Also gives
/// the line of the first marker (the end of the preamble).
fn cases_from_markers(
    source_name: &str,
    lines: &Lines,
    from: usize,
    collection_title: &str,
) -> Result<(Vec<Case>, usize), CorpusError> {
    let markers: Vec<(usize, u32)> = (from..lines.len())
        .filter_map(|i| marker_rank(lines.raw(i)).map(|r| (i, r)))
        .collect();
    let mut seen: BTreeMap<u32, usize> = BTreeMap::new();
    for &(line, rank) in &markers {
        if let Some(first) = seen.insert(rank, line) {
            return Err(CorpusError::DuplicateMarker {
                source_name: source_name.to_owned(),
                rank,
                first: first + 1,
                second: line + 1,
            });
        }
    }
    let mut cases = Vec::with_capacity(markers.len());
    for (k, &(line, rank)) in markers.iter().enumerate() {
        let end = markers.get(k + 1).map_or(lines.len(), |m| m.0);
        let body_line = lines.next_non_empty(line + 1).filter(|&b| b < end);
        let text = body_line.map(|b| body_text(lines, b, end, collection_title));
        let (Some(body_line), Some(text)) = (body_line, text.filter(|t| !t.is_empty())) else {
            return Err(CorpusError::EmptyBody {
                source_name: source_name.to_owned(),
                marker: lines.trimmed(line).to_owned(),
                line: line + 1,
            });
        };
        cases.push(Case {
            rank,
            district: None,
            title: lines.trimmed(body_line).to_owned(),
            sections: sections_of(&text),
            text,
        });
    }
    Ok((cases, markers.first().map_or(lines.len(), |m| m.0)))
}

/// The fewest numbered items that make a collection: one or two numbered
/// lines are a list inside prose, not the document's cases.
pub const MIN_ITEMS: usize = 3;

/// The most digits of an item number.
const ITEM_NUMBER_MAX_DIGITS: usize = 4;

/// The list marks after an item number.
const ITEM_MARKS: [char; 3] = ['.', '．', '、'];

/// A numbered item line: an Arabic number from 1 (ASCII or full-width
/// digits), a list mark (`.` `．` `、`) and some text; gives the number and
/// the text after the mark. A `.` or `．` directly followed by a digit is a
/// decimal or a date (1.5万, 2018.11), not a list mark.
fn item_start(line: &str) -> Option<(u32, &str)> {
    let line = line.trim();
    let digits = line.chars().take_while(|&c| arabic_digit(c).is_some());
    let mut number: u32 = 0;
    let mut length = 0;
    for c in digits {
        length += c.len_utf8();
        number = number.checked_mul(10)?.checked_add(arabic_digit(c)?)?;
    }
    if number == 0 || line[..length].chars().count() > ITEM_NUMBER_MAX_DIGITS {
        return None;
    }
    let rest = &line[length..];
    let mark = rest.chars().next().filter(|c| ITEM_MARKS.contains(c))?;
    let after = &rest[mark.len_utf8()..];
    if mark != '、' && starts_with_digit(after) {
        return None;
    }
    let text = after.trim();
    let title = text.strip_suffix(SENTENCE_MARKS).unwrap_or(text).trim_end();
    (!title.is_empty()).then_some((number, text))
}

/// A numbered item: its number, its text and its first line.
struct Item {
    rank: u32,
    text: String,
    line: usize,
}

/// Without a table of contents or markers: the longest run of numbered
/// items from line `from` on (`item_run`; the first of equally long runs),
/// when it has at least [`MIN_ITEMS`] items. Each item is a case: rank =
/// its number, text = the item after its number mark, title = the text
/// without its final sentence mark, no district, no sections. Lines outside
/// the run (preamble, signature, attachment headings) are no cases. Also
/// gives the line of the first item (the end of the preamble).
///
/// A run that goes on with a number out of order (1, 2, 3, 5 or 1, 2, 3, 3)
/// is an error naming the line, not a collection cut short.
fn cases_from_items(
    source_name: &str,
    lines: &Lines,
    from: usize,
) -> Result<(Vec<Case>, usize), CorpusError> {
    let mut best: Vec<Item> = Vec::new();
    let mut best_end = from;
    let mut i = from;
    while i < lines.len() {
        if item_start(lines.raw(i)).is_some_and(|(number, _)| number == 1) {
            let (run, end) = item_run(lines, i);
            if run.len() > best.len() {
                best = run;
                best_end = end;
            }
            i = end;
        } else {
            i += 1;
        }
    }
    if best.len() < MIN_ITEMS {
        return Ok((Vec::new(), lines.len()));
    }
    if let Some(next) = lines.next_non_empty(best_end) {
        if let Some((found, _)) = item_start(lines.raw(next)) {
            return Err(CorpusError::ItemOutOfOrder {
                source_name: source_name.to_owned(),
                expected: best.len() + 1,
                found,
                line: next + 1,
            });
        }
    }
    let start = best[0].line;
    let cases = best
        .into_iter()
        .map(|item| Case {
            rank: item.rank,
            district: None,
            title: item
                .text
                .strip_suffix(SENTENCE_MARKS)
                .unwrap_or(&item.text)
                .trim_end()
                .to_owned(),
            text: item.text,
            sections: Vec::new(),
        })
        .collect();
    Ok((cases, start))
}

/// The run of items numbered 1, 2, 3 … in order that starts with item 1 at
/// line `first`, and the line after its last item. Blank lines may stand
/// between items; any other line that is neither the next number nor the
/// continuation of a wrapped item (`continues_item`) ends the run, and so
/// does a number out of order.
fn item_run(lines: &Lines, first: usize) -> (Vec<Item>, usize) {
    let mut items: Vec<Item> = Vec::new();
    let mut cursor = first;
    while let Some(line) = lines.next_non_empty(cursor) {
        let Some((number, text)) = item_start(lines.raw(line)) else {
            break;
        };
        if usize::try_from(number).ok() != Some(items.len() + 1) {
            break;
        }
        let width = lines.trimmed(line).chars().count();
        let mut parts = vec![text];
        let mut end = line + 1;
        while end < lines.len() && continues_item(lines, end, parts[parts.len() - 1], width) {
            parts.push(lines.trimmed(end));
            end += 1;
        }
        items.push(Item {
            rank: number,
            text: join_hard_wrapped(parts),
            line,
        });
        cursor = end;
    }
    (items, cursor.max(first + 1))
}

/// Does line `next` continue a wrapped item whose last line so far ends in
/// `so_far` and whose first line (number included) is `width` characters
/// long? It does when it
///
/// - is not blank, not a numbered line, not a section heading (一、…), not
///   a date line and not the line right above a date line (a signature);
/// - follows a line that does not end a sentence (。！？；：);
/// - is not longer than the item's first line: hard-wrapped text is cut at
///   one width, so a longer line is a paragraph of its own.
fn continues_item(lines: &Lines, next: usize, so_far: &str, width: usize) -> bool {
    let line = lines.trimmed(next);
    !line.is_empty()
        && !ends_sentence(so_far)
        && line.chars().nth(width).is_none()
        && item_start(line).is_none()
        && !SECTION_HEADING.is_match(line)
        && !is_date_line(line)
        && !lines
            .next_non_empty(next + 1)
            .is_some_and(|i| is_date_line(lines.trimmed(i)))
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
        assert_eq!(decode("t.txt", &bytes).ok().as_deref(), Some("排名1\n标题"));
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

    #[test]
    fn chinese_numbers_never_wrap_and_need_a_shape() {
        assert_eq!(chinese_number(&"九百".repeat(40)), None, "百 after 百");
        assert_eq!(
            chinese_number("一二三"),
            None,
            "digits without a place word"
        );
        assert_eq!(chinese_number("十百"), None, "place words must fall");
        assert_eq!(chinese_number("九百九十九"), Some(999));
        assert_eq!(
            marker_rank("排名99999999999"),
            None,
            "too large, not rank 9"
        );
        assert_eq!(marker_rank("排名12"), Some(12));
        assert_eq!(marker_rank("第二十名"), Some(20));
    }

    const ONE_LINE_TOC: &str = "汇编\n1 甲区 第一个案例\n2 乙区 第二个案例\n3 丙区 第三个案例\n\n\
                                第一个案例\n正文一。\n第二个案例\n正文二。\n第三个案例\n正文三。\n";

    #[test]
    fn a_rank_listed_twice_is_an_error_naming_it() {
        let doc = ONE_LINE_TOC.replace("3 丙区", "2 丙区");
        let err = parse_collection("dup.txt", doc.as_bytes()).expect_err("rank 2 twice");
        assert!(
            matches!(
                err,
                CorpusError::DuplicateRank {
                    rank: 2,
                    first: 3,
                    second: 4,
                    ..
                }
            ),
            "{err:?}"
        );
        assert_eq!(
            err.to_string(),
            "dup.txt: the table of contents lists rank 2 twice (lines 3 and 4)"
        );
        // A row numbered back to 1 is caught too, not taken as a new table.
        let doc = ONE_LINE_TOC.replace("3 丙区", "1 丙区");
        assert!(matches!(
            parse_collection("dup.txt", doc.as_bytes()),
            Err(CorpusError::DuplicateRank { rank: 1, .. })
        ));
        let good = parse_collection("ok.txt", ONE_LINE_TOC.as_bytes()).expect("segments");
        assert_eq!(good.cases.len(), 3);
    }

    #[test]
    fn a_gap_in_the_table_keeps_every_row() {
        let doc = ONE_LINE_TOC.replace("3 丙区", "5 丙区");
        let collection = parse_collection("gap.txt", doc.as_bytes()).expect("segments");
        let ranks: Vec<u32> = collection.cases.iter().map(|c| c.rank).collect();
        assert_eq!(ranks, [1, 2, 5]);
        assert!(collection.cases[1].text.ends_with("正文二。"));
    }

    #[test]
    fn markers_that_would_lose_a_case_are_errors() {
        let doc = "汇编\n排名1\n甲\n正文。\n排名1\n乙\n正文。\n";
        let err = parse_collection("m.txt", doc.as_bytes()).expect_err("two rank 1");
        assert!(
            matches!(
                err,
                CorpusError::DuplicateMarker {
                    rank: 1,
                    first: 2,
                    second: 5,
                    ..
                }
            ),
            "{err:?}"
        );
        let doc = "汇编\n排名1\n排名2\n乙\n正文。\n";
        let err = parse_collection("m.txt", doc.as_bytes()).expect_err("empty case 1");
        assert!(
            matches!(&err, CorpusError::EmptyBody { line: 2, marker, .. } if marker == "排名1"),
            "{err:?}"
        );
        let doc = format!("{ONE_LINE_TOC}排名4\n第四个\n正文四。\n");
        let err = parse_collection("m.txt", doc.as_bytes()).expect_err("case 4 unlisted");
        assert!(
            matches!(
                err,
                CorpusError::UnlistedCase {
                    rank: 4,
                    line: 12,
                    ..
                }
            ),
            "{err:?}"
        );
    }

    #[test]
    fn utf16_without_bom_and_defective_utf8_are_told_apart() {
        let text = "汇编\n排名1\n标题\n正文。\n";
        for big_endian in [false, true] {
            let bytes: Vec<u8> = text
                .encode_utf16()
                .flat_map(|u| {
                    if big_endian {
                        u.to_be_bytes()
                    } else {
                        u.to_le_bytes()
                    }
                })
                .collect();
            assert_eq!(decode("u.txt", &bytes).ok().as_deref(), Some(text));
        }
        let bytes = text.as_bytes();
        let cut = &bytes[..bytes.len() - 2];
        assert!(matches!(
            decode("t.txt", cut),
            Err(CorpusError::Truncated { at, .. }) if at == bytes.len() - 4
        ));
        let mut broken = bytes.to_vec();
        broken[10] = 0xFF;
        assert!(
            matches!(
                decode("b.txt", &broken),
                Err(CorpusError::InvalidUtf8 {
                    at: 10,
                    line: 2,
                    ..
                })
            ),
            "{:?}",
            decode("b.txt", &broken)
        );
        let err = parse_collection("n.txt", b"title\n\0\n").expect_err("NUL");
        assert!(matches!(err, CorpusError::Nul { line: 2, .. }), "{err:?}");
    }

    #[test]
    fn byte_sizes_and_the_read_limit() {
        assert_eq!(parse_byte_size("1000"), Some(1000));
        assert_eq!(parse_byte_size("64M"), Some(64 << 20));
        assert_eq!(parse_byte_size("2g"), Some(2 << 30));
        assert_eq!(parse_byte_size("0"), None);
        assert_eq!(parse_byte_size("lots"), None);
        assert_eq!(parse_byte_size("99999999999G"), None, "overflow");
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("doc.txt");
        std::fs::write(&path, "0123456789").expect("write");
        assert_eq!(read_document_bytes(&path, 10).expect("fits").len(), 10);
        assert!(matches!(
            read_document_bytes(&path, 9),
            Err(CorpusError::TooLarge { limit: 9, .. })
        ));
        assert!(matches!(
            read_document_bytes(dir.path(), 100),
            Err(CorpusError::NotAFile {
                kind: "a directory",
                ..
            })
        ));
    }

    #[test]
    fn title_search_reads_only_what_it_compares() {
        // A title found after a very long line: the line is not copied whole.
        assert_eq!(squeeze_prefix(&"字 ".repeat(1_000_000), 9), "字字字");
        assert_eq!(squeeze_prefix(" a b ", 100), "ab");
    }
}
