//! `reformkg validate`: where the data and the shapes come from, and how
//! the report is written. The checking itself is `reformkg_validate`.

use crate::cli::{BadInput, ReportFormat};
use anyhow::Result;
use oxigraph::store::Store;
use reformkg::present::labels::Lang;
use reformkg::resources::{self, Kind, Source};
use reformkg::store::{self, sparql::Prefixes};
use reformkg::validate::{self as shacl, Namer, Report, Shapes};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The graph to validate. The sources are mutually exclusive (the clap
/// group `source`); a remote endpoint fetched into an in-memory store
/// would be one more.
#[derive(Debug)]
pub enum DataSource {
    Store(PathBuf),
    Files(Vec<PathBuf>),
    /// The default graph of a SPARQL endpoint (Virtuoso's: all its graphs).
    Endpoint(reformkg::remote::Endpoint),
}

/// Where the shapes come from.
#[derive(Debug)]
pub enum ShapesSource {
    File(PathBuf),
    Vocabulary(Source),
}

#[derive(Debug)]
pub struct Request {
    pub source: DataSource,
    pub shapes: ShapesSource,
    pub format: ReportFormat,
    pub lang: Lang,
}

/// The shapes file of the vocabulary folder.
const SHAPES_FILE: &str = "shapes.ttl";

pub fn source(
    store_dir: &Path,
    store_given: bool,
    files: Vec<PathBuf>,
    endpoint: Option<reformkg::remote::Endpoint>,
) -> Result<DataSource> {
    if let Some(endpoint) = endpoint {
        if store_given || !files.is_empty() {
            return Err(
                BadInput("give one of --store DIR, FILE… or --endpoint URL".to_owned()).into(),
            );
        }
        return Ok(DataSource::Endpoint(endpoint));
    }
    match (files.is_empty(), store_given) {
        (true, _) => Ok(DataSource::Store(store_dir.to_path_buf())),
        (false, false) => Ok(DataSource::Files(files)),
        (false, true) => {
            Err(BadInput("give either --store DIR or FILE…, not both".to_owned()).into())
        }
    }
}

pub fn shapes_source(flag: Option<PathBuf>, ontology: Option<&Path>) -> ShapesSource {
    match flag {
        Some(path) => ShapesSource::File(path),
        None => ShapesSource::Vocabulary(resources::locate(Kind::Ontology, ontology)),
    }
}

/// The data being validated: a pinned store snapshot or an in-memory store.
enum Data {
    Snapshot(store::Snapshot),
    Memory(Store),
}

impl Data {
    fn store(&self) -> &Store {
        match self {
            Data::Snapshot(snapshot) => snapshot.store(),
            Data::Memory(store) => store,
        }
    }
}

fn bad(error: impl std::fmt::Display) -> anyhow::Error {
    BadInput(error.to_string()).into()
}

fn load_shapes(source: &ShapesSource) -> Result<Shapes> {
    match source {
        ShapesSource::File(path) => shacl::read_shapes(path).map_err(bad),
        ShapesSource::Vocabulary(Source::Dir { path, .. } | Source::Missing(path)) => {
            shacl::read_shapes(&path.join(SHAPES_FILE)).map_err(bad)
        }
        ShapesSource::Vocabulary(Source::Embedded(files)) => {
            let Some((name, text)) = files.iter().find(|(name, _)| *name == SHAPES_FILE) else {
                return Err(bad(
                    "the built-in vocabulary has no shapes.ttl; give --shapes FILE",
                ));
            };
            shacl::parse_shapes(Path::new(name), text.as_bytes()).map_err(bad)
        }
    }
}

fn load_data(source: &DataSource) -> Result<Data> {
    match source {
        DataSource::Store(dir) => Ok(Data::Snapshot(store::open(dir).map_err(bad)?)),
        DataSource::Files(files) => Ok(Data::Memory(shacl::load_files(files).map_err(bad)?)),
        DataSource::Endpoint(endpoint) => Ok(Data::Memory(endpoint.fetch_graph().map_err(bad)?)),
    }
}

pub fn run(request: &Request) -> Result<ExitCode> {
    let shapes = load_shapes(&request.shapes)?;
    let data = load_data(&request.source)?;
    // SPARQL evaluation recurses: on the large stack, as every statement is.
    let report =
        store::sparql::on_large_stack(|| shacl::validate(data.store(), &shapes))?.map_err(bad)?;
    let mut prefixes = Prefixes::default();
    for (prefix, namespace) in &shapes.prefixes {
        if prefixes.iter().all(|(p, _)| p != prefix) {
            prefixes.set(prefix, namespace);
        }
    }
    let output = match request.format {
        ReportFormat::Turtle => report.to_turtle(&prefixes)?,
        ReportFormat::Text => text(&report, data.store(), &prefixes, request.lang)?.into_bytes(),
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    out.write_all(&output)?;
    out.flush()?;
    Ok(if report.conforms() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn text(report: &Report, store: &Store, prefixes: &Prefixes, lang: Lang) -> Result<String> {
    let labels = report.labels(store, lang.tag())?;
    let namer = Namer {
        prefixes,
        labels: &labels,
    };
    Ok(report.to_text(&namer, lang.tag()))
}
