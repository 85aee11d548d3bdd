//! Store stage: the graph on disk, in Oxigraph (RocksDB) stores that only
//! ever replace themselves.
//!
//! The directory a user names with `--store` holds:
//!
//! ```text
//! DIR/reformkg-store.json   the marker: reformkg made this directory
//! DIR/current -> v7         the live version, switched with one rename(2)
//! DIR/v7/                   an Oxigraph store; never written once published
//! DIR/v7.pin                readers hold a shared lock on it while they read v7
//! DIR/write.lock            a build or an update holds it exclusively
//! DIR/building-v8/          the scratch of a running (or killed) writer
//! DIR/loaded/               graphs added by `reformkg load` (see [`loaded`])
//! DIR/cache/                what builds computed per document (see [`cache`])
//! ```
//!
//! Why this shape:
//! - **Nothing lost.** A directory is written only if it is absent, empty or
//!   carries the marker; anything else is refused and left as it was.
//! - **No window.** `current` is a symlink replaced by `rename(2)`, so at
//!   every instant the path opens to a complete version, old or new.
//! - **Readers never see a write.** A published version is read-only for
//!   ever: a build loads a new version from scratch, an update applies to a
//!   checkpoint (hard links) of the current one, and both publish by
//!   switching `current`. One-shot commands open read-only and create no
//!   files.
//! - **Old versions go only when unused.** A reader pins its version with a
//!   shared `flock`; a writer removes an old version only when it can take
//!   the pin exclusively, so nothing a reader has open is deleted.
//! - **One writer.** `write.lock` is an exclusive `flock`: a second build
//!   fails at once with a clear message and never touches the first's
//!   scratch. Locks die with their process, so kill -9 leaves none behind.

pub mod atomic_file;
pub mod cache;
pub mod loaded;
pub mod sparql;

use oxigraph::model::Quad;
use oxigraph::store::{StorageError, Store};
use std::fs::{File, OpenOptions, TryLockError};
use std::io::ErrorKind;
use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Where the store lives when neither `--store` nor `REFORMKG_STORE` says.
pub const DEFAULT_STORE_DIR: &str = ".reformkg/store";
/// The file that marks a directory as a reformkg store.
pub const MARKER_FILE: &str = "reformkg-store.json";
/// The marker's `format` value.
const FORMAT: &str = "reformkg-store";
/// The directory layout this version writes and reads.
const LAYOUT: u64 = 1;
const CURRENT_LINK: &str = "current";
const WRITE_LOCK: &str = "write.lock";
const BUILDING_PREFIX: &str = "building-";
const LINK_TMP_PREFIX: &str = "current.tmp-";
/// How long an update waits for another writer before giving up.
const UPDATE_PATIENCE: Duration = Duration::from_secs(10);
/// How many times a reader retries when a writer switches versions under it.
const OPEN_ATTEMPTS: usize = 20;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("no store at {0}: run `reformkg build` first")]
    Missing(String),
    #[error(
        "{0} holds a store written by an earlier reformkg (it has no {MARKER_FILE}): \
         remove that directory yourself, then run `reformkg build`"
    )]
    Legacy(String),
    #[error(
        "{path} is not a reformkg store ({why}); reformkg writes only into a new or empty \
         directory or one of its own stores, so it left it untouched: choose another --store"
    )]
    NotAStore { path: String, why: &'static str },
    #[error("refusing to use {path} as a store: {why}")]
    Refused { path: String, why: &'static str },
    #[error("{path}/{MARKER_FILE} is not a reformkg store marker this version understands: {why}")]
    BadMarker { path: String, why: String },
    #[error(
        "another reformkg process is writing the store at {0} (a build or an update holds its \
         write.lock); try again when it has finished"
    )]
    Busy(String),
    #[error(
        "the store at {0} was rebuilt after this session opened it, so the update was not \
         applied; the session now reads the new store: run the update again if you still want it"
    )]
    Stale(String),
    #[error("cannot open the store at {path}: {source}")]
    Open { path: String, source: StorageError },
    #[error("cannot write the store at {path}: {source}")]
    Write { path: String, source: StorageError },
    #[error(
        "{path} is not a list of loaded graphs this version understands ({why}); \
         it was left as it is"
    )]
    BadLoaded { path: String, why: String },
    #[error(
        "cannot read the loaded graph <{graph}> from {path} ({why}): load it again, or \
         remove it with `reformkg load --drop {graph}`"
    )]
    LoadedData {
        graph: String,
        path: String,
        why: String,
    },
    #[error("cannot prepare {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

/// A failure of [`update`]: the store's own, or the one the update gave.
#[derive(Debug, thiserror::Error)]
pub enum UpdateError<E: std::error::Error + 'static> {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Apply(E),
}

/// One published version of a store directory (`v7` is `Version(7)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version(pub u64);

impl Version {
    fn name(self) -> String {
        format!("v{}", self.0)
    }

    fn parse(name: &str) -> Option<Self> {
        let digits = name.strip_prefix('v')?;
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        digits.parse().ok().map(Version)
    }
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "v{}", self.0)
    }
}

/// An open, read-only view of one version. It keeps the version pinned
/// (no writer removes it) for as long as any clone is alive.
#[derive(Clone)]
pub struct Snapshot(Arc<Pinned>);

struct Pinned {
    // Field order is drop order: close the store, then release the pin.
    store: Store,
    dir: PathBuf,
    version: Version,
    _pin: File,
}

impl Snapshot {
    pub fn store(&self) -> &Store {
        &self.0.store
    }

    /// The store directory (what `--store` named).
    pub fn dir(&self) -> &Path {
        &self.0.dir
    }

    pub fn version(&self) -> Version {
        self.0.version
    }

    /// Has another version been published since this one was opened?
    pub fn is_stale(&self) -> bool {
        current_version(&self.0.dir).is_some_and(|v| v != self.0.version)
    }
}

impl Deref for Snapshot {
    type Target = Store;

    fn deref(&self) -> &Store {
        &self.0.store
    }
}

impl std::fmt::Debug for Snapshot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Snapshot")
            .field("dir", &self.0.dir)
            .field("version", &self.0.version)
            .finish()
    }
}

/// Is there a published store at `dir`?
pub fn exists(dir: &Path) -> bool {
    dir.join(MARKER_FILE).is_file()
        && current_version(dir).is_some_and(|v| dir.join(v.name()).join("CURRENT").is_file())
}

/// The live version of the store at `dir`, if one has been published.
pub fn current_version(dir: &Path) -> Option<Version> {
    let target = std::fs::read_link(dir.join(CURRENT_LINK)).ok()?;
    Version::parse(target.to_str()?)
}

/// Opens the live version read-only and pins it. Creates no file in the
/// store, so any number of readers can run beside a writer.
pub fn open(dir: &Path) -> Result<Snapshot, StoreError> {
    if !exists(dir) {
        return Err(missing(dir));
    }
    for _ in 0..OPEN_ATTEMPTS {
        let Some(version) = current_version(dir) else {
            return Err(missing(dir));
        };
        // A writer may remove this version between our reading `current`
        // and pinning it; it was then not live any more, so look again.
        let Some(pin) = pin(dir, version)? else {
            continue;
        };
        let path = dir.join(version.name());
        if !path.join("CURRENT").is_file() {
            continue;
        }
        let store = Store::open_read_only(&path).map_err(|source| StoreError::Open {
            path: dir.display().to_string(),
            source,
        })?;
        return Ok(Snapshot(Arc::new(Pinned {
            store,
            dir: dir.to_path_buf(),
            version,
            _pin: pin,
        })));
    }
    Err(StoreError::Busy(dir.display().to_string()))
}

/// A shared lock on `DIR/vN.pin`, or `None` if that version is gone.
fn pin(dir: &Path, version: Version) -> Result<Option<File>, StoreError> {
    let path = pin_path(dir, version);
    let file = match File::open(&path) {
        Ok(file) => file,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(io_error(&path, source)),
    };
    file.lock_shared()
        .map_err(|source| io_error(&path, source))?;
    // A writer that removed the version unlinked the pin last, while holding
    // it exclusively; a pin we locked after that is no longer in the folder.
    Ok(path.is_file().then_some(file))
}

/// Builds a new version holding exactly `quads` and publishes it.
/// Returns the number of quads in the new store.
pub fn replace(dir: &Path, quads: &[Quad]) -> Result<usize, StoreError> {
    replace_from(
        dir,
        quads.iter().cloned().map(Ok::<_, std::convert::Infallible>),
        &LoadOptions::default(),
    )
    .map(|(count, _)| count)
    .map_err(|e| match e {
        UpdateError::Store(e) => e,
        UpdateError::Apply(never) => match never {},
    })
}

/// How the bulk loader of [`replace_from`] works.
#[derive(Default)]
pub struct LoadOptions {
    /// Called from time to time with the number of quads loaded so far.
    pub on_progress: Option<Arc<dyn Fn(u64) + Send + Sync>>,
    /// The build's document cache: publishing keeps the entries it used
    /// and removes the others (without one the cache is left alone).
    pub cache: Option<Arc<cache::Cache>>,
}

/// The bulk loader's memory target (MB, all threads together): a batch is
/// a thousand quads per MB divided by the threads, so a build's peak memory
/// stays near this however many quads it loads. Measured at 10,000 cases
/// (3.7 M quads): 256 MB built in 16.3 s, 512 MB in 12.6–13.7 s at 530 MiB
/// peak, 1024 MB no faster at 1 GiB; Oxigraph's default (a million quads a
/// batch) peaks at 1.6 GiB.
pub(crate) const BULK_LOAD_MEMORY_MB: usize = 512;

/// Writes a new version of the store from a stream of quads and publishes
/// it atomically; returns how many quads the new version holds (the stream
/// may repeat a quad: it is stored once) and the version.
///
/// The stream is consumed as it comes, through Oxigraph's bulk loader in
/// bounded batches, so the caller can produce it while it is loaded and
/// memory does not grow with its length. When the stream yields an error
/// (`UpdateError::Apply`) or loading fails, the scratch copy is dropped and
/// the live version keeps answering.
pub fn replace_from<E: std::error::Error + 'static>(
    dir: &Path,
    quads: impl Iterator<Item = Result<Quad, E>>,
    options: &LoadOptions,
) -> Result<(usize, Version), UpdateError<E>> {
    claim(dir)?;
    let lock = WriteLock::acquire(dir, Duration::ZERO)?;
    // The graphs `reformkg load` added go into every build (read under the
    // lock: no load can slip in between).
    let kept = match current_version(dir) {
        Some(live) => loaded::read_manifest(dir, live)?,
        None => Vec::new(),
    };
    let scratch = lock.scratch()?;
    let quads = quads
        .map(|q| q.map_err(LoadFailure::Source))
        .chain(loaded::quads(dir, kept.clone()).map(|q| q.map_err(LoadFailure::Kept)));
    let count = load(&scratch.path, quads, options)?;
    let version = lock.publish(scratch, &kept)?;
    if let Some(cache) = &options.cache {
        // Still under the write lock: no other build writes the cache.
        cache.remove_unused();
    }
    Ok((count, version))
}

/// A failure while loading: the source's, a loaded graph's or the storage's.
enum LoadFailure<E> {
    Source(E),
    Kept(StoreError),
    Storage(StorageError),
}

impl<E> From<StorageError> for LoadFailure<E> {
    fn from(e: StorageError) -> Self {
        LoadFailure::Storage(e)
    }
}

fn load<E: std::error::Error + 'static>(
    path: &Path,
    quads: impl Iterator<Item = Result<Quad, LoadFailure<E>>>,
    options: &LoadOptions,
) -> Result<usize, UpdateError<E>> {
    let store = Store::open(path).map_err(|e| write_error(path, e))?;
    // One loading thread a core: the calling thread only hands on quads that
    // the build's workers produce.
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let mut loader = store
        .bulk_loader()
        .with_num_threads(threads)
        .with_max_memory_size_in_megabytes(BULK_LOAD_MEMORY_MB);
    if let Some(progress) = options.on_progress.clone() {
        loader = loader.on_progress(move |n| progress(n));
    }
    loader
        .load_ok_quads::<LoadFailure<E>, LoadFailure<E>>(quads)
        .map_err(|failure| match failure {
            LoadFailure::Source(e) => UpdateError::Apply(e),
            LoadFailure::Kept(e) => UpdateError::Store(e),
            LoadFailure::Storage(e) => write_error(path, e).into(),
        })?;
    loader.commit().map_err(|e| write_error(path, e))?;
    store.flush().map_err(|e| write_error(path, e))?;
    Ok(store.len().map_err(|e| write_error(path, e))?)
}

/// Applies `apply` to a copy of the live version and publishes the result,
/// so readers never see a half-applied update. With `expected`, refuses
/// ([`StoreError::Stale`]) when another version went live since the caller
/// last read it. Returns what `apply` returned and the new version.
pub fn update<T, E: std::error::Error + 'static>(
    dir: &Path,
    expected: Option<Version>,
    apply: impl FnOnce(&Store) -> Result<T, E>,
) -> Result<(T, Version), UpdateError<E>> {
    change(dir, expected, |store, _| apply(store))
}

/// [`update`] that may also change the list of loaded graphs the new
/// version carries (`apply` gets the live version's list to edit).
pub(crate) fn change<T, E: std::error::Error + 'static>(
    dir: &Path,
    expected: Option<Version>,
    apply: impl FnOnce(&Store, &mut Vec<loaded::LoadedGraph>) -> Result<T, E>,
) -> Result<(T, Version), UpdateError<E>> {
    if !exists(dir) {
        return Err(missing(dir).into());
    }
    check_marker(dir)?;
    let lock = WriteLock::acquire(dir, UPDATE_PATIENCE)?;
    let live = current_version(dir).ok_or_else(|| missing(dir))?;
    if expected.is_some_and(|v| v != live) {
        return Err(StoreError::Stale(dir.display().to_string()).into());
    }
    let scratch = lock.scratch()?;
    let base = Store::open_read_only(dir.join(live.name())).map_err(|source| StoreError::Open {
        path: dir.display().to_string(),
        source,
    })?;
    // A checkpoint hard-links the immutable table files: cheap, and the
    // live version is never opened for writing.
    base.backup(&scratch.path)
        .map_err(|e| write_error(&scratch.path, e))?;
    drop(base);
    let mut kept = loaded::read_manifest(dir, live)?;
    let store = Store::open(&scratch.path).map_err(|e| write_error(&scratch.path, e))?;
    let value = apply(&store, &mut kept).map_err(UpdateError::Apply)?;
    store.flush().map_err(|e| write_error(&scratch.path, e))?;
    drop(store);
    let version = lock.publish(scratch, &kept)?;
    Ok((value, version))
}

/// Makes sure `dir` may become (or already is) a store: absent, empty, or
/// marked. Creates it with its marker when absent.
pub fn claim(dir: &Path) -> Result<(), StoreError> {
    match check_target(dir)? {
        Target::Absent => create_marked(dir),
        Target::Empty => write_marker(dir),
        Target::Store => Ok(()),
    }
}

/// What [`check_target`] found at a store path.
enum Target {
    Absent,
    Empty,
    Store,
}

/// Could a build write a store at `dir`? The same refusals as a build, and
/// nothing written: callers check before doing long work (reading the
/// documents) so that a wrong `--store` fails first.
pub fn check_build_target(dir: &Path) -> Result<(), StoreError> {
    check_target(dir).map(|_| ())
}

fn check_target(dir: &Path) -> Result<Target, StoreError> {
    refuse_special(dir)?;
    match std::fs::metadata(dir) {
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(Target::Absent),
        Err(source) => Err(io_error(dir, source)),
        Ok(meta) if !meta.is_dir() => Err(StoreError::Refused {
            path: dir.display().to_string(),
            why: "it is a file, not a directory",
        }),
        Ok(_) if dir.join(MARKER_FILE).exists() => check_marker(dir).map(|()| Target::Store),
        Ok(_) if dir.join("CURRENT").exists() => Err(StoreError::Legacy(dir.display().to_string())),
        Ok(_) => {
            let mut entries = std::fs::read_dir(dir).map_err(|e| io_error(dir, e))?;
            if entries.next().is_some() {
                return Err(StoreError::NotAStore {
                    path: dir.display().to_string(),
                    why: "it is a non-empty directory without a reformkg-store.json marker",
                });
            }
            Ok(Target::Empty)
        }
    }
}

/// The root, the home directory and the working directory are never stores,
/// even when empty: a mistyped `--store` must not claim them.
fn refuse_special(dir: &Path) -> Result<(), StoreError> {
    let refused = |why| StoreError::Refused {
        path: dir.display().to_string(),
        why,
    };
    let Ok(resolved) = dir.canonicalize() else {
        // Absent: it will be created, so it is none of those.
        return Ok(());
    };
    if resolved.parent().is_none() {
        return Err(refused("it is the root directory"));
    }
    if dirs::home_dir()
        .and_then(|h| h.canonicalize().ok())
        .as_deref()
        == Some(&resolved)
    {
        return Err(refused("it is the home directory"));
    }
    let cwd = std::env::current_dir().and_then(|c| c.canonicalize());
    if cwd.as_ref().is_ok_and(|c| c.starts_with(&resolved)) {
        return Err(refused("it is the working directory or one of its parents"));
    }
    Ok(())
}

/// Creates `dir` with its marker in one step: built beside it and renamed
/// in, so no one ever sees the directory without the marker.
fn create_marked(dir: &Path) -> Result<(), StoreError> {
    let parent = parent_of(dir);
    std::fs::create_dir_all(&parent).map_err(|e| io_error(&parent, e))?;
    let name = dir
        .file_name()
        .map_or_else(|| "store".to_owned(), |n| n.to_string_lossy().into_owned());
    let staging = parent.join(format!(".{name}.creating-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&staging);
    std::fs::create_dir(&staging).map_err(|e| io_error(&staging, e))?;
    write_marker(&staging)?;
    match std::fs::rename(&staging, dir) {
        Ok(()) => Ok(()),
        Err(source) => {
            let _ = std::fs::remove_dir_all(&staging);
            // Someone else created it meanwhile: judge what is there now.
            if dir.exists() {
                claim_existing(dir)
            } else {
                Err(io_error(dir, source))
            }
        }
    }
}

fn claim_existing(dir: &Path) -> Result<(), StoreError> {
    if dir.join(MARKER_FILE).exists() {
        check_marker(dir)
    } else {
        Err(StoreError::NotAStore {
            path: dir.display().to_string(),
            why: "another process created it meanwhile, without a marker",
        })
    }
}

fn write_marker(dir: &Path) -> Result<(), StoreError> {
    let marker = serde_json::json!({
        "format": FORMAT,
        "layout": LAYOUT,
        "created_by": concat!("reformkg ", env!("CARGO_PKG_VERSION")),
        "about": "An Oxigraph store written by reformkg. `current` links to the live version; \
                  open that directory (read-only) with any Oxigraph tool.",
    });
    let text = serde_json::to_string_pretty(&marker).unwrap_or_default() + "\n";
    crate::atomic_file::write(&dir.join(MARKER_FILE), text.as_bytes())
        .map_err(|source| io_error(&dir.join(MARKER_FILE), source))
}

fn check_marker(dir: &Path) -> Result<(), StoreError> {
    let path = dir.join(MARKER_FILE);
    let bad = |why: String| StoreError::BadMarker {
        path: dir.display().to_string(),
        why,
    };
    let text = std::fs::read_to_string(&path).map_err(|e| bad(e.to_string()))?;
    let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| bad(e.to_string()))?;
    if value["format"] != FORMAT {
        return Err(bad(format!("its format is not {FORMAT:?}")));
    }
    match value["layout"].as_u64() {
        Some(LAYOUT) => Ok(()),
        Some(other) => Err(bad(format!(
            "layout {other} (this reformkg reads layout {LAYOUT}; it was written by a newer one)"
        ))),
        None => Err(bad("it names no layout".to_owned())),
    }
}

/// The exclusive right to write versions into one store directory.
struct WriteLock {
    dir: PathBuf,
    _file: File,
}

/// A version being written, not yet visible to anyone.
struct Scratch {
    path: PathBuf,
    version: Version,
}

impl Drop for Scratch {
    fn drop(&mut self) {
        // Gone already when published (renamed); otherwise a failed write.
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

impl WriteLock {
    /// Takes `DIR/write.lock`, waiting up to `patience` for another writer.
    fn acquire(dir: &Path, patience: Duration) -> Result<Self, StoreError> {
        let path = dir.join(WRITE_LOCK);
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| io_error(&path, e))?;
        let started = Instant::now();
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(TryLockError::WouldBlock) if started.elapsed() < patience => {
                    std::thread::sleep(Duration::from_millis(50));
                }
                Err(TryLockError::WouldBlock) => {
                    return Err(StoreError::Busy(dir.display().to_string()))
                }
                Err(TryLockError::Error(e)) => return Err(io_error(&path, e)),
            }
        }
        let lock = Self {
            dir: dir.to_path_buf(),
            _file: file,
        };
        lock.remove_leftovers();
        Ok(lock)
    }

    /// A fresh directory for the next version.
    fn scratch(&self) -> Result<Scratch, StoreError> {
        let newest = self.versions().into_iter().max().unwrap_or(Version(0));
        let version = Version(newest.0 + 1);
        let path = self
            .dir
            .join(format!("{BUILDING_PREFIX}{}", version.name()));
        let _ = std::fs::remove_dir_all(&path);
        Ok(Scratch { path, version })
    }

    /// Makes `scratch` the live version, carrying the loaded graphs `kept`,
    /// then removes old unused versions and loaded data.
    fn publish(
        &self,
        scratch: Scratch,
        kept: &[loaded::LoadedGraph],
    ) -> Result<Version, StoreError> {
        let version = scratch.version;
        loaded::write_manifest(&self.dir, version, kept)?;
        let pin = pin_path(&self.dir, version);
        File::create(&pin).map_err(|e| io_error(&pin, e))?;
        let final_path = self.dir.join(version.name());
        std::fs::rename(&scratch.path, &final_path).map_err(|e| io_error(&final_path, e))?;
        sync_dir(&self.dir);
        // The switch: a new link beside `current`, renamed over it.
        let link = self
            .dir
            .join(format!("{LINK_TMP_PREFIX}{}", std::process::id()));
        let _ = std::fs::remove_file(&link);
        std::os::unix::fs::symlink(version.name(), &link).map_err(|e| io_error(&link, e))?;
        std::fs::rename(&link, self.dir.join(CURRENT_LINK))
            .map_err(|e| io_error(&self.dir.join(CURRENT_LINK), e))?;
        sync_dir(&self.dir);
        self.remove_unused_versions(version);
        loaded::remove_unused(&self.dir);
        Ok(version)
    }

    /// The versions present, published or not.
    fn versions(&self) -> Vec<Version> {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return Vec::new();
        };
        entries
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                let name = e.file_name().into_string().ok()?;
                let name = name.strip_prefix(BUILDING_PREFIX).unwrap_or(&name);
                let name = name.strip_suffix(".pin").unwrap_or(name);
                Version::parse(name)
            })
            .collect()
    }

    /// What a killed writer left: its scratch and its half-made link. Only
    /// the lock holder writes those, so with the lock held they are stale.
    fn remove_leftovers(&self) {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        for entry in entries.filter_map(|e| e.ok()) {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with(BUILDING_PREFIX) {
                let _ = std::fs::remove_dir_all(entry.path());
            } else if name.starts_with(LINK_TMP_PREFIX) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }

    /// Removes every version but `live` that no reader has pinned.
    fn remove_unused_versions(&self, live: Version) {
        let mut seen = self.versions();
        seen.sort();
        seen.dedup();
        for version in seen.into_iter().filter(|v| *v != live) {
            let pin = pin_path(&self.dir, version);
            let held = match File::open(&pin) {
                Ok(file) => match file.try_lock() {
                    Ok(()) => Some(file),
                    Err(_) => continue, // a reader is using it
                },
                Err(_) => None, // never published: no reader can have it
            };
            let _ = std::fs::remove_dir_all(self.dir.join(version.name()));
            let _ = std::fs::remove_file(&pin);
            drop(held);
        }
    }
}

fn pin_path(dir: &Path, version: Version) -> PathBuf {
    dir.join(format!("{}.pin", version.name()))
}

/// Makes renames in `dir` durable (a crash after publishing keeps them).
fn sync_dir(dir: &Path) {
    if let Ok(handle) = File::open(dir) {
        let _ = handle.sync_all();
    }
}

fn parent_of(dir: &Path) -> PathBuf {
    match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

fn missing(dir: &Path) -> StoreError {
    if dir.join("CURRENT").is_file() && !dir.join(MARKER_FILE).exists() {
        return StoreError::Legacy(dir.display().to_string());
    }
    StoreError::Missing(dir.display().to_string())
}

fn write_error(path: &Path, source: StorageError) -> StoreError {
    StoreError::Write {
        path: path.display().to_string(),
        source,
    }
}

fn io_error(path: &Path, source: std::io::Error) -> StoreError {
    StoreError::Io {
        path: path.display().to_string(),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_names_round_trip_and_reject_others() {
        assert_eq!(Version::parse("v12"), Some(Version(12)));
        assert_eq!(Version(12).name(), "v12");
        for name in ["v", "12", "v1x", "v-1", "building-v3", "v3.pin"] {
            assert_eq!(Version::parse(name), None, "{name}");
        }
    }
}
