//! What a build computed for each document, kept so that the next build of
//! the same document need not compute it again.
//!
//! ```text
//! DIR/cache/<sha256>.rkc    the quads of one document, named by its key
//! DIR/cache/v7.json         what the build that made version v7 read (its record)
//! ```
//!
//! Why this shape:
//! - **Named by everything that decides the output.** The caller makes the
//!   key ([`key`]) from the document's name and bytes, the ontology and the
//!   program, so an entry is either exactly what extracting would give or
//!   never looked up again.
//! - **Small.** An entry is a term table and four indices a quad,
//!   compressed with LZ4 (a third of the size: a case's sentences and labels
//!   repeat), so writing the cache adds little to the disk traffic of a
//!   build, whose bulk loader writes the store at the same time.
//! - **Checked when read.** An entry ends with the SHA-256 of its bytes; a
//!   truncated, corrupt or foreign file is a miss (the document is
//!   extracted again and the entry rewritten), never an error or wrong data.
//! - **Written atomically, best effort.** Entries are written with
//!   [`crate::atomic_file`] while the build runs, not synced (the digest
//!   catches what a machine crash cuts short); a failure to write one only
//!   costs the next build that document's extraction.
//! - **Bounded.** When a build publishes, entries it did not use are
//!   removed, so the cache holds the documents of the live version (plus
//!   whatever failed builds since then wrote). Only names this module writes
//!   are removed, under the write lock.
//! - **A record per version.** The build that published a version leaves a
//!   record of what it read (the caller's text), so that the next build can
//!   add to that version instead of loading everything again. Only a build
//!   writes one: a version made by an update or a load has none.

use crate::Version;
use oxigraph::model::{
    BlankNode, GraphName, Literal, NamedNode, NamedOrBlankNode, Quad, Term, TermRef,
};
use rustc_hash::FxHashMap;
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

/// The folder of the store directory that holds the cache.
pub const CACHE_DIR: &str = "cache";
/// The extension of entries.
const EXTENSION: &str = "rkc";
/// The first bytes of an entry (the format's version is its last digit).
const MAGIC: &[u8; 8] = b"rkcache2";
/// The length of the digest that ends an entry.
const DIGEST_LEN: usize = 32;
/// The largest document an entry holds, uncompressed (a document's quads
/// are bounded by the input limit long before this).
const MAX_BODY: usize = 1 << 30;
/// The graph-name index of the default graph.
const DEFAULT_GRAPH: u32 = u32::MAX;

/// What the graph stage made of one document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedDocument {
    pub source_name: String,
    pub slug: String,
    pub cases: usize,
    pub quads: Vec<Quad>,
}

/// What an entry holds, borrowed from the document being built: writing an
/// entry never copies the document's quads.
#[derive(Debug, Clone, Copy)]
pub struct Entry<'a> {
    pub source_name: &'a str,
    pub slug: &'a str,
    pub cases: usize,
    pub quads: &'a [Quad],
}

#[cfg(test)]
impl CachedDocument {
    fn as_entry(&self) -> Entry<'_> {
        Entry {
            source_name: &self.source_name,
            slug: &self.slug,
            cases: self.cases,
            quads: &self.quads,
        }
    }
}

/// The cache of one store directory, and the entries the running build
/// used (the ones its publication keeps).
#[derive(Debug)]
pub struct Cache {
    folder: PathBuf,
    used: Mutex<HashSet<String>>,
}

/// A key: the SHA-256 of `parts`, each prefixed with its length (so that
/// no two lists of parts give the same bytes).
pub fn key(parts: &[&[u8]]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part);
    }
    hex(&hasher.finalize())
}

impl Cache {
    /// The cache of the store at `dir` (nothing is created until a put).
    pub fn new(dir: &Path) -> Self {
        Self {
            folder: dir.join(CACHE_DIR),
            used: Mutex::new(HashSet::new()),
        }
    }

    /// The entry of `key`, if there is a sound one.
    pub fn get(&self, key: &str) -> Option<CachedDocument> {
        let bytes = std::fs::read(self.path(key)?).ok()?;
        decode(&bytes)
    }

    /// Writes the entry of `key`; false if it could not (the build goes on).
    pub fn put(&self, key: &str, document: Entry<'_>) -> bool {
        let (Some(path), Some(bytes)) = (self.path(key), encode(document)) else {
            return false;
        };
        // Unsynced: a machine crash may leave an entry short, which its
        // digest shows (a miss); syncing 500 entries cost a cold build
        // seconds.
        std::fs::create_dir_all(&self.folder).is_ok()
            && crate::atomic_file::write_unsynced(&path, &bytes).is_ok()
    }

    /// The running build used (read or wrote) the entry of `key`.
    pub fn mark_used(&self, key: &str) {
        self.lock().insert(entry_name(key));
    }

    /// The record of `version`, if the build that made it left one.
    pub fn record(&self, version: Version) -> Option<String> {
        std::fs::read_to_string(self.record_path(version)).ok()
    }

    /// Writes the record of `version`, which the caller just published
    /// (best effort: without it the next build loads everything again).
    /// Version numbers are never used twice, so a record always describes
    /// its version, written under the write lock or not.
    pub fn write_record(&self, version: Version, text: &str) {
        let _ = std::fs::create_dir_all(&self.folder);
        let _ = crate::atomic_file::write(&self.record_path(version), text.as_bytes());
        self.remove_gone_records();
    }

    /// Removes the records of versions that are gone (version numbers are
    /// never used twice, so this is safe with or without the write lock).
    fn remove_gone_records(&self) {
        let Ok(entries) = std::fs::read_dir(&self.folder) else {
            return;
        };
        let store_dir = self.folder.parent().unwrap_or(Path::new("."));
        for name in entries.filter_map(|e| e.ok()?.file_name().into_string().ok()) {
            if record_version(&name).is_some_and(|v| !store_dir.join(v.name()).is_dir()) {
                let _ = std::fs::remove_file(self.folder.join(&name));
            }
        }
    }

    fn record_path(&self, version: Version) -> PathBuf {
        self.folder.join(format!("{}.json", version.name()))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashSet<String>> {
        self.used.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn path(&self, key: &str) -> Option<PathBuf> {
        let name = entry_name(key);
        is_entry_name(&name).then(|| self.folder.join(name))
    }

    /// Removes every entry the build did not use and the partial files of
    /// killed writers. Only the write lock's holder calls it (a build, once
    /// it has taken every document), and it removes only names this module
    /// writes.
    pub fn remove_unused(&self) {
        let Ok(entries) = std::fs::read_dir(&self.folder) else {
            return;
        };
        let used = self.lock();
        for name in entries.filter_map(|e| e.ok()?.file_name().into_string().ok()) {
            let stale = (is_entry_name(&name) && !used.contains(&name)) || is_partial(&name);
            if stale {
                let _ = std::fs::remove_file(self.folder.join(&name));
            }
        }
    }
}

fn entry_name(key: &str) -> String {
    format!("{key}.{EXTENSION}")
}

/// `<64 hex digits>.rkc`: the names [`Cache::put`] gives.
fn is_entry_name(name: &str) -> bool {
    name.strip_suffix(&format!(".{EXTENSION}"))
        .is_some_and(|h| {
            h.len() == 64
                && h.bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        })
}

/// `v7.json`: the record of a version.
fn record_version(name: &str) -> Option<Version> {
    name.strip_suffix(".json").and_then(Version::parse)
}

/// `.<entry or record name>.<pid>.partial`: an unfinished entry or record
/// (`atomic_file::partial_path`).
fn is_partial(name: &str) -> bool {
    name.strip_prefix('.')
        .and_then(|n| n.strip_suffix(".partial"))
        .and_then(|n| n.rsplit_once('.'))
        .is_some_and(|(inner, pid)| {
            (is_entry_name(inner) || record_version(inner).is_some())
                && !pid.is_empty()
                && pid.bytes().all(|b| b.is_ascii_digit())
        })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The bytes of an entry: the magic, the document, a table of the distinct
/// terms, each quad as four indices into it, and the digest of all that.
/// `None` for quads this format does not hold (RDF 1.2 triple terms).
fn encode(document: Entry<'_>) -> Option<Vec<u8>> {
    let mut terms: FxHashMap<TermRef<'_>, u32> = FxHashMap::default();
    let mut table = Vec::new();
    let mut indices = Vec::with_capacity(document.quads.len() * 16);
    for quad in document.quads {
        let graph = match &quad.graph_name {
            GraphName::DefaultGraph => None,
            GraphName::NamedNode(n) => Some(TermRef::from(n.as_ref())),
            GraphName::BlankNode(b) => Some(TermRef::from(b.as_ref())),
        };
        let parts = [
            Some(TermRef::from(quad.subject.as_ref())),
            Some(TermRef::from(quad.predicate.as_ref())),
            Some(quad.object.as_ref()),
            graph,
        ];
        for part in parts {
            let index = match part {
                None => DEFAULT_GRAPH,
                Some(term) => match terms.get(&term) {
                    Some(index) => *index,
                    None => {
                        let index = u32::try_from(terms.len()).ok()?;
                        write_term(&mut table, term)?;
                        terms.insert(term, index);
                        index
                    }
                },
            };
            indices.extend_from_slice(&index.to_le_bytes());
        }
    }
    let mut body = Vec::with_capacity(table.len() + indices.len() + 256);
    write_str(&mut body, document.source_name);
    write_str(&mut body, document.slug);
    body.extend_from_slice(&(document.cases as u64).to_le_bytes());
    body.extend_from_slice(&(terms.len() as u64).to_le_bytes());
    body.extend_from_slice(&table);
    body.extend_from_slice(&(document.quads.len() as u64).to_le_bytes());
    body.extend_from_slice(&indices);
    // LZ4: a third of the bytes (sentences and labels repeat), written
    // beside the store's own files while the bulk loader writes them.
    let compressed = lz4_flex::compress(&body);
    let mut bytes = Vec::with_capacity(compressed.len() + 64);
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(&u64::try_from(body.len()).ok()?.to_le_bytes());
    bytes.extend_from_slice(&compressed);
    let digest = Sha256::digest(&bytes);
    bytes.extend_from_slice(&digest);
    Some(bytes)
}

const NAMED: u8 = 0;
const BLANK: u8 = 1;
const SIMPLE: u8 = 2;
const TYPED: u8 = 3;
const LANGUAGE: u8 = 4;

fn write_term(out: &mut Vec<u8>, term: TermRef<'_>) -> Option<()> {
    match term {
        TermRef::NamedNode(n) => {
            out.push(NAMED);
            write_str(out, n.as_str());
        }
        TermRef::BlankNode(b) => {
            out.push(BLANK);
            write_str(out, b.as_str());
        }
        TermRef::Literal(l) => match l.language() {
            Some(language) => {
                out.push(LANGUAGE);
                write_str(out, l.value());
                write_str(out, language);
            }
            None if l.datatype() == oxigraph::model::vocab::xsd::STRING => {
                out.push(SIMPLE);
                write_str(out, l.value());
            }
            None => {
                out.push(TYPED);
                write_str(out, l.value());
                write_str(out, l.datatype().as_str());
            }
        },
        #[allow(unreachable_patterns)]
        _ => return None,
    }
    Some(())
}

fn write_str(out: &mut Vec<u8>, text: &str) {
    out.extend_from_slice(&(text.len() as u64).to_le_bytes());
    out.extend_from_slice(text.as_bytes());
}

/// The document an entry holds, or `None` if it is not a sound entry.
fn decode(bytes: &[u8]) -> Option<CachedDocument> {
    let body_len = bytes.len().checked_sub(DIGEST_LEN)?;
    let (body, digest) = bytes.split_at(body_len);
    if Sha256::digest(body).as_slice() != digest {
        return None;
    }
    let mut header = Reader(body.strip_prefix(MAGIC.as_slice())?);
    let body_len = usize::try_from(header.u64()?).ok()?;
    // The digest matched, so the length is the one this module wrote; the
    // bound only keeps a damaged-yet-matching file from a huge allocation.
    if body_len > MAX_BODY {
        return None;
    }
    let body = lz4_flex::decompress(header.0, body_len).ok()?;
    let mut reader = Reader(&body);
    let source_name = reader.string()?;
    let slug = reader.string()?;
    let cases = usize::try_from(reader.u64()?).ok()?;
    let term_count = reader.u64()?;
    let terms = (0..term_count)
        .map(|_| reader.term())
        .collect::<Option<Vec<Term>>>()?;
    let quad_count = usize::try_from(reader.u64()?).ok()?;
    if reader.0.len() != quad_count.checked_mul(16)? {
        return None;
    }
    let quads = (0..quad_count)
        .map(|_| reader.quad(&terms))
        .collect::<Option<Vec<Quad>>>()?;
    Some(CachedDocument {
        source_name,
        slug,
        cases,
        quads,
    })
}

/// The unread rest of an entry.
struct Reader<'b>(&'b [u8]);

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Option<&[u8]> {
        if self.0.len() < n {
            return None;
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Some(head)
    }

    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }

    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }

    fn string(&mut self) -> Option<String> {
        let len = usize::try_from(self.u64()?).ok()?;
        String::from_utf8(self.take(len)?.to_vec()).ok()
    }

    fn term(&mut self) -> Option<Term> {
        let tag = *self.take(1)?.first()?;
        Some(match tag {
            NAMED => NamedNode::new_unchecked(self.string()?).into(),
            BLANK => BlankNode::new_unchecked(self.string()?).into(),
            SIMPLE => Literal::new_simple_literal(self.string()?).into(),
            TYPED => {
                let value = self.string()?;
                Literal::new_typed_literal(value, NamedNode::new_unchecked(self.string()?)).into()
            }
            LANGUAGE => {
                let value = self.string()?;
                Literal::new_language_tagged_literal_unchecked(value, self.string()?).into()
            }
            _ => return None,
        })
    }

    fn quad(&mut self, terms: &[Term]) -> Option<Quad> {
        let mut term = || -> Option<Option<&Term>> {
            match self.u32()? {
                DEFAULT_GRAPH => Some(None),
                i => terms.get(usize::try_from(i).ok()?).map(Some),
            }
        };
        let subject = match term()?? {
            Term::NamedNode(n) => NamedOrBlankNode::from(n.clone()),
            Term::BlankNode(b) => NamedOrBlankNode::from(b.clone()),
            _ => return None,
        };
        let Term::NamedNode(predicate) = term()?? else {
            return None;
        };
        let predicate = predicate.clone();
        let object = term()??.clone();
        let graph = match term()? {
            None => GraphName::DefaultGraph,
            Some(Term::NamedNode(n)) => GraphName::from(n.clone()),
            Some(Term::BlankNode(b)) => GraphName::from(b.clone()),
            Some(_) => return None,
        };
        Some(Quad::new(subject, predicate, object, graph))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document() -> CachedDocument {
        let s = NamedNode::new_unchecked("https://example.org/s");
        let p = NamedNode::new_unchecked("https://example.org/p");
        let b = BlankNode::new_unchecked("o1b2");
        let objects: Vec<Term> = vec![
            s.clone().into(),
            b.clone().into(),
            Literal::new_simple_literal("plain").into(),
            Literal::new_typed_literal("3", oxigraph::model::vocab::xsd::INTEGER).into(),
            Literal::new_language_tagged_literal_unchecked("text", "zh").into(),
        ];
        let mut quads: Vec<Quad> = objects
            .into_iter()
            .map(|o| Quad::new(s.clone(), p.clone(), o, GraphName::DefaultGraph))
            .collect();
        quads.push(Quad::new(b, p.clone(), s.clone(), s.clone()));
        CachedDocument {
            source_name: "a.txt".to_owned(),
            slug: "a".to_owned(),
            cases: 2,
            quads,
        }
    }

    #[test]
    fn an_entry_reads_back_as_written_and_any_damage_is_a_miss() {
        let document = document();
        let bytes = encode(document.as_entry()).expect("encodes");
        assert_eq!(decode(&bytes), Some(document));
        assert_eq!(decode(&bytes[..bytes.len() - 1]), None);
        assert_eq!(decode(&[]), None);
        for at in [0, 9, bytes.len() / 2, bytes.len() - 1] {
            let mut damaged = bytes.clone();
            damaged[at] ^= 1;
            assert_eq!(decode(&damaged), None, "byte {at}");
        }
    }

    #[test]
    fn only_names_this_module_writes_are_recognised() {
        let entry = entry_name(&"ab".repeat(32));
        assert!(is_entry_name(&entry));
        assert!(is_partial(&format!(".{entry}.123.partial")));
        assert!(is_partial(".v12.json.9.partial"));
        assert_eq!(record_version("v12.json"), Some(Version(12)));
        for other in [
            "notes.rkc",
            &format!("{}.rkc", "AB".repeat(32)),
            &format!("{}.nt", "ab".repeat(32)),
            &format!(".{entry}.x.partial"),
            ".notes.rkc.1.partial",
            ".v1x.json.2.partial",
        ] {
            assert_eq!(record_version(other), None, "{other}");
            assert!(!is_entry_name(other) && !is_partial(other), "{other}");
        }
    }

    #[test]
    fn keys_separate_their_parts() {
        assert_ne!(key(&[b"ab", b"c"]), key(&[b"a", b"bc"]));
        assert_eq!(key(&[b"ab"]).len(), 64);
    }
}
