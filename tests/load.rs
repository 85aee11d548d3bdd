//! `reformkg load` (issue 13, item 5), from outside: the real binary on a
//! real store. Loaded files land in named graphs of their own beside the
//! built graph, survive rebuilds (and failed builds), replace themselves
//! when loaded again, and a bad file changes nothing.

mod common;

use common::{count, run, select, stderr, stdout};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

/// Statements of the default graph (the built one): without FROM, Oxigraph
/// reads the default graph only.
const DEFAULT_GRAPH: &str = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }";
const LOADED_NS: &str = "https://w3id.org/reformkg/id/graph/loaded/";

fn graph_count(store: &Path, graph: &str) -> usize {
    count(
        store,
        &format!("SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"),
    )
}

/// Every named graph and its size, as SPARQL sees them.
fn named_graphs(store: &Path) -> BTreeMap<String, usize> {
    select(
        store,
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
    )
    .into_iter()
    .map(|row| (row[0].clone(), row[1].parse().expect("a count")))
    .collect()
}

fn version(store: &Path) -> PathBuf {
    std::fs::read_link(store.join("current")).expect("a current version")
}

/// Every file under the store's `loaded/` folder with its bytes.
fn loaded_files(store: &Path) -> BTreeMap<String, Vec<u8>> {
    let Ok(entries) = std::fs::read_dir(store.join("loaded")) else {
        return BTreeMap::new();
    };
    entries
        .map(|e| e.expect("entry").path())
        .map(|p| {
            let name = p
                .file_name()
                .expect("a name")
                .to_string_lossy()
                .into_owned();
            (name, std::fs::read(&p).expect("reads"))
        })
        .collect()
}

/// `load --list` as (graph, triples, source) rows.
fn listed(store: &Path) -> Vec<(String, usize, String)> {
    let output = run(store, &["load", "--list"]);
    assert!(output.status.success(), "{}", stderr(&output));
    stdout(&output)
        .lines()
        .skip(1)
        .map(|line| {
            let cells: Vec<&str> = line.split('\t').collect();
            assert_eq!(cells.len(), 4, "{line}");
            (
                cells[0].to_owned(),
                cells[1].parse().expect("a count"),
                cells[3].to_owned(),
            )
        })
        .collect()
}

fn load(store: &Path, args: &[&str]) -> Output {
    let output = run(store, &[&["load"], args].concat());
    assert!(
        output.status.success(),
        "load {args:?}: {}",
        stderr(&output)
    );
    output
}

fn assert_one_line_error(output: &Output, needle: &str) {
    let err = stderr(output);
    assert_eq!(output.status.code(), Some(1), "exit status: {err}");
    assert_eq!(err.trim_end().lines().count(), 1, "not one line: {err}");
    assert!(err.contains(needle), "expected {needle:?} in {err}");
    assert!(!err.contains("panicked"), "{err}");
}

fn path_str(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 path")
}

/// A case IRI of the built store (the annotations are about it).
fn some_case(store: &Path) -> String {
    select(
        store,
        "SELECT ?c WHERE { ?c a rk:Case } ORDER BY ?c LIMIT 1",
    )[0][0]
        .clone()
}

/// A Turtle file of annotations: `notes` notes on `case`, plus one tag
/// through a blank node; returns its path and how many triples it holds.
fn annotations(dir: &Path, name: &str, case: &str, notes: usize) -> (PathBuf, usize) {
    let mut text = String::from("@prefix ex: <http://example.org/ns#> .\n");
    for i in 0..notes {
        text.push_str(&format!("<{case}> ex:note \"note {i}\" .\n"));
    }
    text.push_str(&format!("<{case}> ex:tag [ ex:label \"reviewed\" ] .\n"));
    let path = dir.join(name);
    std::fs::write(&path, text).expect("writes");
    (path, notes + 2)
}

const RDF_XML: &str = r#"<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:ex="http://example.org/ns#">
  <rdf:Description rdf:about="http://example.org/ns#reviewer">
    <ex:name>A. Researcher</ex:name>
    <ex:worksOn rdf:resource="http://example.org/ns#project"/>
    <ex:since>2024</ex:since>
  </rdf:Description>
</rdf:RDF>
"#;
const RDF_XML_TRIPLES: usize = 3;

const JSON_LD: &str = r#"{
  "@context": {"ex": "http://example.org/ns#"},
  "@id": "ex:project",
  "ex:title": "Reform study",
  "ex:year": "2024"
}"#;
const JSON_LD_TRIPLES: usize = 2;

#[test]
fn turtle_rdfxml_and_jsonld_files_land_in_graphs_of_their_own() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = common::build_seed(dir.path());
    let built = count(&store, DEFAULT_GRAPH);
    let before = version(&store);
    let case = some_case(&store);
    let (notes, notes_triples) = annotations(dir.path(), "notes.ttl", &case, 3);
    let xml = dir.path().join("people.rdf");
    std::fs::write(&xml, RDF_XML).expect("writes");
    let json = dir.path().join("project.jsonld");
    std::fs::write(&json, JSON_LD).expect("writes");

    load(&store, &[path_str(&notes), path_str(&xml), path_str(&json)]);

    assert_ne!(version(&store), before, "a load publishes a new version");
    assert_eq!(
        count(&store, DEFAULT_GRAPH),
        built,
        "the built graph is untouched"
    );
    let graphs = named_graphs(&store);
    let expected: BTreeMap<String, usize> = [
        (format!("{LOADED_NS}notes.ttl"), notes_triples),
        (format!("{LOADED_NS}people.rdf"), RDF_XML_TRIPLES),
        (format!("{LOADED_NS}project.jsonld"), JSON_LD_TRIPLES),
    ]
    .into_iter()
    .collect();
    assert_eq!(graphs, expected);
    // The annotations join the built graph: the case's title and its notes.
    let joined = count(
        &store,
        "SELECT (COUNT(*) AS ?n) WHERE { ?c a rk:Case ; dct:title ?t .
           GRAPH ?g { ?c <http://example.org/ns#note> ?note } }",
    );
    assert_eq!(joined, 3);
    let blank = count(
        &store,
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?c <http://example.org/ns#tag> ?b .
           ?b <http://example.org/ns#label> \"reviewed\" FILTER(isBlank(?b)) } }",
    );
    assert_eq!(blank, 1);
    let list = listed(&store);
    assert_eq!(list.len(), 3, "{list:?}");
    for (graph, triples, source) in &list {
        assert_eq!(graphs.get(graph), Some(triples), "{graph}");
        let file = graph.strip_prefix(LOADED_NS).expect("the loaded namespace");
        assert!(source.ends_with(&format!("/{file}")), "{source}");
    }
}

#[test]
fn a_rebuild_keeps_loaded_graphs_and_their_content() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = common::build_seed(dir.path());
    let built = count(&store, DEFAULT_GRAPH);
    let (notes, _) = annotations(dir.path(), "notes.ttl", &some_case(&store), 2);
    let xml = dir.path().join("people.xml");
    std::fs::write(&xml, RDF_XML).expect("writes");
    load(&store, &[path_str(&notes)]);
    load(&store, &["--graph", "urn:example:people", path_str(&xml)]);
    let graphs = named_graphs(&store);
    let contents = |store: &Path| {
        select(
            store,
            "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o FILTER(!isBlank(?o)) } } ORDER BY ?g ?s ?p ?o",
        )
    };
    let before = contents(&store);
    let listed_before = listed(&store);
    // The source files may be gone: the store keeps its own copy.
    std::fs::remove_file(&notes).expect("removes");

    for _ in 0..2 {
        let rebuilt = run(&store, &["build"]);
        assert!(rebuilt.status.success(), "{}", stderr(&rebuilt));
        assert_eq!(count(&store, DEFAULT_GRAPH), built);
        assert_eq!(named_graphs(&store), graphs);
        assert_eq!(contents(&store), before);
        assert_eq!(listed(&store), listed_before);
    }
}

#[test]
fn loading_into_the_same_graph_again_replaces_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = common::build_seed(dir.path());
    let case = some_case(&store);
    let (notes, triples) = annotations(dir.path(), "notes.ttl", &case, 4);
    let graph = format!("{LOADED_NS}notes.ttl");
    load(&store, &[path_str(&notes)]);
    assert_eq!(graph_count(&store, &graph), triples);
    let files = loaded_files(&store);

    // The same file again: the same graph, the same data.
    let again = load(&store, &[path_str(&notes)]);
    assert!(stderr(&again).contains("replacing"), "{}", stderr(&again));
    assert_eq!(graph_count(&store, &graph), triples);
    let data = |files: &BTreeMap<String, Vec<u8>>| -> Vec<Vec<u8>> {
        files
            .iter()
            .filter(|(n, _)| n.ends_with(".nt"))
            .map(|(_, b)| b.clone())
            .collect()
    };
    assert_eq!(data(&loaded_files(&store)), data(&files));

    // An edited copy elsewhere with the same name replaces it: fewer notes.
    let elsewhere = dir.path().join("edited");
    std::fs::create_dir_all(&elsewhere).expect("mkdir");
    let (edited, fewer) = annotations(&elsewhere, "notes.ttl", &case, 1);
    load(&store, &[path_str(&edited)]);
    assert_eq!(graph_count(&store, &graph), fewer);
    let gone = count(
        &store,
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?c ?p \"note 3\" } }",
    );
    assert_eq!(gone, 0, "the old notes are replaced, not merged");
    assert_eq!(named_graphs(&store).len(), 1);
    let list = listed(&store);
    assert_eq!(list.len(), 1);
    assert!(list[0].2.contains("/edited/"), "{list:?}");
    // Only the live data file is kept.
    assert_eq!(data(&loaded_files(&store)).len(), 1);
}

#[test]
fn drop_removes_a_loaded_graph_and_nothing_else() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = common::build_seed(dir.path());
    let built = count(&store, DEFAULT_GRAPH);
    let (notes, _) = annotations(dir.path(), "notes.ttl", &some_case(&store), 2);
    let json = dir.path().join("project.json");
    std::fs::write(&json, JSON_LD).expect("writes");
    load(&store, &[path_str(&notes), path_str(&json)]);
    let notes_graph = format!("{LOADED_NS}notes.ttl");
    let json_graph = format!("{LOADED_NS}project.json");

    load(&store, &["--drop", &notes_graph]);
    let graphs = named_graphs(&store);
    assert_eq!(graphs.keys().collect::<Vec<_>>(), vec![&json_graph]);
    assert_eq!(graphs[&json_graph], JSON_LD_TRIPLES);
    assert_eq!(count(&store, DEFAULT_GRAPH), built);
    let list = listed(&store);
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].0, json_graph);
    let data = loaded_files(&store)
        .keys()
        .filter(|n| n.ends_with(".nt"))
        .count();
    assert_eq!(data, 1, "the dropped graph's data file is removed");
    // A rebuild does not bring it back.
    let rebuilt = run(&store, &["build"]);
    assert!(rebuilt.status.success(), "{}", stderr(&rebuilt));
    assert_eq!(named_graphs(&store), graphs);

    // A graph that load did not add is neither dropped nor loaded over.
    let mine = "urn:example:mine";
    let insert = run(
        &store,
        &[
            "query",
            &format!("INSERT DATA {{ GRAPH <{mine}> {{ <urn:a> <urn:b> <urn:c> }} }}"),
        ],
    );
    assert!(insert.status.success(), "{}", stderr(&insert));
    // An update carries the list of loaded graphs into its version.
    assert_eq!(listed(&store), list);
    assert_eq!(graph_count(&store, &json_graph), JSON_LD_TRIPLES);
    let before = version(&store);
    assert_one_line_error(&run(&store, &["load", "--drop", mine]), mine);
    assert_one_line_error(
        &run(&store, &["load", "--graph", mine, path_str(&notes)]),
        "did not add",
    );
    assert_eq!(version(&store), before);
    assert_eq!(graph_count(&store, mine), 1);
    assert_one_line_error(
        &run(&store, &["load", "--drop", &notes_graph]),
        "is not a graph",
    );
}

#[test]
fn a_bad_file_changes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = common::build_seed(dir.path());
    let (notes, _) = annotations(dir.path(), "notes.ttl", &some_case(&store), 2);
    load(&store, &[path_str(&notes)]);
    let graphs = named_graphs(&store);
    let built = count(&store, DEFAULT_GRAPH);
    let before = version(&store);
    let files = loaded_files(&store);

    let broken = dir.path().join("broken.ttl");
    std::fs::write(
        &broken,
        "@prefix ex: <http://example.org/ns#> .\nex:a ex:b ex:c .\nex:a ex:b ;\n",
    )
    .expect("writes");
    let broken_json = dir.path().join("broken.jsonld");
    std::fs::write(&broken_json, "{\"@id\": \"urn:x\",\n \"urn:p\": [1, }").expect("writes");
    let trig = dir.path().join("own-graphs.trig");
    std::fs::write(&trig, "<urn:g> { <urn:a> <urn:b> <urn:c> }\n").expect("writes");
    let unknown = dir.path().join("notes.docx");
    std::fs::write(&unknown, "<urn:a> <urn:b> <urn:c> .\n").expect("writes");
    let good = dir.path().join("good.nt");
    std::fs::write(&good, "<urn:a> <urn:b> <urn:c> .\n").expect("writes");
    let missing = dir.path().join("missing.ttl");
    let binary = dir.path().join("binary.ttl");
    std::fs::write(&binary, [0xff_u8, 0xfe, 0, 1, 2, 0x80, b'\n']).expect("writes");

    let cases: Vec<(Vec<&str>, String)> = vec![
        (
            vec![path_str(&broken)],
            "broken.ttl: Parser error at line 3".to_owned(),
        ),
        (vec![path_str(&broken_json)], "broken.jsonld".to_owned()),
        (vec![path_str(&binary)], "binary.ttl".to_owned()),
        (vec![path_str(&missing)], "missing.ttl".to_owned()),
        (vec![path_str(dir.path())], "is a directory".to_owned()),
        (vec![path_str(&trig)], "own-graphs.trig".to_owned()),
        (vec![path_str(&unknown)], "notes.docx".to_owned()),
        (
            vec!["--max-input-bytes", "10", path_str(&good)],
            "larger than the input limit".to_owned(),
        ),
        (
            vec!["--graph", "not an iri", path_str(&good)],
            "--graph".to_owned(),
        ),
        (
            vec!["--format", "docx", path_str(&good)],
            "--format".to_owned(),
        ),
        // All or nothing: a good file with a bad one is not loaded either.
        (
            vec![path_str(&good), path_str(&broken)],
            "broken.ttl".to_owned(),
        ),
    ];
    for (args, needle) in cases {
        let output = run(&store, &[&["load"], args.as_slice()].concat());
        assert_one_line_error(&output, &needle);
        assert_eq!(version(&store), before, "{args:?}");
        assert_eq!(named_graphs(&store), graphs, "{args:?}");
        assert_eq!(count(&store, DEFAULT_GRAPH), built, "{args:?}");
        assert_eq!(loaded_files(&store), files, "{args:?}");
    }
}

#[test]
fn loaded_graphs_survive_a_build_that_fails() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = common::build_seed(dir.path());
    let (notes, triples) = annotations(dir.path(), "notes.ttl", &some_case(&store), 3);
    load(&store, &[path_str(&notes)]);
    let graph = format!("{LOADED_NS}notes.ttl");
    let before = version(&store);
    let files = loaded_files(&store);

    let empty = dir.path().join("empty.txt");
    std::fs::write(&empty, "").expect("writes");
    let failed = run(&store, &["build", path_str(&empty)]);
    assert!(!failed.status.success(), "{}", stdout(&failed));
    assert_eq!(version(&store), before);
    assert_eq!(graph_count(&store, &graph), triples);
    assert_eq!(loaded_files(&store), files);

    // A loaded graph whose data went missing stops the build (it is never
    // silently dropped), and the store keeps answering with it.
    let data = store.join("loaded").join(
        files
            .keys()
            .find(|n| n.ends_with(".nt"))
            .expect("a data file"),
    );
    let bytes = std::fs::read(&data).expect("reads");
    std::fs::remove_file(&data).expect("removes");
    let failed = run(&store, &["build"]);
    let err = stderr(&failed);
    assert!(!failed.status.success());
    assert!(err.contains(&graph) && err.contains("--drop"), "{err}");
    assert_eq!(version(&store), before);
    assert_eq!(graph_count(&store, &graph), triples);

    std::fs::write(&data, bytes).expect("restores");
    let rebuilt = run(&store, &["build"]);
    assert!(rebuilt.status.success(), "{}", stderr(&rebuilt));
    assert_ne!(version(&store), before);
    assert_eq!(graph_count(&store, &graph), triples);
}

#[test]
fn quads_exports_carry_loaded_graphs_triple_exports_the_built_graph_only() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = common::build_seed(dir.path());
    let built = count(&store, DEFAULT_GRAPH);
    let (notes, triples) = annotations(dir.path(), "notes.ttl", &some_case(&store), 2);
    load(&store, &[path_str(&notes)]);
    let graph = format!("<{LOADED_NS}notes.ttl>");

    let nquads = run(&store, &["export", "--format", "nquads"]);
    assert!(nquads.status.success(), "{}", stderr(&nquads));
    let text = stdout(&nquads);
    let in_graph = text
        .lines()
        .filter(|l| l.ends_with(&format!("{graph} .")))
        .count();
    assert_eq!(in_graph, triples);
    assert_eq!(text.lines().count(), built + triples);

    let ntriples = run(&store, &["export", "--format", "ntriples"]);
    assert!(ntriples.status.success(), "{}", stderr(&ntriples));
    assert_eq!(stdout(&ntriples).lines().count(), built);
    assert!(!stdout(&ntriples).contains("example.org"));

    let trig = run(&store, &["export", "--format", "trig"]);
    assert!(stdout(&trig).contains(&graph) || stdout(&trig).contains("notes.ttl"));

    let stats = run(&store, &["stats"]);
    assert!(stats.status.success(), "{}", stderr(&stats));
    let first = stdout(&stats).lines().next().unwrap_or_default().to_owned();
    assert!(
        first.starts_with(&format!(
            "{} statements ({triples} of them",
            built + triples
        )),
        "{first}"
    );
}

#[test]
fn a_quads_file_loads_whole_into_the_graph_given() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = common::build_seed(dir.path());
    let trig = dir.path().join("dataset.trig");
    std::fs::write(
        &trig,
        "<urn:a> <urn:p> <urn:b> .\n<urn:g1> { <urn:a> <urn:p> <urn:c> }\n\
         <urn:g2> { <urn:a> <urn:p> <urn:d> . <urn:a> <urn:p> <urn:b> }\n",
    )
    .expect("writes");
    assert_one_line_error(&run(&store, &["load", path_str(&trig)]), "--graph");
    load(&store, &["--graph", "urn:example:merged", path_str(&trig)]);
    // Three distinct statements: the repeated one is stored once.
    assert_eq!(
        named_graphs(&store),
        [("urn:example:merged".to_owned(), 3)].into_iter().collect()
    );
    // N-Quads in the default graph only is an ordinary load; --format wins
    // over the extension.
    let plain = dir.path().join("plain.txt");
    std::fs::write(&plain, "<urn:x> <urn:p> <urn:y> .\n").expect("writes");
    load(&store, &["--format", "nquads", path_str(&plain)]);
    assert_eq!(graph_count(&store, &format!("{LOADED_NS}plain.txt")), 1);
}

#[test]
fn a_load_killed_at_any_rename_leaves_the_store_and_its_list_in_step() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = common::build_seed(dir.path());
    let case = some_case(&store);
    let (first, first_triples) = annotations(dir.path(), "notes.ttl", &case, 2);
    load(&store, &[path_str(&first)]);
    let graph = format!("{LOADED_NS}notes.ttl");
    let other = dir.path().join("other");
    std::fs::create_dir_all(&other).expect("mkdir");
    let (second, second_triples) = annotations(&other, "notes.ttl", &case, 5);
    let xml = dir.path().join("people.rdf");
    std::fs::write(&xml, RDF_XML).expect("writes");
    let args = [path_str(&second), path_str(&xml)];
    let mut killed = 0;
    for when in 1..=12 {
        let before = version(&store);
        let output = common::killed_at_rename(
            &store,
            &std::iter::once("load")
                .chain(args.iter().copied())
                .map(std::ffi::OsStr::new)
                .collect::<Vec<_>>(),
            when,
        );
        // Whatever the moment, the graphs the store answers with are the
        // ones `load --list` names, with the same counts.
        let graphs = named_graphs(&store);
        let list: BTreeMap<String, usize> =
            listed(&store).into_iter().map(|(g, n, _)| (g, n)).collect();
        assert_eq!(graphs, list, "killed at rename {when}");
        if output.status.success() {
            assert_eq!(graphs[&graph], second_triples);
            assert_eq!(graphs.len(), 2);
            break;
        }
        killed += 1;
        assert_eq!(graphs[&graph], first_triples, "killed at rename {when}");
        assert_eq!(graphs.len(), 1, "killed at rename {when}");
        assert_eq!(version(&store), before, "killed at rename {when}");
        // The next writer clears what the killed one left.
        let rebuilt = run(&store, &["build"]);
        assert!(rebuilt.status.success(), "{}", stderr(&rebuilt));
        assert_eq!(named_graphs(&store), list);
        let stray: Vec<String> = loaded_files(&store)
            .into_keys()
            .filter(|n| n.ends_with(".partial"))
            .collect();
        assert!(stray.is_empty(), "{stray:?}");
    }
    // Data files, the manifest, the version and `current`: several renames.
    assert!(killed >= 3, "only {killed} renames were interrupted");
}

#[test]
fn the_endpoint_serves_loaded_graphs_by_name() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = common::build_seed(dir.path());
    let (notes, triples) = annotations(dir.path(), "notes.ttl", &some_case(&store), 2);
    load(&store, &[path_str(&notes)]);
    let graph = format!("{LOADED_NS}notes.ttl");
    let served = common::Served::start(&store, &[]);
    let query = format!("SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}");
    let answer = common::get(
        &served.url(&format!("/sparql?query={}", common::encode(&query))),
        &[("Accept", "text/csv")],
    );
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(
        answer.body.lines().nth(1).map(str::trim),
        Some(triples.to_string().as_str())
    );
    let read = common::get(
        &served.url(&format!("/store?graph={}", common::encode(&graph))),
        &[("Accept", "application/n-triples")],
    );
    assert_eq!(read.status, 200, "{}", read.body);
    assert_eq!(
        read.body.lines().filter(|l| !l.trim().is_empty()).count(),
        triples
    );
    let home = common::get(&served.url("/"), &[]);
    assert_eq!(home.status, 200);
}
