//! `reformkg validate` on a real store and on files, cross-checked with
//! pySHACL (an independent SHACL engine, `tests/support/shacl_validate.py`):
//! both must find the same (focus node, path, constraint component, value)
//! results.
//! `.ci/run` installs pyshacl; without it these tests fail rather than skip.

mod common;

use common::{build_seed, repo, run, stderr, stdout};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const ID: &str = "https://w3id.org/reformkg/id/";
const RK: &str = "https://w3id.org/reformkg/ontology#";
const SH: &str = "http://www.w3.org/ns/shacl#";

/// Several kinds of breakage, each against a different shape of
/// `ontology/shapes.ttl`, inserted beside the seed's (valid) graph.
const BREAKAGE: &str = r#"INSERT DATA {
  case:test-broken-1 a rk:Case ;
      dct:title "第一个标题"@zh , "第二个标题"@zh ;
      rk:inCollection collection:test-broken ;
      rk:district district:test-broken ;
      rk:text "案例正文" ;
      rk:usesMechanism mechanism:test-no-such-mechanism .
  case:test-broken-2 a rk:Case ;
      rk:rank "3" ;
      dct:title "排名是字符串"@zh ;
      rk:inCollection collection:test-broken ;
      rk:district district:test-broken ;
      rk:text "正文" .
  case:test-broken-3 a rk:Case ;
      rk:rank "three"^^xsd:integer , 0 ;
      dct:title "两个排名"@zh ;
      rk:inCollection collection:test-broken ;
      rk:district district:test-broken ;
      rk:text "正文" .
  case:test-broken-4 a rk:Case ;
      rk:rank 4 ;
      dct:title "没有证据的机制"@zh ;
      rk:inCollection collection:test-broken ;
      rk:district district:test-broken ;
      rk:text "正文" ;
      rk:usesMechanism mechanism:test-bad-language .
  collection:test-broken a rk:CaseCollection ;
      dct:title "坏的合集"@zh ;
      rk:sha256 "NOT-A-DIGEST" .
  district:test-broken a rk:District ;
      skos:prefLabel "Broken"@en , "Also broken"@en ;
      rk:divisionCode "12345" .
  mechanism:test-bad-language a rk:Mechanism ;
      skos:prefLabel "告知"@ja .
  mention:test-broken-1-1 a rk:Mention ;
      rk:case case:test-broken-1 ;
      rk:mentions mechanism:test-no-such-mechanism ;
      oa:exact "正文" ;
      oa:start 10 ;
      oa:end 5 .
  outcome:test-orphan a rk:Outcome ;
      rdf:value 3.5 ;
      rk:unit "件" ;
      rk:quantityText "3.5件" .
  agency:test-nameless a rk:Agency ;
      rk:level <https://example.org/no-such-level> .
  pair:test-broken-1 a rk:CasePair ;
      rk:firstCase case:test-broken-4 ;
      rk:secondCase case:test-broken-2 ;
      rk:sharedMechanismCount 7 .
  pair:test-broken-2 a rk:CasePair ;
      rk:firstCase case:test-broken-4 ;
      rk:secondCase case:shanghai-2023-district-cases-1 ;
      rk:sharedMechanismCount 0 .
}"#;

/// What the breakage must produce, written from the shapes (not from any
/// program's output): focus node, path, constraint component.
fn expected() -> BTreeSet<String> {
    let id = |kind: &str, local: &str| format!("<{ID}{kind}/{local}>");
    let rk = |local: &str| format!("<{RK}{local}>");
    let line = |focus: String, path: &str, component: &str| {
        format!("{focus}\t{path}\t<{SH}{component}ConstraintComponent>")
    };
    let title = "<http://purl.org/dc/terms/title>";
    let pref_label = "<http://www.w3.org/2004/02/skos/core#prefLabel>";
    let start = "<http://www.w3.org/ns/oa#start>";
    [
        line(id("case", "test-broken-1"), title, "MaxCount"),
        line(id("case", "test-broken-1"), &rk("rank"), "MinCount"),
        line(id("case", "test-broken-1"), &rk("usesMechanism"), "Class"),
        line(id("case", "test-broken-2"), &rk("rank"), "Datatype"),
        // "3" (a string) is not comparable with 1: SHACL counts that as failing.
        line(id("case", "test-broken-2"), &rk("rank"), "MinInclusive"),
        line(id("case", "test-broken-3"), &rk("rank"), "Datatype"),
        line(id("case", "test-broken-3"), &rk("rank"), "MaxCount"),
        line(id("case", "test-broken-3"), &rk("rank"), "MinInclusive"),
        line(id("case", "test-broken-4"), "-", "SPARQL"),
        line(id("collection", "test-broken"), &rk("sha256"), "Pattern"),
        line(id("district", "test-broken"), pref_label, "UniqueLang"),
        line(
            id("district", "test-broken"),
            pref_label,
            "QualifiedMinCount",
        ),
        line(
            id("district", "test-broken"),
            &rk("divisionCode"),
            "Pattern",
        ),
        line(
            id("mechanism", "test-bad-language"),
            pref_label,
            "QualifiedMinCount",
        ),
        line(id("mention", "test-broken-1-1"), start, "LessThan"),
        line(
            id("outcome", "test-orphan"),
            &format!("^{}", rk("hasOutcome")),
            "MinCount",
        ),
        // The two cases share no mechanism, not 7.
        line(id("pair", "test-broken-1"), "-", "SPARQL"),
        // Of two collections, and the first has the higher rank.
        line(id("pair", "test-broken-2"), "-", "SPARQL"),
        line(
            id("pair", "test-broken-2"),
            &rk("sharedMechanismCount"),
            "MinInclusive",
        ),
        line(id("agency", "test-nameless"), "-", "Or"),
        line(id("agency", "test-nameless"), &rk("level"), "Class"),
        line(
            "<https://example.org/no-such-level>".to_owned(),
            &rk("levelPrefix"),
            "MinCount",
        ),
    ]
    .into_iter()
    .collect()
}

fn python() -> Command {
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let mut command = Command::new(python);
    command.arg(repo().join("tests/support/shacl_validate.py"));
    command
}

fn lines(output: &Output) -> BTreeSet<String> {
    stdout(output)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_owned)
        .collect()
}

/// The (focus, path, component) of (focus, path, component, value) lines.
fn without_values(lines: &BTreeSet<String>) -> BTreeSet<String> {
    lines
        .iter()
        .map(|l| {
            l.rsplit_once('\t')
                .map_or(l.as_str(), |(head, _)| head)
                .to_owned()
        })
        .collect()
}

/// pySHACL's (focus, path, component, value) results for these data files.
fn pyshacl_results(data: &[&Path]) -> (bool, BTreeSet<String>) {
    let output = python()
        .arg("--results")
        .arg(repo().join("ontology/shapes.ttl"))
        .args(data)
        .output()
        .expect("python3 runs (install it and `pip install pyshacl`)");
    let code = output.status.code();
    assert!(
        matches!(code, Some(0 | 1)),
        "pySHACL failed: {}",
        stderr(&output)
    );
    (code == Some(0), lines(&output))
}

/// The same lines read from a `reformkg validate --format turtle` report.
fn report_results(report: &Path) -> BTreeSet<String> {
    let output = python()
        .arg("--report")
        .arg(report)
        .output()
        .expect("python3 runs");
    assert!(output.status.success(), "{}", stderr(&output));
    lines(&output)
}

fn export(store: &Path, format: &str, file: &Path) {
    let output = run(
        store,
        &[
            "export",
            "--format",
            format,
            "-o",
            file.to_str().expect("utf-8"),
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
}

/// Runs `validate --format turtle ARGS`, writes the report to `file`, and
/// returns the exit code.
fn turtle_report(store: &Path, args: &[&str], file: &Path) -> Option<i32> {
    let mut all = vec!["validate", "--format", "turtle"];
    all.extend_from_slice(args);
    let output = run(store, &all);
    std::fs::write(file, &output.stdout).expect("write the report");
    assert!(!stderr(&output).contains("panicked"), "{}", stderr(&output));
    output.status.code()
}

fn broken_store(dir: &Path) -> PathBuf {
    let store = build_seed(dir);
    let output = run(&store, &["query", BREAKAGE]);
    assert!(output.status.success(), "{}", stderr(&output));
    store
}

#[test]
fn the_seed_store_conforms_and_pyshacl_agrees() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = build_seed(dir.path());

    let output = run(&store, &["validate"]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    let text = stdout(&output);
    let summary = text.lines().last().unwrap_or_default();
    assert!(summary.starts_with("conforms ("), "{text}");
    let checked: usize = summary
        .trim_start_matches("conforms (")
        .split(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    let cases = common::count(&store, "SELECT (COUNT(*) AS ?n) WHERE { ?c a rk:Case }");
    assert!(
        checked > cases,
        "{checked} focus nodes, {cases} cases alone"
    );

    let report = dir.path().join("report.ttl");
    assert_eq!(turtle_report(&store, &[], &report), Some(0));
    assert!(report_results(&report).is_empty());

    let data = dir.path().join("graph.nt");
    export(&store, "ntriples", &data);
    let (conforms, results) = pyshacl_results(&[&data]);
    assert!(conforms, "pySHACL: {results:?}");
    assert!(results.is_empty());
}

#[test]
fn a_broken_store_gives_the_violations_pyshacl_gives() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = broken_store(dir.path());

    let report = dir.path().join("report.ttl");
    assert_eq!(turtle_report(&store, &[], &report), Some(1));
    let ours = report_results(&report);

    let data = dir.path().join("graph.ttl");
    export(&store, "turtle", &data);
    let (conforms, theirs) = pyshacl_results(&[&data]);
    assert!(!conforms);
    assert_eq!(ours, theirs, "reformkg validate and pySHACL disagree");
    let ours = without_values(&ours);
    let missing: Vec<_> = expected().difference(&ours).cloned().collect();
    assert!(
        missing.is_empty(),
        "not reported: {missing:#?}\nreported: {ours:#?}"
    );
    let extra: Vec<_> = ours.difference(&expected()).cloned().collect();
    assert!(extra.is_empty(), "unexpected: {extra:#?}");
}

#[test]
fn the_text_report_names_resources_by_label_and_counts_focus_nodes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = broken_store(dir.path());
    let output = run(&store, &["validate"]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);

    // Labels beside compact names, the way the rest of the CLI shows them.
    assert!(
        text.contains("case:test-broken-2 (“排名是字符串”)"),
        "{text}"
    );
    assert!(text.contains("district:test-broken (“"), "{text}");
    // Paths (an inverse one too), values, messages from the shapes, severity.
    assert!(text.contains("path      ^rk:hasOutcome"), "{text}");
    assert!(text.contains("value     \"3\""), "{text}");
    assert!(
        text.contains("message   every outcome is reported by a case (rk:hasOutcome)"),
        "{text}"
    );
    // A SPARQL constraint's message, its IRIs written short.
    assert!(
        text.contains(
            "message   link rk:usesMechanism to mechanism:test-bad-language has no rk:Mention"
        ),
        "{text}"
    );
    assert!(
        text.contains("severity  Violation (sh:LessThanConstraintComponent"),
        "{text}"
    );

    let focus_nodes: BTreeSet<String> = expected()
        .iter()
        .map(|l| l.split('\t').next().unwrap_or_default().to_owned())
        .collect();
    let summary = text.lines().last().unwrap_or_default();
    assert!(
        summary.ends_with(&format!(" violations in {} focus nodes", focus_nodes.len())),
        "{summary}"
    );
    let entries = text
        .lines()
        .filter(|l| l.starts_with("  severity  "))
        .count();
    assert!(
        summary.starts_with(&format!("{entries} violations")),
        "{summary}"
    );
}

#[test]
fn files_in_any_format_are_validated_like_the_store() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = broken_store(dir.path());
    let from_store = dir.path().join("store-report.ttl");
    assert_eq!(turtle_report(&store, &[], &from_store), Some(1));

    // The same graph split over two files in two formats.
    let whole = dir.path().join("graph.trig");
    export(&store, "trig", &whole);
    let seed_dir = dir.path().join("seed");
    let seed = build_seed(&seed_dir);
    let seed_file = dir.path().join("seed.nt");
    export(&seed, "ntriples", &seed_file);
    let from_files = dir.path().join("files-report.ttl");
    let files = [
        whole.to_str().expect("utf-8"),
        seed_file.to_str().expect("utf-8"),
    ];
    assert_eq!(turtle_report_code(&files, &from_files), Some(1));
    assert_eq!(report_results(&from_files), report_results(&from_store));
}

/// Runs `validate --format turtle FILE…` without --store (FILE… and
/// --store are exclusive).
fn turtle_report_code(files: &[&str], report: &Path) -> Option<i32> {
    let output = Command::new(common::BIN)
        .current_dir(repo())
        .env_remove("REFORMKG_STORE")
        .args(["validate", "--format", "turtle"])
        .args(files)
        .output()
        .expect("runs");
    std::fs::write(report, &output.stdout).expect("write");
    output.status.code()
}

/// Runs `reformkg ARGS` without --store.
fn reformkg(args: &[&str]) -> Output {
    Command::new(common::BIN)
        .current_dir(repo())
        .env_remove("REFORMKG_STORE")
        .args(args)
        .output()
        .expect("runs")
}

fn assert_bad_input(output: &Output, mentions: &str) {
    let err = stderr(output);
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    assert!(err.starts_with("reformkg: error: "), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.contains(mentions), "{err} should mention {mentions}");
    assert!(stdout(output).is_empty(), "{}", stdout(output));
}

#[test]
fn bad_input_is_one_line_and_exit_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = |name: &str| dir.path().join(name);
    let text = |p: &PathBuf| p.to_str().expect("utf-8").to_owned();

    let missing = text(&path("missing.ttl"));
    assert_bad_input(&reformkg(&["validate", &missing]), "missing.ttl");

    std::fs::write(path("bad.ttl"), "<a> <b> .\n").expect("write");
    assert_bad_input(&reformkg(&["validate", &text(&path("bad.ttl"))]), "bad.ttl");

    std::fs::write(path("data.xyz"), "").expect("write");
    assert_bad_input(
        &reformkg(&["validate", &text(&path("data.xyz"))]),
        "data.xyz",
    );

    let no_store = text(&path("no-store"));
    assert_bad_input(&reformkg(&["--store", &no_store, "validate"]), "no-store");

    std::fs::write(path("ok.ttl"), "<http://x/a> <http://x/b> <http://x/c> .\n").expect("write");
    assert_bad_input(
        &reformkg(&["validate", "--store", &no_store, &text(&path("ok.ttl"))]),
        "not both",
    );

    std::fs::write(path("bad-shapes.ttl"), "@prefix sh: <http://www.w3.org/ns/shacl#> .\n[ a sh:NodeShape ; sh:targetNode <http://x/a> ; sh:minCount \"many\" ] .\n").expect("write");
    assert_bad_input(
        &reformkg(&[
            "validate",
            "--shapes",
            &text(&path("bad-shapes.ttl")),
            &text(&path("ok.ttl")),
        ]),
        "sh:minCount",
    );
}

#[test]
fn a_sparql_constraint_nested_too_deep_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("ok.ttl");
    std::fs::write(&data, "<http://x/a> <http://x/b> <http://x/c> .\n").expect("write");
    let shapes = dir.path().join("deep.ttl");
    let depth = 10_000;
    std::fs::write(
        &shapes,
        format!(
            "@prefix sh: <http://www.w3.org/ns/shacl#> .\n\
             <http://x/S> a sh:NodeShape ; sh:targetNode <http://x/a> ;\n\
             sh:sparql [ sh:select \"SELECT $this WHERE {{ {}{} }}\" ] .\n",
            "{".repeat(depth),
            "}".repeat(depth)
        ),
    )
    .expect("write");
    let output = reformkg(&[
        "validate",
        "--shapes",
        shapes.to_str().expect("utf-8"),
        data.to_str().expect("utf-8"),
    ]);
    assert_bad_input(&output, "nest deeper");
}

#[test]
fn shapes_using_an_unimplemented_feature_are_refused_by_name() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("ok.ttl");
    std::fs::write(&data, "<http://x/a> <http://x/b> <http://x/c> .\n").expect("write");
    for (feature, shape) in [
        ("sh:rule", "sh:rule [ a sh:TripleRule ]"),
        ("sh:target", "sh:target [ a sh:SPARQLTarget ]"),
        ("sh:ask", "sh:sparql [ sh:ask \"ASK {}\" ]"),
        ("sh:ConstraintComponent", "a sh:ConstraintComponent"),
    ] {
        let shapes = dir.path().join("shapes.ttl");
        std::fs::write(
            &shapes,
            format!(
                "@prefix sh: <http://www.w3.org/ns/shacl#> .\n\
                 <http://x/S> a sh:NodeShape ; sh:targetNode <http://x/a> ; {shape} .\n"
            ),
        )
        .expect("write");
        let output = reformkg(&[
            "validate",
            "--shapes",
            shapes.to_str().expect("utf-8"),
            data.to_str().expect("utf-8"),
        ]);
        assert_bad_input(&output, feature);
        assert!(
            stderr(&output).contains("does not implement"),
            "{}",
            stderr(&output)
        );
    }
}

#[test]
fn every_core_component_agrees_with_pyshacl() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fixture = repo().join("tests/fixtures/shacl_core");
    let (shapes, data) = (fixture.join("shapes.ttl"), fixture.join("data.ttl"));
    let report = dir.path().join("report.ttl");
    let output = reformkg(&[
        "validate",
        "--format",
        "turtle",
        "--shapes",
        shapes.to_str().expect("utf-8"),
        data.to_str().expect("utf-8"),
    ]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    std::fs::write(&report, &output.stdout).expect("write");
    let ours = report_results(&report);

    let output = python()
        .arg("--results")
        .arg(&shapes)
        .arg(&data)
        .output()
        .expect("python3 runs");
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert_eq!(
        ours,
        lines(&output),
        "reformkg validate and pySHACL disagree"
    );

    // The fixture breaks each of these components at least once.
    let components: BTreeSet<String> = ours
        .iter()
        .filter_map(|l| l.split('\t').nth(2))
        .map(|c| {
            c.trim_start_matches(&format!("<{SH}"))
                .trim_end_matches("ConstraintComponent>")
                .to_owned()
        })
        .collect();
    for component in [
        "Class",
        "Datatype",
        "NodeKind",
        "MinCount",
        "MaxCount",
        "MinExclusive",
        "MinInclusive",
        "MaxExclusive",
        "MaxInclusive",
        "MinLength",
        "MaxLength",
        "HasValue",
        "Pattern",
        "LanguageIn",
        "UniqueLang",
        "Equals",
        "Disjoint",
        "LessThan",
        "LessThanOrEquals",
        "Not",
        "And",
        "Or",
        "Xone",
        "Node",
        "SPARQL",
        "QualifiedMinCount",
        "QualifiedMaxCount",
        "Closed",
        "In",
    ] {
        assert!(
            components.contains(component),
            "{component} not exercised: {components:?}"
        );
    }
    // sh:deactivated: the shape ex:Off would flag every person.
    assert!(!ours.iter().any(|l| l.contains("never")), "{ours:#?}");
}
