//! Writing a file so that its path always holds either the old file or the
//! complete new one: the bytes go to a hidden sibling that is renamed over
//! the target only when everything was written. A failure (or a panic, or
//! an error halfway) removes the sibling; a kill leaves only the sibling.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// Writes `bytes` to `path` atomically.
pub fn write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = AtomicFile::create(path)?;
    file.write_all(bytes)?;
    file.commit()
}

/// [`write`] without syncing the bytes to disk first: a crash of the
/// machine (not of the process) may leave the file empty or short. Only
/// for files whose reader detects that (the build cache checks a digest).
pub fn write_unsynced(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = AtomicFile::create(path)?;
    file.write_all(bytes)?;
    file.finish(false)
}

/// A file being written; [`AtomicFile::commit`] puts it in place.
pub struct AtomicFile {
    target: PathBuf,
    partial: PathBuf,
    writer: Option<BufWriter<File>>,
}

impl AtomicFile {
    pub fn create(path: &Path) -> io::Result<Self> {
        let partial = partial_path(path);
        let file = File::create(&partial)?;
        Ok(Self {
            target: path.to_path_buf(),
            partial,
            writer: Some(BufWriter::new(file)),
        })
    }

    /// The hidden sibling the bytes go to until the commit.
    pub fn partial_path(&self) -> &Path {
        &self.partial
    }

    /// Flushes, syncs and renames the file into place.
    pub fn commit(mut self) -> io::Result<()> {
        self.finish(true)
    }

    fn finish(&mut self, sync: bool) -> io::Result<()> {
        if let Some(writer) = self.writer.take() {
            let file = writer.into_inner().map_err(|e| e.into_error())?;
            if sync {
                file.sync_all()?;
            }
        }
        std::fs::rename(&self.partial, &self.target)
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.writer {
            Some(writer) => writer.write(buf),
            None => Err(io::Error::other("the file was already committed")),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.writer {
            Some(writer) => writer.flush(),
            None => Ok(()),
        }
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        // Committed files were renamed away; anything left is a failure's.
        let _ = std::fs::remove_file(&self.partial);
    }
}

/// `out.svg` → `.out.svg.<pid>.partial` in the same folder (a rename across
/// file systems would not be atomic; the pid keeps two writers apart).
pub fn partial_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.{}.partial", std::process::id()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dropped_file_leaves_the_old_one_and_no_partial() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("out.txt");
        write(&path, b"old").expect("writes");
        let mut file = AtomicFile::create(&path).expect("creates");
        file.write_all(b"new but unfinished").expect("writes");
        let partial = file.partial_path().to_path_buf();
        assert!(partial.exists());
        drop(file);
        assert_eq!(std::fs::read(&path).expect("reads"), b"old");
        assert!(!partial.exists());
        write(&path, b"new").expect("writes");
        assert_eq!(std::fs::read(&path).expect("reads"), b"new");
        assert_eq!(std::fs::read_dir(dir.path()).expect("lists").count(), 1);
    }
}
