//! The validate stage: checks a graph against SHACL shapes
//! (`ontology/shapes.ttl`). It implements SHACL Core and SPARQL-based
//! SELECT constraints, evaluating with Oxigraph's SPARQL engine, and
//! refuses any other SHACL feature by name instead of ignoring it.
//!
//! It works on any [`oxigraph::store::Store`]: the on-disk store of a build
//! or an in-memory one filled from files ([`load_files`]) or, later, from a
//! remote endpoint.

mod datatypes;
mod engine;
pub mod path;
mod prebind;
mod report;
mod shapes;
mod vocab;

pub use engine::{validate, ValidateError};
pub use report::{Namer, Report, ValidationResult};
pub use shapes::{Shapes, ShapesError};

use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::{Graph, GraphName, Quad};
use oxigraph::store::Store;
use std::path::{Path, PathBuf};

/// Why input could not be read.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("cannot read {}: {source}", .path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: the extension does not name an RDF format Oxigraph reads (.ttl, .nt, .nq, .trig, .rdf, .jsonld …)", .0.display())]
    UnknownFormat(PathBuf),
    #[error("{} is not valid {format}: {message}", .path.display())]
    Syntax {
        path: PathBuf,
        format: RdfFormat,
        message: String,
    },
    #[error("{}: {source}", .path.display())]
    Shapes { path: PathBuf, source: ShapesError },
    #[error("cannot make an in-memory store: {0}")]
    Store(String),
}

/// The RDF format a file's extension names.
pub fn format_of(path: &Path) -> Result<RdfFormat, InputError> {
    path.extension()
        .and_then(|e| e.to_str())
        .and_then(|e| RdfFormat::from_extension(&e.to_ascii_lowercase()))
        .ok_or_else(|| InputError::UnknownFormat(path.to_path_buf()))
}

/// Every triple and quad of a file, named graphs moved into the default
/// graph (SHACL validates one data graph).
fn read_quads(path: &Path) -> Result<Vec<Quad>, InputError> {
    let format = format_of(path)?;
    let bytes = std::fs::read(path).map_err(|source| InputError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    parse_quads(path, &bytes, format)
}

/// Parses `bytes` (named `path` in errors) into default-graph quads.
fn parse_quads(path: &Path, bytes: &[u8], format: RdfFormat) -> Result<Vec<Quad>, InputError> {
    parse_with_prefixes(path, bytes, format).map(|(quads, _)| quads)
}

/// The quads of `bytes`, and the prefixes the text declared.
fn parse_with_prefixes(path: &Path, bytes: &[u8], format: RdfFormat) -> Result<Parsed, InputError> {
    let mut parser = RdfParser::from_format(format)
        .rename_blank_nodes()
        .for_slice(bytes);
    let mut quads = Vec::new();
    for quad in parser.by_ref() {
        let quad = quad.map_err(|e| InputError::Syntax {
            path: path.to_path_buf(),
            format,
            message: e.to_string(),
        })?;
        quads.push(Quad::new(
            quad.subject,
            quad.predicate,
            quad.object,
            GraphName::DefaultGraph,
        ));
    }
    let prefixes = parser
        .prefixes()
        .map(|(p, ns)| (p.to_owned(), ns.to_owned()))
        .collect();
    Ok((quads, prefixes))
}

type Parsed = (Vec<Quad>, Vec<(String, String)>);

/// An in-memory store holding the files' triples in its default graph.
pub fn load_files(paths: &[PathBuf]) -> Result<Store, InputError> {
    let store = Store::new().map_err(|e| InputError::Store(e.to_string()))?;
    for path in paths {
        let quads = read_quads(path)?;
        store
            .extend(quads)
            .map_err(|e| InputError::Store(e.to_string()))?;
    }
    Ok(store)
}

/// Reads a shapes file (any RDF format, by extension).
pub fn read_shapes(path: &Path) -> Result<Shapes, InputError> {
    let format = format_of(path)?;
    let bytes = std::fs::read(path).map_err(|source| InputError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    shapes_from(path, parse_with_prefixes(path, &bytes, format)?)
}

/// Reads shapes from Turtle text (the copy built into the binary); `name`
/// names it in errors.
pub fn parse_shapes(name: &Path, turtle: &[u8]) -> Result<Shapes, InputError> {
    shapes_from(name, parse_with_prefixes(name, turtle, RdfFormat::Turtle)?)
}

fn shapes_from(path: &Path, (quads, prefixes): Parsed) -> Result<Shapes, InputError> {
    let graph: Graph = quads
        .into_iter()
        .map(|q| oxigraph::model::Triple::new(q.subject, q.predicate, q.object))
        .collect();
    let mut shapes = Shapes::from_graph(&graph).map_err(|source| InputError::Shapes {
        path: path.to_path_buf(),
        source,
    })?;
    shapes.prefixes = prefixes;
    Ok(shapes)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PREFIXES: &str = "@prefix sh: <http://www.w3.org/ns/shacl#> .\n\
                            @prefix ex: <http://example.org/> .\n";

    fn shapes(turtle: &str) -> Result<Shapes, InputError> {
        parse_shapes(
            Path::new("test.ttl"),
            format!("{PREFIXES}{turtle}").as_bytes(),
        )
    }

    fn memory_store(turtle: &str) -> Store {
        let store = Store::new().expect("in-memory store");
        store
            .load_from_slice(RdfFormat::Turtle, format!("{PREFIXES}{turtle}").as_bytes())
            .expect("data parses");
        store
    }

    #[test]
    fn an_in_memory_store_is_validated() {
        let shapes = shapes(
            "ex:S a sh:NodeShape ; sh:targetClass ex:C ;
               sh:property [ sh:path ex:p ; sh:minCount 1 ] .",
        )
        .expect("shapes");
        let store = memory_store("ex:a a ex:C ; ex:p 1 . ex:b a ex:C .");
        let report = validate(&store, &shapes).expect("validates");
        assert_eq!(report.focus_nodes_checked, 2);
        assert_eq!(report.results.len(), 1);
        assert_eq!(
            report.results[0].focus.to_string(),
            "<http://example.org/b>"
        );
        assert!(!report.conforms());
        assert_eq!(report.summary(), "1 violation in 1 focus node");
    }

    #[test]
    fn severities_are_counted_apart_and_any_result_breaks_conformance() {
        let shapes = shapes(
            "ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:severity sh:Warning ;
               sh:property [ sh:path ex:p ; sh:minCount 1 ; sh:severity sh:Warning ] .",
        )
        .expect("shapes");
        let report = validate(&memory_store("ex:b ex:p 1 ."), &shapes).expect("validates");
        assert!(!report.conforms());
        assert_eq!(report.summary(), "1 warning in 1 focus node");
    }

    #[test]
    fn unimplemented_features_are_refused_by_name() {
        for (feature, turtle) in [
            ("sh:rule", "ex:S a sh:NodeShape ; sh:rule [ a sh:TripleRule ] ."),
            ("sh:SPARQLTarget", "ex:S a sh:NodeShape ; sh:target [ a sh:SPARQLTarget ] ."),
            ("sh:ask", "ex:S a sh:NodeShape ; sh:sparql [ sh:ask \"ASK {}\" ] ."),
            (
                "$shapesGraph",
                "ex:S a sh:NodeShape ; sh:sparql [ sh:select \"SELECT $this WHERE { GRAPH $shapesGraph {} }\" ] .",
            ),
        ] {
            let error = shapes(turtle).expect_err(feature).to_string();
            // sh:target [ a sh:SPARQLTarget ] may be refused by either term.
            let named = error.contains(feature)
                || (feature == "sh:SPARQLTarget" && error.contains("sh:target,"));
            assert!(named && error.contains("does not implement"), "{feature}: {error}");
        }
    }

    #[test]
    fn a_recursive_shape_is_an_error_not_a_stack_overflow() {
        let shapes =
            shapes("ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:node ex:S .").expect("shapes");
        let error = validate(&memory_store("ex:a ex:p 1 ."), &shapes).expect_err("recursive");
        assert!(matches!(error, ValidateError::TooDeep), "{error}");
    }

    #[test]
    fn files_merge_named_graphs_and_unknown_extensions_are_refused() {
        let dir = std::env::temp_dir().join(format!("reformkg-validate-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let trig = dir.join("data.trig");
        std::fs::write(&trig, "<http://x/g> { <http://x/a> <http://x/p> 1 . }").expect("write");
        let store = load_files(std::slice::from_ref(&trig)).expect("loads");
        assert_eq!(store.len().expect("len"), 1);
        assert!(store
            .quads_for_pattern(
                None,
                None,
                None,
                Some(oxigraph::model::GraphNameRef::DefaultGraph)
            )
            .next()
            .is_some());
        let other = dir.join("data.xyz");
        std::fs::write(&other, "").expect("write");
        assert!(matches!(
            load_files(&[other]),
            Err(InputError::UnknownFormat(_))
        ));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
