//! The whole build: documents → cases → facts → quads → store.
//!
//! This is the one place that strings the stages together; each stage stays
//! usable on its own (and is tested on its own).

use crate::corpus::{self, Collection, CorpusError};
use crate::extract::{CaseFacts, ExtractError, Extractor};
use crate::graph::{add_collection, Graph};
use crate::lexicon::{Lexicon, LexiconError, Ontology};
use crate::resources::{self, Source};
use crate::store::{self, StoreError};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error(transparent)]
    Lexicon(#[from] LexiconError),
    #[error(transparent)]
    Corpus(#[from] CorpusError),
    #[error(transparent)]
    Extract(#[from] ExtractError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("no input documents: {0} has no .txt files")]
    NoInputs(String),
    #[error("cannot read input {path}: {source}")]
    Input {
        path: String,
        source: std::io::Error,
    },
    #[error("two inputs have the same collection id {0}: rename one file")]
    DuplicateSlug(String),
}

/// What a build read and wrote, and how long each stage took.
#[derive(Debug, Clone, Default)]
pub struct BuildReport {
    pub collections: Vec<(String, usize)>,
    pub cases: usize,
    pub quads: usize,
    pub timings: Timings,
}

#[derive(Debug, Clone, Default)]
pub struct Timings {
    pub lexicon: Duration,
    pub corpus: Duration,
    pub extract: Duration,
    pub graph: Duration,
    pub store: Duration,
}

/// The extracted content of a set of documents, before it is stored.
pub struct Extracted {
    pub collections: Vec<Collection>,
    pub facts: Vec<Vec<CaseFacts>>,
}

/// Expands inputs: a directory stands for its `*.txt` files (sorted).
pub fn input_files(inputs: &[PathBuf]) -> Result<Vec<PathBuf>, BuildError> {
    let mut files = Vec::new();
    for input in inputs {
        if input.is_dir() {
            let entries = std::fs::read_dir(input).map_err(|source| BuildError::Input {
                path: input.display().to_string(),
                source,
            })?;
            let mut found: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "txt"))
                .collect();
            if found.is_empty() {
                return Err(BuildError::NoInputs(input.display().to_string()));
            }
            found.sort();
            files.extend(found);
        } else {
            files.push(input.clone());
        }
    }
    Ok(files)
}

/// Reads and extracts every input (no store involved).
pub fn extract_all(
    lexicon: &Lexicon,
    files: &[PathBuf],
    timings: &mut Timings,
) -> Result<Extracted, BuildError> {
    let started = Instant::now();
    let mut collections = Vec::with_capacity(files.len());
    for file in files {
        let collection = corpus::read_collection(file)?;
        if collections
            .iter()
            .any(|c: &Collection| c.slug == collection.slug)
        {
            return Err(BuildError::DuplicateSlug(collection.slug));
        }
        collections.push(collection);
    }
    timings.corpus = started.elapsed();

    let started = Instant::now();
    let extractor = Extractor::new(lexicon)?;
    let facts = collections
        .iter()
        .map(|c| {
            let scope = extractor.collection_scope(&c.title);
            c.cases
                .iter()
                .map(|case| extractor.extract_in(case, scope))
                .collect()
        })
        .collect();
    timings.extract = started.elapsed();
    Ok(Extracted { collections, facts })
}

/// The full graph of a build: the ontology's triples plus every
/// collection (whose facts refer to `lexicon`, read from `ontology`).
pub fn to_graph(lexicon: &Lexicon, ontology: &Ontology, extracted: &Extracted) -> Graph {
    let mut graph = Graph::new();
    for (collection, facts) in extracted.collections.iter().zip(&extracted.facts) {
        add_collection(&mut graph, lexicon, collection, facts);
    }
    graph.add_ontology(ontology, lexicon);
    graph
}

/// Builds the graph from `inputs` with the vocabulary from `ontology` (see
/// [`crate::resources`]) and atomically replaces the store at `store_dir`.
pub fn build(
    inputs: &[PathBuf],
    ontology: &Source,
    store_dir: &Path,
) -> Result<BuildReport, BuildError> {
    let mut timings = Timings::default();
    let started = Instant::now();
    // One parse: the triples go to the graph, the vocabulary to the extractor.
    let ontology = resources::load_ontology(ontology)?;
    let lexicon = Lexicon::from_ontology(&ontology)?;
    timings.lexicon = started.elapsed();

    let files = input_files(inputs)?;
    let extracted = extract_all(&lexicon, &files, &mut timings)?;

    let started = Instant::now();
    let graph = to_graph(&lexicon, &ontology, &extracted);
    timings.graph = started.elapsed();

    let started = Instant::now();
    let quads = store::replace(store_dir, graph.quads())?;
    timings.store = started.elapsed();

    Ok(BuildReport {
        collections: extracted
            .collections
            .iter()
            .map(|c| (c.source_name.clone(), c.cases.len()))
            .collect(),
        cases: extracted.collections.iter().map(|c| c.cases.len()).sum(),
        quads,
        timings,
    })
}
