//! Pre-binding `$this` in a SPARQL-based constraint. Oxigraph's
//! `substitute_variable` joins the binding after evaluating the whole
//! pattern (a scan of every `$this ?p ?value` triple of the store for each
//! focus node: seconds per node at 2,000 cases), so the binding goes in as
//! `VALUES $this { … }` at the start of the WHERE clause instead, where the
//! evaluator joins from it (milliseconds).

use oxigraph::model::Term;

/// The query with `VALUES $this { focus }` opening its WHERE clause, or
/// None when the WHERE clause cannot be found with certainty.
pub fn with_values(query: &str, focus: &Term) -> Option<String> {
    let brace = where_brace(query)?;
    let (head, tail) = query.split_at(brace + 1);
    Some(format!("{head} VALUES $this {{ {focus} }} {tail}"))
}

/// The byte offset of the `{` that opens the WHERE clause: the first `{`
/// outside strings, IRIs and comments, accepted only right after the
/// keyword WHERE (so an EXISTS in the projection is never mistaken for it).
fn where_brace(query: &str) -> Option<usize> {
    let bytes = query.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'#' => i = skip_until(bytes, i, b'\n'),
            b'<' if looks_like_iri(bytes, i) => i = skip_until(bytes, i, b'>'),
            quote @ (b'"' | b'\'') => i = skip_string(bytes, i, quote),
            b'{' => {
                let before = query[..i].trim_end();
                let keyword = before.get(before.len().saturating_sub(5)..)?;
                return keyword.eq_ignore_ascii_case("where").then_some(i);
            }
            _ => i += 1,
        }
    }
    None
}

fn skip_until(bytes: &[u8], from: usize, end: u8) -> usize {
    bytes[from + 1..]
        .iter()
        .position(|b| *b == end)
        .map_or(bytes.len(), |p| from + 1 + p + 1)
}

/// `<` opens an IRI when the next `>` comes before any space (else it is
/// the less-than operator).
fn looks_like_iri(bytes: &[u8], from: usize) -> bool {
    bytes[from + 1..]
        .iter()
        .find(|b| **b == b'>' || b.is_ascii_whitespace())
        .is_some_and(|b| *b == b'>')
}

fn skip_string(bytes: &[u8], from: usize, quote: u8) -> usize {
    let long = bytes.get(from..from + 3) == Some(&[quote, quote, quote][..]);
    let mut i = from + if long { 3 } else { 1 };
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b if b == quote && !long => return i + 1,
            b if b == quote && bytes.get(i..i + 3) == Some(&[quote, quote, quote][..]) => {
                return i + 3
            }
            _ => i += 1,
        }
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxigraph::model::NamedNode;

    fn focus() -> Term {
        NamedNode::new_unchecked("http://x/a").into()
    }

    #[test]
    fn the_binding_opens_the_where_clause() {
        let q = "PREFIX p: <http://x/>\nSELECT $this ?v WHERE { $this p:q ?v }";
        assert_eq!(
            with_values(q, &focus()).as_deref(),
            Some("PREFIX p: <http://x/>\nSELECT $this ?v WHERE { VALUES $this { <http://x/a> }  $this p:q ?v }")
        );
    }

    #[test]
    fn braces_in_strings_iris_and_comments_are_skipped() {
        let q = "# {\nSELECT ?v WHERE { ?v <http://x/{> \"{\" FILTER(?v < 3) }";
        let out = with_values(q, &focus()).expect("found");
        assert!(
            out.starts_with("# {\nSELECT ?v WHERE { VALUES $this"),
            "{out}"
        );
    }

    #[test]
    fn without_where_or_with_exists_in_the_projection_it_gives_up() {
        assert_eq!(with_values("SELECT ?v { ?v ?p ?o }", &focus()), None);
        let q = "SELECT (EXISTS { ?a ?b ?c } AS ?e) WHERE { ?v ?p ?o }";
        assert_eq!(with_values(q, &focus()), None);
    }
}
