//! Export stage: the whole store in a standard RDF format, for Protégé,
//! GraphDB, Jena, rdflib, Virtuoso and friends.
//!
//! Output is deterministic (quads sorted by their N-Quads form, with an
//! external merge sort) so that exports diff well in git, and Turtle/TriG
//! declare only the prefixes they use.

use crate::format::PrefixUsage;
use crate::sorted::{self, SortedRuns};
use oxigraph::io::{JsonLdProfileSet, RdfFormat, RdfParser, RdfSerializer};
use oxigraph::model::{GraphName, NamedNode, Quad, Term};
use oxigraph::store::{StorageError, Store};
use reformkg_store::sparql::{select_rows, Prefixes, QueryError};
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The formats `reformkg export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    Turtle,
    Trig,
    Ntriples,
    Nquads,
    Rdfxml,
    Jsonld,
}

impl ExportFormat {
    pub fn rdf_format(self) -> RdfFormat {
        match self {
            ExportFormat::Turtle => RdfFormat::Turtle,
            ExportFormat::Trig => RdfFormat::TriG,
            ExportFormat::Ntriples => RdfFormat::NTriples,
            ExportFormat::Nquads => RdfFormat::NQuads,
            ExportFormat::Rdfxml => RdfFormat::RdfXml,
            ExportFormat::Jsonld => RdfFormat::JsonLd {
                profile: JsonLdProfileSet::empty(),
            },
        }
    }

    /// Formats without named graphs get the default graph only.
    pub fn holds_datasets(self) -> bool {
        self.rdf_format().supports_datasets()
    }

    /// The usual file extension.
    pub fn extension(self) -> &'static str {
        self.rdf_format().file_extension()
    }

    /// Guesses the format from a file name's extension.
    pub fn from_path(path: &std::path::Path) -> Option<Self> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        <ExportFormat as clap::ValueEnum>::value_variants()
            .iter()
            .copied()
            .find(|f| {
                f.extension() == ext
                    || (ext == "rdf" && *f == ExportFormat::Rdfxml)
                    || (ext == "json" && *f == ExportFormat::Jsonld)
            })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("cannot read the store: {0}")]
    Store(#[from] StorageError),
    #[error("cannot write the export: {0}")]
    Write(#[from] std::io::Error),
    #[error("invalid prefix {0}")]
    Prefix(String),
    #[error("cannot sort the export in temporary files: {0}")]
    Spill(std::io::Error),
    #[error("cannot list what the store holds: {0}")]
    Parts(#[from] QueryError),
    #[error("cannot read back the statement {0}")]
    Reparse(String),
}

/// Writes the store in `format`; returns the number of statements written.
///
/// The statements come sorted by their N-Quads form, so two exports of the
/// same graph are the same bytes on any machine and diff well in git. They
/// are sorted without holding the store in memory: runs of at most
/// [`RUN_BYTES`] (all threads together) are sorted and spilled to
/// temporary files, then merged. Reading is spread over the cores, a
/// predicate of a graph at a time: reading a statement means looking each
/// of its terms up in the store, which is most of an export's time.
pub fn export(
    store: &Store,
    format: ExportFormat,
    out: &mut dyn Write,
) -> Result<usize, ExportError> {
    let prefixes = Prefixes::default();
    let parts = parts_to_export(store, format)?;
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .min(parts.len())
        .max(1);
    let next = AtomicUsize::new(0);
    let gathered: Vec<Result<Gathered<'_>, ExportError>> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| scope.spawn(|| gather(store, &parts, &next, &prefixes, RUN_BYTES / threads)))
            .collect();
        workers
            .into_iter()
            .map(|w| {
                w.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    let mut usage = PrefixUsage::new(&prefixes);
    let mut sets = Vec::with_capacity(gathered.len());
    for result in gathered {
        let (runs, used) = result?;
        usage.absorb(&used);
        sets.push(runs);
    }
    let used = usage.used();
    let lines = sorted::merge(sets).map_err(ExportError::Spill)?;
    match format {
        // An N-Quads (or N-Triples) statement is its sort key and " .".
        ExportFormat::Nquads | ExportFormat::Ntriples => {
            let mut count = 0;
            for line in lines {
                out.write_all(line.map_err(ExportError::Spill)?.as_bytes())?;
                out.write_all(b" .\n")?;
                count += 1;
            }
            Ok(count)
        }
        _ => {
            let mut serializer = RdfSerializer::from_format(format.rdf_format());
            for (prefix, namespace) in used {
                serializer = serializer
                    .with_prefix(prefix, namespace)
                    .map_err(|_| ExportError::Prefix(prefix.to_owned()))?;
            }
            let mut writer = serializer.for_writer(out);
            let mut count = 0;
            for line in lines {
                writer.serialize_quad(&parse_statement(&line.map_err(ExportError::Spill)?)?)?;
                count += 1;
            }
            writer.finish()?;
            Ok(count)
        }
    }
}

/// One reader's statements and the prefixes they use.
type Gathered<'p> = (SortedRuns, PrefixUsage<'p>);

/// A share of the store one reader takes: a graph's statements with one
/// predicate.
type Part = (GraphName, NamedNode);

/// The store in parts: each predicate of the default graph, and of each
/// named graph when the format holds them. (A build puts everything in the
/// default graph, so graphs alone would leave one reader with it all.)
fn parts_to_export(store: &Store, format: ExportFormat) -> Result<Vec<Part>, ExportError> {
    let mut parts = Vec::new();
    for row in select_rows(store, "SELECT DISTINCT ?p WHERE { ?s ?p ?o }")? {
        if let [Some(Term::NamedNode(p))] = row.as_slice() {
            parts.push((GraphName::DefaultGraph, p.clone()));
        }
    }
    if format.holds_datasets() {
        let named = "SELECT DISTINCT ?g ?p WHERE { GRAPH ?g { ?s ?p ?o } }";
        for row in select_rows(store, named)? {
            let graph = match row.first() {
                Some(Some(Term::NamedNode(g))) => GraphName::from(g.clone()),
                Some(Some(Term::BlankNode(g))) => GraphName::from(g.clone()),
                _ => continue,
            };
            if let Some(Some(Term::NamedNode(p))) = row.get(1) {
                parts.push((graph, p.clone()));
            }
        }
    }
    Ok(parts)
}

/// Reads parts (the next one not yet taken by another reader, until none
/// is left) into sorted runs of at most `limit` bytes.
fn gather<'p>(
    store: &Store,
    parts: &[Part],
    next: &AtomicUsize,
    prefixes: &'p Prefixes,
    limit: usize,
) -> Result<Gathered<'p>, ExportError> {
    let mut usage = PrefixUsage::new(prefixes);
    let mut runs = SortedRuns::new(limit);
    while let Some((graph, predicate)) = parts.get(next.fetch_add(1, Ordering::Relaxed)) {
        let read = store
            .quads_for_pattern(None, Some(predicate.as_ref()), None, Some(graph.as_ref()))
            .try_for_each(|quad| {
                let quad = quad?;
                usage.mark_triple(quad.as_ref().into());
                runs.push(quad.to_string()).map_err(ExportError::Spill)
            });
        if let Err(error) = read {
            // The export fails: the other readers need not go on.
            next.store(parts.len(), Ordering::Relaxed);
            return Err(error);
        }
    }
    Ok((runs, usage))
}

/// How much N-Quads text an export sorts in memory before it spills a run
/// to a temporary file: the bound on its memory, whatever the store's size.
pub const RUN_BYTES: usize = 64 << 20;

/// Reads back one statement in N-Quads form (as the store wrote it).
fn parse_statement(line: &str) -> Result<Quad, ExportError> {
    let mut text = String::with_capacity(line.len() + 3);
    text.push_str(line);
    text.push_str(" .\n");
    RdfParser::from_format(RdfFormat::NQuads)
        .for_slice(text.as_bytes())
        .next()
        .ok_or_else(|| ExportError::Reparse(line.to_owned()))?
        .map_err(|_| ExportError::Reparse(line.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxigraph::io::RdfParser;
    use oxigraph::model::Dataset;

    /// Statements with what a serializer must get right: language tags,
    /// datatypes, escapes, blank nodes, Chinese text and named graphs.
    const TRIG: &str = r#"
        @prefix rk: <https://w3id.org/reformkg/ontology#> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        <https://w3id.org/reformkg/id/case/a-1> rk:rank 1 ;
            rk:note "两行\n“引号” \"quoted\" \\ tab\t"@zh , "plain" , "3.5"^^xsd:decimal ;
            rk:part [ rk:note "blank" ] .
        <https://w3id.org/reformkg/id/graph/g> {
            <https://w3id.org/reformkg/id/case/a-2> rk:rank 2 .
        }
    "#;

    fn store() -> Store {
        let store = Store::new().expect("in-memory store");
        store
            .load_from_reader(RdfParser::from_format(RdfFormat::TriG), TRIG.as_bytes())
            .expect("the fixture loads");
        store
    }

    fn exported(store: &Store, format: ExportFormat) -> Vec<u8> {
        let mut out = Vec::new();
        export(store, format, &mut out).expect("export");
        out
    }

    #[test]
    fn nquads_lines_are_what_oxigraphs_serializer_writes_sorted() {
        let store = store();
        let mut quads: Vec<Quad> = store.iter().collect::<Result<_, _>>().expect("read");
        quads.sort_by_key(ToString::to_string);
        let mut writer = RdfSerializer::from_format(RdfFormat::NQuads).for_writer(Vec::new());
        for quad in &quads {
            writer.serialize_quad(quad).expect("serialize");
        }
        let expected = writer.finish().expect("finish");
        assert_eq!(
            String::from_utf8(exported(&store, ExportFormat::Nquads)).expect("utf-8"),
            String::from_utf8(expected).expect("utf-8")
        );
    }

    #[test]
    fn every_format_reads_back_as_the_store() {
        let store = store();
        let everything: Dataset = store.iter().collect::<Result<_, _>>().expect("read");
        let default_graph: Dataset = store
            .iter()
            .filter_map(Result::ok)
            .filter(|q| q.graph_name.is_default_graph())
            .collect();
        for &format in <ExportFormat as clap::ValueEnum>::value_variants() {
            let bytes = exported(&store, format);
            let mut read: Dataset = RdfParser::from_format(format.rdf_format())
                .for_slice(&bytes)
                .collect::<Result<_, _>>()
                .unwrap_or_else(|e| panic!("{format:?} reads back: {e}"));
            read.canonicalize(oxigraph::model::dataset::CanonicalizationAlgorithm::Unstable);
            let mut expected = if format.holds_datasets() {
                everything.clone()
            } else {
                default_graph.clone()
            };
            expected.canonicalize(oxigraph::model::dataset::CanonicalizationAlgorithm::Unstable);
            assert_eq!(read, expected, "{format:?}");
        }
    }
}
