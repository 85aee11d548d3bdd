//! Adding a document is cheap (issue 11): a build reads the documents an
//! earlier build extracted from the store's cache, and the store it makes
//! is byte for byte the one a build without the cache makes. Probed from
//! outside: the real binary, real stores, damaged entries, SIGKILL.

mod common;

use common::{count, run, stderr};
use std::path::{Path, PathBuf};

const CASES: &str = "SELECT (COUNT(?c) AS ?n) WHERE { ?c a rk:Case }";

/// A folder of `copies` differently named copies of the seed (each its own
/// collection, so each its own cache entry).
fn copies_of_the_seed(dir: &Path, name: &str, copies: usize) -> PathBuf {
    let seed = std::fs::read_dir(common::repo().join("seeds"))
        .expect("seeds")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|x| x == "txt"))
        .expect("a seed document");
    let text = std::fs::read(&seed).expect("reads the seed");
    let inputs = dir.join(name);
    std::fs::create_dir_all(&inputs).expect("mkdir");
    for i in 0..copies {
        std::fs::write(inputs.join(format!("copy-{i:03}.txt")), &text).expect("writes");
    }
    inputs
}

/// `reformkg build ARGS` into `store`; fails the test if the build fails.
fn build(store: &Path, args: &[&str]) -> String {
    let output = run(store, &[&["build"], args].concat());
    assert!(output.status.success(), "build failed: {}", stderr(&output));
    stderr(&output)
}

/// How many documents the build report says came from the cache.
fn from_cache(report: &str) -> usize {
    report
        .lines()
        .find(|l| l.contains("read from the cache"))
        .and_then(|l| l.split_whitespace().next())
        .map_or(0, |n| n.parse().expect("a count"))
}

/// How many triples the build report says the store holds.
fn triples(report: &str) -> usize {
    let line = report
        .lines()
        .find(|l| l.starts_with("Built "))
        .expect("a report");
    let words: Vec<&str> = line.split_whitespace().collect();
    let at = words.iter().position(|w| *w == "triples").expect("triples");
    words[at - 1].replace(',', "").parse().expect("a number")
}

/// The store's sorted N-Quads export.
fn export(store: &Path) -> Vec<u8> {
    let output = run(store, &["export", "--format", "nquads"]);
    assert!(output.status.success(), "export: {}", stderr(&output));
    output.stdout
}

/// What a build of `args` into a fresh store, without the cache, exports.
fn fresh_export(dir: &Path, name: &str, args: &[&str]) -> Vec<u8> {
    let store = dir.join(name);
    build(&store, &[args, &["--no-cache"]].concat());
    assert!(
        !store.join("cache").exists(),
        "--no-cache wrote a cache in {}",
        store.display()
    );
    export(&store)
}

/// The names in the store's cache folder.
fn cache_names(store: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(store.join("cache")) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .map(|e| e.expect("entry").file_name().into_string().expect("utf-8"))
        .collect();
    names.sort();
    names
}

fn entries(store: &Path) -> Vec<PathBuf> {
    cache_names(store)
        .into_iter()
        .filter(|n| n.ends_with(".rkc") && !n.starts_with('.'))
        .map(|n| store.join("cache").join(n))
        .collect()
}

fn path(p: &Path) -> &str {
    p.to_str().expect("a UTF-8 path")
}

#[test]
fn a_rebuild_with_one_more_document_extracts_only_it_and_exports_the_same_bytes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let inputs = copies_of_the_seed(dir.path(), "inputs", 3);
    let store = dir.path().join("store");
    let first = build(&store, &[path(&inputs)]);
    assert_eq!(from_cache(&first), 0, "{first}");
    assert_eq!(entries(&store).len(), 3);

    let seed = inputs.join("copy-000.txt");
    std::fs::copy(&seed, inputs.join("copy-003.txt")).expect("copies");
    let second = build(&store, &[path(&inputs)]);
    assert_eq!(from_cache(&second), 3, "{second}");
    assert!(second.contains("3 of 4 documents"), "{second}");
    assert!(second.contains("added to the previous version"), "{second}");
    assert_eq!(count(&store, CASES), 80);
    assert_eq!(entries(&store).len(), 4);
    let fresh = fresh_export(dir.path(), "fresh", &[path(&inputs)]);
    assert_eq!(
        export(&store),
        fresh,
        "a cached build differs from a fresh one"
    );

    // The cache holds what the live version was built from, no more.
    std::fs::remove_file(&seed).expect("removes");
    let third = build(&store, &[path(&inputs)]);
    assert_eq!(from_cache(&third), 3, "{third}");
    assert!(!third.contains("added to the previous"), "{third}");
    assert_eq!(entries(&store).len(), 3);
    assert_eq!(count(&store, CASES), 60);
    let fresh = fresh_export(dir.path(), "fresh-3", &[path(&inputs)]);
    assert_eq!(export(&store), fresh);
}

#[test]
fn a_document_from_another_city_adds_its_places_as_a_whole_build_would() {
    let dir = tempfile::tempdir().expect("tempdir");
    let inputs = copies_of_the_seed(dir.path(), "inputs", 1);
    let store = dir.path().join("store");
    build(&store, &[path(&inputs)]);
    let before = export(&store);
    let other = common::repo().join("tests/fixtures/beijing-2024-cases.txt");
    std::fs::copy(&other, inputs.join("beijing-2024-cases.txt")).expect("copies");
    let report = build(&store, &[path(&inputs)]);
    assert!(report.contains("added to the previous version"), "{report}");
    let after = export(&store);
    let fresh = fresh_export(dir.path(), "fresh", &[path(&inputs)]);
    assert_eq!(after, fresh, "an increment differs from a whole build");
    let whole = build(&dir.path().join("whole"), &[path(&inputs), "--no-cache"]);
    assert_eq!(triples(&report), triples(&whole), "{report}\n{whole}");
    // The ontology's triples about Beijing came in with the document.
    let beijing = |nquads: &[u8]| {
        String::from_utf8_lossy(nquads)
            .lines()
            .filter(|l| l.starts_with("<https://w3id.org/reformkg/id/place/110000> "))
            .count()
    };
    assert_eq!(beijing(&before), 0);
    assert!(beijing(&after) > 3, "{}", beijing(&after));
}

#[test]
fn a_changed_document_is_extracted_again() {
    let dir = tempfile::tempdir().expect("tempdir");
    let inputs = copies_of_the_seed(dir.path(), "inputs", 2);
    let store = dir.path().join("store");
    build(&store, &[path(&inputs)]);
    // One date changed in one copy: same name, other bytes.
    let changed = inputs.join("copy-001.txt");
    let text = std::fs::read_to_string(&changed).expect("reads");
    assert!(text.contains("2023年10月18日"));
    let text = text.replacen("2023年10月18日", "2023年10月19日", 1);
    std::fs::write(&changed, text).expect("writes");
    let before = export(&store);
    let report = build(&store, &[path(&inputs)]);
    assert_eq!(from_cache(&report), 1, "{report}");
    let fresh = fresh_export(dir.path(), "fresh", &[path(&inputs)]);
    let after = export(&store);
    assert_ne!(after, before, "the change did not reach the store");
    assert_eq!(after, fresh);
    assert_eq!(count(&store, CASES), 40);
}

#[test]
fn another_ontology_invalidates_the_cache() {
    let dir = tempfile::tempdir().expect("tempdir");
    let inputs = copies_of_the_seed(dir.path(), "inputs", 2);
    let store = dir.path().join("store");
    build(&store, &[path(&inputs)]);
    let before = export(&store);

    let ontology = dir.path().join("ontology");
    std::fs::create_dir_all(&ontology).expect("mkdir");
    for entry in std::fs::read_dir(common::repo().join("ontology")).expect("lists") {
        let from = entry.expect("entry").path();
        let mut text = std::fs::read_to_string(&from).expect("reads");
        if from.ends_with("agency-types.ttl") {
            assert!(text.contains("\"Agency types\"@en"));
            text = text.replace("\"Agency types\"@en", "\"Kinds of agency\"@en");
        }
        std::fs::write(ontology.join(from.file_name().expect("a name")), text).expect("writes");
    }
    let args = [path(&inputs), "--ontology", path(&ontology)];
    let report = build(&store, &args);
    assert_eq!(from_cache(&report), 0, "{report}");
    let after = export(&store);
    assert_ne!(after, before, "the label change did not reach the store");
    assert!(String::from_utf8_lossy(&after).contains("\"Kinds of agency\"@en"));
    assert_eq!(after, fresh_export(dir.path(), "fresh", &args));
    // Built again with the same changed ontology, both come from the cache.
    let again = build(&store, &args);
    assert_eq!(from_cache(&again), 2, "{again}");
}

#[test]
fn a_damaged_cache_entry_is_extracted_again_and_foreign_files_are_kept() {
    let dir = tempfile::tempdir().expect("tempdir");
    let inputs = copies_of_the_seed(dir.path(), "inputs", 4);
    let store = dir.path().join("store");
    let entry = |name: &str| -> PathBuf {
        let before: Vec<PathBuf> = entries(&store);
        let file = inputs.join(name);
        let text = std::fs::read(&file).expect("reads");
        std::fs::remove_file(&file).expect("removes");
        build(&store, &[path(&inputs)]);
        let gone = before
            .into_iter()
            .find(|e| !e.exists())
            .expect("the removed document's entry went");
        std::fs::write(&file, text).expect("writes back");
        gone
    };
    build(&store, &[path(&inputs)]);
    // Which entry is whose: remove a document, see which entry goes.
    let copies = ["copy-000.txt", "copy-001.txt", "copy-002.txt"];
    let damaged: Vec<PathBuf> = copies.iter().map(|c| entry(c)).collect();
    build(&store, &[path(&inputs)]);
    assert!(damaged.iter().all(|e| e.exists()));
    // One flipped byte, one truncated entry, one emptied.
    let mut bytes = std::fs::read(&damaged[0]).expect("reads");
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x20;
    std::fs::write(&damaged[0], &bytes).expect("writes");
    let bytes = std::fs::read(&damaged[1]).expect("reads");
    std::fs::write(&damaged[1], &bytes[..bytes.len() - 7]).expect("writes");
    std::fs::write(&damaged[2], b"").expect("writes");
    let foreign = store.join("cache").join("notes.txt");
    std::fs::write(&foreign, "mine").expect("writes");

    // Without copy-003 the build loads everything, reading the entries.
    std::fs::remove_file(inputs.join("copy-003.txt")).expect("removes");
    let report = build(&store, &[path(&inputs)]);
    assert_eq!(from_cache(&report), 0, "{report}");
    let fresh = fresh_export(dir.path(), "fresh", &[path(&inputs)]);
    assert_eq!(export(&store), fresh, "a damaged entry changed the store");
    // The entries were written again, sound.
    std::fs::remove_file(inputs.join("copy-002.txt")).expect("removes");
    let again = build(&store, &[path(&inputs)]);
    assert_eq!(from_cache(&again), 2, "{again}");
    assert_eq!(std::fs::read_to_string(&foreign).expect("kept"), "mine");
}

/// Kills a build of `inputs` at each of its renames in turn; after each
/// kill the store answers as before (`cases_before`), and the next build is
/// right and leaves no partial file. `reset` puts the store back before the
/// next kill. Returns how many builds were killed.
fn kill_at_every_rename(
    store: &Path,
    inputs: &Path,
    cases_before: usize,
    cases_after: usize,
    fresh: &[u8],
    reset: &dyn Fn(),
) -> usize {
    for when in 1..=10 {
        let output = common::killed_at_rename(store, &["build".as_ref(), inputs.as_os_str()], when);
        if output.status.success() {
            assert_eq!(count(store, CASES), cases_after, "{}", stderr(&output));
            return when - 1;
        }
        // Before `current` switched the old version answers, after it the
        // new one (the build was killed while tidying up).
        let answered = count(store, CASES);
        assert!(
            answered == cases_before || answered == cases_after,
            "killed at rename {when}: {answered} cases"
        );
        if answered == cases_after {
            assert_eq!(export(store), fresh, "killed at rename {when}");
        }
        build(store, &[path(inputs)]);
        assert_eq!(export(store), fresh, "after a kill at rename {when}");
        let partial: Vec<String> = cache_names(store)
            .into_iter()
            .filter(|n| n.ends_with(".partial"))
            .collect();
        assert!(partial.is_empty(), "after kill {when}: {partial:?}");
        reset();
    }
    panic!("a build of {} never finished", inputs.display());
}

#[test]
fn a_build_killed_at_any_rename_leaves_the_store_answering_and_the_cache_sound() {
    let dir = tempfile::tempdir().expect("tempdir");
    let inputs = copies_of_the_seed(dir.path(), "inputs", 3);
    let fresh = fresh_export(dir.path(), "fresh", &[path(&inputs)]);
    let store = common::build_seed(dir.path());
    // The seed alone, then three copies: a whole build (three entries, the
    // version, `current`, the record).
    let reset = || {
        build(&store, &[]);
        assert_eq!(entries(&store).len(), 1, "the copies' entries stayed");
    };
    let killed = kill_at_every_rename(&store, &inputs, 20, 60, &fresh, &reset);
    assert!(killed >= 5, "only {killed} renames were interrupted");
}

#[test]
fn an_increment_killed_at_any_rename_leaves_the_store_answering() {
    let dir = tempfile::tempdir().expect("tempdir");
    let inputs = copies_of_the_seed(dir.path(), "inputs", 3);
    let store = dir.path().join("store");
    build(&store, &[path(&inputs)]);
    let fourth = inputs.join("copy-003.txt");
    std::fs::copy(inputs.join("copy-000.txt"), &fourth).expect("copies");
    let fresh = fresh_export(dir.path(), "fresh", &[path(&inputs)]);
    // Back to three copies, the fourth put back for the next kill.
    let reset = || {
        let text = std::fs::read(&fourth).expect("reads");
        std::fs::remove_file(&fourth).expect("removes");
        build(&store, &[path(&inputs)]);
        std::fs::write(&fourth, text).expect("writes");
    };
    reset();
    // One entry, the version, `current`, the record.
    let killed = kill_at_every_rename(&store, &inputs, 60, 80, &fresh, &reset);
    assert!(killed >= 3, "only {killed} renames were interrupted");
    let report = build(&store, &[path(&inputs)]);
    assert!(report.contains("added to the previous version") || from_cache(&report) == 4);
}

#[test]
fn loaded_graphs_stay_through_increments_and_a_load_makes_the_next_build_whole() {
    let dir = tempfile::tempdir().expect("tempdir");
    let inputs = copies_of_the_seed(dir.path(), "inputs", 1);
    let store = dir.path().join("store");
    build(&store, &[path(&inputs)]);
    let notes = dir.path().join("notes.ttl");
    std::fs::write(
        &notes,
        "<https://example.org/a> <https://example.org/says> \"one\" , \"two\" .\n",
    )
    .expect("writes");
    let loaded = run(&store, &["load", path(&notes)]);
    assert!(loaded.status.success(), "{}", stderr(&loaded));
    let graph_triples = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }";
    assert_eq!(count(&store, graph_triples), 2);
    let add = |i: usize| {
        std::fs::copy(
            inputs.join("copy-000.txt"),
            inputs.join(format!("copy-{i:03}.txt")),
        )
        .expect("copies");
        build(&store, &[path(&inputs)])
    };
    // The version `load` made has no record: a whole build (from the cache).
    let first = add(1);
    assert!(!first.contains("added to the previous"), "{first}");
    assert_eq!(from_cache(&first), 1, "{first}");
    let second = add(2);
    assert!(second.contains("added to the previous"), "{second}");
    assert_eq!(count(&store, graph_triples), 2);
    assert_eq!(count(&store, CASES), 60);
    let whole = build(&dir.path().join("whole"), &[path(&inputs), "--no-cache"]);
    assert_eq!(triples(&second), triples(&whole) + 2, "{second}\n{whole}");
}

#[test]
fn a_bad_new_document_fails_the_build_and_leaves_the_store_as_it_was() {
    let dir = tempfile::tempdir().expect("tempdir");
    let inputs = copies_of_the_seed(dir.path(), "inputs", 2);
    let store = dir.path().join("store");
    build(&store, &[path(&inputs)]);
    let before = export(&store);
    let bad = inputs.join("copy-002.txt");
    std::fs::write(&bad, b"title\n\0binary\n").expect("writes");
    let failed = run(&store, &["build", path(&inputs)]);
    assert!(!failed.status.success());
    assert!(
        stderr(&failed).contains("copy-002.txt"),
        "{}",
        stderr(&failed)
    );
    assert_eq!(export(&store), before);
    // The same name again, now a copy: added to the unchanged version.
    std::fs::copy(inputs.join("copy-000.txt"), &bad).expect("copies");
    let report = build(&store, &[path(&inputs)]);
    assert!(report.contains("added to the previous version"), "{report}");
    assert_eq!(count(&store, CASES), 60);
}
