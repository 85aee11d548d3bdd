//! reformkg turns Chinese business-environment reform case documents
//! (优化营商环境 案例) into an RDF knowledge graph kept in an embedded
//! Oxigraph store.
//!
//! The pipeline runs in one direction, one module a stage:
//!
//! ```text
//! corpus ─▶ lexicon ─▶ extract ─▶ graph ─▶ store ─┬─ query ─ repl
//!                                                  ├─ diagram
//!                                                  └─ export
//! ```
//!
//! A stage only uses the stages before it. See `ARCHITECTURE.md`.

pub mod atomic_file;
pub mod corpus;
pub mod diagram;
pub mod export;
pub mod extract;
pub mod graph;
pub mod lexicon;
pub mod pipeline;
pub mod query;
pub mod repl;
pub mod store;
pub mod suggest;
pub mod vocab;
