//! The built graph conforms to `ontology/shapes.ttl`, checked by pySHACL (an
//! independent validator), and the shapes do catch a malformed graph.
//! `.ci/run` installs pyshacl; without it this test fails rather than skips.

mod common;

use common::{build_seed, repo, run, stderr};
use std::path::Path;
use std::process::{Command, Output};

fn validate(data: &Path) -> Output {
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_owned());
    Command::new(python)
        .arg(repo().join("tests/support/shacl_validate.py"))
        .arg(data)
        .arg(repo().join("ontology/shapes.ttl"))
        .output()
        .expect("python3 runs (install it and `pip install pyshacl`)")
}

#[test]
fn the_seed_graph_conforms_to_the_shapes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = build_seed(dir.path());
    let data = dir.path().join("graph.ttl");
    let output = run(
        &store,
        &[
            "export",
            "--format",
            "turtle",
            "-o",
            data.to_str().expect("utf-8"),
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));

    let report = validate(&data);
    let text = String::from_utf8_lossy(&report.stdout);
    assert!(
        report.status.success(),
        "the graph violates ontology/shapes.ttl:\n{}\n{}",
        text.chars().take(4000).collect::<String>(),
        String::from_utf8_lossy(&report.stderr)
    );
    assert!(text.contains("Conforms: True"), "{text}");
}

#[test]
fn the_shapes_reject_a_case_without_rank() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("bad.ttl");
    std::fs::write(
        &data,
        "@prefix rk: <https://w3id.org/reformkg/ontology#> .\n\
         @prefix dct: <http://purl.org/dc/terms/> .\n\
         <https://w3id.org/reformkg/id/case/x-1> a rk:Case ; dct:title \"无排名\"@zh .\n",
    )
    .expect("write");
    let report = validate(&data);
    assert!(
        !report.status.success(),
        "a case without rank must not conform"
    );
    assert!(String::from_utf8_lossy(&report.stdout).contains("rank"));
}
