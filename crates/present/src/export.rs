//! Export stage: the whole store in a standard RDF format, for Protégé,
//! GraphDB, Jena, rdflib, Virtuoso and friends.
//!
//! Output is deterministic (quads sorted by their N-Quads form, with an
//! external merge sort) so that exports diff well in git, and Turtle/TriG
//! declare only the prefixes they use.

use crate::format::PrefixUsage;
use crate::sorted::SortedRuns;
use oxigraph::io::{JsonLdProfileSet, RdfFormat, RdfParser, RdfSerializer};
use oxigraph::model::{GraphName, Quad};
use oxigraph::store::{StorageError, Store};
use reformkg_store::sparql::Prefixes;
use std::io::Write;

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
        [
            ExportFormat::Turtle,
            ExportFormat::Trig,
            ExportFormat::Ntriples,
            ExportFormat::Nquads,
            ExportFormat::Rdfxml,
            ExportFormat::Jsonld,
        ]
        .into_iter()
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
    #[error("cannot read back the statement {0}")]
    Reparse(String),
}

/// Writes the store in `format`; returns the number of statements written.
///
/// The statements come sorted by their N-Quads form, so two exports of the
/// same graph are the same bytes on any machine and diff well in git. They
/// are sorted without holding the store in memory: runs of at most
/// [`RUN_BYTES`] are sorted and spilled to temporary files, then merged.
pub fn export(
    store: &Store,
    format: ExportFormat,
    out: &mut dyn Write,
) -> Result<usize, ExportError> {
    let prefixes = Prefixes::default();
    let mut usage = PrefixUsage::new(&prefixes);
    let mut runs = SortedRuns::new(RUN_BYTES);
    for quad in store.iter() {
        let quad = quad?;
        if !format.holds_datasets() && quad.graph_name != GraphName::DefaultGraph {
            continue;
        }
        usage.mark_triple(quad.as_ref().into());
        runs.push(quad.to_string()).map_err(ExportError::Spill)?;
    }
    let used = usage.used();
    let lines = runs.into_sorted().map_err(ExportError::Spill)?;
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
