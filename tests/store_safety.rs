//! Nothing is lost (issue 8), probed from outside: the real binary, real
//! processes, SIGKILL at every rename of a build, readers and writers at
//! once. Waits are bounded; what is asserted is the outcome.

mod common;

use common::{count, run, stderr, stdout, BIN};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const CASES: &str = "SELECT (COUNT(?c) AS ?n) WHERE { ?c a rk:Case }";

/// Runs `reformkg` with `args` and no `--store` (it comes from `args` or
/// the environment).
fn reformkg(cwd: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .current_dir(cwd)
        .env_remove("REFORMKG_STORE")
        .env("REFORMKG_ONTOLOGY", common::repo().join("ontology"))
        .args(args)
        .output()
        .expect("the reformkg binary runs")
}

/// Every file under `dir` with its bytes: what "left as it was" means.
fn contents(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut found = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(at) = stack.pop() {
        for entry in std::fs::read_dir(&at).expect("lists") {
            let path = entry.expect("entry").path();
            let meta = std::fs::symlink_metadata(&path).expect("metadata");
            if meta.is_dir() {
                stack.push(path);
            } else if meta.file_type().is_symlink() {
                let target = std::fs::read_link(&path).expect("link");
                found.insert(path, target.into_os_string().into_encoded_bytes());
            } else {
                found.insert(path.clone(), std::fs::read(&path).expect("reads"));
            }
        }
    }
    found
}

/// Names, sizes and modification times of everything under `dir`.
fn listing(dir: &Path) -> BTreeMap<PathBuf, (u64, std::time::SystemTime)> {
    let mut found = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(at) = stack.pop() {
        for entry in std::fs::read_dir(&at).expect("lists") {
            let path = entry.expect("entry").path();
            let meta = std::fs::symlink_metadata(&path).expect("metadata");
            if meta.is_dir() {
                stack.push(path.clone());
            }
            found.insert(path, (meta.len(), meta.modified().expect("mtime")));
        }
    }
    found
}

fn assert_one_line_error(output: &Output, needle: &str) {
    let err = stderr(output);
    assert!(!output.status.success(), "expected failure: {err}");
    assert_eq!(output.status.code(), Some(1), "exit status: {err}");
    assert_eq!(err.trim_end().lines().count(), 1, "not one line: {err}");
    assert!(err.contains(needle), "expected {needle:?} in {err}");
}

/// A folder of `copies` differently named copies of the seed (each its own
/// collection), for builds that take a while.
fn copies_of_the_seed(dir: &Path, copies: usize) -> PathBuf {
    let seed = std::fs::read_dir(common::repo().join("seeds"))
        .expect("seeds")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|x| x == "txt"))
        .expect("a seed document");
    let text = std::fs::read(&seed).expect("reads the seed");
    let inputs = dir.join("inputs");
    std::fs::create_dir_all(&inputs).expect("mkdir");
    for i in 0..copies {
        std::fs::write(inputs.join(format!("copy-{i:03}.txt")), &text).expect("writes");
    }
    inputs
}

fn user_folder(dir: &Path) -> PathBuf {
    let folder = dir.join("thesis");
    std::fs::create_dir_all(folder.join("drafts")).expect("mkdir");
    std::fs::write(folder.join("chapter1.txt"), "第一章 my own words").expect("writes");
    std::fs::write(folder.join("drafts/notes.md"), "notes").expect("writes");
    folder
}

#[test]
fn a_folder_that_is_not_a_store_is_refused_and_left_as_it_was() {
    let dir = tempfile::tempdir().expect("tempdir");
    let folder = user_folder(dir.path());
    let before = contents(&folder);
    let path = folder.to_str().expect("utf-8");

    assert_one_line_error(
        &reformkg(dir.path(), &["--store", path, "build"]),
        "is not a reformkg store",
    );
    // `repl` builds first when there is no store: the same guard applies.
    let repl = Command::new(BIN)
        .current_dir(dir.path())
        .env("REFORMKG_STORE", path)
        .env("REFORMKG_HISTORY", "")
        .arg("repl")
        .stdin(Stdio::null())
        .output()
        .expect("runs");
    assert!(!repl.status.success(), "{}", stderr(&repl));
    assert!(
        stderr(&repl).contains("is not a reformkg store"),
        "{}",
        stderr(&repl)
    );
    // So does a wrong REFORMKG_STORE for build.
    let env_build = Command::new(BIN)
        .current_dir(dir.path())
        .env("REFORMKG_STORE", path)
        .arg("build")
        .output()
        .expect("runs");
    assert_one_line_error(&env_build, "is not a reformkg store");
    assert_eq!(contents(&folder), before, "the user's folder changed");
    let siblings: Vec<_> = std::fs::read_dir(dir.path())
        .expect("lists")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(siblings, vec![std::ffi::OsString::from("thesis")]);
}

#[test]
fn a_file_the_working_directory_and_home_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("notes.txt");
    std::fs::write(&file, "mine").expect("writes");
    assert_one_line_error(
        &reformkg(dir.path(), &["--store", "notes.txt", "build"]),
        "it is a file, not a directory",
    );
    assert_eq!(std::fs::read(&file).expect("reads"), b"mine");

    // An empty working directory is still refused as a store.
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).expect("mkdir");
    assert_one_line_error(
        &reformkg(&empty, &["--store", ".", "build"]),
        "working directory",
    );
    assert_eq!(std::fs::read_dir(&empty).expect("lists").count(), 0);
    assert_one_line_error(&reformkg(&empty, &["--store", "/", "build"]), "root");

    let home = dir.path().join("home");
    std::fs::create_dir(&home).expect("mkdir");
    let output = Command::new(BIN)
        .current_dir(dir.path())
        .env("HOME", &home)
        .args(["--store", home.to_str().expect("utf-8"), "build"])
        .output()
        .expect("runs");
    assert_one_line_error(&output, "home directory");
    assert_eq!(std::fs::read_dir(&home).expect("lists").count(), 0);
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .expect("lists")
        .map(|e| e.expect("entry").file_name().into_string().expect("utf-8"))
        .collect();
    assert!(
        names.iter().all(|n| !n.starts_with('.')),
        "left behind: {names:?}"
    );
}

#[test]
fn a_store_of_an_earlier_layout_is_refused_not_replaced() {
    let dir = tempfile::tempdir().expect("tempdir");
    let legacy = dir.path().join("store");
    std::fs::create_dir(&legacy).expect("mkdir");
    std::fs::write(legacy.join("CURRENT"), "MANIFEST-000005\n").expect("writes");
    let before = contents(&legacy);
    assert_one_line_error(&run(&legacy, &["build"]), "earlier reformkg");
    assert_one_line_error(&run(&legacy, &["query", CASES]), "earlier reformkg");
    assert_eq!(contents(&legacy), before);
}

#[test]
fn an_empty_folder_becomes_a_store_and_the_store_carries_its_marker() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = dir.path().join("store");
    std::fs::create_dir(&store).expect("mkdir");
    let output = run(&store, &["build"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let marker = std::fs::read_to_string(store.join("reformkg-store.json")).expect("marker");
    let marker: serde_json::Value = serde_json::from_str(&marker).expect("json");
    assert_eq!(marker["format"], "reformkg-store");
    assert!(marker["created_by"]
        .as_str()
        .is_some_and(|s| s.starts_with("reformkg ")));
    assert_eq!(count(&store, CASES), 20);
    // The live version is a plain Oxigraph store any tool can open.
    let live = std::fs::read_link(store.join("current")).expect("current link");
    let opened = oxigraph::store::Store::open_read_only(store.join(&live)).expect("opens");
    assert!(opened.len().expect("counts") > 10_000);
    // Rebuilding replaces its own store and keeps only the new version.
    let output = run(&store, &["build"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let versions: Vec<_> = std::fs::read_dir(&store)
        .expect("lists")
        .map(|e| e.expect("entry").file_name().into_string().expect("utf-8"))
        .filter(|n| n.starts_with('v') && !n.ends_with(".pin"))
        .collect();
    assert_eq!(versions.len(), 1, "{versions:?}");
    assert_ne!(
        std::fs::read_link(store.join("current")).expect("link"),
        live
    );
}

#[test]
fn a_build_killed_at_any_rename_leaves_the_old_store_answering() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = common::build_seed(dir.path());
    let inputs = copies_of_the_seed(dir.path(), 2);
    let mut killed = 0;
    for when in 1..=6 {
        let output =
            common::killed_at_rename(&store, &["build".as_ref(), inputs.as_os_str()], when);
        let answered = count(&store, CASES);
        if output.status.success() {
            // Fewer renames than `when`: the build finished unharmed.
            assert_eq!(answered, 40, "{}", stderr(&output));
            break;
        }
        killed += 1;
        assert_eq!(answered, 20, "killed at rename {when}: {}", stderr(&output));
        let next = run(&store, &["build"]);
        assert!(
            next.status.success(),
            "after kill {when}: {}",
            stderr(&next)
        );
        assert_eq!(count(&store, CASES), 20);
        let leftovers: Vec<_> = std::fs::read_dir(&store)
            .expect("lists")
            .map(|e| e.expect("entry").file_name().into_string().expect("utf-8"))
            .filter(|n| n.starts_with("building-") || n.starts_with("current.tmp"))
            .collect();
        assert!(leftovers.is_empty(), "after kill {when}: {leftovers:?}");
    }
    // Publishing takes two renames (the version, then `current`).
    assert!(killed >= 2, "only {killed} renames were interrupted");
}

#[test]
fn forty_readers_during_a_build_all_answer_and_corrupt_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = common::build_seed(dir.path());
    let inputs = copies_of_the_seed(dir.path(), 30);
    let mut build = common::reformkg_at(&store)
        .arg("build")
        .arg(&inputs)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("build starts");
    let mut answers = Vec::new();
    for _ in 0..40 {
        let readers: Vec<Child> = (0..2)
            .map(|_| {
                common::reformkg_at(&store)
                    .args(["query", "--format", "csv", CASES])
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .expect("reader starts")
            })
            .collect();
        for reader in readers {
            let output = reader.wait_with_output().expect("reader ends");
            assert!(
                output.status.success(),
                "a reader failed: {}",
                stderr(&output)
            );
            answers.push(
                stdout(&output)
                    .lines()
                    .nth(1)
                    .unwrap_or_default()
                    .to_owned(),
            );
        }
    }
    let built = build.wait().expect("build ends");
    let mut err = String::new();
    build
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut err)
        .expect("reads");
    assert!(built.success(), "the build failed: {err}");
    assert!(
        answers.iter().all(|a| a == "20" || a == "600"),
        "readers saw a partial store: {answers:?}"
    );
    assert_eq!(count(&store, CASES), 600);
    let check = run(&store, &["export", "--format", "nquads"]);
    assert!(check.status.success(), "{}", stderr(&check));
}

#[test]
fn one_shot_commands_never_write_to_the_store() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = common::build_seed(dir.path());
    let before = listing(&store);
    for args in [
        vec!["query", CASES],
        vec!["query", "--format", "json", CASES],
        vec!["stats"],
        vec!["similar", "5"],
        vec!["diagram", "shared-mechanisms"],
        vec!["export", "--format", "turtle"],
        vec!["lexicon", "suggest", "--limit", "1"],
    ] {
        for _ in 0..3 {
            let output = run(&store, &args);
            assert!(output.status.success(), "{args:?}: {}", stderr(&output));
        }
    }
    assert_eq!(listing(&store), before, "a reader wrote into the store");
}

#[test]
fn a_second_writer_is_refused_and_never_touches_the_first_ones_scratch() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = common::build_seed(dir.path());
    // This process plays a running build: it holds the lock and has a
    // scratch directory in progress.
    let lock = std::fs::File::open(store.join("write.lock")).expect("lock file");
    lock.lock().expect("locks");
    let scratch = store.join("building-v9");
    std::fs::create_dir(&scratch).expect("mkdir");
    std::fs::write(scratch.join("in-progress"), "data").expect("writes");
    assert_one_line_error(
        &run(&store, &["build"]),
        "another reformkg process is writing",
    );
    let update = run(
        &store,
        &["query", "INSERT DATA { <urn:a> <urn:b> <urn:c> }"],
    );
    assert!(!update.status.success());
    assert!(stderr(&update).contains("another reformkg process is writing"));
    assert!(
        scratch.join("in-progress").is_file(),
        "the scratch was touched"
    );
    assert_eq!(count(&store, CASES), 20, "readers still answer");
    drop(lock);
    // With the lock free, the scratch is a dead build's: the next build
    // removes it.
    let output = run(&store, &["build"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(!scratch.exists());

    // And two real builds at once: each either wins or is refused cleanly.
    let inputs = copies_of_the_seed(dir.path(), 20);
    let builds: Vec<Child> = (0..2)
        .map(|_| {
            common::reformkg_at(&store)
                .arg("build")
                .arg(&inputs)
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .expect("starts")
        })
        .collect();
    let outputs: Vec<Output> = builds
        .into_iter()
        .map(|b| b.wait_with_output().expect("ends"))
        .collect();
    assert!(outputs.iter().any(|o| o.status.success()));
    for output in outputs.iter().filter(|o| !o.status.success()) {
        assert_one_line_error(output, "another reformkg process is writing");
    }
    assert_eq!(count(&store, CASES), 400);
}

/// A REPL on a pipe: statements in, answers out, a line at a time.
struct Repl {
    child: Child,
    stdin: std::process::ChildStdin,
    answers: std::sync::mpsc::Receiver<String>,
}

impl Repl {
    fn start(store: &Path) -> Self {
        let mut child = common::reformkg_at(store)
            .arg("repl")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("repl starts");
        let stdin = child.stdin.take().expect("stdin");
        let (sender, answers) = std::sync::mpsc::channel();
        for stream in [
            Box::new(child.stdout.take().expect("stdout")) as Box<dyn Read + Send>,
            Box::new(child.stderr.take().expect("stderr")),
        ] {
            let sender = sender.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines() {
                    let Ok(line) = line else { break };
                    if sender.send(line).is_err() {
                        break;
                    }
                }
            });
        }
        Self {
            child,
            stdin,
            answers,
        }
    }

    fn send(&mut self, statement: &str) {
        writeln!(self.stdin, "{statement}").expect("writes");
        self.stdin.flush().expect("flushes");
    }

    /// Lines (of stdout and stderr) until, for each of `needles`, one line
    /// equals it or, for a needle ending in `…`, starts with the rest.
    fn until(&self, needles: &[&str]) -> Vec<String> {
        let matches = |line: &str, needle: &str| match needle.strip_suffix('…') {
            Some(start) => line.contains(start),
            None => line == needle,
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut seen: Vec<String> = Vec::new();
        while Instant::now() < deadline {
            if needles
                .iter()
                .all(|n| seen.iter().any(|line| matches(line, n)))
            {
                return seen;
            }
            match self.answers.recv_timeout(Duration::from_millis(200)) {
                Ok(line) => seen.push(line),
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
                Err(_) => break,
            }
        }
        panic!("not all of {needles:?}; saw {seen:?}");
    }
}

#[test]
fn a_repl_open_across_a_build_follows_it_and_loses_no_edit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = common::build_seed(dir.path());
    let inputs = copies_of_the_seed(dir.path(), 2);
    let mut repl = Repl::start(&store);
    repl.send(".mode csv");
    repl.send("SELECT (COUNT(?c) AS ?cases) WHERE { ?c a rk:Case };");
    repl.until(&["20", "1 row…"]);

    let rebuilt = run(&store, &["build", inputs.to_str().expect("utf-8")]);
    assert!(rebuilt.status.success(), "{}", stderr(&rebuilt));

    repl.send("SELECT (COUNT(?c) AS ?cases) WHERE { ?c a rk:Case };");
    // The footer comes after the note on stderr, so once both the footer
    // and the count are in, a missing note or a stale count shows.
    let mut seen = repl.until(&["1 row…", "cases"]);
    if !seen.iter().any(|l| l == "40") {
        seen.extend(repl.until(&["40"]));
    }
    assert!(
        seen.iter().any(|l| l.contains("was replaced (v1 → v2)")),
        "no note of the rebuild: {seen:?}"
    );
    assert!(!seen.iter().any(|l| l == "20"), "stale answer: {seen:?}");
    repl.send("INSERT DATA { <urn:reformkg:test> rk:rank 999 };");
    repl.until(&["update applied…"]);
    repl.send(".quit");
    let status = repl.child.wait().expect("repl ends");
    assert!(status.success());
    // The edit reached the live store, which another process sees.
    assert_eq!(
        count(
            &store,
            "SELECT (COUNT(*) AS ?n) WHERE { <urn:reformkg:test> rk:rank 999 }"
        ),
        1
    );
    assert_eq!(count(&store, CASES), 40);
}

#[test]
fn an_update_against_a_replaced_version_is_refused_not_lost() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = common::build_seed(dir.path());
    let opened = reformkg::store::open(&store).expect("opens");
    let rebuilt = run(&store, &["build"]);
    assert!(rebuilt.status.success(), "{}", stderr(&rebuilt));
    assert!(opened.is_stale());
    let refused = reformkg::store::update(&store, Some(opened.version()), |s| {
        s.insert(oxigraph::model::QuadRef::new(
            oxigraph::model::NamedNodeRef::new_unchecked("urn:a"),
            oxigraph::model::NamedNodeRef::new_unchecked("urn:b"),
            oxigraph::model::NamedNodeRef::new_unchecked("urn:c"),
            oxigraph::model::GraphNameRef::DefaultGraph,
        ))
    });
    assert!(
        matches!(
            refused,
            Err(reformkg::store::UpdateError::Store(
                reformkg::store::StoreError::Stale(_)
            ))
        ),
        "{refused:?}"
    );
    // The old snapshot still reads, pinned, though it is not live.
    assert_eq!(
        common::solutions(&opened, "SELECT ?c WHERE { ?c a rk:Case }").len(),
        20
    );
    assert_eq!(
        count(&store, "SELECT (COUNT(*) AS ?n) WHERE { <urn:a> ?p ?o }"),
        0
    );
}

/// `depth` nested groups around a trivial pattern.
fn deeply_nested(depth: usize) -> String {
    format!(
        "SELECT * WHERE {{ FILTER({}1{}) }}",
        "(".repeat(depth),
        ")".repeat(depth)
    )
}

const CARTESIAN_COUNT: &str = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }";

#[test]
fn deep_nesting_and_endless_queries_end_with_an_error_not_a_crash() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = common::build_seed(dir.path());
    assert_one_line_error(
        &run(&store, &["query", &deeply_nested(5000)]),
        "nest deeper than",
    );
    // Just inside the limit still runs.
    let output = run(&store, &["query", &deeply_nested(200)]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_one_line_error(
        &run(&store, &["query", "--timeout", "2", CARTESIAN_COUNT]),
        "timed out after 2 s",
    );
    // A product without LIMIT stops at --max-rows instead of eating memory.
    let output = run(
        &store,
        &[
            "query",
            "--max-rows",
            "50",
            "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }",
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("only the first 50 rows"),
        "{}",
        stderr(&output)
    );

    // In the REPL the same statements are errors, and the script goes on.
    let mut script = String::from(".timeout 2\n");
    for i in 0..20 {
        script.push_str(&format!("ASK {{ ?c rk:rank {i} }};\n"));
        script.push_str(&format!("{};\n", deeply_nested(5000)));
        script.push_str("SELECT ?x WHERE ?x;\n");
    }
    script.push_str(&format!("{CARTESIAN_COUNT};\n"));
    script.push_str("ASK { ?c rk:rank 20 };\n");
    let mut repl = common::reformkg_at(&store);
    repl.arg("repl");
    let output = common::feed(repl, script.as_bytes());
    let out = stdout(&output);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert_eq!(out.lines().filter(|l| *l == "true").count(), 20, "{out}");
    assert_eq!(out.lines().filter(|l| *l == "false").count(), 1, "{out}");
    assert_eq!(err.matches("nest deeper than").count(), 20, "{err}");
    assert!(err.contains("timed out after 2"), "{err}");
    assert!(err.contains("41 statement(s) failed"), "{err}");
}

#[test]
fn every_command_writing_to_a_closed_pipe_exits_quietly() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = common::build_seed(dir.path());
    let commands: Vec<Vec<&str>> = vec![
        vec!["stats"],
        vec!["similar", "5"],
        vec!["diagram", "shared-mechanisms"],
        vec!["lexicon", "suggest"],
        vec!["query", "--format", "csv", "SELECT * WHERE { ?s ?p ?o }"],
        vec!["query", "SELECT * WHERE { ?s ?p ?o }"],
        vec!["export", "--format", "ntriples"],
    ];
    for args in commands {
        let mut child = common::reformkg_at(&store)
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("starts");
        // Close the reading end before the command writes anything.
        drop(child.stdout.take());
        let output = child.wait_with_output().expect("ends");
        let err = stderr(&output);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert_eq!(output.status.code(), Some(0), "{args:?}: {err}");
    }
    let mut child = common::reformkg_at(&store)
        .arg("repl")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starts");
    drop(child.stdout.take());
    let mut stdin = child.stdin.take().expect("stdin");
    let _ = stdin.write_all(
        "SELECT * WHERE { ?s ?p ?o };\nASK {};\n"
            .repeat(5)
            .as_bytes(),
    );
    drop(stdin);
    let output = child.wait_with_output().expect("ends");
    let err = stderr(&output);
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(output.status.code(), Some(0), "{err}");
}

#[test]
fn invalid_utf8_on_stdin_is_one_failed_line_not_the_end_of_the_script() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = common::build_seed(dir.path());
    let mut script = b"ASK { ?c rk:rank 1 };\n".to_vec();
    script.extend_from_slice(b"ASK { ?c rk:rank \xff\xfe };\n");
    script.extend_from_slice(b"ASK { ?c rk:rank 2 };\n");
    let mut repl = common::reformkg_at(&store);
    repl.arg("repl");
    let output = common::feed(repl, &script);
    assert_eq!(
        stdout(&output).matches("true").count(),
        2,
        "{}",
        stderr(&output)
    );
    assert!(stderr(&output).contains("stdin:2: error: line 2 is not valid UTF-8"));
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn the_input_limit_can_be_set_on_the_command_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = common::build_seed(dir.path());
    let seeds = common::repo().join("seeds");
    let seeds = seeds.to_str().expect("utf-8");
    assert_one_line_error(
        &run(&store, &["build", "--max-input-bytes", "1000", seeds]),
        "larger than the input limit of 1000 bytes",
    );
    assert_eq!(count(&store, CASES), 20);
    let output = run(&store, &["build", "--max-input-bytes", "1M", seeds]);
    assert!(output.status.success(), "{}", stderr(&output));
    let bad = run(&store, &["build", "--max-input-bytes", "lots", seeds]);
    assert_eq!(bad.status.code(), Some(2), "{}", stderr(&bad));
}

#[test]
fn a_build_killed_while_loading_or_stopped_by_a_signal_leaves_the_old_store() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = common::build_seed(dir.path());
    let inputs = copies_of_the_seed(dir.path(), 30);
    for (signal, number) in [
        ("KILL", libc::SIGKILL),
        ("TERM", libc::SIGTERM),
        ("INT", libc::SIGINT),
    ] {
        let mut build = common::reformkg_at(&store)
            .arg("build")
            .arg(&inputs)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("build starts");
        // Wait (bounded) until the build is writing its scratch version.
        let deadline = Instant::now() + Duration::from_secs(120);
        let writing = || {
            std::fs::read_dir(&store).expect("lists").any(|e| {
                e.expect("entry")
                    .file_name()
                    .to_string_lossy()
                    .starts_with("building-")
            })
        };
        while !writing() && Instant::now() < deadline {
            if build.try_wait().expect("polls").is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        let pid = libc::pid_t::try_from(build.id()).expect("a pid");
        // SAFETY: sends a signal to our own child, which has not been
        // waited for, so the pid is still its own.
        assert_eq!(unsafe { libc::kill(pid, number) }, 0);
        let status = build.wait().expect("ends");
        if status.success() {
            // It finished before the signal landed: nothing to check.
            assert_eq!(count(&store, CASES), 600);
            let rebuilt = run(&store, &["build"]);
            assert!(rebuilt.status.success(), "{}", stderr(&rebuilt));
            continue;
        }
        assert_eq!(count(&store, CASES), 20, "after SIG{signal}");
        let rebuilt = run(&store, &["build"]);
        assert!(rebuilt.status.success(), "{}", stderr(&rebuilt));
        assert!(!writing(), "SIG{signal}: scratch left after the next build");
    }
}

#[test]
fn service_and_load_reach_no_network_and_no_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = common::build_seed(dir.path());
    let secret = dir.path().join("secret.ttl");
    std::fs::write(&secret, "<urn:secret> <urn:p> <urn:o> .").expect("writes");
    let service = run(
        &store,
        &[
            "query",
            "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        ],
    );
    assert!(!service.status.success(), "{}", stdout(&service));
    let load = run(
        &store,
        &["query", &format!("LOAD <file://{}>", secret.display())],
    );
    assert!(!load.status.success(), "{}", stderr(&load));
    assert_eq!(
        count(
            &store,
            "SELECT (COUNT(*) AS ?n) WHERE { <urn:secret> ?p ?o }"
        ),
        0
    );
}
