//! Where the program's own data comes from: the vocabulary (`ontology/`),
//! the saved questions (`queries/`) and the default documents (`seeds/`).
//!
//! Never from the source tree the binary was compiled in. The order, the
//! first that exists winning:
//! 1. the command-line flag (`--ontology DIR`, `--queries DIR`);
//! 2. the environment variable (`REFORMKG_ONTOLOGY`, `REFORMKG_QUERIES`);
//! 3. `./NAME` in the current directory (a checkout of the project);
//! 4. `NAME/` beside the executable, or `../share/reformkg/NAME` from it
//!    (an installed copy);
//! 5. the copy embedded in the binary at build time (not for `seeds/`:
//!    documents are the user's input, so there is no built-in one).
//!
//! `reformkg doctor` prints which one each resource comes from.

use crate::lexicon::{LexiconError, Ontology};
use std::fmt;
use std::path::{Path, PathBuf};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
}

/// A project folder the program reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Ontology,
    Queries,
    Seeds,
}

impl Kind {
    pub fn dir_name(self) -> &'static str {
        match self {
            Kind::Ontology => "ontology",
            Kind::Queries => "queries",
            Kind::Seeds => "seeds",
        }
    }

    pub fn env_var(self) -> Option<&'static str> {
        match self {
            Kind::Ontology => Some("REFORMKG_ONTOLOGY"),
            Kind::Queries => Some("REFORMKG_QUERIES"),
            Kind::Seeds => None,
        }
    }

    /// The files built into the binary, as (file name, text).
    fn embedded(self) -> Option<&'static [(&'static str, &'static str)]> {
        match self {
            Kind::Ontology => Some(embedded::ONTOLOGY),
            Kind::Queries => Some(embedded::QUERIES),
            Kind::Seeds => None,
        }
    }
}

/// How a folder was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Flag,
    Env(&'static str),
    CurrentDir,
    BesideBinary,
}

/// Where a resource's files come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Dir {
        path: PathBuf,
        origin: Origin,
    },
    Embedded(&'static [(&'static str, &'static str)]),
    /// Nothing found (only for `seeds/`); the path is where it was expected.
    Missing(PathBuf),
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Dir { path, origin } => {
                let why = match origin {
                    Origin::Flag => "from the command line".to_owned(),
                    Origin::Env(var) => format!("from {var}"),
                    Origin::CurrentDir => "in the current directory".to_owned(),
                    Origin::BesideBinary => "beside the executable".to_owned(),
                };
                write!(f, "{} ({why})", path.display())
            }
            Source::Embedded(files) => {
                write!(f, "built into the binary ({} files)", files.len())
            }
            Source::Missing(path) => write!(f, "none ({} does not exist)", path.display()),
        }
    }
}

/// Finds a resource by the documented order.
pub fn locate(kind: Kind, flag: Option<&Path>) -> Source {
    if let Some(path) = flag {
        return dir(path, Origin::Flag);
    }
    if let Some(var) = kind.env_var() {
        if let Some(value) = std::env::var_os(var).filter(|v| !v.is_empty()) {
            return dir(Path::new(&value), Origin::Env(var));
        }
    }
    let local = PathBuf::from(kind.dir_name());
    if local.is_dir() {
        return dir(&local, Origin::CurrentDir);
    }
    if let Some(installed) = beside_binary(kind) {
        return dir(&installed, Origin::BesideBinary);
    }
    match kind.embedded() {
        Some(files) => Source::Embedded(files),
        None => Source::Missing(local),
    }
}

fn dir(path: &Path, origin: Origin) -> Source {
    Source::Dir {
        path: path.to_path_buf(),
        origin,
    }
}

fn beside_binary(kind: Kind) -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let bin = exe.parent()?;
    [
        bin.join(kind.dir_name()),
        bin.join("../share/reformkg").join(kind.dir_name()),
    ]
    .into_iter()
    .find(|p| p.is_dir())
}

/// The vocabulary, read from where [`locate`] found it.
pub fn load_ontology(source: &Source) -> Result<Ontology, LexiconError> {
    match source {
        Source::Dir { path, .. } | Source::Missing(path) => Ontology::load_dir(path),
        Source::Embedded(files) => {
            Ontology::from_turtle(files.iter().map(|(name, text)| (*name, text.as_bytes())))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_copies_are_the_project_folders() {
        let names: Vec<&str> = embedded::ONTOLOGY.iter().map(|(n, _)| *n).collect();
        assert!(names.contains(&"reformkg.ttl"), "{names:?}");
        assert!(embedded::QUERIES.iter().any(|(n, _)| n.ends_with(".rq")));
        let ontology = load_ontology(&Source::Embedded(embedded::ONTOLOGY)).expect("parses");
        assert!(crate::lexicon::Lexicon::from_ontology(&ontology).is_ok());
    }

    #[test]
    fn a_flag_wins_over_everything() {
        let source = locate(Kind::Queries, Some(Path::new("/nonexistent/q")));
        assert_eq!(
            source,
            Source::Dir {
                path: PathBuf::from("/nonexistent/q"),
                origin: Origin::Flag
            }
        );
    }
}
