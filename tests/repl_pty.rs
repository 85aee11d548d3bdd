//! Drives the real `reformkg repl` through a pseudo-terminal, as a person
//! would: typing, Tab, Ctrl-C, the arrow keys.
//!
//! Expected answers come from `reformkg query` on the same store, never
//! from earlier REPL output.

mod common;

use expectrl::{ControlCode, Eof, Regex, Session};
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};
use tempfile::TempDir;

const BIN: &str = env!("CARGO_BIN_EXE_reformkg");
const PROMPT: &str = "reformkg> ";

/// A store built from the seeds, a folder of saved queries and a history
/// file, all in a fresh temporary directory.
struct Fixture {
    dir: TempDir,
    store: PathBuf,
    queries: PathBuf,
    history: PathBuf,
}

impl Fixture {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("temporary directory");
        let store = common::build_seed(dir.path());
        let queries = dir.path().join("queries");
        std::fs::create_dir(&queries).expect("queries folder");
        std::fs::write(
            queries.join("by-mechanism.rq"),
            "# zh: 使用某项机制的案例\n# en: Cases that use a mechanism\n\
             SELECT ?case WHERE { ?case rk:usesMechanism ?mechanism }\n",
        )
        .expect("write saved query");
        let history = dir.path().join("history");
        Self {
            dir,
            store,
            queries,
            history,
        }
    }

    /// Lines of a `reformkg query --format csv` answer, header dropped.
    fn csv_rows(&self, sparql: &str) -> Vec<String> {
        common::csv_lines(&self.store, sparql)
    }

    /// The IRI of the concept with this Chinese preferred label.
    fn concept(&self, label: &str) -> String {
        let rows = self.csv_rows(&format!(
            "SELECT ?c WHERE {{ ?c skos:prefLabel \"{label}\"@zh }}"
        ));
        assert_eq!(rows.len(), 1, "one concept is labelled {label}: {rows:?}");
        rows[0].clone()
    }

    fn spawn(&self) -> Session {
        let mut command = Command::new(BIN);
        command
            .current_dir(self.dir.path())
            .arg("repl")
            .env("REFORMKG_STORE", &self.store)
            .env("REFORMKG_QUERIES", &self.queries)
            .env("REFORMKG_HISTORY", &self.history)
            .env("TERM", "xterm");
        let mut session = Session::spawn(command).expect("spawn reformkg repl in a pty");
        session
            .get_process_mut()
            .set_window_size(160, 40)
            .expect("set the terminal size");
        session.set_expect_timeout(Some(Duration::from_secs(30)));
        session.expect(PROMPT).expect("the prompt appears");
        session
    }
}

fn rows(n: usize) -> String {
    if n == 1 {
        "1 row".to_owned()
    } else {
        format!("{n} rows")
    }
}

/// Waits for an answer and then for the prompt, as a person would before
/// typing on (keys typed before rustyline is back in raw mode can be lost).
fn expect_answer(session: &mut Session, needle: &str) -> String {
    let before = expect_text(session, needle);
    expect_text(session, PROMPT);
    before
}

/// Waits for text and returns everything printed before it.
fn expect_text(session: &mut Session, needle: &str) -> String {
    let found = session
        .expect(needle)
        .unwrap_or_else(|e| panic!("expected {needle:?}: {e}"));
    String::from_utf8_lossy(found.before()).into_owned()
}

fn quit(mut session: Session) {
    session.send_line(".quit").expect("send .quit");
    session.expect(Eof).expect("the REPL exits");
}

#[test]
fn a_two_line_query_shows_a_table_and_the_row_count() {
    let fixture = Fixture::new();
    let first = "SELECT ?d ?label WHERE { ?d a rk:District ;";
    let second = "  skos:prefLabel ?label FILTER(lang(?label) = \"zh\") } ORDER BY ?label ;";
    let expected = fixture.csv_rows(&format!("{first}\n{}", second.trim_end_matches(" ;")));
    assert!(!expected.is_empty(), "the seed has districts");
    let first_label = expected[0]
        .split(',')
        .nth(1)
        .expect("a label column")
        .to_owned();

    let mut session = fixture.spawn();
    session.send_line(first).expect("type line 1");
    expect_text(&mut session, "...> ");
    session.send_line(second).expect("type line 2");
    let footer = format!("{} · ", rows(expected.len()));
    let printed = expect_text(&mut session, &footer);
    assert!(printed.contains("┆"), "a table is drawn:\n{printed}");
    assert!(
        printed.contains(&first_label),
        "{first_label} in:\n{printed}"
    );
    assert!(
        printed.contains("district:"),
        "IRIs are prefixed names:\n{printed}"
    );
    session
        .expect(Regex(r"[0-9.]+ ms"))
        .expect("the time follows");
    expect_text(&mut session, PROMPT);
    quit(session);
}

#[test]
fn a_syntax_error_reports_line_and_column_and_the_repl_carries_on() {
    let fixture = Fixture::new();
    let mut session = fixture.spawn();
    session.send_line("SELECT ?x WHERE {").expect("type");
    expect_text(&mut session, "...> ");
    session
        .send_line("  ?x ?y } ;")
        .expect("type a broken line");
    session
        .expect(Regex(r"error: invalid SPARQL: error at 2:\d+"))
        .expect("the parser's message with line:column");
    session
        .send_line("ASK { ?c a rk:Case } ;")
        .expect("type a good one");
    expect_answer(&mut session, "true");
    quit(session);
}

#[test]
fn tab_completes_a_prefix_a_name_and_a_chinese_label() {
    let fixture = Fixture::new();
    let mechanism = fixture.concept("告知承诺");
    let expected = fixture.csv_rows(&format!(
        "SELECT ?c WHERE {{ ?c rk:usesMechanism <{mechanism}> }}"
    ));
    let mut session = fixture.spawn();

    // `sk` + Tab becomes `skos:`: without it the query would not parse.
    session.send("ASK { ?m sk").expect("type");
    session.send("\t").expect("Tab");
    session.send("prefLabel ?l } ;\r").expect("type the rest");
    expect_answer(&mut session, "true");

    session
        .send("SELECT ?c WHERE { ?c rk:usesMech")
        .expect("type");
    session.send("\t").expect("Tab");
    session.send(" 告知").expect("type a label");
    session.send("\t").expect("Tab");
    let name = mechanism
        .rsplit('/')
        .next()
        .expect("an IRI with a local name");
    expect_text(&mut session, &format!("mechanism:{name}"));
    session.send(" } ;\r").expect("finish the query");
    expect_answer(&mut session, &format!("{} · ", rows(expected.len())));
    quit(session);
}

#[test]
fn run_binds_a_saved_query_variable_by_label() {
    let fixture = Fixture::new();
    let mechanism = fixture.concept("告知承诺");
    let expected = fixture.csv_rows(&format!(
        "SELECT ?case WHERE {{ ?case rk:usesMechanism <{mechanism}> }}"
    ));
    let mut session = fixture.spawn();
    session.send_line(".queries").expect("list saved queries");
    expect_answer(&mut session, "Cases that use a mechanism");
    session
        .send_line(".run by-mechanism mechanism=告知承诺")
        .expect("run with a binding");
    expect_text(&mut session, "?mechanism = mechanism:");
    expect_answer(&mut session, &format!("{} · ", rows(expected.len())));
    quit(session);
}

#[test]
fn ctrl_c_cancels_a_long_query_and_the_prompt_returns() {
    let fixture = Fixture::new();
    let mut session = fixture.spawn();
    // Paths of six hops through every node: minutes of work, all of it
    // index lookups, where Oxigraph checks the cancellation token.
    session
        .send_line(
            "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?b ?q ?c . ?c ?r ?d . ?d ?s ?e . ?e ?t ?f . ?f ?u ?g } ;",
        )
        .expect("start a slow query");
    std::thread::sleep(Duration::from_millis(1500));
    let pressed = Instant::now();
    session.send(ControlCode::EndOfText).expect("Ctrl-C");
    let stopped = expect_text(&mut session, "cancelled after");
    let waited = pressed.elapsed();
    assert!(!stopped.contains("row"), "no answer came first: {stopped}");
    assert!(
        waited < Duration::from_secs(1),
        "cancelling took {waited:?}"
    );
    session.expect(PROMPT).expect("the prompt is back");
    session
        .send_line("ASK { ?c a rk:Case } ;")
        .expect("ask again");
    expect_answer(&mut session, "true");
    quit(session);
}

#[test]
fn ctrl_c_twice_on_an_empty_line_quits() {
    let fixture = Fixture::new();
    let mut session = fixture.spawn();
    session.send(ControlCode::EndOfText).expect("Ctrl-C");
    expect_text(&mut session, "Ctrl-C again");
    session.send(ControlCode::EndOfText).expect("Ctrl-C");
    session.expect(Eof).expect("the REPL exits");
}

#[test]
fn history_is_there_next_time_and_ctrl_r_searches_it() {
    let fixture = Fixture::new();
    let statement = "ASK { ?c a rk:Case ; rk:rank 1 }";
    let later = "ASK { ?d a rk:District }";
    let mut session = fixture.spawn();
    session.send_line(format!("{statement} ;")).expect("type");
    expect_answer(&mut session, "true");
    session.send_line(format!("{later} ;")).expect("type");
    expect_answer(&mut session, "true");
    quit(session);
    let saved = std::fs::read_to_string(&fixture.history).expect("a history file");
    assert!(saved.contains(statement), "history: {saved}");

    let mut session = fixture.spawn();
    session.send("\x1b[A").expect("arrow up");
    expect_text(&mut session, later);
    session.send("\x03").expect("Ctrl-C clears the line");
    expect_text(&mut session, PROMPT);
    session.send("\x12").expect("Ctrl-R");
    session.send("rank").expect("search");
    expect_text(&mut session, statement);
    session.send("\r").expect("Enter");
    expect_answer(&mut session, "true");
    // Ctrl-D on an empty line quits too.
    session
        .send(ControlCode::EndOfTransmission)
        .expect("Ctrl-D");
    session.expect(Eof).expect("the REPL exits");
}

#[test]
fn help_says_that_build_discards_updates() {
    let fixture = Fixture::new();
    let mut session = fixture.spawn();
    session.send_line(".help").expect("ask for help");
    expect_answer(&mut session, "reformkg build");
    quit(session);
}
