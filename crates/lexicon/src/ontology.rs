//! The ontology files as RDF: parsed once, read by the lexicon, loaded into
//! the store by the graph stage.

use crate::LexiconError;
use oxrdf::{BlankNode, NamedOrBlankNode, Quad, Term};
use oxrdfio::{RdfFormat, RdfParser};
use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// Every triple of the ontology files, with the file each came from.
///
/// This is the RDF side of the ontology: the graph stage loads it into the
/// store beside the extracted facts (so queries can use labels and
/// `skos:broader` families). The extract stage never sees it; it gets the
/// typed [`crate::Lexicon`] read from it.
#[derive(Debug, Clone, Default)]
pub struct Ontology {
    quads: Vec<Quad>,
    /// Each file's name and the range of `quads` it gave, in reading order.
    files: Vec<(String, Range<usize>)>,
}

impl Ontology {
    /// Reads every `*.ttl` file of a directory, in file-name order.
    pub fn load_dir(dir: &Path) -> Result<Self, LexiconError> {
        let entries = std::fs::read_dir(dir).map_err(|source| LexiconError::Dir {
            path: dir.display().to_string(),
            source,
        })?;
        let mut files: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "ttl"))
            .collect();
        files.sort();
        if files.is_empty() {
            return Err(LexiconError::NoFiles(dir.display().to_string()));
        }
        let mut sources = Vec::with_capacity(files.len());
        for path in files {
            let text = std::fs::read(&path).map_err(|source| LexiconError::Read {
                path: path.display().to_string(),
                source,
            })?;
            sources.push((path.display().to_string(), text));
        }
        Self::from_turtle(sources.iter().map(|(p, t)| (p.as_str(), t.as_slice())))
    }

    /// Parses Turtle documents given as (name, bytes).
    pub fn from_turtle<'a>(
        sources: impl IntoIterator<Item = (&'a str, &'a [u8])>,
    ) -> Result<Self, LexiconError> {
        let mut ontology = Ontology::default();
        for (file_number, (path, bytes)) in sources.into_iter().enumerate() {
            let start = ontology.quads.len();
            let mut blank_nodes = BlankNodeNamer::new(file_number);
            for quad in RdfParser::from_format(RdfFormat::Turtle).for_slice(bytes) {
                let quad = quad.map_err(|e| LexiconError::Syntax {
                    path: path.to_owned(),
                    message: e.to_string(),
                })?;
                ontology.quads.push(blank_nodes.rename(quad));
            }
            let end = ontology.quads.len();
            ontology.files.push((path.to_owned(), start..end));
        }
        Ok(ontology)
    }

    /// Every triple, in file order then document order.
    pub fn quads(&self) -> &[Quad] {
        &self.quads
    }

    pub fn into_quads(self) -> Vec<Quad> {
        self.quads
    }

    /// The names of the files read, in reading order.
    pub fn files(&self) -> impl Iterator<Item = &str> {
        self.files.iter().map(|(name, _)| name.as_str())
    }

    /// The same files with only the quads `keep` accepts (an evaluation
    /// withholds concepts this way, as if the lexicon lacked them).
    pub fn filtered(&self, keep: impl Fn(&Quad) -> bool) -> Ontology {
        self.filter_map(|q| keep(q).then(|| q.clone()))
    }

    /// The same files with each quad replaced by what `change` gives (none:
    /// dropped), e.g. to withhold some labels of a concept.
    pub fn filter_map(&self, change: impl Fn(&Quad) -> Option<Quad>) -> Ontology {
        let mut changed = Ontology::default();
        for (name, range) in &self.files {
            let start = changed.quads.len();
            changed
                .quads
                .extend(self.quads[range.clone()].iter().filter_map(&change));
            let end = changed.quads.len();
            changed.files.push((name.clone(), start..end));
        }
        changed
    }

    /// Each quad with the name of the file it came from.
    pub(crate) fn quads_with_files(&self) -> impl Iterator<Item = (&Quad, &str)> {
        self.files.iter().flat_map(move |(name, range)| {
            self.quads[range.clone()].iter().map(|q| (q, name.as_str()))
        })
    }
}

/// The Turtle parser names blank nodes (SHACL property shapes, OWL unions)
/// at random; renaming them by order of appearance keeps builds
/// byte-identical.
struct BlankNodeNamer {
    file_number: usize,
    names: HashMap<String, BlankNode>,
}

impl BlankNodeNamer {
    fn new(file_number: usize) -> Self {
        Self {
            file_number,
            names: HashMap::new(),
        }
    }

    fn name(&mut self, node: &BlankNode) -> BlankNode {
        let next = self.names.len();
        let file_number = self.file_number;
        self.names
            .entry(node.as_str().to_owned())
            .or_insert_with(|| BlankNode::new_unchecked(format!("o{file_number}b{next}")))
            .clone()
    }

    fn rename(&mut self, mut quad: Quad) -> Quad {
        if let NamedOrBlankNode::BlankNode(b) = &quad.subject {
            quad.subject = self.name(b).into();
        }
        if let Term::BlankNode(b) = &quad.object {
            quad.object = self.name(b).into();
        }
        quad
    }
}
