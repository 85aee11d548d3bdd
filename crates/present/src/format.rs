//! Answers written in the formats programs read: Oxigraph's own result
//! serialisers (CSV, TSV, JSON, XML) for SELECT and ASK, its RDF
//! serialisers (Turtle, N-Triples) for CONSTRUCT and DESCRIBE, or a
//! terminal table.

use crate::table::{render_table, TableOptions};
use oxigraph::io::{RdfFormat, RdfSerializer};
use oxigraph::model::Triple;
use oxigraph::sparql::results::{QueryResultsFormat, QueryResultsSerializer};
use oxigraph::sparql::{CancellationToken, QueryResults};
use reformkg_store::sparql::{Answer, Prefixes, QueryError};
use std::io::Write;

/// Writes the solutions of a SELECT as they come, in a results format
/// (CSV, TSV, JSON, XML), so that no answer is held in memory. Returns the
/// number of rows written.
pub fn stream_solutions(
    results: QueryResults<'_>,
    format: OutputFormat,
    cancel: Option<&CancellationToken>,
    out: &mut dyn Write,
) -> Result<usize, QueryError> {
    let QueryResults::Solutions(solutions) = results else {
        return Err(QueryError::FormatMismatch {
            format: results_format_name(format),
            fits: "SELECT",
            gives: "another kind of answer",
        });
    };
    let serializer = QueryResultsSerializer::from_format(results_format(format));
    let mut writer =
        serializer.serialize_solutions_to_writer(&mut *out, solutions.variables().to_vec())?;
    let mut count = 0;
    for solution in solutions {
        if cancel.is_some_and(CancellationToken::is_cancelled) {
            return Err(QueryError::Cancelled);
        }
        writer.serialize(&solution?)?;
        count += 1;
    }
    writer.finish()?;
    end_line(format, out)?;
    Ok(count)
}

/// Output formats of `reformkg query` and the REPL's `.mode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    Table,
    Csv,
    Tsv,
    Json,
    Xml,
    Turtle,
    Ntriples,
}

/// Writes an answer in a format. `table` draws SELECT results as a table,
/// ASK as true/false and graphs as Turtle.
pub fn write_answer(
    answer: &Answer,
    format: OutputFormat,
    prefixes: &Prefixes,
    table: &TableOptions,
    out: &mut dyn Write,
) -> Result<(), QueryError> {
    match (format, answer) {
        (_, Answer::Updated) => Ok(()),
        (OutputFormat::Table, Answer::Solutions { variables, rows }) => {
            writeln!(out, "{}", render_table(variables, rows, prefixes, table))?;
            Ok(())
        }
        (OutputFormat::Table, Answer::Boolean(value)) => {
            writeln!(out, "{value}")?;
            Ok(())
        }
        (OutputFormat::Table | OutputFormat::Turtle, Answer::Graph(triples)) => {
            write_triples(triples, RdfFormat::Turtle, prefixes, out)
        }
        (OutputFormat::Ntriples, Answer::Graph(triples)) => {
            write_triples(triples, RdfFormat::NTriples, prefixes, out)
        }
        (OutputFormat::Turtle | OutputFormat::Ntriples, other) => Err(QueryError::FormatMismatch {
            format: if format == OutputFormat::Turtle {
                "turtle"
            } else {
                "ntriples"
            },
            fits: "CONSTRUCT/DESCRIBE",
            gives: other.kind(),
        }),
        (_, Answer::Graph(_)) => Err(QueryError::FormatMismatch {
            format: results_format_name(format),
            fits: "SELECT/ASK",
            gives: answer.kind(),
        }),
        (_, answer) => {
            write_results(answer, results_format(format), out)?;
            end_line(format, out)
        }
    }
}

/// Writes a SELECT or ASK answer in a SPARQL results format (JSON, XML,
/// CSV, TSV) through Oxigraph's serialiser. A graph or an update is a
/// format mismatch.
pub fn write_results(
    answer: &Answer,
    format: QueryResultsFormat,
    out: &mut dyn Write,
) -> Result<(), QueryError> {
    let serializer = QueryResultsSerializer::from_format(format);
    match answer {
        Answer::Boolean(value) => {
            serializer.serialize_boolean_to_writer(&mut *out, *value)?;
        }
        Answer::Solutions { variables, rows } => {
            let mut writer =
                serializer.serialize_solutions_to_writer(&mut *out, variables.clone())?;
            for row in rows {
                writer.serialize(
                    variables
                        .iter()
                        .zip(row)
                        .filter_map(|(v, t)| t.as_ref().map(|t| (v, t))),
                )?;
            }
            writer.finish()?;
        }
        Answer::Graph(_) | Answer::Updated => {
            return Err(QueryError::FormatMismatch {
                format: format.name(),
                fits: "SELECT/ASK",
                gives: answer.kind(),
            })
        }
    }
    Ok(())
}

/// JSON and XML serialisers end without a newline; a terminal wants one.
fn end_line(format: OutputFormat, out: &mut dyn Write) -> Result<(), QueryError> {
    if matches!(format, OutputFormat::Json | OutputFormat::Xml) {
        writeln!(out)?;
    }
    Ok(())
}

fn results_format(format: OutputFormat) -> QueryResultsFormat {
    match format {
        OutputFormat::Tsv => QueryResultsFormat::Tsv,
        OutputFormat::Json => QueryResultsFormat::Json,
        OutputFormat::Xml => QueryResultsFormat::Xml,
        _ => QueryResultsFormat::Csv,
    }
}

fn results_format_name(format: OutputFormat) -> &'static str {
    match format {
        OutputFormat::Csv => "csv",
        OutputFormat::Tsv => "tsv",
        OutputFormat::Json => "json",
        OutputFormat::Xml => "xml",
        OutputFormat::Table => "table",
        OutputFormat::Turtle => "turtle",
        OutputFormat::Ntriples => "ntriples",
    }
}

/// Writes triples in an RDF format through Oxigraph's serialiser; Turtle
/// declares the prefixes the triples use.
pub fn write_triples(
    triples: &[Triple],
    format: RdfFormat,
    prefixes: &Prefixes,
    out: &mut dyn Write,
) -> Result<(), QueryError> {
    let mut serializer = RdfSerializer::from_format(format);
    if format == RdfFormat::Turtle {
        for (prefix, namespace) in used_prefixes(triples.iter(), prefixes) {
            serializer = serializer
                .with_prefix(prefix, namespace)
                .map_err(|e| QueryError::bad_prefix(prefix, e))?;
        }
    }
    let mut writer = serializer.for_writer(&mut *out);
    for triple in triples {
        writer.serialize_triple(triple)?;
    }
    writer.finish()?;
    Ok(())
}

/// The prefixes whose namespace some IRI of the triples starts with, so a
/// Turtle document declares only what it uses.
pub fn used_prefixes<'a, 'p>(
    triples: impl Iterator<Item = &'a Triple>,
    prefixes: &'p Prefixes,
) -> Vec<(&'p str, &'p str)> {
    let mut usage = PrefixUsage::new(prefixes);
    for t in triples {
        usage.mark_triple(t.as_ref());
    }
    usage.used()
}

/// Which of a set of prefixes the statements seen so far use, for writers
/// that see their statements one at a time.
pub struct PrefixUsage<'p> {
    entries: Vec<(&'p str, &'p str)>,
    used: Vec<bool>,
}

impl<'p> PrefixUsage<'p> {
    pub fn new(prefixes: &'p Prefixes) -> Self {
        let entries: Vec<(&str, &str)> = prefixes.iter().collect();
        let used = vec![false; entries.len()];
        Self { entries, used }
    }

    fn mark(&mut self, iri: &str) {
        for (used, (_, ns)) in self.used.iter_mut().zip(&self.entries) {
            *used |= iri.starts_with(ns);
        }
    }

    /// Adds what `other` (over the same prefixes) found used.
    pub fn absorb(&mut self, other: &PrefixUsage<'_>) {
        for (used, theirs) in self.used.iter_mut().zip(&other.used) {
            *used |= *theirs;
        }
    }

    /// Notes the IRIs of a triple (and the datatype of its literal).
    pub fn mark_triple(&mut self, t: oxigraph::model::TripleRef<'_>) {
        if let oxigraph::model::NamedOrBlankNodeRef::NamedNode(n) = t.subject {
            self.mark(n.as_str());
        }
        self.mark(t.predicate.as_str());
        match t.object {
            oxigraph::model::TermRef::NamedNode(n) => self.mark(n.as_str()),
            oxigraph::model::TermRef::Literal(l) => self.mark(l.datatype().as_str()),
            _ => {}
        }
    }

    /// The prefixes used, in the order of the set.
    pub fn used(self) -> Vec<(&'p str, &'p str)> {
        self.entries
            .into_iter()
            .zip(self.used)
            .filter_map(|(entry, used)| used.then_some(entry))
            .collect()
    }
}
