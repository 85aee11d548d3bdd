//! SPARQL over a store: the one way reformkg parses, evaluates and reads
//! the answer of a statement.
//!
//! Every statement sees the standard prefixes of [`reformkg_vocab::PREFIXES`]
//! without declaring them. Answers are read into an [`Answer`] (up to
//! [`Limits`]); writing them out is the presentation layer's job.

use oxigraph::model::{Term, Triple, Variable};
use oxigraph::sparql::{
    CancellationToken, QueryEvaluationError, QueryResults, SparqlEvaluator, SparqlSyntaxError,
    UpdateEvaluationError,
};
use oxigraph::store::Store;
use reformkg_vocab::{compact_with, PREFIXES};
use std::time::{Duration, Instant};

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

impl QueryError {
    /// A prefix that Oxigraph refused, from the evaluator or a serialiser.
    pub fn bad_prefix(prefix: &str, error: impl std::fmt::Display) -> Self {
        QueryError::Prefix {
            prefix: prefix.to_owned(),
            message: error.to_string(),
        }
    }
}

/// A prefix list: the defaults plus any the user declared; and the base
/// IRI relative IRIs resolve against, when there is one (a server's
/// endpoint URL).
#[derive(Debug, Clone)]
pub struct Prefixes {
    entries: Vec<(String, String)>,
    base: Option<String>,
}

impl Default for Prefixes {
    fn default() -> Self {
        Self {
            entries: PREFIXES
                .iter()
                .map(|(p, ns)| ((*p).to_owned(), (*ns).to_owned()))
                .collect(),
            base: None,
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

    /// Resolves relative IRIs of a statement against `iri` (a statement's
    /// own `BASE` still wins).
    pub fn with_base(mut self, iri: impl Into<String>) -> Self {
        self.base = Some(iri.into());
        self
    }

    /// `prefix:local` for an IRI when a prefix covers it.
    pub fn compact(&self, iri: &str) -> Option<String> {
        compact_with(iri, self.iter())
    }

    /// The one evaluator builder: these prefixes declared, and the
    /// cancellation token attached when there is one.
    pub fn evaluator(
        &self,
        cancel: Option<CancellationToken>,
    ) -> Result<SparqlEvaluator, QueryError> {
        let mut evaluator = SparqlEvaluator::new();
        if let Some(base) = &self.base {
            evaluator = evaluator
                .with_base_iri(base.as_str())
                .map_err(|e| QueryError::bad_prefix("BASE", e))?;
        }
        for (prefix, namespace) in self.iter() {
            evaluator = evaluator
                .with_prefix(prefix, namespace)
                .map_err(|e| QueryError::bad_prefix(prefix, e))?;
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

    /// The query form that gives this kind of answer.
    pub fn kind(&self) -> &'static str {
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
            Err(update_error) if is_update(sparql) => Err(update_error.into()),
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

/// Runs a parsed query to its end and returns Oxigraph's evaluation plan
/// with the rows and time of each step, as JSON: what to read when a
/// question is slow (which join runs first, which step reads the most).
pub fn explain(
    store: &Store,
    prepared: oxigraph::sparql::PreparedSparqlQuery,
) -> Result<String, QueryError> {
    let (results, explanation) = prepared.on_store(store).compute_statistics().explain();
    // The statistics are filled in as the answer is read.
    match results? {
        QueryResults::Solutions(solutions) => {
            for solution in solutions {
                solution?;
            }
        }
        QueryResults::Graph(triples) => {
            for triple in triples {
                triple?;
            }
        }
        QueryResults::Boolean(_) => {}
    }
    let mut json = Vec::new();
    explanation.write_in_json(&mut json)?;
    Ok(String::from_utf8_lossy(&json).into_owned())
}

/// The rows of a SELECT with the default prefixes (no rows for another
/// kind of query): the one "run a SELECT, get rows" helper.
pub fn select_rows(store: &Store, sparql: &str) -> Result<Vec<Vec<Option<Term>>>, QueryError> {
    match run(store, sparql, &Prefixes::default(), None)?.answer {
        Answer::Solutions { rows, .. } => Ok(rows),
        _ => Ok(Vec::new()),
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

/// Is the text an update rather than a query: does it start (after
/// comments and PREFIX/BASE declarations) with an update keyword? The one
/// update detector: it picks which parser's message a syntax error shows,
/// and tells the REPL when the vocabulary may have changed.
pub fn is_update(sparql: &str) -> bool {
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
        assert!(is_update(
            "# note\nPREFIX x: <http://x/> delete where { ?s ?p ?o }"
        ));
        assert!(!is_update("PREFIX x: <http://x/> SELECT * {}"));
        assert!(!is_update(""));
    }
}
