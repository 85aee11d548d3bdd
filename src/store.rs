//! Store stage: the graph on disk in an Oxigraph (RocksDB) store.
//!
//! A build never writes into the live store. It loads everything into a
//! fresh sibling directory and, only when that succeeded, swaps it in; a
//! failed build removes its scratch directory and leaves the previous store
//! exactly as it was.

use oxigraph::model::Quad;
use oxigraph::store::{StorageError, Store};
use std::path::{Path, PathBuf};

/// Where the store lives when neither `--store` nor `REFORMKG_STORE` says.
pub const DEFAULT_STORE_DIR: &str = ".reformkg/store";

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("no store at {0}: run `reformkg build` first")]
    Missing(String),
    #[error("cannot open the store at {path}: {source}")]
    Open { path: String, source: StorageError },
    #[error("cannot write the store at {path}: {source}")]
    Write { path: String, source: StorageError },
    #[error("cannot prepare {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{0}")]
    Storage(#[from] StorageError),
}

/// Is there a store at `dir`? (RocksDB always writes a CURRENT file.)
pub fn exists(dir: &Path) -> bool {
    dir.join("CURRENT").is_file()
}

/// Opens an existing store; never creates one.
pub fn open(dir: &Path) -> Result<Store, StoreError> {
    if !exists(dir) {
        return Err(StoreError::Missing(dir.display().to_string()));
    }
    Store::open(dir).map_err(|source| StoreError::Open {
        path: dir.display().to_string(),
        source,
    })
}

/// Opens an existing store without taking the write lock, so several
/// readers (a REPL and a script) can share it.
pub fn open_read_only(dir: &Path) -> Result<Store, StoreError> {
    if !exists(dir) {
        return Err(StoreError::Missing(dir.display().to_string()));
    }
    Store::open_read_only(dir).map_err(|source| StoreError::Open {
        path: dir.display().to_string(),
        source,
    })
}

/// Opens for reading and writing, or only for reading when another process
/// (a REPL, say) holds the write lock, so one-shot queries still work.
pub fn open_shared(dir: &Path) -> Result<Store, StoreError> {
    open(dir).or_else(|first| open_read_only(dir).map_err(|_| first))
}

/// Writes `quads` as the new content of the store at `dir`, atomically:
/// either the new store is in place or the old one is untouched.
/// Returns the number of quads in the new store.
pub fn replace(dir: &Path, quads: &[Quad]) -> Result<usize, StoreError> {
    let parent = parent_of(dir);
    std::fs::create_dir_all(&parent).map_err(|source| io_error(&parent, source))?;
    let scratch = sibling(dir, "building");
    remove_if_present(&scratch)?;
    let loaded = load_into(&scratch, quads);
    let count = match loaded {
        Ok(count) => count,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&scratch);
            return Err(e);
        }
    };
    swap_in(&scratch, dir)?;
    Ok(count)
}

fn load_into(scratch: &Path, quads: &[Quad]) -> Result<usize, StoreError> {
    let write_error = |source| StoreError::Write {
        path: scratch.display().to_string(),
        source,
    };
    let store = Store::open(scratch).map_err(write_error)?;
    let mut loader = store.bulk_loader();
    loader
        .load_quads(quads.iter().cloned())
        .map_err(write_error)?;
    loader.commit().map_err(write_error)?;
    store.flush().map_err(write_error)?;
    let count = store.len().map_err(write_error)?;
    drop(store);
    Ok(count)
}

/// Moves the freshly built store into place. The old store is first moved
/// aside, and put back if the new one cannot be moved in.
fn swap_in(scratch: &Path, dir: &Path) -> Result<(), StoreError> {
    let old = sibling(dir, "previous");
    remove_if_present(&old)?;
    let had_old = dir.exists();
    if had_old {
        std::fs::rename(dir, &old).map_err(|source| io_error(dir, source))?;
    }
    if let Err(source) = std::fs::rename(scratch, dir) {
        if had_old {
            let _ = std::fs::rename(&old, dir);
        }
        let _ = std::fs::remove_dir_all(scratch);
        return Err(io_error(dir, source));
    }
    if had_old {
        // The new store is in place; failing to delete the old copy loses
        // nothing, so it is not an error.
        let _ = std::fs::remove_dir_all(&old);
    }
    Ok(())
}

fn parent_of(dir: &Path) -> PathBuf {
    match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// `.NAME.building` next to `dir`: same file system, so rename is atomic.
fn sibling(dir: &Path, what: &str) -> PathBuf {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "store".to_owned());
    parent_of(dir).join(format!(".{name}.{what}"))
}

fn remove_if_present(path: &Path) -> Result<(), StoreError> {
    if path.exists() {
        std::fs::remove_dir_all(path).map_err(|source| io_error(path, source))?;
    }
    Ok(())
}

fn io_error(path: &Path, source: std::io::Error) -> StoreError {
    StoreError::Io {
        path: path.display().to_string(),
        source,
    }
}
