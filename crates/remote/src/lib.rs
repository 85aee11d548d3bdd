//! Remote stage: the graph beyond this machine. `push` writes the store
//! into another engine through the SPARQL 1.1 Graph Store HTTP Protocol or
//! SPARQL 1.1 Update; `query` reads any SPARQL endpoint as if it were the
//! local store. `client` is the one HTTP client both use.

pub mod client;
pub mod push;
pub mod query;

pub use client::{Client, Credentials, RemoteError};
pub use push::{Push, PushError, PushProgress, Pushed, Service, Target};
pub use query::{Endpoint, Form, RemoteAnswer};
