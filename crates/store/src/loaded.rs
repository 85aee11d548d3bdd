//! Graphs added with `reformkg load`, kept across builds.
//!
//! Each loaded graph is a named graph of the store (the built graph is the
//! default graph, which a load never touches). What a build needs to add
//! them again lives beside the versions, in files only reformkg writes:
//!
//! ```text
//! DIR/loaded/v7.json        the loaded graphs of version v7 (the manifest)
//! DIR/loaded/<sha256>.nt    the triples of one load, as N-Triples
//! ```
//!
//! Why this shape:
//! - **One manifest per version.** The manifest of a new version is written
//!   (atomically) under the write lock before the version is published, so
//!   the manifest of the live version always describes exactly the graphs
//!   it holds; a failed or killed write leaves the previous version with its
//!   own manifest. Every writer carries the live manifest forward: a build
//!   adds the graphs it lists, an update keeps them.
//! - **Content-addressed data.** A data file is named by the digest of its
//!   bytes, so writing it again is harmless; it is removed only when no
//!   manifest of a version still present names it.

use crate::{io_error, Snapshot, StoreError, Version};
use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::{BlankNode, NamedNode, NamedOrBlankNode, Quad, Term, Triple};
use oxigraph::store::{StorageError, Store};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

/// The folder of the store directory that holds loaded graphs.
pub const LOADED_DIR: &str = "loaded";
/// The manifest's `format` value.
const FORMAT: &str = "reformkg-loaded";
/// The extension of data files.
const DATA_EXTENSION: &str = "nt";

/// One graph added by `reformkg load`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoadedGraph {
    /// The named graph's IRI.
    pub graph: String,
    /// The files it was read from, as given (made absolute).
    pub sources: Vec<String>,
    /// The RDF format they were read as.
    pub format: String,
    /// How many distinct triples it holds.
    pub triples: usize,
    /// Its data file in `DIR/loaded/`.
    pub data: String,
}

/// A graph to load: its IRI, where it came from, and its triples.
#[derive(Debug, Clone)]
pub struct NewGraph {
    pub graph: NamedNode,
    pub sources: Vec<String>,
    pub format: String,
    pub triples: Vec<Triple>,
}

/// What a load did to one graph.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub graph: LoadedGraph,
    /// The load it replaced, if the graph had been loaded before.
    pub replaced: Option<LoadedGraph>,
}

#[derive(Debug, thiserror::Error)]
pub enum LoadedError {
    #[error(
        "<{0}> already holds statements that `reformkg load` did not add (a SPARQL update \
         wrote them?): load into another graph with --graph IRI"
    )]
    Taken(String),
    #[error("<{graph}> is not a graph that `reformkg load` added; loaded graphs: {loaded}")]
    NotLoaded { graph: String, loaded: String },
    #[error("cannot write the loaded graph {path}: {source}")]
    Data {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot write the store: {0}")]
    Storage(#[from] StorageError),
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Manifest {
    format: String,
    graphs: Vec<LoadedGraph>,
}

/// The graphs loaded into the version a snapshot reads.
pub fn list(snapshot: &Snapshot) -> Result<Vec<LoadedGraph>, StoreError> {
    read_manifest(snapshot.dir(), snapshot.version())
}

/// Loads `graphs` into a new version: each replaces the graph of the same
/// IRI if `load` added it before, and is refused if something else wrote
/// that graph. All or nothing: on any error the live version is unchanged.
pub fn load(
    dir: &Path,
    graphs: Vec<NewGraph>,
) -> Result<(Vec<Loaded>, Version), crate::UpdateError<LoadedError>> {
    crate::change(dir, None, |store, manifest| {
        graphs
            .into_iter()
            .map(|new| load_one(dir, store, manifest, new))
            .collect()
    })
}

/// Removes a graph that `load` added; returns what it was.
pub fn unload(
    dir: &Path,
    graph: &str,
) -> Result<(LoadedGraph, Version), crate::UpdateError<LoadedError>> {
    crate::change(dir, None, |store, manifest| {
        let Some(index) = manifest.iter().position(|g| g.graph == graph) else {
            return Err(LoadedError::NotLoaded {
                graph: graph.to_owned(),
                loaded: names(manifest),
            });
        };
        let removed = manifest.remove(index);
        let node = NamedNode::new_unchecked(removed.graph.clone());
        store.remove_named_graph(&node)?;
        Ok(removed)
    })
}

fn names(manifest: &[LoadedGraph]) -> String {
    if manifest.is_empty() {
        return "none".to_owned();
    }
    let names: Vec<String> = manifest.iter().map(|g| format!("<{}>", g.graph)).collect();
    names.join(", ")
}

fn load_one(
    dir: &Path,
    store: &Store,
    manifest: &mut Vec<LoadedGraph>,
    new: NewGraph,
) -> Result<Loaded, LoadedError> {
    let iri = new.graph.as_str().to_owned();
    let previous = manifest.iter().position(|g| g.graph == iri);
    if previous.is_none() && store.contains_named_graph(&new.graph)? {
        return Err(LoadedError::Taken(iri));
    }
    let renamed = rename_blank_nodes(&iri, new.triples);
    let (bytes, triples) = ntriples(&renamed);
    let data = write_data(dir, &bytes)?;
    store.remove_named_graph(&new.graph)?;
    // The bulk loader: a transaction of 100,000 triples took 3.4 s and
    // 210 MB, the bulk loader a fraction of it.
    let mut loader = store
        .bulk_loader()
        .with_max_memory_size_in_megabytes(crate::BULK_LOAD_MEMORY_MB);
    loader.load_quads(unique(&renamed).map(|t| t.clone().in_graph(new.graph.clone())))?;
    loader.commit()?;
    let entry = LoadedGraph {
        graph: iri,
        sources: new.sources,
        format: new.format,
        triples,
        data,
    };
    let replaced = match previous {
        Some(index) => Some(std::mem::replace(&mut manifest[index], entry.clone())),
        None => {
            manifest.push(entry.clone());
            None
        }
    };
    Ok(Loaded {
        graph: entry,
        replaced,
    })
}

/// Names blank nodes by order of appearance under a prefix of the graph's
/// own: the same file gives the same data file, and no two graphs (nor the
/// built graph, whose blank nodes are `o…`) ever share a blank node.
fn rename_blank_nodes(graph: &str, triples: Vec<Triple>) -> Vec<Triple> {
    let prefix = format!("l{}", &hex(&Sha256::digest(graph.as_bytes()))[..12]);
    let mut names: HashMap<BlankNode, BlankNode> = HashMap::new();
    let mut rename = |node: BlankNode| {
        let next = names.len();
        names
            .entry(node)
            .or_insert_with(|| BlankNode::new_unchecked(format!("{prefix}b{next}")))
            .clone()
    };
    triples
        .into_iter()
        .map(|mut t| {
            if let NamedOrBlankNode::BlankNode(b) = &t.subject {
                t.subject = rename(b.clone()).into();
            }
            if let Term::BlankNode(b) = &t.object {
                t.object = rename(b.clone()).into();
            }
            t
        })
        .collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The triples once each, in their first order.
fn unique(triples: &[Triple]) -> impl Iterator<Item = &Triple> {
    let mut seen = HashSet::new();
    triples.iter().filter(move |t| seen.insert(*t))
}

/// The N-Triples text of `triples` (each once) and how many there are.
fn ntriples(triples: &[Triple]) -> (Vec<u8>, usize) {
    let mut bytes = Vec::new();
    let mut count = 0;
    for triple in unique(triples) {
        bytes.extend_from_slice(triple.to_string().as_bytes());
        bytes.extend_from_slice(b" .\n");
        count += 1;
    }
    (bytes, count)
}

/// Writes a data file named by its digest (if it is not there already)
/// and returns its name.
fn write_data(dir: &Path, bytes: &[u8]) -> Result<String, LoadedError> {
    let folder = dir.join(LOADED_DIR);
    let error = |path: &Path, source| LoadedError::Data {
        path: path.display().to_string(),
        source,
    };
    std::fs::create_dir_all(&folder).map_err(|e| error(&folder, e))?;
    let name = format!("{}.{DATA_EXTENSION}", hex(&Sha256::digest(bytes)));
    let path = folder.join(&name);
    if !path.is_file() {
        crate::atomic_file::write(&path, bytes).map_err(|e| error(&path, e))?;
    }
    Ok(name)
}

fn manifest_path(dir: &Path, version: Version) -> PathBuf {
    dir.join(LOADED_DIR)
        .join(format!("{}.json", version.name()))
}

/// The loaded graphs of `version` (none when it has no manifest).
pub(crate) fn read_manifest(dir: &Path, version: Version) -> Result<Vec<LoadedGraph>, StoreError> {
    let path = manifest_path(dir, version);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => return Err(io_error(&path, source)),
    };
    let bad = |why: String| StoreError::BadLoaded {
        path: path.display().to_string(),
        why,
    };
    let manifest: Manifest = serde_json::from_str(&text).map_err(|e| bad(e.to_string()))?;
    if manifest.format != FORMAT {
        return Err(bad(format!("its format is not {FORMAT:?}")));
    }
    if let Some(g) = manifest.graphs.iter().find(|g| !is_data_name(&g.data)) {
        return Err(bad(format!("{:?} is not a data file name", g.data)));
    }
    Ok(manifest.graphs)
}

/// Writes the manifest of a version about to be published (none when no
/// graph is loaded: a store that never saw `load` gets no `loaded/`).
pub(crate) fn write_manifest(
    dir: &Path,
    version: Version,
    graphs: &[LoadedGraph],
) -> Result<(), StoreError> {
    let path = manifest_path(dir, version);
    if graphs.is_empty() {
        // A killed writer may have left one for this version number.
        return match std::fs::remove_file(&path) {
            Err(e) if e.kind() != ErrorKind::NotFound => Err(io_error(&path, e)),
            _ => Ok(()),
        };
    }
    let folder = dir.join(LOADED_DIR);
    std::fs::create_dir_all(&folder).map_err(|e| io_error(&folder, e))?;
    let manifest = Manifest {
        format: FORMAT.to_owned(),
        graphs: graphs.to_vec(),
    };
    let text = serde_json::to_string_pretty(&manifest).unwrap_or_default() + "\n";
    crate::atomic_file::write(&path, text.as_bytes()).map_err(|e| io_error(&path, e))
}

/// The quads of the loaded graphs, read from their data files (for a build).
pub(crate) fn quads(
    dir: &Path,
    graphs: Vec<LoadedGraph>,
) -> impl Iterator<Item = Result<Quad, StoreError>> {
    let folder = dir.join(LOADED_DIR);
    graphs
        .into_iter()
        .flat_map(move |g| graph_quads(&folder.join(&g.data), g.graph))
}

/// One data file's triples in the named graph `graph`.
fn graph_quads(path: &Path, graph: String) -> Box<dyn Iterator<Item = Result<Quad, StoreError>>> {
    let name = NamedNode::new_unchecked(graph.clone());
    let display = path.display().to_string();
    let bad = move |why: String| StoreError::LoadedData {
        graph: graph.clone(),
        path: display.clone(),
        why,
    };
    match std::fs::File::open(path) {
        Err(e) => Box::new(std::iter::once(Err(bad(e.to_string())))),
        Ok(file) => Box::new(
            RdfParser::from_format(RdfFormat::NTriples)
                .with_default_graph(name)
                .for_reader(std::io::BufReader::new(file))
                .map(move |q| q.map_err(|e| bad(e.to_string()))),
        ),
    }
}

/// Removes manifests of versions that are gone, data files that no
/// remaining manifest names, and the partial files of killed writers. Only the write lock's holder calls it, and it
/// removes only names this module writes.
pub(crate) fn remove_unused(dir: &Path) {
    let folder = dir.join(LOADED_DIR);
    let Ok(entries) = std::fs::read_dir(&folder) else {
        return;
    };
    let names: Vec<String> = entries
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .collect();
    let mut kept = HashSet::new();
    for name in &names {
        let Some(version) = name.strip_suffix(".json").and_then(Version::parse) else {
            continue;
        };
        if !dir.join(version.name()).is_dir() {
            let _ = std::fs::remove_file(folder.join(name));
            continue;
        }
        match read_manifest(dir, version) {
            Ok(graphs) => kept.extend(graphs.into_iter().map(|g| g.data)),
            // Unreadable: keep every data file rather than guess.
            Err(_) => return,
        }
    }
    for name in names
        .iter()
        .filter(|n| is_data_name(n) && !kept.contains(*n))
    {
        let _ = std::fs::remove_file(folder.join(name));
    }
    // What a killed writer was writing (only the lock holder writes here).
    for name in names.iter().filter(|n| is_partial(n)) {
        let _ = std::fs::remove_file(folder.join(name));
    }
}

/// `.<data or manifest name>.<pid>.partial`: an atomic write's unfinished
/// file (`atomic_file::partial_path`) of a name this module writes.
fn is_partial(name: &str) -> bool {
    let Some(inner) = name
        .strip_prefix('.')
        .and_then(|n| n.strip_suffix(".partial"))
        .and_then(|n| n.rsplit_once('.'))
        .map(|(inner, _pid)| inner)
    else {
        return false;
    };
    is_data_name(inner)
        || inner
            .strip_suffix(".json")
            .and_then(Version::parse)
            .is_some()
}

/// `<64 hex digits>.nt`: the names [`write_data`] gives.
fn is_data_name(name: &str) -> bool {
    name.strip_suffix(&format!(".{DATA_EXTENSION}"))
        .is_some_and(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_names_this_module_writes_are_recognised() {
        let data = format!("{}.nt", "ab".repeat(32));
        assert!(is_data_name(&data));
        assert!(is_partial(&format!(".{data}.123.partial")));
        assert!(is_partial(".v12.json.9.partial"));
        for other in [
            "notes.nt",
            "v12.json",
            ".notes.ttl.1.partial",
            ".v1x.json.2.partial",
        ] {
            assert!(!is_data_name(other) && !is_partial(other), "{other}");
        }
    }
}
