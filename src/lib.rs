//! reformkg turns Chinese business-environment reform case documents
//! (优化营商环境 案例) into an RDF knowledge graph kept in an embedded
//! Oxigraph store.
//!
//! The pipeline runs in one direction, one crate a stage; this crate is the
//! application on top: the build that strings the stages together, the
//! REPL, saved questions, `stats`, `lexicon suggest`, and where the
//! program's own data comes from (`resources`).
//!
//! ```text
//! corpus ─▶ lexicon ─▶ extract ─▶ graph ─▶ store ─▶ present ─▶ diagram ─▶ serve
//!    (vocab: the IRI scheme, below all but corpus)          └──▶ reformkg (cli, repl)
//! ```
//!
//! The stage crates are re-exported under their stage names, so that
//! `reformkg::corpus` is `reformkg_corpus`. See `ARCHITECTURE.md`.

pub use reformkg_corpus as corpus;
pub use reformkg_diagram as diagram;
pub use reformkg_extract as extract;
pub use reformkg_graph as graph;
pub use reformkg_lexicon as lexicon;
pub use reformkg_present as present;
pub use reformkg_remote as remote;
pub use reformkg_serve as serve;
pub use reformkg_store as store;
pub use reformkg_validate as validate;
pub use reformkg_vocab as vocab;

pub mod load;
pub mod pipeline;
pub mod progress;
pub mod repl;
pub mod resources;
pub mod saved;
pub mod stats;
pub mod suggest;
