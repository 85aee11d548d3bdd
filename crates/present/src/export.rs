//! Export stage: the whole store in a standard RDF format, for Protégé,
//! GraphDB, Jena, rdflib, Virtuoso and friends.
//!
//! Output is deterministic (quads sorted) so that exports diff well in git,
//! and Turtle/TriG declare only the prefixes they use.

use crate::format::used_prefixes;
use oxigraph::io::{JsonLdProfileSet, RdfFormat, RdfSerializer};
use oxigraph::model::{GraphName, Quad, Triple};
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
}

/// Writes the store in `format`; returns the number of statements written.
pub fn export(
    store: &Store,
    format: ExportFormat,
    out: &mut dyn Write,
) -> Result<usize, ExportError> {
    let mut quads: Vec<Quad> = store.iter().collect::<Result<_, _>>()?;
    if !format.holds_datasets() {
        quads.retain(|q| q.graph_name == GraphName::DefaultGraph);
    }
    // Sort by the N-Quads form: stable across builds and machines.
    let mut keyed: Vec<(String, Quad)> = quads.into_iter().map(|q| (q.to_string(), q)).collect();
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    let quads: Vec<Quad> = keyed.into_iter().map(|(_, q)| q).collect();

    let mut serializer = RdfSerializer::from_format(format.rdf_format());
    if matches!(
        format,
        ExportFormat::Turtle | ExportFormat::Trig | ExportFormat::Rdfxml | ExportFormat::Jsonld
    ) {
        let prefixes = Prefixes::default();
        let triples: Vec<Triple> = quads.iter().map(|q| Triple::from(q.clone())).collect();
        for (prefix, namespace) in used_prefixes(triples.iter(), &prefixes) {
            serializer = serializer
                .with_prefix(prefix, namespace)
                .map_err(|_| ExportError::Prefix(prefix.to_owned()))?;
        }
    }
    let mut writer = serializer.for_writer(out);
    for quad in &quads {
        writer.serialize_quad(quad)?;
    }
    writer.finish()?;
    Ok(quads.len())
}
