//! The command line end to end, with the real binary and a real on-disk
//! Oxigraph store: what the built graph answers, determinism, the atomic
//! build, and the one-line errors.

mod common;

use common::{build_seed, count, run, select, stderr, stdout};
use std::path::Path;

/// Districts by rank, from the seed's table of contents.
const DISTRICTS: [&str; 20] = [
    "金山区",
    "浦东新区",
    "松江区",
    "徐汇区",
    "宝山区",
    "长宁区",
    "青浦区",
    "普陀区",
    "奉贤区",
    "金山区",
    "嘉定区",
    "杨浦区",
    "虹口区",
    "黄浦区",
    "静安区",
    "崇明区",
    "普陀区",
    "虹口区",
    "嘉定区",
    "闵行区",
];

#[test]
fn the_built_store_answers_the_seed_questions() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = build_seed(dir.path());

    assert_eq!(
        count(&store, "SELECT (COUNT(?c) AS ?n) WHERE { ?c a rk:Case }"),
        20
    );

    let rows = select(
        &store,
        "SELECT ?rank ?district WHERE { ?c a rk:Case ; rk:rank ?rank ; rk:district/skos:prefLabel ?district \
         FILTER(lang(?district) = 'zh') } ORDER BY ?rank",
    );
    let got: Vec<(String, String)> = rows
        .into_iter()
        .map(|r| (r[0].clone(), r[1].clone()))
        .collect();
    let want: Vec<(String, String)> = DISTRICTS
        .iter()
        .enumerate()
        .map(|(i, d)| ((i + 1).to_string(), (*d).to_owned()))
        .collect();
    assert_eq!(got, want);

    let title = select(&store, "SELECT ?t WHERE { ?c rk:rank 16 ; dct:title ?t }");
    assert_eq!(title, [["以法治服务“小切口”不断优化营商“大环境”"]]);

    // Ranks are typed integers, so numeric comparison works.
    assert_eq!(
        count(&store, "SELECT (COUNT(?c) AS ?n) WHERE { ?c rk:rank ?r FILTER(datatype(?r) = xsd:integer && ?r >= 1 && ?r <= 20) }"),
        20
    );
}

#[test]
fn the_ontology_and_evidence_are_in_the_store() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = build_seed(dir.path());
    // Families are queryable through skos:broader.
    let family_members = count(
        &store,
        "SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE { ?m skos:broader+ ?f . ?f skos:prefLabel '包容审慎监管'@zh }",
    );
    assert!(family_members >= 3, "{family_members}");
    // Every link kind has at least one mention pointing at the case text.
    for link in [
        "rk:usesMechanism",
        "rk:involvesAgency",
        "rk:citesDocument",
        "rk:hasOutcome",
    ] {
        let unsupported = count(
            &store,
            &format!(
                "SELECT (COUNT(*) AS ?n) WHERE {{ ?case {link} ?x \
                 FILTER NOT EXISTS {{ ?m rk:case ?case ; rk:mentions ?x ; oa:exact ?e }} }}"
            ),
        );
        assert_eq!(unsupported, 0, "{link} links without a mention");
    }
}

#[test]
fn building_twice_gives_identical_sorted_nquads() {
    let dir = tempfile::tempdir().expect("tempdir");
    let first = build_seed(&dir.path().join("a"));
    let second = build_seed(&dir.path().join("b"));
    let dump = |store: &Path| {
        let output = run(store, &["export", "--format", "nquads"]);
        assert!(output.status.success(), "{}", stderr(&output));
        output.stdout
    };
    let (a, b) = (dump(&first), dump(&second));
    assert!(a.len() > 10_000, "suspiciously small export");
    assert!(a == b, "two builds of the same input differ");
    // The export is sorted, so it diffs well.
    let text = String::from_utf8(a).expect("utf-8");
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines.windows(2).all(|w| w[0] <= w[1]));
}

#[test]
fn a_failed_build_leaves_the_previous_store_answering() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = build_seed(dir.path());
    let before = count(&store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }");

    // An input without cases.
    let junk = dir.path().join("junk.txt");
    std::fs::write(&junk, "没有目录，也没有案例。\n").expect("write");
    let output = run(&store, &["build", junk.to_str().expect("utf-8 path")]);
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("no cases found"),
        "{}",
        stderr(&output)
    );

    // A broken vocabulary file.
    let ontology = dir.path().join("ontology");
    std::fs::create_dir(&ontology).expect("mkdir");
    std::fs::write(ontology.join("broken.ttl"), "<a> <b> ").expect("write");
    let output = run(
        &store,
        &[
            "build",
            "--ontology",
            ontology.to_str().expect("utf-8 path"),
        ],
    );
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("broken.ttl"),
        "{}",
        stderr(&output)
    );

    assert_eq!(
        count(&store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"),
        before
    );
    assert_eq!(
        count(&store, "SELECT (COUNT(?c) AS ?n) WHERE { ?c a rk:Case }"),
        20
    );
    // No scratch directories are left behind.
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .expect("readable")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with(".store."))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_new_build_replaces_the_old_store() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = build_seed(dir.path());
    let one = dir.path().join("one.txt");
    std::fs::write(&one, "汇编\n1 金山区 唯一的案例\n2 松江区 第二个案例\n\n唯一的案例\n正文。\n\n第二个案例\n正文。\n")
        .expect("write");
    let output = run(&store, &["build", one.to_str().expect("utf-8 path")]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        count(&store, "SELECT (COUNT(?c) AS ?n) WHERE { ?c a rk:Case }"),
        2
    );
}

#[test]
fn saved_queries_run_by_name_and_from_a_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = build_seed(dir.path());
    let by_name = run(&store, &["query", "--format", "csv", "districts"]);
    assert!(by_name.status.success(), "{}", stderr(&by_name));
    let by_file = run(
        &store,
        &["query", "--format", "csv", "-f", "queries/districts.rq"],
    );
    assert_eq!(by_name.stdout, by_file.stdout);
    assert!(stdout(&by_name).contains("闵行区"));
    // Every saved query parses and runs on the seed's store.
    for entry in std::fs::read_dir("queries").expect("queries/") {
        let path = entry.expect("entry").path();
        let output = run(
            &store,
            &[
                "query",
                "--format",
                "json",
                "-f",
                path.to_str().expect("utf-8"),
            ],
        );
        assert!(
            output.status.success(),
            "{}: {}",
            path.display(),
            stderr(&output)
        );
    }
}

/// `--explain` gives Oxigraph's plan with what each step read: the
/// patterns of the query appear in it, with the rows they produced.
#[test]
fn explain_shows_the_plan_with_rows_per_step() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = build_seed(dir.path());
    let output = run(&store, &["query", "--explain", "cases-by-mechanism"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let plan: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let text = plan.to_string();
    assert!(text.contains("usesMechanism"), "{text}");
    let mut rows = Vec::new();
    let mut stack = vec![&plan];
    while let Some(node) = stack.pop() {
        if let Some(n) = node
            .get("number of results")
            .and_then(serde_json::Value::as_u64)
        {
            rows.push(n);
        }
        if let Some(children) = node.get("children").and_then(serde_json::Value::as_array) {
            stack.extend(children);
        }
        if let Some(inner) = node.get("plan") {
            stack.push(inner);
        }
    }
    let answer = count(
        &store,
        "SELECT (COUNT(*) AS ?n) WHERE { ?c rk:usesMechanism ?m . ?m skos:prefLabel \"告知承诺\"@zh }",
    );
    assert!(answer > 0);
    assert!(rows.iter().any(|&n| n > 0), "no step counted rows: {text}");
    let update = run(
        &store,
        &["query", "--explain", "INSERT DATA { case:x rk:rank 1 }"],
    );
    assert!(!update.status.success());
    assert!(stderr(&update).contains("--explain is for queries"));
}

#[test]
fn result_formats_come_out_as_asked() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = build_seed(dir.path());
    let q = "SELECT ?r WHERE { ?c rk:rank ?r } ORDER BY ?r LIMIT 2";
    let json = stdout(&run(&store, &["query", "--format", "json", q]));
    let parsed: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
    assert_eq!(
        parsed["results"]["bindings"].as_array().map(Vec::len),
        Some(2)
    );
    let tsv = stdout(&run(&store, &["query", "--format", "tsv", q]));
    assert!(tsv.starts_with("?r\n"), "{tsv}");
    let xml = stdout(&run(&store, &["query", "--format", "xml", q]));
    assert!(xml.contains("<sparql"), "{xml}");
    let table = stdout(&run(&store, &["query", q]));
    assert!(table.contains('│') && table.contains(" r "), "{table}");
    let ask = stdout(&run(&store, &["query", "ASK { ?c rk:rank 20 }"]));
    assert_eq!(ask.trim(), "true");
    let turtle = run(
        &store,
        &[
            "query",
            "--format",
            "turtle",
            "CONSTRUCT { ?c dct:title ?t } WHERE { ?c rk:rank 16 ; dct:title ?t }",
        ],
    );
    let turtle = stdout(&turtle);
    assert!(turtle.contains("@prefix dct:"), "{turtle}");
    assert!(turtle.contains("以法治服务"), "{turtle}");
}

/// Runs a failing command and checks the error is one line with a reason.
fn assert_one_line_error(output: &std::process::Output, needle: &str) {
    assert!(
        !output.status.success(),
        "expected failure, got success: {}",
        stdout(output)
    );
    let err = stderr(output);
    assert_eq!(err.trim_end().lines().count(), 1, "not one line: {err}");
    assert!(err.starts_with("reformkg: error: "), "{err}");
    assert!(err.contains(needle), "expected {needle:?} in {err}");
}

#[test]
fn bad_input_gets_a_one_line_error_and_non_zero_exit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let missing_store = dir.path().join("nowhere");
    assert_one_line_error(
        &run(&missing_store, &["query", "ASK {}"]),
        "run `reformkg build` first",
    );
    assert_one_line_error(&run(&missing_store, &["stats"]), "no store at");
    assert!(!missing_store.exists(), "querying must not create a store");

    let store = build_seed(dir.path());
    assert_one_line_error(
        &run(&store, &["query", "SELECT ?x WHERE { ?x"]),
        "invalid SPARQL",
    );
    assert_one_line_error(
        &run(&store, &["query", "-f", "no/such/file.rq"]),
        "cannot read no/such/file.rq",
    );
    assert_one_line_error(
        &run(&store, &["query", "no-such-saved-query"]),
        "no saved query no-such-saved-query",
    );
    assert_one_line_error(
        &run(&store, &["query", "--format", "csv", "DESCRIBE case:x"]),
        "csv output is for SELECT/ASK",
    );
    assert_one_line_error(
        &run(&store, &["build", "no/such/input.txt"]),
        "cannot read no/such/input.txt",
    );
    let binary = dir.path().join("binary.txt");
    std::fs::write(&binary, [0xffu8, 0xfe, 0x00, 0xd8, 0x00]).expect("write");
    assert_one_line_error(
        &run(&store, &["build", binary.to_str().expect("utf-8")]),
        "binary.txt",
    );
}

#[test]
fn one_shot_queries_work_while_another_process_holds_the_store() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store_dir = build_seed(dir.path());
    // This test process takes the write lock, as an open REPL would.
    let held = reformkg::store::open(&store_dir).expect("opens");
    assert_eq!(
        count(
            &store_dir,
            "SELECT (COUNT(?c) AS ?n) WHERE { ?c a rk:Case }"
        ),
        20
    );
    let export = run(&store_dir, &["export", "--format", "ntriples"]);
    assert!(export.status.success(), "{}", stderr(&export));
    drop(held);
}

#[test]
fn every_rk_term_in_use_is_declared_and_labelled_in_both_languages() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = build_seed(dir.path());
    let declared = "?term a ?kind FILTER(?kind IN (owl:Class, owl:ObjectProperty, owl:DatatypeProperty, owl:AnnotationProperty))";
    let undeclared = select(
        &store,
        &format!(
            "SELECT DISTINCT ?term WHERE {{ {{ ?s ?term ?o }} UNION {{ ?s a ?term }}
             FILTER(STRSTARTS(STR(?term), STR(rk:))) FILTER NOT EXISTS {{ {declared} }} }}"
        ),
    );
    assert!(
        undeclared.is_empty(),
        "used but not declared: {undeclared:?}"
    );
    for lang in ["zh", "en"] {
        let unlabelled = select(
            &store,
            &format!(
                "SELECT DISTINCT ?term WHERE {{ {declared} FILTER(STRSTARTS(STR(?term), STR(rk:)))
                 FILTER NOT EXISTS {{ ?term rdfs:label ?l FILTER(lang(?l) = '{lang}') }} }}"
            ),
        );
        assert!(unlabelled.is_empty(), "no @{lang} label: {unlabelled:?}");
    }
}

/// Runs `reformkg ARGS` in `cwd` with none of reformkg's variables set.
fn run_in(cwd: &Path, envs: &[(&str, &Path)], args: &[&str]) -> std::process::Output {
    let mut command = std::process::Command::new(common::BIN);
    command.current_dir(cwd);
    for var in ["REFORMKG_STORE", "REFORMKG_ONTOLOGY", "REFORMKG_QUERIES"] {
        command.env_remove(var);
    }
    for (var, value) in envs {
        command.env(var, value);
    }
    command
        .args(args)
        .output()
        .expect("the reformkg binary runs")
}

/// The `doctor` line about one resource.
fn doctor_line(output: &std::process::Output, what: &str) -> String {
    assert!(output.status.success(), "doctor failed: {}", stderr(output));
    stdout(output)
        .lines()
        .find(|l| l.split_whitespace().next() == Some(what))
        .unwrap_or_else(|| panic!("no {what} line in {}", stdout(output)))
        .to_owned()
}

#[test]
fn outside_a_checkout_the_built_in_vocabulary_and_queries_are_used_and_said() {
    let dir = tempfile::tempdir().expect("tempdir");
    let doctor = run_in(dir.path(), &[], &["doctor"]);
    assert!(doctor_line(&doctor, "ontology").contains("built into the binary"));
    assert!(doctor_line(&doctor, "queries").contains("built into the binary"));
    assert!(doctor_line(&doctor, "seeds").contains("none"));
    assert!(doctor_line(&doctor, "store").contains("none yet"));

    // No source tree behind the program's back: without seeds it says so.
    let build = run_in(dir.path(), &[], &["build"]);
    assert!(!build.status.success());
    assert!(
        stderr(&build).contains("no documents given"),
        "{}",
        stderr(&build)
    );

    // With documents named, it builds with the built-in vocabulary, and a
    // saved query runs by name from the built-in copy.
    let seeds = common::repo().join("seeds");
    let build = run_in(dir.path(), &[], &["build", seeds.to_str().expect("utf-8")]);
    assert!(build.status.success(), "{}", stderr(&build));
    let query = run_in(dir.path(), &[], &["query", "--format", "csv", "districts"]);
    assert!(query.status.success(), "{}", stderr(&query));
    assert!(stdout(&query).lines().count() > 10, "{}", stdout(&query));
}

#[test]
fn the_lookup_order_is_flag_then_variable_then_current_directory() {
    let repo = common::repo();
    let in_checkout = run_in(&repo, &[], &["doctor"]);
    assert!(doctor_line(&in_checkout, "ontology").contains("in the current directory"));
    assert!(doctor_line(&in_checkout, "seeds").contains("in the current directory"));

    let elsewhere = tempfile::tempdir().expect("tempdir");
    let queries = repo.join("queries");
    let by_variable = run_in(&repo, &[("REFORMKG_QUERIES", &queries)], &["doctor"]);
    assert!(doctor_line(&by_variable, "queries").contains("from REFORMKG_QUERIES"));
    let by_flag = run_in(
        &repo,
        &[("REFORMKG_QUERIES", &queries)],
        &[
            "doctor",
            "--queries",
            elsewhere.path().to_str().expect("utf-8"),
        ],
    );
    let line = doctor_line(&by_flag, "queries");
    assert!(line.contains("from the command line"), "{line}");
}
