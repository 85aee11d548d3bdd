//! `reformkg load`: RDF files a user adds beside the built graph (their own
//! annotations of cases, a vocabulary they link to), each in a named graph
//! of its own, kept across builds.
//!
//! This module reads and checks the files; `store::loaded` keeps the
//! graphs, publishes each load as a new store version, and hands them to
//! every build.

use crate::corpus::{self, CorpusError};
use crate::store::loaded::{self, LoadedError, LoadedGraph, NewGraph};
use crate::store::{self, StoreError, UpdateError, Version};
use crate::vocab;
use oxigraph::io::{JsonLdProfileSet, RdfFormat, RdfParser, RdfSyntaxError};
use oxigraph::model::{GraphName, NamedNode, Quad, Triple};
use std::path::{Component, Path, PathBuf};

pub use crate::store::loaded::Loaded;

/// The `--format` names, besides extensions and media types.
const FORMAT_NAMES: &str = "turtle, ntriples, nquads, trig, rdfxml, jsonld or n3";

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error(transparent)]
    Read(#[from] CorpusError),
    #[error(
        "{path}: cannot tell its RDF format from its name; say it with --format ({FORMAT_NAMES})"
    )]
    UnknownExtension { path: String },
    #[error("--format {0:?} is not an RDF format reformkg reads: {FORMAT_NAMES}")]
    UnknownFormat(String),
    #[error("{path}: {message}")]
    Syntax { path: String, message: String },
    #[error(
        "{path} puts statements in its own named graph {graph}; `reformkg load` keeps each \
         file in one graph: give --graph IRI to load all its statements into that graph"
    )]
    NamedGraphs { path: String, graph: String },
    #[error("--graph {iri:?} is not an absolute IRI ({why})")]
    BadGraph { iri: String, why: String },
    #[error(
        "{first} and {second} would both load into <{graph}>: load them one at a time, or \
         together into one graph with --graph IRI"
    )]
    SameGraph {
        first: String,
        second: String,
        graph: String,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Loaded(#[from] LoadedError),
}

impl From<UpdateError<LoadedError>> for LoadError {
    fn from(e: UpdateError<LoadedError>) -> Self {
        match e {
            UpdateError::Store(e) => LoadError::Store(e),
            UpdateError::Apply(e) => LoadError::Loaded(e),
        }
    }
}

/// What `reformkg load FILE…` was asked to do.
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub files: Vec<PathBuf>,
    /// Every file into this graph (else one graph a file, [`default_graph`]).
    pub graph: Option<String>,
    /// The format of every file (else guessed from each file's extension).
    pub format: Option<String>,
}

/// Reads every file of `request` (all must parse) and loads them as one
/// new store version; on any error the store is unchanged.
pub fn load(dir: &Path, request: &Request) -> Result<(Vec<Loaded>, Version), LoadError> {
    let format = request.format.as_deref().map(parse_format).transpose()?;
    // No store: say so before reading (perhaps large) files.
    drop(store::open(dir)?);
    let graphs = match &request.graph {
        Some(iri) => vec![one_graph(&request.files, graph_iri(iri)?, format)?],
        None => graph_per_file(&request.files, format)?,
    };
    Ok(loaded::load(dir, graphs)?)
}

/// Removes a graph that `load` added.
pub fn unload(dir: &Path, graph: &str) -> Result<(LoadedGraph, Version), LoadError> {
    Ok(loaded::unload(dir, graph)?)
}

/// The graphs `load` added to the live version.
pub fn list(dir: &Path) -> Result<Vec<LoadedGraph>, LoadError> {
    Ok(loaded::list(&store::open(dir)?)?)
}

/// The graph a file goes to without `--graph`: [`vocab::LOADED_GRAPH`] plus
/// its file name, so loading an edited copy of the same file replaces it.
pub fn default_graph(path: &Path) -> NamedNode {
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    NamedNode::new_unchecked(format!(
        "{}{}",
        vocab::LOADED_GRAPH,
        vocab::encode_local(&name)
    ))
}

/// A `--format` value: a name (`turtle`, `rdf-xml` …), an extension (`ttl`)
/// or a media type (`text/turtle`).
pub fn parse_format(text: &str) -> Result<RdfFormat, LoadError> {
    let name: String = text
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    let named = match name.as_str() {
        "turtle" => Some(RdfFormat::Turtle),
        "ntriples" => Some(RdfFormat::NTriples),
        "nquads" => Some(RdfFormat::NQuads),
        "trig" => Some(RdfFormat::TriG),
        "rdfxml" | "xml" => Some(RdfFormat::RdfXml),
        "jsonld" => Some(RdfFormat::JsonLd {
            profile: JsonLdProfileSet::empty(),
        }),
        "n3" => Some(RdfFormat::N3),
        _ => None,
    };
    named
        .or_else(|| RdfFormat::from_extension(text))
        .or_else(|| RdfFormat::from_media_type(text))
        .ok_or_else(|| LoadError::UnknownFormat(text.to_owned()))
}

fn graph_iri(iri: &str) -> Result<NamedNode, LoadError> {
    NamedNode::new(iri).map_err(|e| LoadError::BadGraph {
        iri: iri.to_owned(),
        why: e.to_string(),
    })
}

/// `--graph IRI`: every file's statements, in whatever graph the file
/// puts them, go into that one graph.
fn one_graph(
    files: &[PathBuf],
    graph: NamedNode,
    format: Option<RdfFormat>,
) -> Result<NewGraph, LoadError> {
    let mut triples = Vec::new();
    let mut formats = Vec::new();
    for file in files {
        let (quads, used) = read(file, format)?;
        triples.extend(quads.into_iter().map(Triple::from));
        if !formats.contains(&used.name()) {
            formats.push(used.name());
        }
    }
    Ok(NewGraph {
        graph,
        sources: files.iter().map(|f| source_name(f)).collect(),
        format: formats.join(", "),
        triples,
    })
}

/// One graph a file, named after it; a file naming graphs of its own is
/// refused (it would be loaded into one graph, losing its structure).
fn graph_per_file(
    files: &[PathBuf],
    format: Option<RdfFormat>,
) -> Result<Vec<NewGraph>, LoadError> {
    let mut graphs: Vec<NewGraph> = Vec::new();
    for file in files {
        let graph = default_graph(file);
        if let Some(other) = graphs.iter().find(|g| g.graph == graph) {
            return Err(LoadError::SameGraph {
                first: other.sources.join(", "),
                second: source_name(file),
                graph: graph.into_string(),
            });
        }
        let (quads, used) = read(file, format)?;
        if let Some(quad) = quads
            .iter()
            .find(|q| q.graph_name != GraphName::DefaultGraph)
        {
            return Err(LoadError::NamedGraphs {
                path: file.display().to_string(),
                graph: quad.graph_name.to_string(),
            });
        }
        graphs.push(NewGraph {
            graph,
            sources: vec![source_name(file)],
            format: used.name().to_owned(),
            triples: quads.into_iter().map(Triple::from).collect(),
        });
    }
    Ok(graphs)
}

/// The file as recorded in the store's list: absolute, so that `--list`
/// says where it came from whatever the directory it runs in.
fn source_name(path: &Path) -> String {
    std::path::absolute(path)
        .unwrap_or_else(|_| path.to_path_buf())
        .display()
        .to_string()
}

/// Reads one file (a regular file within the input limit of `build`) and
/// parses all of it; returns its statements and the format it was read as.
pub fn read(path: &Path, format: Option<RdfFormat>) -> Result<(Vec<Quad>, RdfFormat), LoadError> {
    // Read first: a missing file, a directory or one too large says so.
    let bytes = corpus::read_document_bytes(path, corpus::max_input_bytes()?)?;
    let format = match format {
        Some(f) => f,
        None => path
            .extension()
            .and_then(|e| e.to_str())
            .and_then(RdfFormat::from_extension)
            .ok_or_else(|| LoadError::UnknownExtension {
                path: path.display().to_string(),
            })?,
    };
    let mut parser = RdfParser::from_format(format);
    if let Some(base) = file_iri(path) {
        parser = parser
            .with_base_iri(base)
            .unwrap_or_else(|_| RdfParser::from_format(format));
    }
    let quads = parser
        .for_slice(&bytes)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| syntax_error(path, &e))?;
    Ok((quads, format))
}

/// The `file:` IRI of a file, the base of the relative IRIs in it.
fn file_iri(path: &Path) -> Option<String> {
    let absolute = std::path::absolute(path).ok()?;
    let mut iri = String::from("file://");
    for component in absolute.components() {
        match component {
            Component::RootDir => {}
            Component::Normal(part) => {
                iri.push('/');
                iri.push_str(&vocab::encode_local(part.to_str()?));
            }
            _ => return None,
        }
    }
    Some(iri)
}

/// One line naming the file and, where the parser says, the line.
fn syntax_error(path: &Path, error: &RdfSyntaxError) -> LoadError {
    let mut message = error.to_string();
    if let Some(at) = error.location() {
        if !message.contains("line ") {
            message = format!(
                "line {} column {}: {message}",
                at.start.line + 1,
                at.start.column + 1
            );
        }
    }
    LoadError::Syntax {
        path: path.display().to_string(),
        message: message.split_whitespace().collect::<Vec<_>>().join(" "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_read_by_name_extension_or_media_type() {
        for (text, format) in [
            ("turtle", RdfFormat::Turtle),
            ("ttl", RdfFormat::Turtle),
            ("text/turtle", RdfFormat::Turtle),
            ("RDF/XML", RdfFormat::RdfXml),
            ("rdf-xml", RdfFormat::RdfXml),
            ("N-Triples", RdfFormat::NTriples),
            ("nq", RdfFormat::NQuads),
        ] {
            assert_eq!(parse_format(text).ok(), Some(format), "{text}");
        }
        assert!(parse_format("docx").is_err());
    }

    #[test]
    fn the_default_graph_is_named_after_the_file_alone() {
        let a = default_graph(Path::new("/tmp/a/notes 1.ttl"));
        let b = default_graph(Path::new("notes 1.ttl"));
        assert_eq!(a, b);
        assert!(a.as_str().starts_with(vocab::LOADED_GRAPH));
        assert!(a.as_str().ends_with("notes%201.ttl"), "{a}");
    }

    #[test]
    fn a_file_iri_encodes_each_segment() {
        let iri = file_iri(Path::new("/tmp/a b/x.ttl")).expect("an IRI");
        assert_eq!(iri, "file:///tmp/a%20b/x.ttl");
        assert!(NamedNode::new(iri).is_ok());
    }
}
