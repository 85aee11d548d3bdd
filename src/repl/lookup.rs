//! Looking things up in the store for the session: labels of IRIs (for
//! `.labels` and messages) and the concept a label names (for `.run`
//! bindings).

use super::command::LabelMode;
use super::error::ReplError;
use super::text::{self, DefaultValue};
use crate::present::labels::Labels;
use crate::remote::Endpoint;
use crate::store::sparql::{self, Answer, Prefixes};
use oxigraph::model::vocab::xsd;
use oxigraph::model::{Literal, NamedNode, Term, Variable};
use oxigraph::store::Store;

/// Where a lookup asks: the local store or the connected endpoint.
pub enum LookupSource<'a> {
    Local(&'a Store),
    Remote(&'a Endpoint),
}

/// The store seen through the session's prefixes and label language.
pub struct Lookup<'a> {
    pub source: LookupSource<'a>,
    pub prefixes: &'a Prefixes,
    pub lang: &'a str,
}

impl Lookup<'_> {
    /// Adds a label column beside each column of IRIs, or puts labels in
    /// place of the IRIs.
    pub fn labelled(
        &self,
        variables: &[Variable],
        rows: &[Vec<Option<Term>>],
        mode: LabelMode,
    ) -> Result<Answer, ReplError> {
        let iris: Vec<&NamedNode> = rows
            .iter()
            .flatten()
            .filter_map(|cell| match cell {
                Some(Term::NamedNode(n)) => Some(n),
                _ => None,
            })
            .collect();
        let labels = self.labels_of(&iris)?;
        let label_of = |cell: &Option<Term>| -> Option<Term> {
            match cell {
                Some(Term::NamedNode(n)) => labels
                    .label(n.as_str())
                    .map(|l| Literal::new_simple_literal(l).into()),
                _ => None,
            }
        };
        if mode == LabelMode::Only {
            let rows = rows
                .iter()
                .map(|row| {
                    row.iter()
                        .map(|c| label_of(c).or_else(|| c.clone()))
                        .collect()
                })
                .collect();
            return Ok(Answer::Solutions {
                variables: variables.to_vec(),
                rows,
            });
        }
        let labelled_columns: Vec<bool> = (0..variables.len())
            .map(|j| {
                rows.iter()
                    .any(|row| row.get(j).is_some_and(|c| label_of(c).is_some()))
            })
            .collect();
        let mut header = Vec::new();
        for (variable, labelled) in variables.iter().zip(&labelled_columns) {
            header.push(variable.clone());
            if *labelled {
                // Display only: a header, not a variable of the query.
                header.push(Variable::new_unchecked(format!(
                    "{} ({})",
                    variable.as_str(),
                    self.lang
                )));
            }
        }
        let rows = rows
            .iter()
            .map(|row| {
                let mut out = Vec::new();
                for (cell, labelled) in row.iter().zip(&labelled_columns) {
                    out.push(cell.clone());
                    if *labelled {
                        out.push(label_of(cell));
                    }
                }
                out
            })
            .collect();
        Ok(Answer::Solutions {
            variables: header,
            rows,
        })
    }

    /// The best label of each IRI, by the one label picker.
    fn labels_of(&self, iris: &[&NamedNode]) -> Result<Labels, ReplError> {
        match self.source {
            LookupSource::Local(store) => Ok(Labels::load_for(store, iris, self.lang)?),
            LookupSource::Remote(endpoint) => Ok(Labels::load_for_with(iris, self.lang, |q| {
                endpoint.select_rows(q)
            })?),
        }
    }

    fn rows(&self, sparql: &str) -> Result<Vec<Vec<Option<Term>>>, ReplError> {
        match self.source {
            LookupSource::Local(store) => Ok(sparql::select_rows(store, sparql)?),
            LookupSource::Remote(endpoint) => Ok(endpoint.select_rows(sparql)?),
        }
    }

    /// The term a `.run` value stands for, shaped to what the query
    /// expects: its `VALUES` default says IRI or `"label"@lang`, and a
    /// label is looked up to find the concept either way.
    pub fn binding_term(&self, sparql: &str, variable: &str, raw: &str) -> Result<Term, ReplError> {
        let wanted = text::default_value(sparql, variable);
        match self.given_value(raw)? {
            Given::Term(term @ Term::Literal(_)) => Ok(term),
            Given::Term(Term::NamedNode(iri)) => self.concept_as(iri, &wanted),
            Given::Term(other) => Ok(other),
            Given::Word(word) => match wanted {
                DefaultValue::Literal => Ok(Literal::new_simple_literal(word).into()),
                DefaultValue::LangLiteral(ref lang) => match self.concept_by_label(&word)? {
                    Some(iri) => self.concept_as(iri, &wanted),
                    None => Literal::new_language_tagged_literal(word, lang)
                        .map(Term::from)
                        .map_err(|e| ReplError::Binding(e.to_string())),
                },
                DefaultValue::Iri => match self.concept_by_label(&word)? {
                    Some(iri) => Ok(iri.into()),
                    None => Err(ReplError::Binding(format!(
                        "nothing is labelled {word}: ?{variable} wants an IRI"
                    ))),
                },
                DefaultValue::None => match self.concept_by_label(&word)? {
                    Some(iri) => Ok(iri.into()),
                    None => {
                        eprintln!(
                            "note: nothing is labelled {word}, so ?{variable} gets it as text"
                        );
                        Ok(Literal::new_simple_literal(word).into())
                    }
                },
            },
        }
    }

    /// A concept, as the kind of term the query wants.
    fn concept_as(&self, iri: NamedNode, wanted: &DefaultValue) -> Result<Term, ReplError> {
        let lang = match wanted {
            DefaultValue::LangLiteral(lang) => lang.clone(),
            DefaultValue::Literal => self.lang.to_owned(),
            DefaultValue::Iri | DefaultValue::None => return Ok(iri.into()),
        };
        let labels = self.labels_in(&iri, &lang)?;
        let label = labels.first().ok_or_else(|| {
            ReplError::Binding(format!(
                "{} has no @{lang} label",
                self.describe(&iri.clone().into())
            ))
        })?;
        Ok(match wanted {
            DefaultValue::LangLiteral(_) => Literal::new_language_tagged_literal(label, &lang)
                .map_err(|e| ReplError::Binding(e.to_string()))?
                .into(),
            _ => Literal::new_simple_literal(label).into(),
        })
    }

    fn labels_in(&self, iri: &NamedNode, lang: &str) -> Result<Vec<String>, ReplError> {
        let sparql = format!(
            "SELECT ?l WHERE {{ {{ {iri} skos:prefLabel ?l BIND(0 AS ?rank) }} UNION {{ {iri} rdfs:label ?l BIND(1 AS ?rank) }}
               FILTER(LANGMATCHES(LANG(?l), {})) }} ORDER BY ?rank ?l",
            Literal::new_simple_literal(lang)
        );
        Ok(self
            .rows(&sparql)?
            .into_iter()
            .filter_map(|row| match row.into_iter().next()? {
                Some(Term::Literal(l)) => Some(l.value().to_owned()),
                _ => None,
            })
            .collect())
    }

    /// The resource a label names: `skos:prefLabel` wins over
    /// `skos:altLabel` over `rdfs:label`; case does not matter.
    fn concept_by_label(&self, label: &str) -> Result<Option<NamedNode>, ReplError> {
        let sparql = format!(
            "SELECT DISTINCT ?s ?rank WHERE {{
               {{ ?s skos:prefLabel ?l BIND(0 AS ?rank) }} UNION {{ ?s skos:altLabel ?l BIND(1 AS ?rank) }}
               UNION {{ ?s rdfs:label ?l BIND(2 AS ?rank) }}
               FILTER(isIRI(?s) && LCASE(STR(?l)) = LCASE({}))
             }} ORDER BY ?rank ?s",
            Literal::new_simple_literal(label)
        );
        let found: Vec<(NamedNode, String)> = self
            .rows(&sparql)?
            .into_iter()
            .filter_map(|row| match row.as_slice() {
                [Some(Term::NamedNode(s)), Some(Term::Literal(rank))] => {
                    Some((s.clone(), rank.value().to_owned()))
                }
                _ => None,
            })
            .collect();
        let Some((_, best_rank)) = found.first() else {
            return Ok(None);
        };
        let mut best: Vec<NamedNode> = found
            .iter()
            .filter(|(_, rank)| rank == best_rank)
            .map(|(s, _)| s.clone())
            .collect();
        best.dedup();
        if best.len() > 1 {
            let names: Vec<String> = best
                .iter()
                .map(|n| self.describe(&n.clone().into()))
                .collect();
            return Err(ReplError::Binding(format!(
                "{label} labels {} resources: {}; give one of these instead",
                best.len(),
                names.join(", ")
            )));
        }
        Ok(best.pop())
    }

    /// Reads a `.run` value: `<iri>`, `prefix:name`, `"text"`,
    /// `"text"@lang`, a number, or else a word (a label, most likely).
    fn given_value(&self, raw: &str) -> Result<Given, ReplError> {
        let invalid = |what: &str| ReplError::Binding(format!("{raw} is not a valid {what}"));
        if let Some(iri) = raw.strip_prefix('<').and_then(|r| r.strip_suffix('>')) {
            return NamedNode::new(iri)
                .map(|n| Given::Term(n.into()))
                .map_err(|_| invalid("IRI"));
        }
        if let Some(quoted) = raw.strip_prefix('"') {
            let (value, rest) = quoted.rsplit_once('"').ok_or_else(|| invalid("string"))?;
            return match rest.strip_prefix('@') {
                Some(lang) => Literal::new_language_tagged_literal(value, lang)
                    .map(|l| Given::Term(l.into()))
                    .map_err(|_| invalid("language tag")),
                None if rest.is_empty() => {
                    Ok(Given::Term(Literal::new_simple_literal(value).into()))
                }
                None => Err(invalid("string")),
            };
        }
        if raw.parse::<i64>().is_ok() {
            return Ok(Given::Term(
                Literal::new_typed_literal(raw, xsd::INTEGER).into(),
            ));
        }
        if raw.parse::<f64>().is_ok() && raw.contains('.') {
            return Ok(Given::Term(
                Literal::new_typed_literal(raw, xsd::DECIMAL).into(),
            ));
        }
        if let Some((prefix, local)) = raw.split_once(':') {
            if let Some((_, namespace)) = self.prefixes.iter().find(|(p, _)| *p == prefix) {
                return NamedNode::new(format!("{namespace}{local}"))
                    .map(|n| Given::Term(n.into()))
                    .map_err(|_| invalid("prefixed name"));
            }
        }
        Ok(Given::Word(raw.to_owned()))
    }

    /// A term as a person reads it: prefixed name and label, or the literal.
    pub fn describe(&self, term: &Term) -> String {
        match term {
            Term::NamedNode(n) => {
                let name = self
                    .prefixes
                    .compact(n.as_str())
                    .unwrap_or_else(|| n.to_string());
                match self
                    .labels_of(&[n])
                    .ok()
                    .and_then(|l| l.label(n.as_str()).map(str::to_owned))
                {
                    Some(label) => format!("{name} ({label})"),
                    None => name,
                }
            }
            other => other.to_string(),
        }
    }
}

/// A `.run` value before it is shaped to what the query wants.
enum Given {
    Term(Term),
    Word(String),
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxigraph::io::RdfFormat;
    use reformkg_vocab::{ID, RK, SKOS};

    /// Two concepts: one with labels in two languages and an alternative
    /// label, one whose label is shared by nobody.
    fn store() -> Store {
        let store = Store::new().expect("in-memory store");
        let turtle = format!(
            "<{ID}mechanism/a> a <{RK}Mechanism> ; <{SKOS}prefLabel> \"告知承诺\"@zh , \"Notification\"@en ;
                 <{SKOS}altLabel> \"告知承诺制\"@zh .
             <{ID}mechanism/b> a <{RK}Mechanism> ; <{SKOS}prefLabel> \"免罚清单\"@zh ."
        );
        store
            .load_from_slice(RdfFormat::Turtle, turtle.as_bytes())
            .expect("load");
        store
    }

    fn bound(sparql: &str, raw: &str) -> Result<String, ReplError> {
        let store = store();
        let prefixes = Prefixes::default();
        let lookup = Lookup {
            source: LookupSource::Local(&store),
            prefixes: &prefixes,
            lang: "zh",
        };
        lookup
            .binding_term(sparql, "m", raw)
            .map(|term| term.to_string())
    }

    #[test]
    fn a_label_becomes_the_concept_for_an_iri_parameter() {
        let query = "SELECT ?c WHERE { ?c rk:usesMechanism ?m }";
        let iri = format!("<{ID}mechanism/a>");
        assert_eq!(bound(query, "告知承诺").expect("binds"), iri);
        assert_eq!(bound(query, "告知承诺制").expect("binds"), iri, "alt label");
        assert_eq!(
            bound(query, "notification").expect("binds"),
            iri,
            "any case"
        );
        assert_eq!(bound(query, "mechanism:a").expect("binds"), iri);
        assert_eq!(
            bound(query, "不存在").expect("binds"),
            "\"不存在\"",
            "an unknown word is text"
        );
        let with_iri_default =
            "SELECT ?c WHERE { VALUES ?m { mechanism:b } ?c rk:usesMechanism ?m }";
        assert!(bound(with_iri_default, "不存在").is_err());
    }

    #[test]
    fn a_label_parameter_gets_the_preferred_label_in_its_language() {
        let query = "SELECT ?c WHERE { VALUES ?m { \"免罚清单\"@zh } ?x skos:prefLabel ?m }";
        assert_eq!(
            bound(query, "告知承诺制").expect("binds"),
            "\"告知承诺\"@zh"
        );
        assert_eq!(
            bound(query, "mechanism:a").expect("binds"),
            "\"告知承诺\"@zh"
        );
        assert_eq!(bound(query, "新机制").expect("binds"), "\"新机制\"@zh");
        assert_eq!(bound(query, "\"as typed\"").expect("binds"), "\"as typed\"");
    }

    #[test]
    fn numbers_and_iris_are_read_as_such() {
        let query = "SELECT ?c WHERE { ?c rk:rank ?m }";
        assert_eq!(
            bound(query, "3").expect("binds"),
            "\"3\"^^<http://www.w3.org/2001/XMLSchema#integer>"
        );
        assert_eq!(bound(query, "<urn:x>").expect("binds"), "<urn:x>");
        assert!(bound(query, "<not an iri>").is_err());
    }
}
