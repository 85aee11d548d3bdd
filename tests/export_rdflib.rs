//! Every export format loads in an independent RDF implementation (Python
//! rdflib) with the same number of statements as the store. `.ci/run`
//! installs rdflib; without it this test fails rather than skips.

mod common;

use common::{build_seed, count, run, stderr};
use std::process::Command;

/// (reformkg format, file name, rdflib parser)
const FORMATS: [(&str, &str, &str); 6] = [
    ("turtle", "graph.ttl", "turtle"),
    ("trig", "graph.trig", "trig"),
    ("ntriples", "graph.nt", "nt"),
    ("nquads", "graph.nq", "nquads"),
    ("rdfxml", "graph.rdf", "xml"),
    ("jsonld", "graph.jsonld", "json-ld"),
];

fn python() -> String {
    std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_owned())
}

#[test]
fn every_export_format_loads_in_rdflib_with_the_store_count() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = build_seed(dir.path());
    let in_store = count(&store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }");
    assert!(in_store > 5_000, "{in_store}");

    for (format, file, parser) in FORMATS {
        let path = dir.path().join(file);
        let output = run(
            &store,
            &[
                "export",
                "--format",
                format,
                "-o",
                path.to_str().expect("utf-8"),
            ],
        );
        assert!(output.status.success(), "{format}: {}", stderr(&output));

        let counted = Command::new(python())
            .arg(common::repo().join("tests/support/rdflib_count.py"))
            .arg(&path)
            .arg(parser)
            .output()
            .expect("python3 runs (install it and `pip install rdflib`)");
        assert!(
            counted.status.success(),
            "rdflib could not load the {format} export: {}",
            String::from_utf8_lossy(&counted.stderr)
        );
        let n: usize = String::from_utf8_lossy(&counted.stdout)
            .trim()
            .parse()
            .expect("a count");
        assert_eq!(
            n, in_store,
            "{format}: rdflib read {n} statements, the store holds {in_store}"
        );
    }
}

#[test]
fn turtle_declares_only_the_prefixes_it_uses() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = build_seed(dir.path());
    let output = run(&store, &["export", "--format", "turtle"]);
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).expect("utf-8");
    assert!(text.contains("@prefix rk: <https://w3id.org/reformkg/ontology#>"));
    assert!(text.contains("@prefix skos:"));
    // A declared prefix that the body never uses is noise in a diff.
    for line in text.lines().filter(|l| l.starts_with("@prefix")) {
        let prefix = line.split_whitespace().nth(1).expect("prefix name");
        let body_uses = text
            .lines()
            .filter(|l| !l.starts_with("@prefix"))
            .any(|l| l.contains(prefix));
        assert!(body_uses, "{prefix} is declared but unused");
    }
}
