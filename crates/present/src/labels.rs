//! Display labels by language: `skos:prefLabel`, then `rdfs:label` (then
//! `dct:title`) in the chosen language, then the same in the other
//! language, then untagged or other-language labels, then the IRI's local
//! name.

use oxigraph::model::{NamedNode, Term};
use oxigraph::store::Store;
use reformkg_store::sparql::{self, QueryError};
use reformkg_vocab::local_name;
use reformkg_vocab::RK;
use std::collections::HashMap;

/// The language labels are picked in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        }
    }

    /// Does a language tag (`zh`, `zh-Hans`, `en-GB`) belong to this language?
    pub fn matches(self, tag: &str) -> bool {
        same_language(self.tag(), tag)
    }
}

const LABEL_PREDICATES: &str = "VALUES ?p { skos:prefLabel rdfs:label dct:title }";

/// The one label picker of reformkg (diagrams, `similar`, the REPL's
/// `.labels` and messages): the best label of each resource for one
/// language.
#[derive(Debug, Clone, Default)]
pub struct Labels {
    /// The language asked for (`zh`, `en`, or any tag the REPL's `.lang` is).
    wanted: String,
    /// The language tried next: the other of the ontology's two languages.
    fallback: &'static str,
    best: HashMap<String, (u8, String)>,
}

impl Labels {
    /// Reads every label of the store (a few hundred for a year's cases).
    pub fn load(store: &Store, lang: Lang) -> Result<Self, QueryError> {
        let mut labels = Labels::empty(lang);
        let sparql = format!(
            "SELECT ?s ?p ?label WHERE {{ {LABEL_PREDICATES} ?s ?p ?label FILTER(isLiteral(?label)) }}"
        );
        labels.read(store, &sparql)?;
        Ok(labels)
    }

    /// Reads the labels of these resources only, in the language of a tag
    /// (for a result table: a few IRIs, not the whole store).
    pub fn load_for(store: &Store, iris: &[&NamedNode], tag: &str) -> Result<Self, QueryError> {
        let mut labels = Labels::for_tag(tag);
        let mut distinct = iris.to_vec();
        distinct.sort();
        distinct.dedup();
        for chunk in distinct.chunks(500) {
            let values: Vec<String> = chunk.iter().map(|n| n.to_string()).collect();
            let sparql = format!(
                // LATERAL: look each resource up; as a join Oxigraph reads
                // every label of the store (160 ms at 10,000 cases, 3 ms so).
                "SELECT ?s ?p ?label WHERE {{ VALUES ?s {{ {} }}
                   LATERAL {{ {LABEL_PREDICATES} ?s ?p ?label FILTER(isLiteral(?label)) }} }}",
                values.join(" ")
            );
            labels.read(store, &sparql)?;
        }
        Ok(labels)
    }

    /// [`Labels::load_for`] through another engine: `select` runs a SELECT
    /// there and gives its rows. Plain SPARQL 1.1 (no LATERAL), in chunks
    /// that keep each request small.
    pub fn load_for_with<E>(
        iris: &[&NamedNode],
        tag: &str,
        mut select: impl FnMut(&str) -> Result<Vec<Vec<Option<Term>>>, E>,
    ) -> Result<Self, E> {
        let mut labels = Labels::for_tag(tag);
        let mut distinct = iris.to_vec();
        distinct.sort();
        distinct.dedup();
        for chunk in distinct.chunks(100) {
            let values: Vec<String> = chunk.iter().map(|n| n.to_string()).collect();
            let sparql = format!(
                "SELECT ?s ?p ?label WHERE {{ VALUES ?s {{ {} }} {LABEL_PREDICATES} ?s ?p ?label FILTER(isLiteral(?label)) }}",
                values.join(" ")
            );
            labels.offer_rows(select(&sparql)?);
        }
        Ok(labels)
    }

    fn read(&mut self, store: &Store, sparql: &str) -> Result<(), QueryError> {
        self.offer_rows(sparql::select_rows(store, sparql)?);
        Ok(())
    }

    fn offer_rows(&mut self, rows: Vec<Vec<Option<Term>>>) {
        for row in rows {
            if let [Some(Term::NamedNode(s)), Some(Term::NamedNode(p)), Some(Term::Literal(l))] =
                row.as_slice()
            {
                self.offer(s.as_str(), p.as_str(), l.value(), l.language());
            }
        }
    }

    /// No labels yet: every IRI reads as its local name.
    pub fn empty(lang: Lang) -> Self {
        Labels::for_tag(lang.tag())
    }

    /// No labels yet, picking for any language tag; after that language
    /// come Chinese and English (the ontology's two), the other one first.
    pub fn for_tag(tag: &str) -> Self {
        let fallback = if Lang::Zh.matches(tag) {
            Lang::En.tag()
        } else {
            Lang::Zh.tag()
        };
        Labels {
            wanted: tag.to_owned(),
            fallback,
            best: HashMap::new(),
        }
    }

    /// Records a candidate label; the best one by [`Labels::score`] wins,
    /// and among equals the smallest text, so the choice is deterministic.
    pub fn offer(&mut self, iri: &str, predicate: &str, value: &str, language: Option<&str>) {
        let value = value.trim();
        if value.is_empty() {
            return;
        }
        let score = self.score(predicate, language);
        let candidate = (score, value.to_owned());
        match self.best.get(iri) {
            Some(current) if *current <= candidate => {}
            _ => {
                self.best.insert(iri.to_owned(), candidate);
            }
        }
    }

    /// Lower is better: language first (the one asked for, then the
    /// fallback, then untagged, then any other), then the kind of label.
    fn score(&self, predicate: &str, language: Option<&str>) -> u8 {
        let by_language = match language {
            Some(tag) if same_language(&self.wanted, tag) => 0,
            Some(tag) if same_language(self.fallback, tag) => 1,
            None => 2,
            Some(_) => 3,
        };
        let by_predicate = if predicate.ends_with("prefLabel") {
            0
        } else if predicate.ends_with("#label") {
            1
        } else {
            2
        };
        by_language * 3 + by_predicate
    }

    /// The label the store gives an IRI, if any.
    pub fn label(&self, iri: &str) -> Option<&str> {
        self.best.get(iri).map(|(_, label)| label.as_str())
    }

    /// The label of an IRI, or its local name when it has none.
    pub fn get(&self, iri: &str) -> String {
        match self.label(iri) {
            Some(label) => label.to_owned(),
            None => local_name_readable(iri),
        }
    }

    /// The label of a term of the reformkg ontology, e.g. `term("Case")`.
    pub fn term(&self, local: &str) -> String {
        self.get(&format!("{RK}{local}"))
    }
}

/// Do two language tags (`zh`, `zh-Hans`, `en-GB`) name the same language?
fn same_language(a: &str, b: &str) -> bool {
    let primary = |tag: &str| tag.split(['-', '_']).next().unwrap_or(tag).to_owned();
    primary(a).eq_ignore_ascii_case(&primary(b))
}

/// The local name of an IRI with percent-escapes decoded when they spell
/// UTF-8 (unknown districts keep their Chinese name in the IRI).
pub fn local_name_readable(iri: &str) -> String {
    let local = local_name(iri);
    let local = if local.is_empty() { iri } else { local };
    percent_decode(local).unwrap_or_else(|| local.to_owned())
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const PREF: &str = "http://www.w3.org/2004/02/skos/core#prefLabel";
    const LABEL: &str = "http://www.w3.org/2000/01/rdf-schema#label";

    #[test]
    fn chosen_language_wins_then_the_other_then_the_local_name() {
        let mut zh = Labels::empty(Lang::Zh);
        let mut en = Labels::empty(Lang::En);
        for labels in [&mut zh, &mut en] {
            labels.offer("http://x/a", PREF, "告知承诺", Some("zh"));
            labels.offer(
                "http://x/a",
                PREF,
                "Notification and commitment",
                Some("en"),
            );
            labels.offer("http://x/b", LABEL, "只有中文", Some("zh"));
        }
        assert_eq!(zh.get("http://x/a"), "告知承诺");
        assert_eq!(en.get("http://x/a"), "Notification and commitment");
        assert_eq!(en.get("http://x/b"), "只有中文");
        assert_eq!(en.get("http://x/c-d"), "c-d");
        assert_eq!(en.get("http://x/%E9%87%91%E5%B1%B1"), "金山");
    }

    #[test]
    fn pref_label_beats_rdfs_label_in_the_same_language() {
        let mut labels = Labels::empty(Lang::Zh);
        labels.offer("http://x/a", LABEL, "乙", Some("zh"));
        labels.offer("http://x/a", PREF, "甲", Some("zh-Hans"));
        labels.offer("http://x/a", PREF, "A", Some("en"));
        assert_eq!(labels.get("http://x/a"), "甲");
    }

    #[test]
    fn any_tag_falls_back_to_the_ontology_languages_before_untagged() {
        let mut fr = Labels::for_tag("fr");
        fr.offer("http://x/a", PREF, "untagged", None);
        fr.offer("http://x/a", PREF, "告知承诺", Some("zh"));
        assert_eq!(fr.label("http://x/a"), Some("告知承诺"));
        fr.offer("http://x/a", LABEL, "Notification", Some("fr-CA"));
        assert_eq!(fr.label("http://x/a"), Some("Notification"));
        let mut en = Labels::for_tag("en-GB");
        en.offer("http://x/b", PREF, "untagged", None);
        en.offer("http://x/b", PREF, "中文", Some("zh-Hans"));
        assert_eq!(
            en.label("http://x/b"),
            Some("中文"),
            "the other language beats untagged"
        );
        assert_eq!(en.label("http://x/c"), None);
    }
}
