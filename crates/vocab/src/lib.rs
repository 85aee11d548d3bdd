//! The IRI scheme of reformkg: the namespaces of the public vocabulary,
//! the prefix table every query, export and table uses, and how IRIs are
//! shortened and minted (see `docs/vocabulary.md`).
//!
//! Only namespaces and term names live here; every Chinese or English label
//! lives in `ontology/*.ttl`. This crate knows no document, no store and no
//! lexicon.

use oxrdf::NamedNode;

/// The reformkg ontology namespace (`rk:`).
pub const RK: &str = "https://w3id.org/reformkg/ontology#";
/// Where every resource the build mints lives.
pub const ID: &str = "https://w3id.org/reformkg/id/";
/// Names of the graphs reformkg writes into other engines (`reformkg push
/// --graph-per-collection`).
pub const GRAPH: &str = "https://w3id.org/reformkg/id/graph/";

/// Where `reformkg load` names the graph of a file when `--graph` does not:
/// this namespace plus the file's name, percent-encoded (`encode_local`).
pub const LOADED_GRAPH: &str = "https://w3id.org/reformkg/id/graph/loaded/";

pub const RDF: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
pub const RDFS: &str = "http://www.w3.org/2000/01/rdf-schema#";
pub const OWL: &str = "http://www.w3.org/2002/07/owl#";
pub const XSD: &str = "http://www.w3.org/2001/XMLSchema#";
pub const SKOS: &str = "http://www.w3.org/2004/02/skos/core#";
pub const DCT: &str = "http://purl.org/dc/terms/";
pub const PROV: &str = "http://www.w3.org/ns/prov#";
pub const ORG: &str = "http://www.w3.org/ns/org#";
pub const OA: &str = "http://www.w3.org/ns/oa#";
pub const SCHEMA: &str = "https://schema.org/";
pub const SH: &str = "http://www.w3.org/ns/shacl#";

/// Prefixes declared for every query and every export, in display order:
/// the standard vocabularies, then one prefix per kind of minted resource so
/// that `mechanism:notification-commitment` reads (and pastes) well.
pub const PREFIXES: &[(&str, &str)] = &[
    ("rk", RK),
    ("rdf", RDF),
    ("rdfs", RDFS),
    ("owl", OWL),
    ("xsd", XSD),
    ("skos", SKOS),
    ("dct", DCT),
    ("prov", PROV),
    ("org", ORG),
    ("oa", OA),
    ("schema", SCHEMA),
    ("collection", "https://w3id.org/reformkg/id/collection/"),
    ("case", "https://w3id.org/reformkg/id/case/"),
    ("district", "https://w3id.org/reformkg/id/district/"),
    ("place", "https://w3id.org/reformkg/id/place/"),
    ("agency", "https://w3id.org/reformkg/id/agency/"),
    ("agencytype", "https://w3id.org/reformkg/id/agency-type/"),
    ("mechanism", "https://w3id.org/reformkg/id/mechanism/"),
    ("doc", "https://w3id.org/reformkg/id/document/"),
    ("outcome", "https://w3id.org/reformkg/id/outcome/"),
    ("mention", "https://w3id.org/reformkg/id/mention/"),
    ("pair", "https://w3id.org/reformkg/id/pair/"),
];

/// The namespace of one kind of minted resource, e.g. `id_ns("case")`.
pub fn id_ns(kind: &str) -> String {
    format!("{ID}{kind}/")
}

/// A term in a namespace. The inputs are compile-time constants, so the
/// IRI is always valid.
pub fn term(namespace: &str, local: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{namespace}{local}"))
}

pub fn rk(local: &str) -> NamedNode {
    term(RK, local)
}

/// A local name made safe for an IRI: letters, digits and `-._~` are kept
/// (Chinese included: IRIs allow it), anything else is percent-encoded.
pub fn encode_local(local: &str) -> String {
    let mut encoded = String::with_capacity(local.len());
    for c in local.chars() {
        if c.is_alphanumeric() || "-._~".contains(c) {
            encoded.push(c);
        } else {
            let mut buf = [0; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                encoded.push_str(&format!("%{b:02X}"));
            }
        }
    }
    encoded
}

/// The last path or fragment segment of an IRI.
pub fn local_name(iri: &str) -> &str {
    iri.rsplit(['/', '#']).next().unwrap_or(iri)
}

/// Shortens an IRI to `prefix:local` when a known prefix covers it and the
/// rest is a plain local name.
pub fn compact(iri: &str) -> Option<String> {
    compact_with(iri, PREFIXES.iter().map(|(p, ns)| (*p, *ns)))
}

/// Like [`compact`], with an explicit prefix list (the REPL adds its own).
pub fn compact_with<'a>(
    iri: &str,
    prefixes: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Option<String> {
    prefixes
        .into_iter()
        .filter(|(_, ns)| iri.starts_with(ns))
        .map(|(p, ns)| (p, &iri[ns.len()..]))
        .filter(|(_, local)| is_prefixed_local_name(local))
        .min_by_key(|(_, local)| local.len())
        .map(|(p, local)| format!("{p}:{local}"))
}

/// Conservative check for a local part that is valid in a SPARQL/Turtle
/// prefixed name without escaping.
fn is_prefixed_local_name(local: &str) -> bool {
    !local.is_empty()
        && !local.ends_with('.')
        && local
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-' || c == '.')
        && !local.starts_with(['-', '.'])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compacts_known_namespaces() {
        assert_eq!(compact(&format!("{RK}Case")).as_deref(), Some("rk:Case"));
        assert_eq!(
            compact(&format!("{ID}district/jinshan")).as_deref(),
            Some("district:jinshan")
        );
        assert_eq!(
            compact(&format!("{ID}case/a/b")),
            None,
            "a slash is not allowed unescaped in a local name"
        );
        assert_eq!(compact("http://example.org/x"), None);
    }
}
