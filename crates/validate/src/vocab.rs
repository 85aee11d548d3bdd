//! The few IRIs the validator names.

use oxigraph::model::{NamedNode, NamedNodeRef};
use reformkg_vocab::SH;

pub use oxigraph::model::vocab::rdf::{FIRST as RDF_FIRST, NIL as RDF_NIL, REST as RDF_REST};
pub use oxigraph::model::vocab::rdf::{LANG_STRING, TYPE as RDF_TYPE};
pub use oxigraph::model::vocab::rdfs::{CLASS as RDFS_CLASS, SUB_CLASS_OF};

/// `sh:LOCAL`.
pub fn sh(local: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{SH}{local}"))
}

/// Is this IRI in the SHACL namespace? Gives its local name.
pub fn sh_local(iri: NamedNodeRef<'_>) -> Option<&str> {
    iri.as_str().strip_prefix(SH)
}
