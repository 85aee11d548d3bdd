//! `reformkg repl < script.rq`: the REPL without a terminal runs every
//! statement, prints the results and fails if any statement failed.
//!
//! Expected answers come from `reformkg query` on the same store.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use tempfile::TempDir;

const BIN: &str = env!("CARGO_BIN_EXE_reformkg");

struct Fixture {
    dir: TempDir,
    store: PathBuf,
    queries: PathBuf,
}

impl Fixture {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("temporary directory");
        let store = common::build_seed(dir.path());
        let queries = dir.path().join("queries");
        std::fs::create_dir(&queries).expect("queries folder");
        Self {
            dir,
            store,
            queries,
        }
    }

    fn save_query(&self, name: &str, text: &str) {
        std::fs::write(self.queries.join(format!("{name}.rq")), text).expect("write query");
    }

    /// Lines of a `reformkg query --format csv` answer, header dropped.
    fn csv_rows(&self, sparql: &str) -> Vec<String> {
        common::csv_lines(&self.store, sparql)
    }

    /// `reformkg repl` in the fixture's folder, on `store`.
    fn repl_command(&self, store: &Path) -> Command {
        let mut command = Command::new(BIN);
        command
            .current_dir(self.dir.path())
            .arg("repl")
            .env("REFORMKG_STORE", store)
            .env("REFORMKG_QUERIES", &self.queries)
            .env("REFORMKG_HISTORY", self.dir.path().join("history"));
        command
    }

    fn repl_in(&self, store: &Path, script: &str) -> Output {
        feed(self.repl_command(store), script)
    }

    fn repl(&self, script: &str) -> Output {
        self.repl_in(&self.store, script)
    }
}

/// Runs `command` with `script` on its stdin.
fn feed(command: Command, script: &str) -> Output {
    common::feed(command, script.as_bytes())
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn a_script_runs_every_statement_and_succeeds() {
    let fixture = Fixture::new();
    let districts = fixture.csv_rows("SELECT ?d WHERE { ?d a rk:District }");
    let cases = fixture.csv_rows("SELECT ?c WHERE { ?c a rk:Case }");
    let script = "\
PREFIX ex: <http://example.org/reformkg-test/>
.mode csv
SELECT ?d WHERE {
  ?d a rk:District
}

SELECT ?c WHERE { ?c a rk:Case } ;
ASK { ?c a rk:Case }
";
    let out = fixture.repl(script);
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let headers: Vec<usize> = stdout
        .lines()
        .enumerate()
        .filter(|(_, l)| *l == "d" || *l == "c")
        .map(|(i, _)| i)
        .collect();
    assert_eq!(headers.len(), 2, "two CSV answers:\n{stdout}");
    assert_eq!(
        headers[1] - headers[0] - 1,
        districts.len(),
        "the first answer has every district:\n{stdout}"
    );
    assert!(
        stdout.contains("true"),
        "the ASK answer (CSV of a boolean):\n{stdout}"
    );
    let stderr = text(&out.stderr);
    assert!(
        stderr
            .lines()
            .any(|l| l.starts_with(&format!("{} rows · ", cases.len()))),
        "{stderr}"
    );
    assert!(
        stderr.contains("prefix ex:"),
        "the PREFIX line is declared: {stderr}"
    );
}

#[test]
fn a_failed_statement_is_reported_with_its_line_and_fails_the_run() {
    let fixture = Fixture::new();
    let script =
        "ASK { ?c a rk:Case } ;\nSELECT ?x WHERE {\n  ?x ?y } ;\nASK { ?c a rk:Nothing } ;\n";
    let out = fixture.repl(script);
    assert!(!out.status.success(), "a failed statement fails the run");
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("stdin:2: error: invalid SPARQL: error at 2:"),
        "line of the statement and line:column inside it: {stderr}"
    );
    assert!(stderr.contains("1 statement(s) failed"), "{stderr}");
    let stdout = text(&out.stdout);
    assert_eq!(
        stdout.lines().collect::<Vec<_>>(),
        ["true", "false"],
        "the statements around the broken one ran"
    );
}

#[test]
fn run_binds_a_label_the_way_the_query_expects() {
    let fixture = Fixture::new();
    // A default of "…"@zh: the value becomes that concept's @zh prefLabel,
    // even when typed as an alternative label or as the concept's name.
    fixture.save_query(
        "cases-by-label",
        "# en: cases by mechanism label\nSELECT ?case WHERE {\n  VALUES ?mechanism { \"告知承诺\"@zh }\n  \
         ?m skos:prefLabel ?mechanism . ?case rk:usesMechanism ?m\n}\n",
    );
    // No default: the label becomes the concept's IRI.
    fixture.save_query(
        "cases-by-iri",
        "SELECT ?case (COUNT(?x) AS ?n) WHERE { ?case rk:usesMechanism ?mechanism ; ?p ?x } GROUP BY ?case\n",
    );
    let alt = fixture.csv_rows(
        "SELECT ?alt ?pref WHERE { ?m a rk:Mechanism ; skos:altLabel ?alt ; skos:prefLabel ?pref .
           ?case rk:usesMechanism ?m FILTER(lang(?pref) = 'zh') } ORDER BY ?alt LIMIT 1",
    );
    let (alt, pref) = alt[0].split_once(',').expect("alt,pref");
    let expected = fixture.csv_rows(&format!(
        "SELECT ?case WHERE {{ ?m skos:prefLabel \"{pref}\"@zh . ?case rk:usesMechanism ?m }}"
    ));
    assert!(!expected.is_empty());
    let script = format!(
        ".mode csv\n.run cases-by-label mechanism={alt}\n.run cases-by-iri mechanism={pref}\n"
    );
    let out = fixture.repl(&script);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(&format!("?mechanism = \"{pref}\"@zh")),
        "the alternative label became the preferred one: {stderr}"
    );
    assert!(stderr.contains("?mechanism = mechanism:"), "{stderr}");
    let footer = format!(
        "{} row{} · ",
        expected.len(),
        if expected.len() == 1 { "" } else { "s" }
    );
    assert_eq!(
        stderr.lines().filter(|l| l.starts_with(&footer)).count(),
        2,
        "both forms find the same cases: {stderr}"
    );
}

#[test]
fn run_refuses_a_variable_the_query_does_not_have() {
    let fixture = Fixture::new();
    fixture.save_query("one", "SELECT ?case WHERE { ?case a rk:Case }\n");
    let out = fixture.repl(".run one district=金山区\n");
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("the query has no variable ?district (it has: ?case)"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn updates_change_the_store_and_say_build_discards_them() {
    let fixture = Fixture::new();
    let script = "\
INSERT DATA { <http://example.org/x> a rk:Case } ;
ASK { <http://example.org/x> a rk:Case } ;
DELETE WHERE { <http://example.org/x> ?p ?o } ;
ASK { <http://example.org/x> a rk:Case } ;
INSERT DATA { <http://example.org/x> a } ;
";
    let out = fixture.repl(script);
    let stdout = text(&out.stdout);
    assert_eq!(stdout.lines().collect::<Vec<_>>(), ["true", "false"]);
    let stderr = text(&out.stderr);
    assert!(stderr.contains("update applied"), "{stderr}");
    assert!(stderr.contains("reformkg build"), "{stderr}");
    assert!(
        stderr.contains("stdin:5: error: invalid SPARQL"),
        "a broken update gets the update parser's message: {stderr}"
    );
    assert!(!out.status.success());
}

#[test]
fn output_export_and_labels() {
    let fixture = Fixture::new();
    let districts = fixture.csv_rows("SELECT ?d WHERE { ?d a rk:District }");
    let english = fixture.csv_rows(
        "SELECT ?l WHERE { ?d a rk:District ; skos:prefLabel ?l FILTER(lang(?l) = 'en') } ORDER BY ?l LIMIT 1",
    );
    let statements = fixture.csv_rows("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }");
    let csv = fixture.dir.path().join("districts.csv");
    let ttl = fixture.dir.path().join("graph.ttl");
    let script = format!(
        ".mode csv\n.output {}\nSELECT ?d WHERE {{ ?d a rk:District }} ;\n.output\n\
         .export {}\n.mode table\n.lang en\n.labels only\nSELECT ?d WHERE {{ ?d a rk:District }} ;\n",
        csv.display(),
        ttl.display()
    );
    let out = fixture.repl(&script);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let written = std::fs::read_to_string(&csv).expect("the .output file");
    assert_eq!(written.lines().count(), districts.len() + 1, "{written}");
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(&format!("wrote {} statements", statements[0])),
        "{stderr}"
    );
    assert!(std::fs::metadata(&ttl).expect("the export").len() > 0);
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains(&english[0]),
        "English labels shown:\n{stdout}"
    );
    assert!(
        !stdout.contains("district:"),
        "labels instead of IRIs:\n{stdout}"
    );
}

#[test]
fn timeout_cancels_a_long_statement() {
    let fixture = Fixture::new();
    let script = ".timeout 0.5\nSELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f . ?g ?s ?h } ;\nASK { ?c a rk:Case } ;\n";
    let out = fixture.repl(script);
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert!(stderr.contains("timed out after 500.0 ms"), "{stderr}");
    assert_eq!(
        text(&out.stdout).trim(),
        "true",
        "the next statement still ran"
    );
}

#[test]
fn a_missing_store_is_built_first() {
    let fixture = Fixture::new();
    let fresh = fixture.dir.path().join("fresh-store");
    let mut child = Command::new(BIN)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["repl", "--store"])
        .arg(&fresh)
        .env("REFORMKG_HISTORY", "")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"ASK { ?c a rk:Case } ;\n")
        .expect("write");
    let out = child.wait_with_output().expect("wait");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("building it from seeds/"));
    assert_eq!(text(&out.stdout).trim(), "true");
}

/// A mechanism some case uses and its Chinese label: the shortest label,
/// so Graphviz draws it on one line.
fn used_mechanism(fixture: &Fixture) -> (String, String) {
    let rows = fixture.csv_rows(
        "SELECT ?m ?l WHERE { ?c rk:usesMechanism ?m . ?m skos:prefLabel ?l FILTER(lang(?l) = 'zh') } \
         ORDER BY STRLEN(?l) ?m LIMIT 1",
    );
    let (iri, label) = rows[0].split_once(',').expect("m,l");
    (iri.to_owned(), label.to_owned())
}

#[test]
fn diagram_draws_the_last_construct_even_after_an_ask() {
    let fixture = Fixture::new();
    let (mechanism, label) = used_mechanism(&fixture);
    let script = format!(
        "CONSTRUCT {{ ?c rk:usesMechanism <{mechanism}> }} WHERE {{ ?c rk:usesMechanism <{mechanism}> }} ;\n\
         ASK {{ ?c a rk:Case }} ;\n\
         .diagram out.svg\n"
    );
    let out = fixture.repl(&script);
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("wrote out.svg (dot, "), "{stderr}");
    let svg = std::fs::read_to_string(fixture.dir.path().join("out.svg")).expect("the SVG");
    assert!(svg.contains("<svg"), "an SVG picture:\n{svg}");
    assert!(
        svg.contains(&format!(">{label}</text>")),
        "the mechanism of the CONSTRUCT drawn with its label {label}:\n{svg}"
    );
}

#[test]
fn diagram_draws_a_two_column_select_as_edges_in_the_session_language() {
    let fixture = Fixture::new();
    let select = "SELECT ?case ?district WHERE { ?case a rk:Case ; rk:district ?district } \
                  ORDER BY ?case LIMIT 3";
    let pairs = fixture.csv_rows(select);
    let (case, district) = pairs[0].split_once(',').expect("case,district");
    let english = fixture.csv_rows(&format!(
        "SELECT ?l WHERE {{ <{district}> skos:prefLabel ?l FILTER(lang(?l) = 'en') }}"
    ));
    let out = fixture.repl(&format!(".lang en\n{select} ;\n.diagram out.dot\n"));
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("wrote out.dot (DOT text, "), "{stderr}");
    let dot = std::fs::read_to_string(fixture.dir.path().join("out.dot")).expect("the DOT");
    assert!(
        dot.contains(&format!("\"{case}\" -> \"{district}\"")),
        "the first row is an edge:\n{dot}"
    );
    assert!(
        dot.contains(&format!("label=\"{}\"", english[0])),
        "the district labelled in English after .lang en:\n{dot}"
    );
}

#[test]
fn diagram_failures_are_reported_and_fail_the_script() {
    let fixture = Fixture::new();
    let script = "\
ASK { ?c a rk:Case } ;
.diagram first.svg
SELECT ?c ?p ?o WHERE { ?c a rk:Case ; ?p ?o } LIMIT 2 ;
.diagram three.svg
SELECT ?c ?d WHERE { ?c rk:district ?d } LIMIT 2 ;
.diagram pairs.txt
.diagram
";
    let out = fixture.repl(script);
    assert!(
        !out.status.success(),
        "failed .diagram commands fail the run"
    );
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("stdin:2: error: no query result to draw yet"),
        "an ASK answer is not something to draw: {stderr}"
    );
    assert!(
        stderr.contains("stdin:4: error: a diagram needs") && stderr.contains("3 columns"),
        "{stderr}"
    );
    assert!(
        stderr.contains("stdin:6: error: unknown diagram file type"),
        "{stderr}"
    );
    assert!(
        stderr.contains("stdin:7: error: usage: .diagram FILE"),
        "{stderr}"
    );
    assert!(stderr.contains("4 statement(s) failed"), "{stderr}");
    for file in ["first.svg", "three.svg", "pairs.txt"] {
        assert!(
            !fixture.dir.path().join(file).exists(),
            "{file} should not be written"
        );
    }
}

#[test]
fn diagram_without_graphviz_writes_the_dot_and_says_how_to_install_it() {
    let fixture = Fixture::new();
    let no_programs = fixture.dir.path().join("empty-path");
    std::fs::create_dir(&no_programs).expect("an empty PATH folder");
    let mut command = fixture.repl_command(&fixture.store);
    command.env("PATH", &no_programs);
    let script = "SELECT ?c ?d WHERE { ?c rk:district ?d } LIMIT 2 ;\n.diagram pairs.svg\n";
    let out = feed(command, script);
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("stdin:2: error: Graphviz is not installed"),
        "{stderr}"
    );
    assert!(stderr.contains("apt-get install graphviz"), "{stderr}");
    let dot =
        std::fs::read_to_string(fixture.dir.path().join("pairs.dot")).expect("the DOT fallback");
    assert!(dot.contains(" -> "), "{dot}");
    assert!(!fixture.dir.path().join("pairs.svg").exists());
}
