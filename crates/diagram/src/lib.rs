//! Diagram stage: which reforms share which mechanisms, drawn with Graphviz.
//!
//! ```text
//! store ──SPARQL──▶ model (petgraph: cases, mechanisms, districts, agencies)
//!                     └─ analysis: shared mechanisms, Jaccard, co-occurrence,
//!                        components, communities (Louvain)
//!       ──────────▶ kinds: one DOT graph per diagram kind (graphviz-rust AST)
//!                     └─ render: DOT text, or `dot -T svg|png|pdf`
//! ```
//!
//! Labels come from the store by language ([`Lang`]); every Chinese word a
//! diagram shows (titles, mechanism names, legend terms) is data.

pub mod analysis;
pub mod community;
mod dot;
mod families;
mod generic;
mod headline;
mod kinds;
mod matrix;
pub mod model;
pub mod order;
pub mod placement;
pub mod render;
mod similar;

pub use generic::from_answer;
pub use model::{NodeKind, ReformGraph};
pub use reformkg_present::labels::{Labels, Lang};
pub use render::{Diagram, Engine, Written};
pub use similar::{similar, Similar};

use oxigraph::store::Store;
use reformkg_store::sparql::QueryError;

#[derive(Debug, thiserror::Error)]
pub enum DiagramError {
    #[error(transparent)]
    Query(#[from] QueryError),
    #[error("no case {0} in the store (give a rank, a case IRI or a name like case:…-5)")]
    UnknownCase(String),
    #[error("{spec} matches {} cases ({}): give the case IRI", matches.len(), matches.join(", "))]
    AmbiguousCase { spec: String, matches: Vec<String> },
    #[error("a diagram needs a CONSTRUCT/DESCRIBE result or a two-column SELECT; this is {0}")]
    NotDrawable(String),
    #[error("cannot draw a diagram from a SPARQL update; give a query")]
    Update,
    #[error("unknown diagram file type {0:?}: use .dot, .gv, .svg, .png or .pdf")]
    UnsupportedOutput(String),
    #[error(
        "Graphviz is not installed (no `dot` on PATH): wrote the DOT to {dot_file}. \
         Install Graphviz (Debian/Ubuntu: apt-get install graphviz; macOS: brew install graphviz) \
         and run `dot -T{format} {dot_file} -o {target}`"
    )]
    GraphvizMissing {
        dot_file: String,
        format: String,
        target: String,
    },
    #[error("Graphviz is not installed (no `dot` on PATH): install it (Debian/Ubuntu: apt-get install graphviz; macOS: brew install graphviz)")]
    GraphvizNotFound,
    #[error("Graphviz `dot` failed ({status}): {stderr}")]
    GraphvizFailed { status: String, stderr: String },
    #[error("cannot write {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

/// The diagram kinds of `reformkg diagram`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// Cases (boxed by district) and the mechanisms at least `min_cases` of
    /// them use, placed so their lines cross little, coloured by family.
    SharedMechanisms,
    /// Cases (rows, grouped by district or collection) by the mechanisms
    /// at least `min_cases` of them use (columns, grouped by family).
    Matrix,
    /// Cases joined when they share at least `min_shared` mechanisms.
    CaseNetwork,
    /// Mechanisms joined by co-occurrence in cases, coloured by community.
    MechanismNetwork,
    /// One case with everything linked to it; the case is a rank, an IRI or
    /// a prefixed name.
    Case(String),
    /// Any SPARQL query: a CONSTRUCT/DESCRIBE or a two-column SELECT.
    Query(String),
}

/// Thresholds and language of a diagram.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    pub lang: Lang,
    /// Mechanisms used by fewer cases are left out (shared-mechanisms,
    /// mechanism-network).
    pub min_cases: usize,
    /// Pairs sharing fewer mechanisms (case-network), or mechanisms
    /// co-occurring in fewer cases (mechanism-network), are not joined.
    pub min_shared: usize,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            lang: Lang::Zh,
            min_cases: 2,
            min_shared: 2,
        }
    }
}

/// Draws one diagram kind from a store.
pub fn draw(store: &Store, kind: &Kind, options: &Options) -> Result<Diagram, DiagramError> {
    let labels = Labels::load(store, options.lang)?;
    match kind {
        Kind::SharedMechanisms => {
            let graph = ReformGraph::load(store)?;
            Ok(headline::shared_mechanisms(&graph, &labels, options))
        }
        Kind::Matrix => {
            let graph = ReformGraph::load(store)?;
            Ok(matrix::matrix(&graph, &labels, options))
        }
        Kind::CaseNetwork => {
            let graph = ReformGraph::load(store)?;
            Ok(kinds::case_network(&graph, &labels, options))
        }
        Kind::MechanismNetwork => {
            let graph = ReformGraph::load(store)?;
            Ok(kinds::mechanism_network(&graph, &labels, options))
        }
        Kind::Case(spec) => {
            let graph = ReformGraph::load(store)?;
            let case = graph.find_case(spec)?;
            kinds::case_diagram(store, &graph, case, &labels)
        }
        Kind::Query(sparql) => generic::from_query(store, sparql, &labels),
    }
}

/// The link a node opens, given its ID (an IRI for cases, mechanisms …).
pub type NodeLink<'a> = dyn Fn(&str) -> Option<String> + 'a;

/// Draws one diagram kind from a store and renders it to SVG bytes with
/// Graphviz (for a web page). `href`, when given, gives each node whose ID
/// is an IRI (cases, mechanisms, districts …) the link it should open.
pub fn svg(
    store: &Store,
    kind: &Kind,
    options: &Options,
    href: Option<&NodeLink<'_>>,
) -> Result<Vec<u8>, DiagramError> {
    let mut diagram = draw(store, kind, options)?;
    if let Some(href) = href {
        diagram.link_nodes(href);
    }
    diagram.render("svg")
}
