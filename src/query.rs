//! Query stage: SPARQL over the store, and answers in the formats people
//! and programs read.
//!
//! Every statement sees the standard prefixes of [`crate::vocab::PREFIXES`]
//! without declaring them. SELECT and ASK answers go out through Oxigraph's
//! own result serialisers (CSV, TSV, JSON, XML) or as a terminal table;
//! CONSTRUCT and DESCRIBE answers through its RDF serialisers.

use crate::vocab::{compact_with, PREFIXES};
use comfy_table::{presets, ContentArrangement, Table};
use oxigraph::io::{RdfFormat, RdfSerializer};
use oxigraph::model::{Term, Triple, Variable};
use oxigraph::sparql::results::{QueryResultsFormat, QueryResultsSerializer};
use oxigraph::sparql::{
    CancellationToken, QueryEvaluationError, QueryResults, SparqlEvaluator, SparqlSyntaxError,
    UpdateEvaluationError,
};
use oxigraph::store::Store;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use unicode_width::UnicodeWidthStr;

#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    #[error("invalid SPARQL: {0}")]
    Syntax(#[from] SparqlSyntaxError),
    #[error("query failed: {0}")]
    Evaluation(#[from] QueryEvaluationError),
    #[error("update failed: {0}")]
    Update(#[from] UpdateEvaluationError),
    #[error("invalid prefix {prefix}: {message}")]
    Prefix { prefix: String, message: String },
    #[error("{format} output is for {fits} results; this query gives {gives}")]
    FormatMismatch {
        format: &'static str,
        fits: &'static str,
        gives: &'static str,
    },
    #[error("cannot write results: {0}")]
    Output(#[from] std::io::Error),
    #[error("no saved query {name}: looked for {path}")]
    NoSavedQuery { name: String, path: String },
    #[error("cannot read {path}: {source}")]
    ReadFile {
        path: String,
        source: std::io::Error,
    },
    #[error("the query was cancelled")]
    Cancelled,
    #[error("cannot start a thread for the query: {0}")]
    Thread(std::io::Error),
    #[error("brackets nest deeper than {limit} levels (at byte {offset}); such a query is refused rather than risk the stack")]
    TooDeep { limit: usize, offset: usize },
    #[error("cannot read the store: {0}")]
    Storage(#[from] oxigraph::store::StorageError),
}

/// A prefix list: the defaults plus any the user declared.
#[derive(Debug, Clone)]
pub struct Prefixes {
    entries: Vec<(String, String)>,
}

impl Default for Prefixes {
    fn default() -> Self {
        Self {
            entries: PREFIXES
                .iter()
                .map(|(p, ns)| ((*p).to_owned(), (*ns).to_owned()))
                .collect(),
        }
    }
}

impl Prefixes {
    /// Adds or replaces a prefix.
    pub fn set(&mut self, prefix: &str, namespace: &str) {
        match self.entries.iter_mut().find(|(p, _)| p == prefix) {
            Some(entry) => entry.1 = namespace.to_owned(),
            None => self.entries.push((prefix.to_owned(), namespace.to_owned())),
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entries.iter().map(|(p, ns)| (p.as_str(), ns.as_str()))
    }

    /// `prefix:local` for an IRI when a prefix covers it.
    pub fn compact(&self, iri: &str) -> Option<String> {
        compact_with(iri, self.iter())
    }

    fn evaluator(&self, cancel: Option<CancellationToken>) -> Result<SparqlEvaluator, QueryError> {
        let mut evaluator = SparqlEvaluator::new();
        for (prefix, namespace) in self.iter() {
            evaluator =
                evaluator
                    .with_prefix(prefix, namespace)
                    .map_err(|e| QueryError::Prefix {
                        prefix: prefix.to_owned(),
                        message: e.to_string(),
                    })?;
        }
        if let Some(token) = cancel {
            evaluator = evaluator.with_cancellation_token(token);
        }
        Ok(evaluator)
    }
}

/// A fully read answer. The graphs reformkg builds are small enough to hold
/// an answer in memory, which lets the table size its columns.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    Solutions {
        variables: Vec<Variable>,
        rows: Vec<Vec<Option<Term>>>,
    },
    Boolean(bool),
    Graph(Vec<Triple>),
    /// A SPARQL Update ran.
    Updated,
}

impl Answer {
    /// How many rows, triples or values the answer has.
    pub fn len(&self) -> usize {
        match self {
            Answer::Solutions { rows, .. } => rows.len(),
            Answer::Graph(triples) => triples.len(),
            Answer::Boolean(_) => 1,
            Answer::Updated => 0,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn kind(&self) -> &'static str {
        match self {
            Answer::Solutions { .. } => "SELECT",
            Answer::Boolean(_) => "ASK",
            Answer::Graph(_) => "CONSTRUCT/DESCRIBE",
            Answer::Updated => "UPDATE",
        }
    }
}

/// An answer and how long it took.
#[derive(Debug, Clone)]
pub struct Timed {
    pub answer: Answer,
    pub elapsed: Duration,
    /// The answer stopped at [`Limits::max_rows`]: the query has more.
    pub truncated: bool,
}

/// How much of an answer is read into memory.
#[derive(Debug, Clone, Copy, Default)]
pub struct Limits {
    /// Stop reading after this many rows or triples (`None`: all of them).
    pub max_rows: Option<usize>,
}

/// How long a statement may run unless the user says otherwise
/// (`reformkg query --timeout`, the REPL's `.timeout`).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// Brackets (`(`, `{`, `[`) may nest this deep. Oxigraph's parser and
/// evaluator recurse once a level; deeper input would overflow the stack
/// and abort the process, so it is refused up front. Real queries nest a
/// handful of levels.
pub const MAX_NESTING: usize = 256;

/// Statements run on a thread with this much stack (see [`on_large_stack`]).
pub const STACK_SIZE: usize = 256 * 1024 * 1024;

/// A parsed statement, ready to run. (Parsed once per statement, so the
/// size difference of the variants does not matter.)
#[allow(clippy::large_enum_variant)]
pub enum Statement {
    Query(oxigraph::sparql::PreparedSparqlQuery),
    Update(oxigraph::sparql::PreparedSparqlUpdate),
}

/// Parses `sparql` as a query, else as an update, with the prefixes
/// declared. A syntax error is reported by the parser of the kind the text
/// starts as.
pub fn parse(
    sparql: &str,
    prefixes: &Prefixes,
    cancel: Option<CancellationToken>,
) -> Result<Statement, QueryError> {
    check_nesting(sparql)?;
    let evaluator = prefixes.evaluator(cancel)?;
    match evaluator.clone().parse_query(sparql) {
        Ok(prepared) => Ok(Statement::Query(prepared)),
        Err(query_error) => match evaluator.parse_update(sparql) {
            Ok(update) => Ok(Statement::Update(update)),
            Err(update_error) if starts_as_update(sparql) => Err(update_error.into()),
            Err(_) => Err(query_error.into()),
        },
    }
}

/// Runs a query, or an update when the text is not a query, reading the
/// whole answer.
pub fn run(
    store: &Store,
    sparql: &str,
    prefixes: &Prefixes,
    cancel: Option<CancellationToken>,
) -> Result<Timed, QueryError> {
    run_with(store, sparql, prefixes, cancel, Limits::default())
}

/// [`run`] with limits on what is read.
pub fn run_with(
    store: &Store,
    sparql: &str,
    prefixes: &Prefixes,
    cancel: Option<CancellationToken>,
    limits: Limits,
) -> Result<Timed, QueryError> {
    let started = Instant::now();
    match parse(sparql, prefixes, cancel.clone())? {
        Statement::Query(prepared) => execute_query(store, prepared, cancel, limits, started),
        Statement::Update(update) => {
            update.on_store(store).execute()?;
            Ok(Timed {
                answer: Answer::Updated,
                elapsed: started.elapsed(),
                truncated: false,
            })
        }
    }
}

/// Evaluates a parsed query and reads its answer (up to the limits).
pub fn execute_query(
    store: &Store,
    prepared: oxigraph::sparql::PreparedSparqlQuery,
    cancel: Option<CancellationToken>,
    limits: Limits,
    started: Instant,
) -> Result<Timed, QueryError> {
    read_answer(prepared.on_store(store).execute()?, cancel, limits, started)
}

/// Reads an evaluated query's answer (up to the limits).
pub fn read_answer(
    results: QueryResults<'_>,
    cancel: Option<CancellationToken>,
    limits: Limits,
    started: Instant,
) -> Result<Timed, QueryError> {
    let (answer, truncated) = collect(results, cancel.as_ref(), limits)?;
    if cancel.is_some_and(|c| c.is_cancelled()) {
        return Err(QueryError::Cancelled);
    }
    Ok(Timed {
        answer,
        elapsed: started.elapsed(),
        truncated,
    })
}

/// Runs `work` on a fresh thread with [`STACK_SIZE`] of stack and waits for
/// it: the parser and evaluator recurse on the query's shape.
pub fn on_large_stack<T: Send>(work: impl FnOnce() -> T + Send) -> Result<T, QueryError> {
    std::thread::scope(|scope| {
        let handle = std::thread::Builder::new()
            .name("sparql".to_owned())
            .stack_size(STACK_SIZE)
            .spawn_scoped(scope, work)
            .map_err(QueryError::Thread)?;
        match handle.join() {
            Ok(value) => Ok(value),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}

/// Refuses text whose brackets nest deeper than [`MAX_NESTING`]. Strings,
/// IRIs and comments are skipped, so brackets inside them do not count.
pub fn check_nesting(sparql: &str) -> Result<(), QueryError> {
    let mut depth = 0usize;
    let mut chars = sparql.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        match c {
            '(' | '{' | '[' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Err(QueryError::TooDeep {
                        limit: MAX_NESTING,
                        offset: at,
                    });
                }
            }
            ')' | '}' | ']' => depth = depth.saturating_sub(1),
            '#' => {
                for (_, c) in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            '"' | '\'' => skip_string(sparql, at, c, &mut chars),
            '<' => {
                // An IRI runs to `>` without spaces; otherwise `<` compares.
                let rest = &sparql[at + 1..];
                if let Some(end) = rest.find(|c: char| c == '>' || c.is_whitespace() || c == '<') {
                    if rest[end..].starts_with('>') {
                        for _ in 0..rest[..=end].chars().count() {
                            chars.next();
                        }
                    }
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// Advances `chars` past the string literal opening at `at` with `quote`
/// (short or long form, with backslash escapes).
fn skip_string(
    sparql: &str,
    at: usize,
    quote: char,
    chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>,
) {
    let long: String = std::iter::repeat_n(quote, 3).collect();
    if sparql[at..].starts_with(&long) {
        chars.next();
        chars.next();
        while let Some((i, c)) = chars.next() {
            if c == '\\' {
                chars.next();
            } else if c == quote && sparql[i..].starts_with(&long) {
                chars.next();
                chars.next();
                return;
            }
        }
        return;
    }
    while let Some((_, c)) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '\n' => return,
            c if c == quote => return,
            _ => {}
        }
    }
}

/// SPARQL Update operation keywords; anything else is read as a query.
const UPDATE_KEYWORDS: [&str; 10] = [
    "INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH",
];

/// Does the text start (after comments and PREFIX/BASE declarations) with
/// an update keyword? Used to pick which parser's message to show.
pub fn starts_as_update(sparql: &str) -> bool {
    let mut rest = sparql;
    loop {
        rest = rest.trim_start();
        if rest.starts_with('#') {
            rest = rest.split_once('\n').map_or("", |(_, after)| after);
            continue;
        }
        let word: String = rest.chars().take_while(char::is_ascii_alphabetic).collect();
        let upper = word.to_ascii_uppercase();
        if upper == "PREFIX" || upper == "BASE" {
            // Skip to the end of the declaration's <iri>.
            rest = rest.split_once('>').map_or("", |(_, after)| after);
            continue;
        }
        return UPDATE_KEYWORDS.contains(&upper.as_str());
    }
}

/// Reads results up to the limits, checking the token between rows:
/// Oxigraph checks it only when it reads the store, and a join can yield
/// many rows without. Says whether rows were left unread.
fn collect(
    results: QueryResults<'_>,
    cancel: Option<&CancellationToken>,
    limits: Limits,
) -> Result<(Answer, bool), QueryError> {
    let check = || match cancel {
        Some(token) if token.is_cancelled() => Err(QueryError::Cancelled),
        _ => Ok(()),
    };
    let full = |n: usize| limits.max_rows.is_some_and(|max| n >= max);
    Ok(match results {
        QueryResults::Solutions(solutions) => {
            let variables = solutions.variables().to_vec();
            let mut rows = Vec::new();
            let mut truncated = false;
            for solution in solutions {
                check()?;
                if full(rows.len()) {
                    truncated = true;
                    break;
                }
                rows.push(solution?.values().to_vec());
            }
            (Answer::Solutions { variables, rows }, truncated)
        }
        QueryResults::Boolean(value) => (Answer::Boolean(value), false),
        QueryResults::Graph(triples) => {
            let mut collected = Vec::new();
            let mut truncated = false;
            for triple in triples {
                check()?;
                if full(collected.len()) {
                    truncated = true;
                    break;
                }
                collected.push(triple?);
            }
            (Answer::Graph(collected), truncated)
        }
    })
}

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

/// How to draw a table.
#[derive(Debug, Clone)]
pub struct TableOptions {
    /// Terminal width in columns; `None` for no limit.
    pub width: Option<u16>,
    /// Longest cell, in display columns, before it is cut with `…`.
    pub max_cell: usize,
    /// At most this many rows are drawn.
    pub max_rows: Option<usize>,
}

impl Default for TableOptions {
    fn default() -> Self {
        Self {
            width: None,
            max_cell: 60,
            max_rows: None,
        }
    }
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
        (_, Answer::Boolean(value)) => {
            let serializer = QueryResultsSerializer::from_format(results_format(format));
            serializer.serialize_boolean_to_writer(&mut *out, *value)?;
            end_line(format, out)
        }
        (_, Answer::Solutions { variables, rows }) => {
            let serializer = QueryResultsSerializer::from_format(results_format(format));
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
            end_line(format, out)
        }
    }
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

fn write_triples(
    triples: &[Triple],
    format: RdfFormat,
    prefixes: &Prefixes,
    out: &mut dyn Write,
) -> Result<(), QueryError> {
    let mut serializer = RdfSerializer::from_format(format);
    if format == RdfFormat::Turtle {
        for (prefix, namespace) in used_prefixes(triples.iter(), prefixes) {
            serializer =
                serializer
                    .with_prefix(prefix, namespace)
                    .map_err(|e| QueryError::Prefix {
                        prefix: prefix.to_owned(),
                        message: e.to_string(),
                    })?;
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
    let mut used = vec![false; prefixes.entries.len()];
    let mut mark = |iri: &str| {
        for (i, (_, ns)) in prefixes.entries.iter().enumerate() {
            if iri.starts_with(ns.as_str()) {
                used[i] = true;
            }
        }
    };
    for t in triples {
        if let oxigraph::model::NamedOrBlankNode::NamedNode(n) = &t.subject {
            mark(n.as_str());
        }
        mark(t.predicate.as_str());
        match &t.object {
            Term::NamedNode(n) => mark(n.as_str()),
            Term::Literal(l) => mark(l.datatype().as_str()),
            _ => {}
        }
    }
    prefixes
        .iter()
        .zip(used)
        .filter_map(|(entry, used)| used.then_some(entry))
        .collect()
}

/// A SELECT answer as a table: prefixed names for IRIs, plain values for
/// literals, CJK characters counted as two columns, long cells cut.
pub fn render_table(
    variables: &[Variable],
    rows: &[Vec<Option<Term>>],
    prefixes: &Prefixes,
    options: &TableOptions,
) -> String {
    let mut table = Table::new();
    table.load_preset(presets::UTF8_FULL_CONDENSED);
    match options.width {
        Some(width) => {
            table.set_content_arrangement(ContentArrangement::Dynamic);
            table.set_width(width);
        }
        None => {
            table.set_content_arrangement(ContentArrangement::Disabled);
        }
    }
    table.set_header(variables.iter().map(|v| v.as_str()));
    let shown = options.max_rows.map_or(rows.len(), |m| m.min(rows.len()));
    for row in &rows[..shown] {
        table.add_row(row.iter().map(|cell| {
            let text = cell
                .as_ref()
                .map(|t| display_term(t, prefixes))
                .unwrap_or_default();
            truncate(&text, options.max_cell)
        }));
    }
    table.to_string()
}

/// How a term reads in a table cell.
pub fn display_term(term: &Term, prefixes: &Prefixes) -> String {
    match term {
        Term::NamedNode(n) => prefixes
            .compact(n.as_str())
            .unwrap_or_else(|| format!("<{}>", n.as_str())),
        Term::BlankNode(b) => format!("_:{}", b.as_str()),
        Term::Literal(l) => l.value().replace('\n', " "),
        #[allow(unreachable_patterns)]
        _ => term.to_string(),
    }
}

/// Cuts `text` to at most `max` display columns, ending with `…` when cut.
pub fn truncate(text: &str, max: usize) -> String {
    if text.width() <= max {
        return text.to_owned();
    }
    let mut out = String::new();
    let mut width = 0;
    for c in text.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if width + w + 1 > max {
            break;
        }
        out.push(c);
        width += w;
    }
    out.push('…');
    out
}

/// Finds the text of a query given as SPARQL, `-f FILE` or a saved `NAME`.
pub fn resolve_query_text(
    arg: Option<&str>,
    file: Option<&Path>,
    queries_dir: &Path,
) -> Result<String, QueryError> {
    if let Some(path) = file {
        return read_file(path);
    }
    let arg = arg.unwrap_or_default();
    if is_query_name(arg) {
        let path = saved_query_path(queries_dir, arg);
        if path.is_file() {
            return read_file(&path);
        }
        return Err(QueryError::NoSavedQuery {
            name: arg.to_owned(),
            path: path.display().to_string(),
        });
    }
    Ok(arg.to_owned())
}

/// A bare word such as `cases-by-mechanism` names a saved query.
pub fn is_query_name(arg: &str) -> bool {
    !arg.is_empty()
        && arg
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

pub fn saved_query_path(queries_dir: &Path, name: &str) -> PathBuf {
    queries_dir.join(format!("{name}.rq"))
}

fn read_file(path: &Path) -> Result<String, QueryError> {
    std::fs::read_to_string(path).map_err(|source| QueryError::ReadFile {
        path: path.display().to_string(),
        source,
    })
}

/// A saved query: its name and the one-line description from its first
/// comment lines (`# en: …`, `# zh: …`, or any `# …`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedQuery {
    pub name: String,
    pub description: String,
    pub path: PathBuf,
}

/// The saved queries of a directory, by name.
pub fn saved_queries(queries_dir: &Path) -> Vec<SavedQuery> {
    let Ok(entries) = std::fs::read_dir(queries_dir) else {
        return Vec::new();
    };
    let mut queries: Vec<SavedQuery> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "rq"))
        .filter_map(|path| {
            let name = path.file_stem()?.to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&path).ok()?;
            Some(SavedQuery {
                name,
                description: description_of(&text),
                path,
            })
        })
        .collect();
    queries.sort_by(|a, b| a.name.cmp(&b.name));
    queries
}

/// The question a saved query answers, from its leading comment lines: the
/// `zh:` and `en:` lines joined with ` / `, else the first comment line.
pub fn description_of(text: &str) -> String {
    let comments: Vec<&str> = text
        .lines()
        .map(str::trim)
        .take_while(|l| l.starts_with('#'))
        .map(|l| l.trim_start_matches('#').trim())
        .filter(|l| !l.is_empty())
        .collect();
    let languages: Vec<&str> = comments
        .iter()
        .filter_map(|l| l.strip_prefix("zh:").or_else(|| l.strip_prefix("en:")))
        .map(str::trim)
        .collect();
    if languages.is_empty() {
        comments
            .first()
            .map(|l| (*l).to_owned())
            .unwrap_or_default()
    } else {
        languages.join(" / ")
    }
}

/// What `reformkg stats` shows: statements, resources per class, and the
/// mechanisms used by most cases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stats {
    pub statements: usize,
    pub classes: Vec<(String, usize)>,
    pub top_mechanisms: Vec<(String, usize)>,
}

const CLASS_COUNTS: &str = "SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE {
  VALUES ?class { rk:CaseCollection rk:Case rk:District rk:Agency rk:AgencyType rk:Mechanism
                  rk:PolicyDocument rk:Outcome rk:Mention }
  OPTIONAL { ?s a ?class }
} GROUP BY ?class";

const TOP_MECHANISMS: &str = "SELECT ?label (COUNT(DISTINCT ?case) AS ?cases) WHERE {
  ?case rk:usesMechanism ?m .
  ?m skos:prefLabel ?label FILTER(lang(?label) = \"zh\")
} GROUP BY ?m ?label ORDER BY DESC(?cases) ?label LIMIT 10";

/// Reads the numbers for [`Stats`] from a store.
pub fn stats(store: &Store) -> Result<Stats, QueryError> {
    let prefixes = Prefixes::default();
    let pairs = |sparql: &str| -> Result<Vec<(String, usize)>, QueryError> {
        let Answer::Solutions { rows, .. } = run(store, sparql, &prefixes, None)?.answer else {
            return Ok(Vec::new());
        };
        Ok(rows
            .iter()
            .filter_map(|row| {
                let name = display_term(row.first()?.as_ref()?, &prefixes);
                let count = match row.get(1)?.as_ref()? {
                    Term::Literal(l) => l.value().parse().ok()?,
                    _ => return None,
                };
                Some((name, count))
            })
            .collect())
    };
    let mut classes = pairs(CLASS_COUNTS)?;
    classes.sort();
    Ok(Stats {
        statements: store.len()?,
        classes,
        top_mechanisms: pairs(TOP_MECHANISMS)?,
    })
}

impl std::fmt::Display for Stats {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "{} statements", self.statements)?;
        let mut classes = Table::new();
        classes.load_preset(presets::UTF8_FULL_CONDENSED);
        classes.set_header(["class", "resources"]);
        for (class, n) in &self.classes {
            classes.add_row([class.clone(), n.to_string()]);
        }
        writeln!(f, "{classes}")?;
        let mut top = Table::new();
        top.load_preset(presets::UTF8_FULL_CONDENSED);
        top.set_header(["mechanism", "cases"]);
        for (label, n) in &self.top_mechanisms {
            top.add_row([label.clone(), n.to_string()]);
        }
        write!(f, "{top}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxigraph::model::{GraphNameRef, Literal, NamedNode, QuadRef};

    fn store_with_one_case() -> Store {
        let store = Store::new().expect("in-memory store");
        let case = NamedNode::new_unchecked("https://w3id.org/reformkg/id/case/x-1");
        let title = NamedNode::new_unchecked("http://purl.org/dc/terms/title");
        let label = Literal::new_language_tagged_literal_unchecked("以法治服务“小切口”", "zh");
        store
            .insert(QuadRef::new(
                &case,
                &title,
                &label,
                GraphNameRef::DefaultGraph,
            ))
            .expect("insert");
        store
    }

    #[test]
    fn default_prefixes_need_no_declaration() {
        let store = store_with_one_case();
        let answer = run(
            &store,
            "SELECT ?t WHERE { case:x-1 dct:title ?t }",
            &Prefixes::default(),
            None,
        )
        .expect("runs")
        .answer;
        assert_eq!(answer.len(), 1);
    }

    #[test]
    fn syntax_errors_carry_line_and_column() {
        let store = store_with_one_case();
        let err = run(
            &store,
            "SELECT ?x WHERE {\n ?x ?y }",
            &Prefixes::default(),
            None,
        )
        .unwrap_err();
        let message = err.to_string();
        assert!(message.contains("2:"), "{message}");
    }

    #[test]
    fn table_counts_cjk_as_two_columns() {
        let store = store_with_one_case();
        let answer = run(
            &store,
            "SELECT ?s ?t WHERE { ?s dct:title ?t }",
            &Prefixes::default(),
            None,
        )
        .expect("runs")
        .answer;
        let Answer::Solutions { variables, rows } = answer else {
            panic!("a SELECT gives solutions")
        };
        let table = render_table(
            &variables,
            &rows,
            &Prefixes::default(),
            &TableOptions::default(),
        );
        assert!(table.contains("case:x-1"), "{table}");
        let widths: Vec<usize> = table.lines().map(UnicodeWidthStr::width).collect();
        assert!(
            widths.windows(2).all(|w| w[0] == w[1]),
            "ragged table:\n{table}"
        );
    }

    #[test]
    fn broken_updates_get_the_update_parser_message() {
        let store = store_with_one_case();
        let err = run(
            &store,
            "PREFIX x: <http://x/>\nINSERT DATA { x:a x:b }",
            &Prefixes::default(),
            None,
        )
        .unwrap_err();
        assert!(err.to_string().contains("invalid SPARQL"), "{err}");
        assert!(starts_as_update(
            "# note\nPREFIX x: <http://x/> delete where { ?s ?p ?o }"
        ));
        assert!(!starts_as_update("PREFIX x: <http://x/> SELECT * {}"));
        assert!(!starts_as_update(""));
    }

    #[test]
    fn truncation_respects_display_width() {
        assert_eq!(truncate("告知承诺制度", 7), "告知承…");
        assert_eq!(truncate("abc", 7), "abc");
    }

    #[test]
    fn csv_comes_from_oxigraph_serialiser() {
        let store = store_with_one_case();
        let answer = run(
            &store,
            "SELECT ?t WHERE { ?s dct:title ?t }",
            &Prefixes::default(),
            None,
        )
        .expect("runs")
        .answer;
        let mut out = Vec::new();
        write_answer(
            &answer,
            OutputFormat::Csv,
            &Prefixes::default(),
            &TableOptions::default(),
            &mut out,
        )
        .expect("writes");
        assert_eq!(
            String::from_utf8(out).expect("utf-8"),
            "t\r\n以法治服务“小切口”\r\n"
        );
    }

    #[test]
    fn describing_with_csv_is_refused() {
        let store = store_with_one_case();
        let answer = run(&store, "DESCRIBE case:x-1", &Prefixes::default(), None)
            .expect("runs")
            .answer;
        let mut out = Vec::new();
        let err = write_answer(
            &answer,
            OutputFormat::Csv,
            &Prefixes::default(),
            &TableOptions::default(),
            &mut out,
        )
        .unwrap_err();
        assert!(matches!(err, QueryError::FormatMismatch { .. }));
    }

    #[test]
    fn descriptions_come_from_leading_comments() {
        let text = "# zh: 哪些案例使用某机制？\n# en: Which cases use a mechanism?\n# A note.\nSELECT * {}";
        assert_eq!(
            description_of(text),
            "哪些案例使用某机制？ / Which cases use a mechanism?"
        );
        assert_eq!(
            description_of("# Just one line\n# and more\nASK {}"),
            "Just one line"
        );
        assert_eq!(description_of("ASK {}"), "");
    }
}
