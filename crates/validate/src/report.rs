//! The validation report: results, the summary, a readable text with
//! labels, and the standard `sh:ValidationReport` graph.

use crate::path::Path;
use crate::vocab::{sh, RDF_TYPE};
use oxigraph::io::{RdfFormat, RdfSerializer};
use oxigraph::model::{
    BlankNode, Literal, NamedNode, NamedOrBlankNode, NamedOrBlankNodeRef, Term, Triple,
};
use oxigraph::store::Store;
use reformkg_present::labels::Labels;
use reformkg_store::sparql::{Prefixes, QueryError};
use std::collections::HashSet;
use std::fmt::Write as _;

/// One validation result (`sh:ValidationResult`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationResult {
    pub focus: Term,
    pub path: Option<Path>,
    pub value: Option<Term>,
    pub shape: NamedOrBlankNode,
    /// `sh:sourceConstraintComponent`.
    pub component: NamedNode,
    /// `sh:Violation`, `sh:Warning` or `sh:Info`.
    pub severity: NamedNode,
    pub messages: Vec<Literal>,
    /// `sh:sourceConstraint`: the SPARQL constraint that gave the result.
    pub detail: Option<Term>,
}

impl ValidationResult {
    pub(crate) fn with_focus(mut self, focus: Term) -> Self {
        self.focus = focus;
        self
    }

    pub(crate) fn sort_key(&self) -> String {
        format!(
            "{}\t{}\t{}\t{}\t{}",
            self.focus,
            self.path.as_ref().map(Path::to_sparql).unwrap_or_default(),
            self.component,
            self.value.as_ref().map(Term::to_string).unwrap_or_default(),
            self.shape
        )
    }

    /// The severity's local name: Violation, Warning, Info.
    pub fn severity_name(&self) -> &str {
        self.severity
            .as_str()
            .rsplit(['#', '/'])
            .next()
            .unwrap_or_default()
    }
}

/// What validation found.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub results: Vec<ValidationResult>,
    /// Focus nodes validated (a node counts once per shape targeting it).
    pub focus_nodes_checked: usize,
}

impl Report {
    /// SHACL's conformance: no results at all, whatever their severity.
    pub fn conforms(&self) -> bool {
        self.results.is_empty()
    }

    /// The distinct focus nodes with results.
    pub fn focus_nodes(&self) -> HashSet<&Term> {
        self.results.iter().map(|r| &r.focus).collect()
    }

    /// `conforms (N focus nodes checked)`, or `N violations in M focus nodes`
    /// (with warnings and infos counted apart).
    pub fn summary(&self) -> String {
        if self.conforms() {
            return format!(
                "conforms ({} focus nodes checked)",
                self.focus_nodes_checked
            );
        }
        let count = |name: &str| {
            self.results
                .iter()
                .filter(|r| r.severity_name() == name)
                .count()
        };
        let mut parts = Vec::new();
        for (name, one, many) in [
            ("Violation", "violation", "violations"),
            ("Warning", "warning", "warnings"),
            ("Info", "info", "infos"),
        ] {
            let n = count(name);
            if n > 0 {
                parts.push(format!("{n} {}", if n == 1 { one } else { many }));
            }
        }
        let other = self.results.len() - count("Violation") - count("Warning") - count("Info");
        if other > 0 {
            parts.push(format!("{other} of other severities"));
        }
        let nodes = self.focus_nodes().len();
        format!(
            "{} in {nodes} focus node{}",
            parts.join(", "),
            if nodes == 1 { "" } else { "s" }
        )
    }

    /// The report as an `sh:ValidationReport` graph.
    pub fn to_triples(&self) -> Vec<Triple> {
        let report = BlankNode::new_unchecked("report");
        let mut triples = vec![
            Triple::new(report.clone(), RDF_TYPE, sh("ValidationReport")),
            Triple::new(
                report.clone(),
                sh("conforms"),
                Literal::from(self.conforms()),
            ),
        ];
        for (i, result) in self.results.iter().enumerate() {
            let node = BlankNode::new_unchecked(format!("r{i}"));
            triples.push(Triple::new(report.clone(), sh("result"), node.clone()));
            result.write_rdf(&node, &format!("r{i}"), &mut triples);
        }
        triples
    }

    /// The report in Turtle, through Oxigraph's serialiser.
    pub fn to_turtle(&self, prefixes: &Prefixes) -> Result<Vec<u8>, std::io::Error> {
        let triples = self.to_triples();
        let mut serializer = RdfSerializer::from_format(RdfFormat::Turtle);
        for (prefix, namespace) in prefixes.iter() {
            if !triples.iter().any(|t| uses_namespace(t, namespace)) {
                continue;
            }
            serializer = serializer
                .with_prefix(prefix, namespace)
                .map_err(std::io::Error::other)?;
        }
        let mut writer = serializer.for_writer(Vec::new());
        for triple in &triples {
            writer.serialize_triple(triple)?;
        }
        writer.finish()
    }
}

impl ValidationResult {
    fn write_rdf(&self, node: &BlankNode, prefix: &str, triples: &mut Vec<Triple>) {
        let mut add = |p: &str, o: Term| triples.push(Triple::new(node.clone(), sh(p), o));
        add("focusNode", self.focus.clone());
        add("resultSeverity", self.severity.clone().into());
        add("sourceConstraintComponent", self.component.clone().into());
        add("sourceShape", self.shape.clone().into());
        if let Some(value) = &self.value {
            add("value", value.clone());
        }
        if let Some(detail) = &self.detail {
            add("sourceConstraint", detail.clone());
        }
        for message in &self.messages {
            add("resultMessage", message.clone().into());
        }
        triples.push(Triple::new(node.clone(), RDF_TYPE, sh("ValidationResult")));
        if let Some(path) = &self.path {
            let object = path.to_rdf(prefix, triples);
            triples.push(Triple::new(node.clone(), sh("resultPath"), object));
        }
    }
}

/// Does a triple name an IRI (or a datatype) in this namespace? Only
/// those prefixes are declared.
fn uses_namespace(triple: &Triple, namespace: &str) -> bool {
    let term = |t: &Term| match t {
        Term::NamedNode(n) => n.as_str().starts_with(namespace),
        Term::Literal(l) => l.datatype().as_str().starts_with(namespace),
        _ => false,
    };
    let subject = match &triple.subject {
        NamedOrBlankNode::NamedNode(n) => n.as_str().starts_with(namespace),
        NamedOrBlankNode::BlankNode(_) => false,
    };
    subject || triple.predicate.as_str().starts_with(namespace) || term(&triple.object)
}

/// How IRIs are shown: `prefix:local`, and the resource's label in quotes.
pub struct Namer<'a> {
    pub prefixes: &'a Prefixes,
    pub labels: &'a Labels,
}

/// Labels longer than this are cut with an ellipsis.
const LABEL_CHARS: usize = 40;

impl Namer<'_> {
    pub fn iri(&self, iri: &NamedNode) -> String {
        self.prefixes
            .compact(iri.as_str())
            .unwrap_or_else(|| iri.to_string())
    }

    /// A message with each whole-word IRI (a SPARQL constraint's `{?value}`)
    /// written as `prefix:local`.
    pub fn compact_words(&self, message: &str) -> String {
        message
            .split(' ')
            .map(|word| match self.prefixes.compact(word) {
                Some(short) if word.contains("://") => short,
                _ => word.to_owned(),
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// A term as the rest of the CLI shows it: `case:x-3 (“title”)`.
    pub fn term(&self, term: &Term) -> String {
        match term {
            Term::NamedNode(n) => {
                let name = self.iri(n);
                match self.labels.label(n.as_str()) {
                    Some(label) => format!("{name} (“{}”)", cut(label)),
                    None => name,
                }
            }
            Term::Literal(l) => {
                let value = cut(l.value());
                match l.language() {
                    Some(lang) => format!("\"{value}\"@{lang}"),
                    None => match self.iri(&l.datatype().into_owned()).as_str() {
                        "xsd:string" => format!("\"{value}\""),
                        // Turtle's bare forms, when the value reads back the same.
                        "xsd:integer" | "xsd:decimal" | "xsd:boolean" if is_bare(l) => value,
                        datatype => format!("\"{value}\"^^{datatype}"),
                    },
                }
            }
            other => other.to_string(),
        }
    }
}

/// Can a numeric or boolean literal be written bare (`12`, `3.5`, `true`)?
fn is_bare(literal: &Literal) -> bool {
    let value = literal.value();
    match literal.datatype().as_str().rsplit('#').next() {
        Some("integer") => value.parse::<i128>().is_ok() && !value.starts_with('+'),
        Some("decimal") => {
            value.contains('.')
                && value
                    .trim_start_matches('-')
                    .split_once('.')
                    .is_some_and(|(a, b)| {
                        !a.is_empty()
                            && !b.is_empty()
                            && (a.chars().chain(b.chars())).all(|c| c.is_ascii_digit())
                    })
        }
        Some("boolean") => value == "true" || value == "false",
        _ => false,
    }
}

fn cut(text: &str) -> String {
    let text = text.replace(['\n', '\r'], " ");
    if text.chars().count() <= LABEL_CHARS {
        return text;
    }
    let mut cut: String = text.chars().take(LABEL_CHARS - 1).collect();
    cut.push('…');
    cut
}

impl Report {
    /// The IRIs the text report names (to look their labels up).
    pub fn named_nodes(&self) -> Vec<&NamedNode> {
        let mut iris = Vec::new();
        for r in &self.results {
            for term in [Some(&r.focus), r.value.as_ref()].into_iter().flatten() {
                if let Term::NamedNode(n) = term {
                    iris.push(n);
                }
            }
        }
        iris
    }

    /// Loads the labels of the resources the report names.
    pub fn labels(&self, store: &Store, lang: &str) -> Result<Labels, QueryError> {
        Labels::load_for(store, &self.named_nodes(), lang)
    }

    /// The readable report: one entry per result, then the summary line.
    pub fn to_text(&self, namer: &Namer<'_>, lang: &str) -> String {
        let mut text = String::new();
        for r in &self.results {
            let _ = writeln!(text, "{}", namer.term(&r.focus));
            if let Some(path) = &r.path {
                let _ = writeln!(text, "  path      {}", path.render(&|n| namer.iri(n)));
            }
            if let Some(value) = &r.value {
                let _ = writeln!(text, "  value     {}", namer.term(value));
            }
            if let Some(message) = pick_message(&r.messages, lang) {
                let _ = writeln!(text, "  message   {}", namer.compact_words(message));
            }
            let shape = match &r.shape {
                NamedOrBlankNode::NamedNode(n) => format!(", shape {}", namer.iri(n)),
                NamedOrBlankNode::BlankNode(_) => String::new(),
            };
            let _ = writeln!(
                text,
                "  severity  {} ({}{shape})\n",
                r.severity_name(),
                namer.iri(&r.component)
            );
        }
        let _ = writeln!(text, "{}", self.summary());
        text
    }
}

/// The message in the wanted language, else an untagged one, else any.
fn pick_message<'a>(messages: &'a [Literal], lang: &str) -> Option<&'a str> {
    let wanted = messages.iter().find(|m| m.language() == Some(lang));
    let plain = messages.iter().find(|m| m.language().is_none());
    wanted.or(plain).or(messages.first()).map(Literal::value)
}

pub(crate) fn as_subject(term: &Term) -> Option<NamedOrBlankNodeRef<'_>> {
    match term {
        Term::NamedNode(n) => Some(n.into()),
        Term::BlankNode(b) => Some(b.into()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reformkg_present::labels::Lang;

    #[test]
    fn terms_are_written_short_with_labels_and_literals_as_in_turtle() {
        let prefixes = Prefixes::default();
        let mut labels = Labels::empty(Lang::Zh);
        let case = "https://w3id.org/reformkg/id/case/x-3";
        labels.offer(case, "http://purl.org/dc/terms/title", "标题", Some("zh"));
        let namer = Namer {
            prefixes: &prefixes,
            labels: &labels,
        };
        let typed = |value: &str, local: &str| -> Term {
            Literal::new_typed_literal(
                value,
                NamedNode::new_unchecked(format!("{}{local}", reformkg_vocab::XSD)),
            )
            .into()
        };
        assert_eq!(
            namer.term(&NamedNode::new_unchecked(case).into()),
            "case:x-3 (“标题”)"
        );
        assert_eq!(namer.term(&typed("12", "integer")), "12");
        assert_eq!(namer.term(&typed("-3.5", "decimal")), "-3.5");
        assert_eq!(namer.term(&typed("+1", "integer")), "\"+1\"^^xsd:integer");
        assert_eq!(
            namer.term(&typed("three", "integer")),
            "\"three\"^^xsd:integer"
        );
        assert_eq!(namer.term(&typed("2023", "gYear")), "\"2023\"^^xsd:gYear");
        assert_eq!(namer.term(&Literal::from("a").into()), "\"a\"");
        assert_eq!(
            namer.term(&Literal::new_language_tagged_literal_unchecked("x", "en").into()),
            "\"x\"@en"
        );
        assert_eq!(
            namer.compact_words("link https://w3id.org/reformkg/ontology#rank to x"),
            "link rk:rank to x"
        );
    }
}
