//! The whole build: documents → cases → facts → quads → store.
//!
//! This is the one place that strings the stages together; each stage stays
//! usable on its own (and is tested on its own).

use crate::corpus::{self, Collection, CorpusError};
use crate::extract::{CaseFacts, ExtractError, Extractor};
use crate::graph::{add_collection, ontology_quads, referred_places, Graph};
use crate::lexicon::PlaceId;
use crate::lexicon::{Lexicon, LexiconError, Ontology};
use crate::resources::{self, Source};
use crate::store::cache::{self, Cache, CachedDocument, Entry};
use crate::store::{self, StoreError};
use oxigraph::model::Quad;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::Receiver;
use std::sync::{Arc, Condvar, Mutex, PoisonError};
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
    /// How many documents came from the cache rather than being extracted.
    pub cached: usize,
    /// The build added the new documents to the previous version instead
    /// of loading every document again.
    pub incremental: bool,
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

/// What a build tells about its progress as it goes (a progress bar).
pub trait BuildProgress: Sync {
    /// The build will read this many documents.
    fn start(&self, _documents: usize) {}
    /// One more document has been read and extracted.
    fn document(&self, _name: &str, _cases: usize) {}
    /// The store has loaded this many quads so far.
    fn loaded(&self, _quads: u64) {}
}

/// How a build runs.
#[derive(Debug, Clone, Copy)]
pub struct BuildOptions {
    /// Read documents unchanged since an earlier build from the store's
    /// cache ([`store::cache`]), and keep what this build extracts there.
    pub cache: bool,
}

impl Default for BuildOptions {
    fn default() -> Self {
        Self { cache: true }
    }
}

/// Builds the graph from `inputs` with the vocabulary from `ontology` (see
/// [`crate::resources`]) and atomically replaces the store at `store_dir`.
///
/// The build streams: worker threads (one per core) read, extract and turn
/// one document at a time into quads, while the store's bulk loader takes
/// them in bounded batches, so memory does not grow with the corpus. The
/// documents are handed on in input order (the first bad document is the
/// one reported); the ontology's triples go last, once the places the
/// documents refer to are known. Each collection's IRIs are its own; the
/// nodes several share (concepts, places, bodies of a place) may come
/// twice and are stored once.
///
/// With the cache on, a document whose name and bytes, ontology and program
/// an earlier build saw is read from the cache instead (the same quads, so
/// the same store); only new or changed documents are extracted.
pub fn build(
    inputs: &[PathBuf],
    ontology: &Source,
    store_dir: &Path,
    options: BuildOptions,
    progress: &dyn BuildProgress,
) -> Result<BuildReport, BuildError> {
    let mut timings = Timings::default();
    let started = Instant::now();
    // One parse: the triples go to the graph, the vocabulary to the extractor.
    let ontology = resources::load_ontology(ontology)?;
    let lexicon = Lexicon::from_ontology(&ontology)?;
    timings.lexicon = started.elapsed();

    let files = input_files(inputs)?;
    let extractor = Extractor::new(&lexicon)?;
    let cache = match options.cache {
        // The cache lives in the store directory: claim it first (the same
        // refusals as the build's), so nothing is written anywhere else.
        true => {
            store::claim(store_dir)?;
            Some(DocumentCache::new(store_dir, &ontology))
        }
        false => None,
    };
    let stage_times = StageTimes::default();
    if let Some(cache) = &cache {
        let reader = Reader {
            extractor: &extractor,
            lexicon: &lexicon,
            times: &stage_times,
            cache: Some(cache),
        };
        let increment = Increment {
            files: &files,
            cache,
            reader: &reader,
            ontology: &ontology,
            store_dir,
            progress,
        };
        if let Some(mut report) = increment.run()? {
            report.timings.lexicon = timings.lexicon;
            report.timings.corpus = stage_times.corpus.get();
            report.timings.extract = stage_times.extract.get();
            report.timings.graph = stage_times.graph.get();
            return Ok(report);
        }
    }
    progress.start(files.len());
    let mut state = StreamState::default();
    let started = Instant::now();
    let next = AtomicUsize::new(0);
    let window = Window::default();
    let loaded = std::thread::scope(|scope| {
        let (sender, receiver) = std::sync::mpsc::sync_channel(DOCUMENTS_IN_FLIGHT);
        let workers = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        for _ in 0..workers.min(files.len()) {
            let sender = sender.clone();
            let (files, next, extractor, lexicon, times, window) =
                (&files, &next, &extractor, &lexicon, &stage_times, &window);
            let cache = cache.as_ref();
            scope.spawn(move || loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                let Some(file) = files.get(index) else { break };
                if !window.wait_for(index) {
                    break; // the load stopped
                }
                let reader = Reader {
                    extractor,
                    lexicon,
                    times,
                    cache,
                };
                let document = reader.read(file);
                if sender.send((index, document)).is_err() {
                    break; // the load stopped
                }
            });
        }
        drop(sender);
        let stream = QuadStream {
            documents: receiver,
            pending: BTreeMap::new(),
            next_index: 0,
            window: &window,
            current: Vec::new().into_iter(),
            state: &mut state,
            ontology: &ontology,
            lexicon: &lexicon,
            progress,
            cache: cache.as_ref(),
            loaded: Arc::new(AtomicU64::new(0)),
            finished: false,
        };
        // The loader reports from its own threads; the stream passes the
        // figure on as it hands out quads.
        let counter = Arc::clone(&stream.loaded);
        let options = store::LoadOptions {
            on_progress: Some(Arc::new(move |n| counter.store(n, Ordering::Relaxed))),
            cache: cache.as_ref().map(|c| Arc::clone(&c.cache)),
        };
        store::replace_from(store_dir, stream, &options)
    });
    timings.store = started.elapsed();
    let (quads, version) = loaded.map_err(|e| match e {
        store::UpdateError::Store(e) => BuildError::Store(e),
        store::UpdateError::Apply(e) => e,
    })?;
    if let Some(cache) = &cache {
        let documents = std::mem::take(&mut state.recorded);
        let record = BuildRecord::new(cache, documents, &state.places, &lexicon, quads);
        cache.cache.write_record(version, &record.to_text());
    }
    timings.corpus = stage_times.corpus.get();
    timings.extract = stage_times.extract.get();
    timings.graph = stage_times.graph.get();
    Ok(BuildReport {
        cases: state.collections.iter().map(|(_, n)| n).sum(),
        collections: state.collections,
        cached: state.cached,
        incremental: false,
        quads,
        timings,
    })
}

/// How many documents' quads may wait for the loader at once: with one
/// worker per core, enough to keep the loader fed, and the bound on memory.
const DOCUMENTS_IN_FLIGHT: usize = 4;

/// Keeps the workers less than [`DOCUMENTS_IN_FLIGHT`] documents ahead of
/// the one the loader waits for: documents are handed on in input order,
/// so those finished early wait, and without this a slow document would
/// let all the others pile up behind it.
#[derive(Default)]
struct Window {
    /// The index of the next document the loader takes, and whether the
    /// load has stopped.
    state: Mutex<(usize, bool)>,
    moved: Condvar,
}

impl Window {
    /// Waits until document `index` may be read; false when the load has
    /// stopped.
    fn wait_for(&self, index: usize) -> bool {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        while !state.1 && index >= state.0 + DOCUMENTS_IN_FLIGHT {
            state = self
                .moved
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
        !state.1
    }

    fn advance_to(&self, next: usize) {
        self.state.lock().unwrap_or_else(PoisonError::into_inner).0 = next;
        self.moved.notify_all();
    }

    fn stop(&self) {
        self.state.lock().unwrap_or_else(PoisonError::into_inner).1 = true;
        self.moved.notify_all();
    }
}

/// One document read, extracted and turned into quads by a worker.
struct Document {
    source_name: String,
    slug: String,
    cases: usize,
    quads: Vec<Quad>,
    places: Vec<PlaceId>,
    /// Its cache key (when the cache is on), and whether it came from there.
    key: Option<String>,
    cached: bool,
}

/// Time spent in each stage, summed over the workers.
#[derive(Default)]
struct StageTimes {
    corpus: StageTime,
    extract: StageTime,
    graph: StageTime,
}

#[derive(Default)]
struct StageTime(AtomicU64);

impl StageTime {
    fn add(&self, since: Instant) {
        let nanos = u64::try_from(since.elapsed().as_nanos()).unwrap_or(u64::MAX);
        self.0.fetch_add(nanos, Ordering::Relaxed);
    }

    fn get(&self) -> Duration {
        Duration::from_nanos(self.0.load(Ordering::Relaxed))
    }
}

/// The cache as a build uses it: the store's, and what every key shares.
struct DocumentCache {
    cache: Arc<Cache>,
    /// The program and the ontology: a change to either changes the output.
    context: String,
}

impl DocumentCache {
    fn new(store_dir: &Path, ontology: &Ontology) -> Self {
        Self {
            cache: Arc::new(Cache::new(store_dir)),
            context: format!("{}\n{}", program_fingerprint(), ontology_digest(ontology)),
        }
    }

    fn key(&self, source_name: &str, bytes: &[u8]) -> String {
        cache::key(&[self.context.as_bytes(), source_name.as_bytes(), bytes])
    }
}

/// This program: its version and, so that a rebuilt binary of the same
/// version never reads what another one wrote, its executable's size and
/// modification time.
fn program_fingerprint() -> String {
    let executable = std::env::current_exe()
        .and_then(std::fs::metadata)
        .map(|m| {
            let modified = m
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos());
            format!("{} {modified}", m.len())
        })
        .unwrap_or_default();
    format!("reformkg {} {executable}", env!("CARGO_PKG_VERSION"))
}

/// The SHA-256 of the ontology's triples, in order (what the lexicon and
/// the graph stage read from it).
fn ontology_digest(ontology: &Ontology) -> String {
    let text: Vec<String> = ontology.quads().iter().map(ToString::to_string).collect();
    let parts: Vec<&[u8]> = text.iter().map(String::as_bytes).collect();
    cache::key(&parts)
}

/// What a worker needs to turn a file into a [`Document`].
struct Reader<'a> {
    extractor: &'a Extractor<'a>,
    lexicon: &'a Lexicon,
    times: &'a StageTimes,
    cache: Option<&'a DocumentCache>,
}

impl Reader<'_> {
    /// The document from the cache when it holds it, else extracted (and
    /// then kept in the cache).
    fn read(&self, file: &Path) -> Result<Document, BuildError> {
        let started = Instant::now();
        let (source_name, bytes) = corpus::read_source(file)?;
        let Some(cache) = self.cache else {
            let collection = corpus::parse_collection(&source_name, &bytes)?;
            self.times.corpus.add(started);
            return Ok(self.extract(collection, None));
        };
        let key = cache.key(&source_name, &bytes);
        self.read_keyed(cache, &source_name, &bytes, key, started)
    }

    /// A document whose cache key is known: from the cache, or extracted.
    fn read_keyed(
        &self,
        cache: &DocumentCache,
        source_name: &str,
        bytes: &[u8],
        key: String,
        started: Instant,
    ) -> Result<Document, BuildError> {
        if let Some(cached) = cache.cache.get(&key) {
            self.times.corpus.add(started);
            return Ok(self.reuse(cached, key));
        }
        let collection = corpus::parse_collection(source_name, bytes)?;
        self.times.corpus.add(started);
        let document = self.extract(collection, Some(key.clone()));
        cache.cache.put(
            &key,
            Entry {
                source_name: &document.source_name,
                slug: &document.slug,
                cases: document.cases,
                quads: &document.quads,
            },
        );
        Ok(document)
    }

    fn reuse(&self, cached: CachedDocument, key: String) -> Document {
        let started = Instant::now();
        let places = referred_places(&cached.quads, self.lexicon);
        self.times.graph.add(started);
        Document {
            source_name: cached.source_name,
            slug: cached.slug,
            cases: cached.cases,
            quads: cached.quads,
            places,
            key: Some(key),
            cached: true,
        }
    }

    fn extract(&self, collection: Collection, key: Option<String>) -> Document {
        let started = Instant::now();
        let scope = self.extractor.collection_scope(&collection.title);
        let facts: Vec<CaseFacts> = collection
            .cases
            .iter()
            .map(|case| self.extractor.extract_in(case, scope))
            .collect();
        self.times.extract.add(started);
        let started = Instant::now();
        let mut graph = Graph::new();
        add_collection(&mut graph, self.lexicon, &collection, &facts);
        let places = graph.referred_places(self.lexicon);
        self.times.graph.add(started);
        Document {
            source_name: collection.source_name,
            slug: collection.slug,
            cases: collection.cases.len(),
            quads: graph.into_quads(),
            places,
            key,
            cached: false,
        }
    }
}

/// What the build that made a version read, kept beside it in the cache
/// ([`Cache::record`]): the next build adds to that version when all it
/// changes is new documents.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct BuildRecord {
    format: String,
    /// The program and the ontology ([`DocumentCache`]).
    context: String,
    /// In input order.
    documents: Vec<RecordedDocument>,
    /// The places the documents refer to (IRIs): the ontology's triples
    /// about them are in the version.
    places: Vec<String>,
    /// How many quads the version holds.
    quads: usize,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct RecordedDocument {
    key: String,
    slug: String,
    source_name: String,
    cases: usize,
}

const RECORD_FORMAT: &str = "reformkg-build-record-1";

impl BuildRecord {
    fn new(
        cache: &DocumentCache,
        documents: Vec<RecordedDocument>,
        places: &BTreeSet<PlaceId>,
        lexicon: &Lexicon,
        quads: usize,
    ) -> Self {
        let gazetteer = lexicon.gazetteer();
        Self {
            format: RECORD_FORMAT.to_owned(),
            context: cache.context.clone(),
            documents,
            places: places
                .iter()
                .map(|p| gazetteer.place(*p).concept.iri.clone())
                .collect(),
            quads,
        }
    }

    fn to_text(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The record of the live version, if it was made with `cache`'s
    /// program and ontology.
    fn of_live(store_dir: &Path, cache: &DocumentCache) -> Option<(store::Version, Self)> {
        let live = store::current_version(store_dir)?;
        let record: Self = serde_json::from_str(&cache.cache.record(live)?).ok()?;
        (record.format == RECORD_FORMAT && record.context == cache.context)
            .then_some((live, record))
    }
}

/// A build that adds new documents to the live version: a checkpoint of it
/// gets their quads and the ontology's triples about the places they bring
/// ([`store::update`]), so nothing else is loaded again. It applies only
/// when every document the live version was built from is still an input,
/// unchanged, under the same program and ontology; otherwise the build
/// loads everything (from the cache where it can).
struct Increment<'a> {
    files: &'a [PathBuf],
    cache: &'a DocumentCache,
    reader: &'a Reader<'a>,
    ontology: &'a Ontology,
    store_dir: &'a Path,
    progress: &'a dyn BuildProgress,
}

/// One input of an increment: recorded in the live version, or new.
enum Input {
    Recorded(RecordedDocument),
    New(Box<Document>),
}

impl Increment<'_> {
    /// The report, or `None` when the build must load everything.
    fn run(&self) -> Result<Option<BuildReport>, BuildError> {
        if !store::exists(self.store_dir) {
            return Ok(None);
        }
        let Some((live, record)) = BuildRecord::of_live(self.store_dir, self.cache) else {
            return Ok(None);
        };
        let started = Instant::now();
        let mut sources = Vec::with_capacity(self.files.len());
        for file in self.files {
            let Ok((source_name, bytes)) = corpus::read_source(file) else {
                // A whole build reports it, in input order with the rest.
                return Ok(None);
            };
            let key = self.cache.key(&source_name, &bytes);
            sources.push((source_name, bytes, key));
        }
        let recorded: HashMap<&str, &RecordedDocument> = record
            .documents
            .iter()
            .map(|d| (d.key.as_str(), d))
            .collect();
        let keys: HashSet<&str> = sources.iter().map(|(_, _, k)| k.as_str()).collect();
        if recorded.keys().any(|k| !keys.contains(k)) {
            return Ok(None); // a document was removed or changed
        }
        self.reader.times.corpus.add(started);
        self.progress.start(self.files.len());
        // In input order, as a whole build: the first bad document or
        // repeated collection id is the one reported.
        let mut inputs = Vec::with_capacity(sources.len());
        let mut slugs = HashSet::new();
        for (source_name, bytes, key) in sources {
            let input = match recorded.get(key.as_str()) {
                Some(document) => Input::Recorded((*document).clone()),
                None => {
                    let started = Instant::now();
                    let read =
                        self.reader
                            .read_keyed(self.cache, &source_name, &bytes, key, started);
                    Input::New(Box::new(read?))
                }
            };
            let slug = match &input {
                Input::Recorded(document) => &document.slug,
                Input::New(document) => &document.slug,
            };
            if !slugs.insert(slug.clone()) {
                return Err(BuildError::DuplicateSlug(slug.clone()));
            }
            inputs.push(input);
        }
        let Some(places) = self.places(&record, &inputs) else {
            return Ok(None);
        };
        self.apply(live, record.quads, inputs, places)
    }

    /// The places of the recorded and the new documents together.
    fn places(&self, record: &BuildRecord, inputs: &[Input]) -> Option<BTreeSet<PlaceId>> {
        let gazetteer = self.reader.lexicon.gazetteer();
        let mut places = record
            .places
            .iter()
            .map(|iri| gazetteer.by_iri(iri))
            .collect::<Option<BTreeSet<PlaceId>>>()?;
        for input in inputs {
            if let Input::New(document) = input {
                places.extend(document.places.iter().copied());
            }
        }
        Some(places)
    }

    /// Adds the new documents' quads to a checkpoint of `live` and
    /// publishes it.
    fn apply(
        &self,
        live: store::Version,
        live_quads: usize,
        inputs: Vec<Input>,
        places: BTreeSet<PlaceId>,
    ) -> Result<Option<BuildReport>, BuildError> {
        let mut state = StreamState::default();
        let mut added = Vec::new();
        for input in inputs {
            let document = match input {
                Input::Recorded(document) => {
                    state.cached += 1;
                    document
                }
                Input::New(document) => {
                    state.cached += usize::from(document.cached);
                    added.extend(document.quads);
                    RecordedDocument {
                        key: document.key.unwrap_or_default(),
                        slug: document.slug,
                        source_name: document.source_name,
                        cases: document.cases,
                    }
                }
            };
            self.progress
                .document(&document.source_name, document.cases);
            self.cache.cache.mark_used(&document.key);
            state
                .collections
                .push((document.source_name.clone(), document.cases));
            state.recorded.push(document);
        }
        let lexicon = self.reader.lexicon;
        let started = Instant::now();
        let quads = added.into_iter().chain(ontology_quads(
            self.ontology,
            lexicon,
            places.iter().copied(),
        ));
        let applied = store::update(self.store_dir, Some(live), |store| {
            // Under the write lock, every document taken.
            self.cache.cache.remove_unused();
            let new = quads_not_in(store, quads)?;
            let count = live_quads + new.len();
            let mut loader = store.bulk_loader();
            loader.load_quads(new)?;
            loader.commit()?;
            Ok(count)
        });
        let (count, version) = match applied {
            Ok(done) => done,
            // Another writer published meanwhile: build from scratch.
            Err(store::UpdateError::Store(StoreError::Stale(_))) => return Ok(None),
            Err(store::UpdateError::Store(e)) => return Err(e.into()),
            Err(store::UpdateError::Apply(source)) => {
                return Err(BuildError::Store(StoreError::Write {
                    path: self.store_dir.display().to_string(),
                    source,
                }))
            }
        };
        let record = BuildRecord::new(self.cache, state.recorded, &places, lexicon, count);
        self.cache.cache.write_record(version, &record.to_text());
        let timings = Timings {
            store: started.elapsed(),
            ..Timings::default()
        };
        Ok(Some(BuildReport {
            cases: state.collections.iter().map(|(_, n)| n).sum(),
            collections: state.collections,
            quads: count,
            cached: state.cached,
            incremental: true,
            timings,
        }))
    }
}

/// The distinct quads of `quads` that `store` does not hold yet (so that
/// the new version's size is the old one's plus their number, without
/// counting the store).
fn quads_not_in(
    store: &oxigraph::store::Store,
    quads: impl Iterator<Item = Quad>,
) -> Result<Vec<Quad>, oxigraph::store::StorageError> {
    let mut seen = HashSet::new();
    let mut new = Vec::new();
    for quad in quads {
        if !seen.contains(&quad) && !store.contains(&quad)? {
            seen.insert(quad.clone());
            new.push(quad);
        }
    }
    Ok(new)
}

/// What the stream has seen, for the report.
#[derive(Default)]
struct StreamState {
    collections: Vec<(String, usize)>,
    slugs: HashSet<String>,
    places: BTreeSet<PlaceId>,
    cached: usize,
    /// What the build's record lists (when the cache is on).
    recorded: Vec<RecordedDocument>,
}

/// The quads of every document, in input order, then the ontology's.
struct QuadStream<'s> {
    documents: Receiver<(usize, Result<Document, BuildError>)>,
    /// Documents that arrived before an earlier one.
    pending: BTreeMap<usize, Result<Document, BuildError>>,
    next_index: usize,
    window: &'s Window,
    current: std::vec::IntoIter<Quad>,
    state: &'s mut StreamState,
    ontology: &'s Ontology,
    lexicon: &'s Lexicon,
    progress: &'s dyn BuildProgress,
    cache: Option<&'s DocumentCache>,
    loaded: Arc<AtomicU64>,
    finished: bool,
}

impl QuadStream<'_> {
    /// The next document in input order, once it has arrived.
    fn next_document(&mut self) -> Option<Result<Document, BuildError>> {
        loop {
            if let Some(document) = self.pending.remove(&self.next_index) {
                self.next_index += 1;
                self.window.advance_to(self.next_index);
                return Some(document);
            }
            let (index, document) = self.documents.recv().ok()?;
            self.pending.insert(index, document);
        }
    }

    fn accept(&mut self, document: Document) -> Result<Vec<Quad>, BuildError> {
        if !self.state.slugs.insert(document.slug.clone()) {
            return Err(BuildError::DuplicateSlug(document.slug));
        }
        self.progress
            .document(&document.source_name, document.cases);
        self.state
            .collections
            .push((document.source_name, document.cases));
        self.state.places.extend(document.places);
        self.state.cached += usize::from(document.cached);
        if let (Some(cache), Some(key)) = (self.cache, &document.key) {
            cache.cache.mark_used(key);
            self.state.recorded.push(RecordedDocument {
                key: key.clone(),
                slug: document.slug,
                source_name: self
                    .state
                    .collections
                    .last()
                    .map(|c| c.0.clone())
                    .unwrap_or_default(),
                cases: document.cases,
            });
        }
        Ok(document.quads)
    }
}

impl Drop for QuadStream<'_> {
    /// Workers waiting for their turn give up: nobody will take their work.
    fn drop(&mut self) {
        self.window.stop();
    }
}

impl Iterator for QuadStream<'_> {
    type Item = Result<Quad, BuildError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(quad) = self.current.next() {
                return Some(Ok(quad));
            }
            if self.finished {
                return None;
            }
            self.progress.loaded(self.loaded.load(Ordering::Relaxed));
            match self.next_document() {
                Some(Ok(document)) => match self.accept(document) {
                    Ok(quads) => self.current = quads.into_iter(),
                    Err(e) => {
                        self.finished = true;
                        return Some(Err(e));
                    }
                },
                Some(Err(e)) => {
                    self.finished = true;
                    return Some(Err(e));
                }
                None => {
                    self.finished = true;
                    let places: Vec<PlaceId> = self.state.places.iter().copied().collect();
                    self.current = ontology_quads(self.ontology, self.lexicon, places)
                        .collect::<Vec<_>>()
                        .into_iter();
                }
            }
        }
    }
}
