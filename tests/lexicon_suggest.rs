//! `reformkg lexicon suggest`: a suggestion pasted into a copy of
//! `ontology/` is recognised by the next build, with no code change.

mod common;

use common::{repo, run, select, stderr, stdout};
use std::path::Path;

/// Copies every Turtle file of `ontology/` into `dir`.
fn copy_ontology(dir: &Path) {
    std::fs::create_dir_all(dir).expect("ontology copy directory");
    for entry in std::fs::read_dir(repo().join("ontology")).expect("ontology/ is readable") {
        let path = entry.expect("directory entry").path();
        if path.extension().is_some_and(|e| e == "ttl") {
            let name = path.file_name().expect("file name");
            std::fs::copy(&path, dir.join(name)).expect("ontology file copies");
        }
    }
}

/// The first candidate block of the output: from its IRI line to the line
/// that ends the statement.
fn first_block(turtle: &str) -> String {
    let lines: Vec<&str> = turtle.lines().skip_while(|l| !l.starts_with('<')).collect();
    let end = lines
        .iter()
        .position(|l| l.split('#').next().unwrap_or("").trim_end().ends_with(" ."))
        .expect("the block ends with ' .'");
    lines[..=end].join("\n")
}

#[test]
fn a_pasted_suggestion_is_recognised_by_the_next_build() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let ontology = dir.path().join("ontology");
    copy_ontology(&ontology);
    let store = dir.path().join("store");
    let ontology_arg = ontology.to_str().expect("UTF-8 path");

    let output = run(
        &store,
        &[
            "lexicon",
            "suggest",
            "--ontology",
            ontology_arg,
            "--limit",
            "3",
            "seeds",
        ],
    );
    assert!(
        output.status.success(),
        "suggest failed: {}",
        stderr(&output)
    );
    let turtle = stdout(&output);
    let block = first_block(&turtle);
    let iri = block
        .lines()
        .next()
        .and_then(|l| l.strip_prefix('<'))
        .and_then(|l| l.strip_suffix('>'))
        .expect("the block starts with the IRI")
        .to_owned();
    let name = block
        .split("skos:prefLabel \"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the block has a Chinese prefLabel")
        .to_owned();

    // Before: the lexicon does not know the name, no case uses the IRI.
    let built = run(&store, &["build", "--ontology", ontology_arg]);
    assert!(built.status.success(), "build failed: {}", stderr(&built));
    let known = select(
        &store,
        &format!("SELECT ?c WHERE {{ ?c skos:prefLabel|skos:altLabel \"{name}\"@zh }}"),
    );
    assert!(known.is_empty(), "{name} was already a label: {known:?}");

    // Paste the block into the copy's mechanism scheme and build again.
    let mechanisms = ontology.join("mechanisms.ttl");
    let mut text = std::fs::read_to_string(&mechanisms).expect("mechanisms.ttl reads");
    text.push('\n');
    text.push_str(&block);
    text.push('\n');
    std::fs::write(&mechanisms, text).expect("mechanisms.ttl writes");
    let rebuilt = run(&store, &["build", "--ontology", ontology_arg]);
    assert!(
        rebuilt.status.success(),
        "rebuild failed: {}",
        stderr(&rebuilt)
    );

    let users = select(
        &store,
        &format!(
            "SELECT DISTINCT ?case WHERE {{ ?case rk:usesMechanism <{iri}> .
               ?m rk:case ?case ; rk:mentions <{iri}> ; oa:exact ?s FILTER(CONTAINS(?s, \"{name}\")) }}"
        ),
    );
    assert!(!users.is_empty(), "no case uses the pasted {name} ({iri})");
}

#[test]
fn suggest_reads_the_store_and_fails_cleanly_without_one() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let missing = run(&dir.path().join("nothing"), &["lexicon", "suggest"]);
    assert!(!missing.status.success());
    let message = stderr(&missing);
    assert_eq!(message.lines().count(), 1, "one line: {message}");
    assert!(message.contains("no store"), "{message}");

    let store = common::build_seed(dir.path());
    let output = run(&store, &["lexicon", "suggest", "--limit", "5"]);
    assert!(
        output.status.success(),
        "suggest failed: {}",
        stderr(&output)
    );
    let blocks = stdout(&output)
        .matches("a rk:Mechanism , skos:Concept")
        .count();
    assert_eq!(blocks, 5, "--limit 5 prints five blocks");
}
