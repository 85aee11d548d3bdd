//! The store a request reads: the snapshot that was live when it came in.
//!
//! A build or an update publishes a new version by switching `current`;
//! the next request notices (one `readlink`) and opens it. Requests already
//! running keep the snapshot they started with, which stays pinned (no
//! writer removes it) until the last of them drops it. So a rebuild never
//! fails a request and no request reads a version being written.

use reformkg_store::{Snapshot, StoreError, Version};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

pub struct Live {
    dir: PathBuf,
    current: Mutex<Snapshot>,
}

impl Live {
    pub fn open(dir: &Path) -> Result<Self, StoreError> {
        Ok(Self {
            dir: dir.to_path_buf(),
            current: Mutex::new(reformkg_store::open(dir)?),
        })
    }

    /// The newest snapshot: the live version, or the one served so far
    /// when the new one cannot be opened yet (it is reported once the
    /// old one is gone too).
    pub fn snapshot(&self) -> Result<Snapshot, StoreError> {
        let mut current = self
            .current
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if current.is_stale() {
            match reformkg_store::open(&self.dir) {
                Ok(newer) => *current = newer,
                Err(error) if !reformkg_store::exists(&self.dir) => return Err(error),
                // Busy (a writer switching again) or a transient failure:
                // the pinned old version still answers.
                Err(_) => {}
            }
        }
        Ok(current.clone())
    }

    /// The version requests are served from now.
    pub fn version(&self) -> Result<Version, StoreError> {
        self.snapshot().map(|s| s.version())
    }
}
