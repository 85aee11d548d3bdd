//! The public contract (`docs/CONTRACT.md`) kept true by checking it
//! against the code and the ontology:
//! - every `rk:` term the docs and saved queries name, and every one a built
//!   graph uses, is declared in `ontology/`;
//! - every `reformkg COMMAND` the README and the contract show exists;
//! - no vocabulary word is written in Rust: labels live in `ontology/`, and
//!   outside the corpus crate (document structure: 排名, 一、 …) no Rust
//!   string holds Chinese text at all.

mod common;

use common::{repo, BIN};
use oxigraph::model::{Term, Triple};
use oxigraph::store::Store;
use reformkg::lexicon::{Lexicon, Ontology};
use reformkg::pipeline::{extract_all, input_files, to_graph, Timings};
use reformkg::vocab::RK;
use regex::Regex;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

fn ontology() -> Ontology {
    Ontology::load_dir(&repo().join("ontology")).expect("the ontology loads")
}

/// The local names of `rk:` terms that some ontology file gives a type.
fn declared_terms(ontology: &Ontology) -> BTreeSet<String> {
    let store = Store::new().expect("in-memory store");
    store
        .extend(ontology.quads().iter().cloned())
        .expect("load");
    let sparql =
        format!("SELECT DISTINCT ?t WHERE {{ ?t a ?kind FILTER(STRSTARTS(STR(?t), \"{RK}\")) }}");
    reformkg::store::sparql::select_rows(&store, &sparql)
        .expect("query")
        .into_iter()
        .filter_map(|row| match row.into_iter().next()?? {
            Term::NamedNode(n) => Some(n.as_str()[RK.len()..].to_owned()),
            _ => None,
        })
        .collect()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn files_with_extension(dir: &Path, extension: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read dir").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|x| x == extension) {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

#[test]
fn every_rk_term_the_docs_and_saved_queries_name_is_declared() {
    let declared = declared_terms(&ontology());
    assert!(
        declared.contains("usesMechanism"),
        "the ontology declares its terms"
    );
    let term = Regex::new(r"\brk:([A-Za-z][A-Za-z0-9_]*)").unwrap();
    let mut sources = vec![
        repo().join("README.md"),
        repo().join("ARCHITECTURE.md"),
        repo().join("docs/CONTRACT.md"),
    ];
    sources.extend(files_with_extension(&repo().join("queries"), "rq"));
    let mut undeclared = Vec::new();
    for source in &sources {
        for capture in term.captures_iter(&read(source)) {
            let local = &capture[1];
            if !declared.contains(local) {
                undeclared.push(format!("{}: rk:{local}", source.display()));
            }
        }
    }
    assert!(
        undeclared.is_empty(),
        "named but not declared:\n{}",
        undeclared.join("\n")
    );
}

#[test]
fn a_built_graph_uses_only_declared_rk_terms() {
    let ontology = ontology();
    let declared = declared_terms(&ontology);
    let lexicon = Lexicon::from_ontology(&ontology).expect("lexicon");
    let files = input_files(&[repo().join("seeds")]).expect("seeds");
    let extracted = extract_all(&lexicon, &files, &mut Timings::default()).expect("extract");
    let graph = to_graph(&lexicon, &ontology, &extracted);
    let rdf_type = oxigraph::model::vocab::rdf::TYPE;
    let mut used = BTreeSet::new();
    for quad in graph.quads() {
        let triple = Triple::from(quad.clone());
        used.insert(triple.predicate.as_str().to_owned());
        if triple.predicate == rdf_type {
            if let Term::NamedNode(class) = &triple.object {
                used.insert(class.as_str().to_owned());
            }
        }
    }
    let undeclared: Vec<&String> = used
        .iter()
        .filter(|iri| {
            iri.strip_prefix(RK)
                .is_some_and(|local| !declared.contains(local))
        })
        .collect();
    assert!(
        used.iter().any(|iri| iri.starts_with(RK)),
        "the graph uses rk: terms"
    );
    assert!(
        undeclared.is_empty(),
        "used but not declared: {undeclared:?}"
    );
}

/// `reformkg WORD` as shown in code: inline `reformkg …` spans and lines of
/// fenced blocks, with or without `cargo run --release --`.
fn commands_shown(markdown: &str) -> BTreeSet<String> {
    let inline = Regex::new(r"`reformkg ([a-z][a-z-]*)").unwrap();
    let cargo_run = Regex::new(r"cargo run (?:--release )?(?:-q )?-- ([a-z][a-z-]*)").unwrap();
    let line_start = Regex::new(r"^\s*(?:\$ )?reformkg ([a-z][a-z-]*)").unwrap();
    let mut shown = BTreeSet::new();
    let mut in_fence = false;
    for line in markdown.lines() {
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
            continue;
        }
        let mut found: Vec<String> = inline
            .captures_iter(line)
            .chain(cargo_run.captures_iter(line))
            .map(|c| c[1].to_owned())
            .collect();
        if in_fence {
            found.extend(line_start.captures_iter(line).map(|c| c[1].to_owned()));
        }
        shown.extend(found);
    }
    shown
}

#[test]
fn every_command_the_readme_and_the_contract_show_exists() {
    let mut shown = BTreeSet::new();
    for doc in ["README.md", "docs/CONTRACT.md"] {
        shown.extend(commands_shown(&read(&repo().join(doc))));
    }
    for expected in ["build", "query", "repl", "diagram", "doctor"] {
        assert!(shown.contains(expected), "{expected} is shown: {shown:?}");
    }
    let missing: Vec<&String> = shown
        .iter()
        .filter(|command| {
            let status = Command::new(BIN)
                .args([command.as_str(), "--help"])
                .output()
                .expect("reformkg runs")
                .status;
            !status.success()
        })
        .collect();
    assert!(
        missing.is_empty(),
        "shown but not commands of reformkg: {missing:?}"
    );
}

/// Every Chinese word of the lexicon: the literals about its concepts,
/// places, types, units and context words (not the `rk:` schema's own
/// labels such as 案例 for `rk:Case`, which name the ontology's terms), of
/// at least two characters (single characters are plain document text).
fn vocabulary_words(ontology: &Ontology) -> BTreeSet<String> {
    let is_schema_term = |subject: &oxigraph::model::NamedOrBlankNode| matches!(subject, oxigraph::model::NamedOrBlankNode::NamedNode(n) if n.as_str().starts_with(RK));
    ontology
        .quads()
        .iter()
        .filter(|quad| !is_schema_term(&quad.subject))
        .filter_map(|quad| match &quad.object {
            Term::Literal(l) if l.language().is_some_and(|t| t.starts_with("zh")) => {
                Some(l.value().to_owned())
            }
            _ => None,
        })
        .filter(|label| label.chars().count() >= 2 && label.chars().all(is_cjk))
        .collect()
}

fn is_cjk(c: char) -> bool {
    ('\u{3400}'..='\u{9fff}').contains(&c)
}

/// The string and char literals of a Rust file's non-test code (a file's
/// `#[cfg(test)]` module comes last, by the project's convention), with
/// their line numbers.
fn code_literals(source: &str) -> Vec<(usize, String)> {
    let code = source.split("#[cfg(test)]").next().unwrap_or(source);
    let literal = Regex::new(r#""((?:[^"\\]|\\.)*)"|'([^'\\])'"#).unwrap();
    let mut found = Vec::new();
    for (number, line) in code.lines().enumerate() {
        if line.trim_start().starts_with("//") {
            continue;
        }
        for capture in literal.captures_iter(line) {
            let text = capture
                .get(1)
                .or_else(|| capture.get(2))
                .map_or("", |m| m.as_str());
            found.push((number + 1, text.to_owned()));
        }
    }
    found
}

#[test]
fn no_vocabulary_word_is_written_in_rust() {
    let words = vocabulary_words(&ontology());
    assert!(
        words.len() > 100,
        "the ontology has Chinese labels: {}",
        words.len()
    );
    let mut sources = files_with_extension(&repo().join("src"), "rs");
    sources.extend(files_with_extension(&repo().join("crates"), "rs"));
    sources.retain(|p| !p.components().any(|c| c.as_os_str() == "tests"));
    let corpus = repo().join("crates/corpus");
    let mut offences = Vec::new();
    for path in &sources {
        let source = read(path);
        let rel = path
            .strip_prefix(repo())
            .unwrap_or(path)
            .display()
            .to_string();
        for (line, text) in code_literals(&source) {
            if let Some(word) = words.iter().find(|w| text.contains(w.as_str())) {
                offences.push(format!("{rel}:{line}: the label {word} in {text:?}"));
            } else if !path.starts_with(&corpus) && text.chars().any(is_cjk) {
                offences.push(format!(
                    "{rel}:{line}: Chinese text outside the corpus crate: {text:?}"
                ));
            }
        }
    }
    // Help texts come from doc comments too.
    for help in ["src/cli.rs", "src/repl/command.rs"] {
        let source = read(&repo().join(help));
        let code = source.split("#[cfg(test)]").next().unwrap_or(&source);
        for (number, line) in code.lines().enumerate() {
            if let Some(word) = words.iter().find(|w| line.contains(w.as_str())) {
                offences.push(format!(
                    "{help}:{}: the label {word} in help text",
                    number + 1
                ));
            }
        }
    }
    assert!(
        offences.is_empty(),
        "vocabulary belongs in ontology/:\n{}",
        offences.join("\n")
    );
}

#[test]
fn the_contract_test_sees_a_label_in_code() {
    // The checker itself: a label inside a literal is found; in a comment
    // or a test module it is not.
    let source =
        "fn f() { let s = \"用免罚清单\"; }\n// 免罚清单\n#[cfg(test)]\nmod tests { \"免罚清单\" }";
    let literals = code_literals(source);
    assert_eq!(literals, [(1, "用免罚清单".to_owned())]);
    let turtle = "@prefix skos: <http://www.w3.org/2004/02/skos/core#> . <http://x/a> skos:prefLabel \"免罚清单\"@zh , \"x\"@en .";
    let ontology = Ontology::from_turtle([("t.ttl", turtle.as_bytes())]).expect("parses");
    assert_eq!(
        vocabulary_words(&ontology),
        BTreeSet::from(["免罚清单".to_owned()])
    );
}
