//! Tab completion: SPARQL keywords, prefixes, the store's own classes,
//! properties and concepts as prefixed names, concepts by their (Chinese)
//! label, dot-commands, saved query names and file names.

use super::command::COMMANDS;
use crate::store::sparql::{self, Prefixes, QueryError};
use oxigraph::model::Term;
use oxigraph::store::Store;
use rustyline::completion::{Completer, FilenameCompleter, Pair};
use rustyline::{Context, Helper, Highlighter, Hinter, Validator};
use std::sync::mpsc::{Receiver, RecvTimeoutError, TryRecvError};
use std::sync::{Arc, Mutex, PoisonError, RwLock, RwLockReadGuard};
use std::time::Duration;

/// SPARQL 1.1 keywords and built-in functions (grammar words, not vocabulary).
const KEYWORDS: &[&str] = &[
    "SELECT",
    "DISTINCT",
    "REDUCED",
    "WHERE",
    "FILTER",
    "OPTIONAL",
    "UNION",
    "MINUS",
    "GRAPH",
    "SERVICE",
    "BIND",
    "VALUES",
    "GROUP",
    "BY",
    "ORDER",
    "ASC",
    "DESC",
    "LIMIT",
    "OFFSET",
    "HAVING",
    "AS",
    "ASK",
    "CONSTRUCT",
    "DESCRIBE",
    "PREFIX",
    "BASE",
    "FROM",
    "NAMED",
    "INSERT",
    "DELETE",
    "DATA",
    "WITH",
    "USING",
    "CLEAR",
    "DROP",
    "CREATE",
    "LOAD",
    "COPY",
    "MOVE",
    "ADD",
    "SILENT",
    "DEFAULT",
    "ALL",
    "EXISTS",
    "NOT",
    "IN",
    "UNDEF",
    "COUNT",
    "SUM",
    "MIN",
    "MAX",
    "AVG",
    "SAMPLE",
    "GROUP_CONCAT",
    "SEPARATOR",
    "STR",
    "LANG",
    "LANGMATCHES",
    "DATATYPE",
    "BOUND",
    "IRI",
    "URI",
    "BNODE",
    "RAND",
    "ABS",
    "CEIL",
    "FLOOR",
    "ROUND",
    "CONCAT",
    "STRLEN",
    "UCASE",
    "LCASE",
    "ENCODE_FOR_URI",
    "CONTAINS",
    "STRSTARTS",
    "STRENDS",
    "STRBEFORE",
    "STRAFTER",
    "YEAR",
    "MONTH",
    "DAY",
    "HOURS",
    "MINUTES",
    "SECONDS",
    "TIMEZONE",
    "TZ",
    "NOW",
    "UUID",
    "STRUUID",
    "MD5",
    "SHA1",
    "SHA256",
    "SHA384",
    "SHA512",
    "COALESCE",
    "IF",
    "STRLANG",
    "STRDT",
    "sameTerm",
    "isIRI",
    "isURI",
    "isBLANK",
    "isLITERAL",
    "isNUMERIC",
    "REGEX",
    "SUBSTR",
    "REPLACE",
    "true",
    "false",
];

/// Characters that end a word being completed.
fn is_delimiter(c: char) -> bool {
    c.is_whitespace() || "{}()[],;=<>\"'^|/!*+&".contains(c)
}

/// What the store offers for completion, read once at start-up.
#[derive(Debug, Clone, Default)]
pub struct Vocabulary {
    /// IRIs of classes, properties and labelled resources.
    terms: Vec<String>,
    /// `(label, IRI)` for labels with non-ASCII text (the ones typed by
    /// label rather than by name).
    labels: Vec<(String, String)>,
}

/// The declared classes and properties and the labelled concepts: read
/// through indexes, in milliseconds whatever the size of the store.
const DECLARED_TERMS: &str = "SELECT DISTINCT ?t WHERE {
  { ?t skos:prefLabel ?l } UNION {
    ?t a ?kind
    VALUES ?kind { owl:Class rdfs:Class rdf:Property owl:ObjectProperty owl:DatatypeProperty
                   owl:AnnotationProperty }
  }
  FILTER(isIRI(?t))
}";

/// Every class and property in use, declared or not: a scan of the whole
/// store (seconds at 10,000 cases), so it is read after the declared ones.
const USED_TERMS: &str = "SELECT DISTINCT ?t WHERE {
  { ?s a ?t } UNION { ?s ?t ?o }
  FILTER(isIRI(?t))
}";

/// Concepts' labels (what people type a concept by). Not `rdfs:label`:
/// every case and outcome has one, and they grow with the corpus.
const LABELS: &str = "SELECT ?t ?l WHERE {
  ?t skos:prefLabel|skos:altLabel ?l FILTER(isIRI(?t))
}";

impl Vocabulary {
    pub fn new(terms: Vec<String>, labels: Vec<(String, String)>) -> Self {
        Self { terms, labels }
    }

    /// Reads the store's declared classes and properties, its concepts and
    /// their labels: the quick part of the vocabulary.
    pub fn load(store: &Store) -> Result<Self, QueryError> {
        let mut terms = column(store, DECLARED_TERMS)?;
        terms.sort();
        let mut labels: Vec<(String, String)> = rows(store, LABELS)?
            .into_iter()
            .filter_map(|r| match r.as_slice() {
                [iri, label] if !label.is_ascii() => Some((label.clone(), iri.clone())),
                _ => None,
            })
            .collect();
        labels.sort();
        labels.dedup();
        Ok(Self { terms, labels })
    }

    /// This vocabulary and every class and property the store uses (a scan
    /// of the whole store).
    pub fn with_used_terms(mut self, store: &Store) -> Result<Self, QueryError> {
        self.terms.extend(column(store, USED_TERMS)?);
        self.terms.sort();
        self.terms.dedup();
        Ok(self)
    }
}

/// A read of the store's vocabulary in progress: its results arrive
/// through `receiver`, the quick part first, then the whole.
#[derive(Debug)]
struct PendingRead {
    receiver: Receiver<Result<Vocabulary, QueryError>>,
    /// Whether a part has arrived (a Tab then no longer waits).
    arrived: bool,
}

/// How long a Tab waits for the first part of a read in progress before it
/// completes with what it has (keywords, prefixes, commands and any earlier
/// vocabulary).
const TAB_WAITS_FOR_READ: Duration = Duration::from_millis(150);

/// The vocabulary, read on a background thread so that the prompt comes
/// without waiting for it; an update can have it read again.
#[derive(Debug, Clone, Default)]
pub struct SharedVocabulary {
    current: Arc<RwLock<Vocabulary>>,
    pending: Arc<Mutex<Option<PendingRead>>>,
}

impl From<Vocabulary> for SharedVocabulary {
    fn from(vocabulary: Vocabulary) -> Self {
        Self {
            current: Arc::new(RwLock::new(vocabulary)),
            pending: Arc::default(),
        }
    }
}

impl SharedVocabulary {
    /// Starts reading the store's vocabulary on a background thread: the
    /// declared terms and concepts first (milliseconds), then every term in
    /// use (a scan of the store).
    pub fn refresh_in_background(&self, snapshot: crate::store::Snapshot) {
        let (sender, receiver) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let store = snapshot.store();
            // The REPL may have moved on; nobody waiting is fine.
            match Vocabulary::load(store) {
                Ok(quick) => {
                    if sender.send(Ok(quick.clone())).is_ok() {
                        let _ = sender.send(quick.with_used_terms(store));
                    }
                }
                Err(e) => {
                    let _ = sender.send(Err(e));
                }
            }
        });
        *self.pending.lock().unwrap_or_else(PoisonError::into_inner) = Some(PendingRead {
            receiver,
            arrived: false,
        });
    }

    /// The newest vocabulary read, waiting briefly for the first part of a
    /// read in progress. A failed read keeps the old one: completion is a
    /// convenience.
    fn read(&self) -> RwLockReadGuard<'_, Vocabulary> {
        let mut pending = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(read) = pending.as_mut() {
            loop {
                let next = if read.arrived {
                    read.receiver.try_recv().map_err(|e| match e {
                        TryRecvError::Empty => RecvTimeoutError::Timeout,
                        TryRecvError::Disconnected => RecvTimeoutError::Disconnected,
                    })
                } else {
                    read.receiver.recv_timeout(TAB_WAITS_FOR_READ)
                };
                if next.is_ok() {
                    read.arrived = true;
                }
                match next {
                    Ok(Ok(vocabulary)) => {
                        *self.current.write().unwrap_or_else(PoisonError::into_inner) = vocabulary;
                    }
                    Ok(Err(_)) => {}
                    Err(RecvTimeoutError::Timeout) => break,
                    Err(RecvTimeoutError::Disconnected) => {
                        *pending = None;
                        break;
                    }
                }
            }
        }
        drop(pending);
        self.current.read().unwrap_or_else(PoisonError::into_inner)
    }
}

fn rows(store: &Store, sparql: &str) -> Result<Vec<Vec<String>>, QueryError> {
    Ok(sparql::select_rows(store, sparql)?
        .into_iter()
        .map(|row| row.into_iter().map(term_text).collect())
        .collect())
}

/// The first column of a SELECT.
fn column(store: &Store, sparql: &str) -> Result<Vec<String>, QueryError> {
    Ok(rows(store, sparql)?
        .into_iter()
        .filter_map(|mut r| r.pop())
        .collect())
}

fn term_text(term: Option<Term>) -> String {
    match term {
        Some(Term::NamedNode(n)) => n.into_string(),
        Some(Term::Literal(l)) => l.value().to_owned(),
        Some(other) => other.to_string(),
        None => String::new(),
    }
}

/// The rustyline helper: completion only (no hints, colours or validation).
#[derive(Helper, Hinter, Highlighter, Validator)]
pub struct ReplHelper {
    /// The session's prefixes (kept in step by the session).
    pub prefixes: Prefixes,
    /// Names of the saved queries.
    pub saved_queries: Vec<String>,
    vocabulary: SharedVocabulary,
    files: FilenameCompleter,
}

impl ReplHelper {
    pub fn new(
        prefixes: Prefixes,
        saved_queries: Vec<String>,
        vocabulary: SharedVocabulary,
    ) -> Self {
        Self {
            prefixes,
            saved_queries,
            vocabulary,
            files: FilenameCompleter::new(),
        }
    }

    /// The completions at byte `pos` of `line`: where the replaced word
    /// starts, and the candidates.
    pub fn candidates(&self, line: &str, pos: usize) -> (usize, Vec<Pair>) {
        let before = &line[..pos];
        if before.trim_start().starts_with('.') {
            return self.command_candidates(line, pos);
        }
        let start = word_start(before);
        (start, self.term_candidates(&before[start..]))
    }

    fn command_candidates(&self, line: &str, pos: usize) -> (usize, Vec<Pair>) {
        let before = &line[..pos];
        let start = word_start(before);
        let word = &before[start..];
        let words: Vec<&str> = before.split_whitespace().collect();
        let in_first_word = !before.trim_start().contains(char::is_whitespace);
        if in_first_word {
            let offset = before.len() - before.trim_start().len();
            let typed = before.trim_start();
            let mut names: Vec<Pair> = COMMANDS
                .iter()
                .filter(|(name, _, _)| name.starts_with(typed))
                .map(|(name, usage, _)| {
                    let takes_args = usage.len() > name.len();
                    pair(
                        name,
                        &format!("{name}{}", if takes_args { " " } else { "" }),
                    )
                })
                .collect();
            names.sort_by(|a, b| a.display.cmp(&b.display));
            return (offset, names);
        }
        // Which argument the cursor is in (0 = first after the command).
        let argument = words.len() - if word.is_empty() { 1 } else { 2 };
        let options = |choices: &[&str]| {
            choices
                .iter()
                .filter(|c| c.starts_with(word))
                .map(|c| pair(c, c))
                .collect()
        };
        let candidates = match (words[0], argument) {
            (".run", 0) => self
                .saved_queries
                .iter()
                .filter(|n| n.starts_with(word))
                .map(|n| pair(n, &format!("{n} ")))
                .collect(),
            (".run", _) => {
                // `var=value`: complete the value like a term.
                let value_start = before.rfind('=').map_or(start, |i| (i + 1).max(start));
                return (value_start, self.term_candidates(&before[value_start..]));
            }
            (".mode", 0) => options(&["table", "csv", "tsv", "json", "xml"]),
            (".timer", 0) => options(&["on", "off"]),
            (".labels", 0) => options(&["on", "off", "only"]),
            (".lang", 0) => options(&["zh", "en"]),
            (".export", 0) if !word.contains(['/', '.']) => {
                options(&["turtle", "trig", "ntriples", "nquads", "rdfxml", "jsonld"])
            }
            (".export" | ".read" | ".output" | ".diagram", _) => {
                return self
                    .files
                    .complete_path(line, pos)
                    .unwrap_or((pos, Vec::new()));
            }
            _ => Vec::new(),
        };
        (start, candidates)
    }

    /// Completions for a word of SPARQL (or a `.run` value).
    fn term_candidates(&self, word: &str) -> Vec<Pair> {
        if word.is_empty() || word.starts_with(['?', '$']) {
            return Vec::new();
        }
        let mut candidates = if word.contains(':') {
            self.prefixed_names(word)
        } else if !word.is_ascii() {
            self.by_label(word)
        } else {
            let mut found = self.keywords(word);
            found.extend(self.prefix_names(word));
            found
        };
        candidates.sort_by(|a, b| a.display.cmp(&b.display));
        // One concept with several matching labels is one candidate.
        let mut seen = std::collections::HashSet::new();
        candidates.retain(|c| seen.insert(c.replacement.clone()));
        candidates
    }

    fn keywords(&self, word: &str) -> Vec<Pair> {
        let lower = word.chars().all(|c| !c.is_ascii_uppercase());
        KEYWORDS
            .iter()
            .filter(|k| {
                k.len() > word.len()
                    && k.to_ascii_lowercase()
                        .starts_with(&word.to_ascii_lowercase())
            })
            .map(|k| {
                let all_caps = k.chars().all(|c| !c.is_ascii_lowercase());
                let text = if lower && all_caps {
                    k.to_ascii_lowercase()
                } else {
                    (*k).to_owned()
                };
                pair(&text, &text)
            })
            .collect()
    }

    fn prefix_names(&self, word: &str) -> Vec<Pair> {
        self.prefixes
            .iter()
            .filter(|(p, _)| p.starts_with(word))
            .map(|(p, _)| pair(&format!("{p}:"), &format!("{p}:")))
            .collect()
    }

    fn prefixed_names(&self, word: &str) -> Vec<Pair> {
        self.vocabulary
            .read()
            .terms
            .iter()
            .filter_map(|iri| self.prefixes.compact(iri))
            .filter(|name| name.starts_with(word))
            .map(|name| pair(&name, &name))
            .collect()
    }

    /// The concepts with the word as a label, else those whose label starts
    /// with it (or, failing that, contains it). One concept: its name
    /// replaces the label. Several:
    /// each offers its label, so the typed text stays and the user types
    /// on to pick one (a shared `mechanism:` prefix would lose it).
    fn by_label(&self, word: &str) -> Vec<Pair> {
        let vocabulary = self.vocabulary.read();
        let matching = |test: &dyn Fn(&str) -> bool| -> Vec<(&str, String)> {
            let mut seen = std::collections::HashSet::new();
            vocabulary
                .labels
                .iter()
                .filter(|(label, _)| test(label))
                .filter(|(_, iri)| seen.insert(iri.as_str()))
                .map(|(label, iri)| {
                    let name = self
                        .prefixes
                        .compact(iri)
                        .unwrap_or_else(|| format!("<{iri}>"));
                    (label.as_str(), name)
                })
                .collect()
        };
        // A whole label names its concept even when longer labels of other
        // concepts start with it (告知承诺 beside 告知承诺制度改革).
        let mut found = matching(&|label| label == word);
        if found.is_empty() {
            found = matching(&|label| label.starts_with(word));
        }
        if found.is_empty() {
            found = matching(&|label| label.contains(word));
        }
        match found.as_slice() {
            [(label, name)] => vec![pair(&format!("{label} → {name}"), name)],
            several => several
                .iter()
                .map(|(label, name)| pair(&format!("{label} → {name}"), label))
                .collect(),
        }
    }
}

fn pair(display: &str, replacement: &str) -> Pair {
    Pair {
        display: display.to_owned(),
        replacement: replacement.to_owned(),
    }
}

/// Byte offset where the word before the cursor starts.
fn word_start(before: &str) -> usize {
    before
        .char_indices()
        .rev()
        .find(|(_, c)| is_delimiter(*c))
        .map_or(0, |(i, c)| i + c.len_utf8())
}

impl Completer for ReplHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        Ok(self.candidates(line, pos))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reformkg_vocab::{ID, RK, SKOS};

    fn helper() -> ReplHelper {
        let mechanism = format!("{ID}mechanism/notification-commitment");
        let vocabulary = Vocabulary::new(
            vec![
                format!("{RK}Case"),
                format!("{RK}CaseCollection"),
                format!("{RK}usesMechanism"),
                format!("{SKOS}prefLabel"),
                mechanism.clone(),
            ],
            vec![
                ("告知承诺".into(), mechanism.clone()),
                ("告知承诺制".into(), mechanism),
                (
                    "容缺受理".into(),
                    format!("{ID}mechanism/tolerance-acceptance"),
                ),
                ("容错纠错".into(), format!("{ID}mechanism/fault-tolerance")),
                ("金山区".into(), format!("{ID}district/jinshan")),
            ],
        );
        ReplHelper::new(
            Prefixes::default(),
            vec!["cases-by-mechanism".into(), "districts".into()],
            vocabulary.into(),
        )
    }

    fn replacements(line: &str) -> (usize, Vec<String>) {
        let (start, pairs) = helper().candidates(line, line.len());
        (start, pairs.into_iter().map(|p| p.replacement).collect())
    }

    fn replacements_of(line: &str) -> Vec<String> {
        replacements(line).1
    }

    #[test]
    fn chinese_label_completes_to_the_concept() {
        let line = "SELECT ?c WHERE { ?c rk:usesMechanism 告知";
        let (start, found) = replacements(line);
        assert_eq!(&line[start..], "告知");
        assert_eq!(found, ["mechanism:notification-commitment"]);
        let (_, found) = replacements("?c rk:district 山");
        assert_eq!(found, ["district:jinshan"], "falls back to 'contains'");
        let (_, found) = replacements("?x ?p 告知承诺制");
        assert_eq!(found, ["mechanism:notification-commitment"]);
    }

    #[test]
    fn several_concepts_offer_their_labels() {
        let line = "?c rk:usesMechanism 容";
        let (start, pairs) = helper().candidates(line, line.len());
        assert_eq!(&line[start..], "容");
        let replacements: Vec<&str> = pairs.iter().map(|p| p.replacement.as_str()).collect();
        assert_eq!(
            replacements,
            ["容缺受理", "容错纠错"],
            "the typed text is kept"
        );
        assert!(pairs[0].display.ends_with("mechanism:tolerance-acceptance"));
        assert_eq!(
            replacements_of("?c rk:usesMechanism 容错"),
            ["mechanism:fault-tolerance"]
        );
    }

    #[test]
    fn a_whole_label_picks_its_concept_among_longer_ones() {
        let vocabulary = Vocabulary::new(
            Vec::new(),
            vec![
                ("容缺受理".into(), format!("{ID}mechanism/a")),
                ("容缺受理试点".into(), format!("{ID}mechanism/b")),
            ],
        );
        let helper = ReplHelper::new(Prefixes::default(), Vec::new(), vocabulary.into());
        let complete = |line: &str| -> Vec<String> {
            let (_, pairs) = helper.candidates(line, line.len());
            pairs.into_iter().map(|p| p.replacement).collect()
        };
        assert_eq!(
            complete("?c rk:usesMechanism 容缺"),
            ["容缺受理", "容缺受理试点"]
        );
        assert_eq!(complete("?c rk:usesMechanism 容缺受理"), ["mechanism:a"]);
    }

    #[test]
    fn prefixed_names_and_prefixes() {
        assert_eq!(
            replacements("?s a rk:Ca").1,
            ["rk:Case", "rk:CaseCollection"]
        );
        assert_eq!(replacements("?s skos:pref").1, ["skos:prefLabel"]);
        assert_eq!(replacements("?m a mechan").1, ["mechanism:"]);
    }

    #[test]
    fn keywords_follow_the_typed_case() {
        assert!(replacements("SEL").1.contains(&"SELECT".to_owned()));
        assert!(replacements("sel").1.contains(&"select".to_owned()));
        assert!(replacements("FILTER(isI").1.contains(&"isIRI".to_owned()));
    }

    #[test]
    fn commands_queries_and_run_values() {
        assert_eq!(replacements(".pre").1, [".prefix ", ".prefixes"]);
        assert_eq!(replacements(".run cases").1, ["cases-by-mechanism "]);
        let line = ".run cases-by-mechanism mechanism=告知";
        let (start, found) = replacements(line);
        assert_eq!(&line[start..], "告知");
        assert_eq!(found, ["mechanism:notification-commitment"]);
        assert_eq!(replacements(".mode c").1, ["csv"]);
    }

    #[test]
    fn variables_are_not_completed() {
        assert!(replacements("SELECT ?s").1.is_empty());
    }
}
