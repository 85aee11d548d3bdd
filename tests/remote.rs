//! `reformkg push`, `query --endpoint` and `repl --endpoint` against real
//! engines: a throwaway Virtuoso 7.2 and an Oxigraph server (see
//! `engines/mod.rs`). The seed's graph is pushed, and each engine must then
//! answer the saved queries with the rows the local store gives.

mod common;
mod engines;

use common::{build_seed, feed, reformkg_at, repo, run, stderr, stdout};
use engines::{OxigraphServer, Virtuoso};
use std::collections::BTreeSet;
use std::path::Path;

/// Every triple of the engine's named graphs under reformkg's namespace
/// or `graph`.
fn remote_count(endpoint: &str, graph_filter: &str) -> usize {
    let sparql = format!(
        "SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER({graph_filter}) }}"
    );
    let output = run(
        Path::new("/nonexistent-store"),
        &["query", "--endpoint", endpoint, "--format", "csv", &sparql],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    stdout(&output)
        .lines()
        .nth(1)
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no count in {}", stdout(&output)))
}

fn local_count(store: &Path) -> usize {
    common::count(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
}

fn ours() -> String {
    "STRSTARTS(STR(?g), \"https://w3id.org/reformkg/id/graph/\")".to_owned()
}

fn saved_query_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(repo().join("queries"))
        .expect("queries/")
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.strip_suffix(".rq").map(str::to_owned)
        })
        .collect();
    names.sort();
    assert!(names.len() >= 5, "saved queries: {names:?}");
    names
}

/// A saved query's answer as a set of CSV rows, every row read. SPARQL
/// leaves the order inside GROUP_CONCAT open, and Virtuoso 7.2 writes a
/// non-ASCII GROUP_CONCAT separator (、 ；) as `?`: a cell that is such a
/// list is compared as its sorted items.
fn answer_rows(store: &Path, endpoint: Option<&str>, name: &str) -> BTreeSet<String> {
    let mut args = vec!["query", name, "--format", "csv", "--max-rows", "0"];
    if let Some(url) = endpoint {
        args.extend(["--endpoint", url]);
    }
    let output = run(store, &args);
    assert!(
        output.status.success(),
        "{name} at {endpoint:?}: {}",
        stderr(&output)
    );
    let text = stdout(&output);
    let mut reader = csv_rows(&text);
    reader.remove(0);
    reader
        .into_iter()
        .map(|cells| {
            cells
                .iter()
                .map(|cell| normalise_list(cell))
                .collect::<Vec<_>>()
                .join(" | ")
        })
        .collect()
}

fn normalise_list(cell: &str) -> String {
    let separators = ['、', '；', '?'];
    let mut items: Vec<&str> = cell
        .split(|c| separators.contains(&c))
        .flat_map(|item| item.split(", "))
        .collect();
    items.sort_unstable();
    items.join("·")
}

/// CSV with quoted cells (commas and quotes inside values).
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let (mut row, mut cell, mut quoted) = (Vec::new(), String::new(), false);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cell.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => row.push(std::mem::take(&mut cell)),
            ('\r', false) => {}
            ('\n', false) => {
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
            }
            (c, _) => cell.push(c),
        }
    }
    if !cell.is_empty() || !row.is_empty() {
        row.push(cell);
        rows.push(row);
    }
    rows
}

fn push(store: &Path, args: &[&str]) -> std::process::Output {
    let mut all = vec!["push"];
    all.extend_from_slice(args);
    run(store, &all)
}

/// Compares every saved query but those in `known_wrong` (an engine's
/// bug, written down in the README) and returns how many rows matched.
fn assert_same_answers(store: &Path, endpoint: &str, known_wrong: &[&str]) -> usize {
    let mut rows = 0;
    for name in saved_query_names() {
        if known_wrong.contains(&name.as_str()) {
            continue;
        }
        let local = answer_rows(store, None, &name);
        let remote = answer_rows(store, Some(endpoint), &name);
        assert_eq!(
            local, remote,
            "{name}: the engine at {endpoint} answers differently"
        );
        rows += local.len();
    }
    assert!(rows > 100, "the saved queries answered only {rows} rows");
    rows
}

/// Virtuoso 7.2.5 answers `court-cases` with no rows on a fresh instance
/// (no error): SAMPLE of the long sentence literals, grouped, beside the
/// OPTIONAL outcomes, loses every group. The same query on an instance
/// that had held other data answered right. See README, "Virtuoso".
const VIRTUOSO_WRONG: &[&str] = &["court-cases"];

#[test]
fn virtuoso_answers_the_saved_queries_as_the_store_does_after_a_graph_store_push() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = build_seed(dir.path());
    let virtuoso = Virtuoso::start(true);

    let output = push(
        &store,
        &[
            "--endpoint",
            &virtuoso.graph_store(),
            "--graph-per-collection",
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let report = stderr(&output);
    let local = local_count(&store);
    assert!(
        report.contains(&format!("Pushed {local} triples into 2 graphs")),
        "{report}"
    );
    assert!(
        report.contains("graph/collection/shanghai-2023"),
        "{report}"
    );
    assert_eq!(remote_count(&virtuoso.sparql(), &ours()), local);
    assert_same_answers(&store, &virtuoso.sparql(), VIRTUOSO_WRONG);

    // Pushing again replaces each graph: nothing doubles.
    let again = push(
        &store,
        &[
            "--endpoint",
            &virtuoso.graph_store(),
            "--graph-per-collection",
        ],
    );
    assert!(again.status.success(), "{}", stderr(&again));
    assert_eq!(remote_count(&virtuoso.sparql(), &ours()), local);

    // What Virtuoso holds (with its own system graphs) passes the shapes,
    // as the local store does; a case without rank added there does not.
    assert_validates_remotely_as_locally(&store, &virtuoso.sparql());
}

/// `validate --endpoint` on the pushed graph gives what `validate` gives on
/// the store; after a broken case is inserted there, it names that case.
fn assert_validates_remotely_as_locally(store: &Path, endpoint: &str) {
    let local = run(store, &["validate", "--format", "text"]);
    assert_eq!(local.status.code(), Some(0), "{}", stderr(&local));
    let remote = without_store(&["validate", "--endpoint", endpoint]);
    assert_eq!(
        remote.status.code(),
        Some(0),
        "{}{}",
        stdout(&remote),
        stderr(&remote)
    );
    assert_eq!(stdout(&local), stdout(&remote));
    let broken = "INSERT DATA { GRAPH <https://example.org/broken> { \
        <https://w3id.org/reformkg/id/case/broken-1> a rk:Case ; dct:title \"无排名\"@zh } }";
    let output = run(
        store,
        &["query", "--endpoint", &update_url(endpoint), broken],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let remote = without_store(&["validate", "--endpoint", endpoint]);
    assert_eq!(
        remote.status.code(),
        Some(1),
        "{}{}",
        stdout(&remote),
        stderr(&remote)
    );
    assert!(stdout(&remote).contains("broken-1"), "{}", stdout(&remote));
    assert!(stdout(&remote).contains("rk:rank"), "{}", stdout(&remote));
    let output = run(
        store,
        &[
            "query",
            "--endpoint",
            &update_url(endpoint),
            "DROP SILENT GRAPH <https://example.org/broken>",
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
}

/// `reformkg ARGS` with no `--store` (nor REFORMKG_STORE).
fn without_store(args: &[&str]) -> std::process::Output {
    std::process::Command::new(common::BIN)
        .current_dir(repo())
        .env_remove("REFORMKG_STORE")
        .args(args)
        .output()
        .expect("the reformkg binary runs")
}

/// Where an engine takes updates: Oxigraph's server at /update, Virtuoso at
/// its SPARQL endpoint.
fn update_url(query_url: &str) -> String {
    query_url
        .strip_suffix("/query")
        .map_or_else(|| query_url.to_owned(), |base| format!("{base}/update"))
}

#[test]
fn virtuoso_takes_the_graph_through_sparql_update_in_small_batches() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = build_seed(dir.path());
    let virtuoso = Virtuoso::start(true);
    let graph = "https://example.org/reformkg-seed";
    let only = format!("?g = <{graph}>");
    let local = local_count(&store);
    assert!(local > 5_000, "enough triples to need batches: {local}");

    // The default batch: Virtuoso's INSERT DATA fails from about 5,000.
    let output = push(&store, &["--update", &virtuoso.sparql(), "--graph", graph]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(remote_count(&virtuoso.sparql(), &only), local);

    // Smaller batches, twice: the same triples, blank nodes included.
    for _ in 0..2 {
        let output = push(
            &store,
            &[
                "--update",
                &virtuoso.sparql(),
                "--graph",
                graph,
                "--batch",
                "700",
            ],
        );
        assert!(output.status.success(), "{}", stderr(&output));
        let report = stderr(&output);
        let requests: usize = report
            .split(" requests")
            .next()
            .and_then(|s| s.rsplit('(').next())
            .and_then(|n| n.trim().parse().ok())
            .unwrap_or_else(|| panic!("no request count in {report}"));
        assert!(requests > local / 700, "{report}");
        assert_eq!(remote_count(&virtuoso.sparql(), &only), local);
    }
    let blank = common::count(
        &store,
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o FILTER(isBlank(?s) || isBlank(?o)) }",
    );
    assert!(blank > 0, "the seed's ontology has blank nodes");
    let staging = "STRSTARTS(STR(?g), \"https://w3id.org/reformkg/id/graph/staging/\")";
    assert_eq!(
        remote_count(&virtuoso.sparql(), staging),
        0,
        "staging graphs are moved, not left"
    );

    // The graph store for the data and one MOVE through update, into
    // Virtuoso as well.
    let output = push(
        &store,
        &[
            "--endpoint",
            &virtuoso.graph_store(),
            "--update",
            &virtuoso.sparql(),
            "--graph",
            graph,
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(remote_count(&virtuoso.sparql(), &only), local);
    assert_eq!(remote_count(&virtuoso.sparql(), staging), 0);
    let remote_blank = format!(
        "SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o FILTER(isBlank(?s) || isBlank(?o)) }} }}"
    );
    let output = run(
        &store,
        &[
            "query",
            "--endpoint",
            &virtuoso.sparql(),
            "--format",
            "csv",
            &remote_blank,
        ],
    );
    assert_eq!(
        stdout(&output).lines().nth(1).map(str::trim),
        Some(blank.to_string().as_str()),
        "{}",
        stderr(&output)
    );
}

#[test]
fn virtuoso_refusals_are_one_line_errors_with_the_reason() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = build_seed(dir.path());
    let virtuoso = Virtuoso::start(false);

    // Its graph store takes named graphs only.
    let output = push(&store, &["--endpoint", &virtuoso.graph_store()]);
    assert!(!output.status.success());
    let message = stderr(&output);
    assert_eq!(message.trim().lines().count(), 1, "{message}");
    assert!(
        message.contains("HTTP 500") && message.contains("--graph"),
        "{message}"
    );

    // Without SPARQL_UPDATE an update is refused with 500, not 403.
    let output = push(
        &store,
        &[
            "--update",
            &virtuoso.sparql(),
            "--graph",
            "https://example.org/g",
        ],
    );
    assert!(!output.status.success());
    let message = stderr(&output);
    assert_eq!(message.trim().lines().count(), 1, "{message}");
    assert!(
        message.contains("HTTP 500") && message.contains("SPARQL_UPDATE"),
        "{message}"
    );

    // The authenticated endpoints ask for HTTP Digest.
    let output = push(
        &store,
        &[
            "--endpoint",
            &virtuoso.graph_store_auth(),
            "--graph",
            "https://example.org/g",
        ],
    );
    assert!(!output.status.success());
    let message = stderr(&output);
    assert!(
        message.contains("HTTP 401") && message.contains("Digest"),
        "{message}"
    );

    let output = reformkg_at(&store)
        .env("VIRTUOSO_PASSWORD", "dba")
        .args(["push", "--endpoint", &virtuoso.graph_store_auth()])
        .args(["--graph", "https://example.org/g", "--user", "dba"])
        .args(["--password-env", "VIRTUOSO_PASSWORD"])
        .output()
        .expect("runs");
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        remote_count(&virtuoso.sparql(), "?g = <https://example.org/g>"),
        local_count(&store)
    );

    // A wrong password is refused, and said so.
    let output = reformkg_at(&store)
        .env("VIRTUOSO_PASSWORD", "not-the-password")
        .args(["push", "--endpoint", &virtuoso.graph_store_auth()])
        .args(["--graph", "https://example.org/g", "--user", "dba"])
        .args(["--password-env", "VIRTUOSO_PASSWORD"])
        .output()
        .expect("runs");
    assert!(!output.status.success());
    assert!(stderr(&output).contains("HTTP 401"), "{}", stderr(&output));

    // An update through the Digest-protected endpoint works without the grant.
    let output = reformkg_at(&store)
        .env("VIRTUOSO_PASSWORD", "dba")
        .args([
            "query",
            "--endpoint",
            &virtuoso.sparql_auth(),
            "--user",
            "dba",
        ])
        .args(["--password-env", "VIRTUOSO_PASSWORD"])
        .arg("INSERT DATA { GRAPH <https://example.org/h> { <urn:a> <urn:b> \"c\" } }")
        .output()
        .expect("runs");
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        remote_count(&virtuoso.sparql(), "?g = <https://example.org/h>"),
        1
    );
}

#[test]
fn a_query_longer_than_a_get_url_goes_as_a_form() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = build_seed(dir.path());
    let virtuoso = Virtuoso::start(true);
    let output = push(
        &store,
        &[
            "--endpoint",
            &virtuoso.graph_store(),
            "--graph",
            "https://example.org/g",
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    // Every case, and 400 IRIs that are not: well over Virtuoso's 8 KB URL.
    let mut values: Vec<String> = common::csv_lines(&store, "SELECT ?c WHERE { ?c a rk:Case }")
        .iter()
        .map(|c| format!("<{c}>"))
        .collect();
    values.extend((0..400).map(|i| format!("<https://example.org/not-a-case-{i}>")));
    let sparql = format!(
        "SELECT (COUNT(?c) AS ?n) WHERE {{ VALUES ?c {{ {} }} ?c a rk:Case }}",
        values.join(" ")
    );
    assert!(sparql.len() > 10_000);
    let output = run(
        &store,
        &[
            "query",
            "--endpoint",
            &virtuoso.sparql(),
            "--format",
            "csv",
            &sparql,
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let cases = common::count(&store, "SELECT (COUNT(?c) AS ?n) WHERE { ?c a rk:Case }");
    assert_eq!(
        stdout(&output).lines().nth(1).map(str::trim),
        Some(cases.to_string().as_str())
    );
}

#[test]
fn an_oxigraph_server_takes_the_push_and_answers_as_the_store_does() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = build_seed(dir.path());
    let server = OxigraphServer::start();
    let local = local_count(&store);

    let output = push(
        &store,
        &[
            "--endpoint",
            &server.graph_store(),
            "--graph-per-collection",
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(remote_count(&server.query(), &ours()), local);
    assert_same_answers(&store, &server.query(), &[]);
    assert_validates_remotely_as_locally(&store, &server.query());
    let again = push(
        &store,
        &[
            "--endpoint",
            &server.graph_store(),
            "--graph-per-collection",
        ],
    );
    assert!(again.status.success(), "{}", stderr(&again));
    assert_eq!(remote_count(&server.query(), &ours()), local);

    // A file added with `reformkg load` goes under its own graph name,
    // beside the built graph pushed into one named graph.
    let notes = dir.path().join("notes.ttl");
    std::fs::write(
        &notes,
        "<urn:note:1> <http://www.w3.org/2000/01/rdf-schema#comment> \"甲\" , \"乙\" .\n",
    )
    .expect("write notes");
    let output = run(&store, &["load", notes.to_str().expect("utf-8")]);
    assert!(output.status.success(), "{}", stderr(&output));
    let output = push(
        &store,
        &[
            "--endpoint",
            &server.graph_store(),
            "--graph",
            "https://example.org/built",
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("into 2 graphs"),
        "{}",
        stderr(&output)
    );
    assert_eq!(
        remote_count(
            &server.query(),
            "?g = <https://w3id.org/reformkg/id/graph/loaded/notes.ttl>"
        ),
        2
    );
    assert_eq!(
        remote_count(&server.query(), "?g = <https://example.org/built>"),
        local
    );

    // SPARQL Update into one named graph, twice.
    for _ in 0..2 {
        let output = push(
            &store,
            &[
                "--update",
                &server.update(),
                "--graph",
                "https://example.org/u",
            ],
        );
        assert!(output.status.success(), "{}", stderr(&output));
        assert_eq!(
            remote_count(&server.query(), "?g = <https://example.org/u>"),
            local
        );
    }
    let staging = "STRSTARTS(STR(?g), \"https://w3id.org/reformkg/id/graph/staging/\")";
    assert_eq!(
        remote_count(&server.query(), staging),
        0,
        "staging graphs are moved, not left"
    );
}

/// The README's REPL session (the statements that read), as a script.
const README_SESSION: &str = "\
SELECT ?district (COUNT(?case) AS ?cases) WHERE {
  ?case rk:usesMechanism mechanism:notification-commitment ;
        rk:district/skos:prefLabel ?district FILTER(lang(?district) = \"zh\")
} GROUP BY ?district ORDER BY DESC(?cases) ?district ;
.labels on
SELECT ?m (COUNT(DISTINCT ?c) AS ?cases) WHERE { ?c rk:usesMechanism ?m }
GROUP BY ?m ORDER BY DESC(?cases) ?m LIMIT 5 ;
.labels off
.maxrows 3
.run cases-by-mechanism mechanism=免罚清单
ASK { ?c rk:usesMechanism mechanism:notification-commitment ;
         rk:district district:jinshan } ;
CONSTRUCT { ?case rk:usesMechanism mechanism:instant-approval } WHERE { ?case rk:usesMechanism mechanism:instant-approval } ;
.diagram DIAGRAM
";

fn repl_script(store: &Path, endpoint: Option<&str>, diagram: &Path) -> (String, String) {
    repl_run(
        store,
        endpoint,
        &README_SESSION.replace("DIAGRAM", &diagram.display().to_string()),
    )
}

fn repl_run(store: &Path, endpoint: Option<&str>, script: &str) -> (String, String) {
    let mut command = reformkg_at(store);
    command.arg("repl");
    if let Some(url) = endpoint {
        command.args(["--endpoint", url]);
    }
    command.env("COLUMNS", "200");
    let output = feed(command, script.as_bytes());
    assert!(output.status.success(), "{}", stderr(&output));
    (stdout(&output), stderr(&output))
}

#[test]
fn the_repl_answers_the_readme_session_from_an_endpoint_as_from_the_store() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = build_seed(dir.path());
    let local_dot = dir.path().join("local.dot");
    let (local, _) = repl_script(&store, None, &local_dot);
    assert!(local.contains("false") && local.contains("(zh)"), "{local}");
    let read = |p: &Path| std::fs::read_to_string(p).expect("diagram written");
    assert!(read(&local_dot).contains("->"));

    let virtuoso = Virtuoso::start(true);
    let server = OxigraphServer::start();
    let engines = [
        ("virtuoso", virtuoso.graph_store(), virtuoso.sparql()),
        ("oxigraph", server.graph_store(), server.query()),
    ];
    for (name, graph_store, sparql) in engines {
        let output = push(
            &store,
            &["--endpoint", &graph_store, "--graph-per-collection"],
        );
        assert!(output.status.success(), "{}", stderr(&output));
        // No local store at all: everything comes from the endpoint.
        let nowhere = dir.path().join(format!("no-store-{name}"));
        let remote_dot = dir.path().join(format!("{name}.dot"));
        let (remote, remote_err) = repl_script(&nowhere, Some(&sparql), &remote_dot);
        assert!(
            !nowhere.exists(),
            "repl --endpoint built a store: {remote_err}"
        );
        if name == "oxigraph" {
            assert_eq!(local, remote, "{name}: {remote_err}");
            assert_eq!(read(&local_dot), read(&remote_dot), "{name}");
            continue;
        }
        // Another engine may order ties and CONSTRUCT triples otherwise,
        // and SAMPLE another sentence (so `.maxrows 3` may cut elsewhere):
        // the same lines, and the same cases for the `.run`.
        let lines = |text: &str| -> Vec<String> {
            let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
            lines.sort();
            lines
        };
        // The first two tables (fully ordered by their queries).
        let ordered_part = |text: &str| -> Vec<String> {
            let mut ends = 0;
            text.lines()
                .take_while(|l| {
                    let more = ends < 2;
                    ends += usize::from(l.starts_with('└'));
                    more
                })
                .map(str::to_owned)
                .collect()
        };
        assert_eq!(
            ordered_part(&local),
            ordered_part(&remote),
            "{name}: {remote_err}"
        );
        let construct = |text: &str| lines(text.rsplit("false").next().unwrap_or(""));
        assert_eq!(construct(&local), construct(&remote), "{name}");
        assert_eq!(
            lines(&read(&local_dot)),
            lines(&read(&remote_dot)),
            "{name}"
        );
        let run = ".mode csv\n.run cases-by-mechanism mechanism=免罚清单\n";
        let cases = |text: String| -> BTreeSet<String> {
            text.lines()
                .skip(1)
                .filter_map(|l| l.split(',').next().map(str::to_owned))
                .collect()
        };
        let (local_run, _) = repl_run(&store, None, run);
        let (remote_run, err) = repl_run(&nowhere, Some(&sparql), run);
        assert!(!cases(local_run.clone()).is_empty(), "{local_run}");
        assert_eq!(cases(local_run), cases(remote_run), "{name}: {err}");
    }
}

#[test]
fn connect_and_disconnect_switch_where_statements_go() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = build_seed(dir.path());
    let server = OxigraphServer::start();
    // The engine gets a graph the local store does not have.
    let output = run(
        &store,
        &[
            "query",
            "--endpoint",
            &server.update(),
            "INSERT DATA { <urn:x> a <urn:OnlyRemote> }",
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let script = format!(
        "ASK {{ ?x a <urn:OnlyRemote> }} ;\n.connect {}\nASK {{ ?x a <urn:OnlyRemote> }} ;\n\
         .stats\n.disconnect\nASK {{ ?x a <urn:OnlyRemote> }} ;\n.connect http://127.0.0.1:9/nothing\n",
        server.query()
    );
    let output = feed(
        {
            let mut c = reformkg_at(&store);
            c.arg("repl");
            c
        },
        script.as_bytes(),
    );
    let (out, err) = (stdout(&output), stderr(&output));
    let answers: Vec<&str> = out
        .lines()
        .filter(|l| *l == "true" || *l == "false")
        .collect();
    assert_eq!(answers, ["false", "true", "false"], "{out}\n{err}");
    assert!(err.contains("connected to"), "{err}");
    assert!(err.contains(".stats reads the whole local store"), "{err}");
    assert!(
        err.contains("127.0.0.1:9"),
        "an unreachable endpoint is named: {err}"
    );
    assert!(
        !output.status.success(),
        "the failed statements count: {err}"
    );
}

#[test]
fn bad_remote_arguments_are_one_line_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = build_seed(dir.path());
    let one_line_failure = |args: &[&str], expected: &str| {
        let output = reformkg_at(&store)
            .env_remove("NO_SUCH_PASSWORD_VARIABLE")
            .args(args)
            .output()
            .expect("runs");
        assert!(!output.status.success(), "{args:?} succeeded");
        let message = stderr(&output);
        assert_eq!(message.trim().lines().count(), 1, "{args:?}: {message}");
        assert!(message.contains(expected), "{args:?}: {message}");
    };
    // Nothing listens on port 9 (discard) of loopback here.
    one_line_failure(
        &[
            "push",
            "--endpoint",
            "http://127.0.0.1:9/store",
            "--graph",
            "urn:g",
        ],
        "http://127.0.0.1:9/store",
    );
    one_line_failure(
        &["query", "--endpoint", "ftp://127.0.0.1/sparql", "ASK {}"],
        "not an http:// or https:// URL",
    );
    // A usage error is clap's (a few lines, exit 2).
    let output = reformkg_at(&store)
        .args([
            "push",
            "--endpoint",
            "http://127.0.0.1:9/store",
            "--user",
            "u",
        ])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("--password-env"),
        "{}",
        stderr(&output)
    );
    one_line_failure(
        &[
            "push",
            "--endpoint",
            "http://127.0.0.1:9/store",
            "--user",
            "u",
            "--password-env",
            "NO_SUCH_PASSWORD_VARIABLE",
        ],
        "NO_SUCH_PASSWORD_VARIABLE",
    );
    one_line_failure(
        &[
            "push",
            "--endpoint",
            "http://127.0.0.1:9/store",
            "--graph",
            "not an iri",
        ],
        "--graph",
    );
}

/// Through SPARQL Update a graph is filled in a staging graph and moved
/// into place at the end: a push killed at any moment leaves the target
/// with the old content or the new, never a part.
#[test]
fn a_killed_update_push_leaves_the_old_graph_or_the_new_never_a_part() {
    let dir = tempfile::tempdir().expect("tempdir");
    let old_store = build_seed(&dir.path().join("old"));
    let new_store = build_seed(&dir.path().join("new"));
    let extra: Vec<String> = (0..50)
        .map(|i| format!("<urn:extra:{i}> <urn:p> \"{i}\" ."))
        .collect();
    let output = run(
        &new_store,
        &["query", &format!("INSERT DATA {{ {} }}", extra.join(" "))],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let (old, new) = (local_count(&old_store), local_count(&new_store));
    assert_eq!(new, old + 50);

    let server = OxigraphServer::start();
    // SPARQL Update alone, and the graph store with a MOVE through update.
    let update = server.update();
    let graph_store = server.graph_store();
    let modes: [Vec<&str>; 2] = [
        vec!["--update", &update],
        vec!["--endpoint", &graph_store, "--update", &update],
    ];
    // A graph of its own for each kill: requests a killed push had already
    // sent may still be running on the server, and two pushes into one
    // graph at once are the engine's business (see README).
    let mut killed = 0;
    let runs = modes
        .iter()
        .flat_map(|mode| [50, 150, 300, 600].map(|delay| (mode, delay)));
    for (i, (mode, delay_ms)) in runs.enumerate() {
        let graph = format!("https://example.org/atomic-{i}");
        let target = format!("?g = <{graph}>");
        let output = push(&old_store, &["--update", &update, "--graph", &graph]);
        assert!(output.status.success(), "{}", stderr(&output));
        assert_eq!(remote_count(&server.query(), &target), old);
        let mut child = reformkg_at(&new_store)
            .arg("push")
            .args(mode)
            .args(["--graph", &graph, "--batch", "5"])
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("push starts");
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        let status = child.wait().expect("push ends");
        killed += usize::from(!status.success());
        let held = remote_count(&server.query(), &target);
        assert!(
            held == old || held == new,
            "{mode:?}: after a kill at {delay_ms} ms the graph holds {held} triples, neither {old} nor {new}"
        );
    }
    assert!(
        killed > 0,
        "no push was killed before it finished: nothing was shown"
    );
}

/// `--collection SLUG` pushes that collection's graph and the shared one,
/// and leaves the other collections' graphs as they are.
#[test]
fn one_collection_is_pushed_without_touching_the_others() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = dir.path().join("store");
    let output = run(
        &store,
        &[
            "build",
            repo().join("seeds").to_str().expect("utf-8"),
            repo()
                .join("tests/fixtures/beijing-2024-cases.txt")
                .to_str()
                .expect("utf-8"),
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let slugs: Vec<String> = common::csv_lines(
        &store,
        "SELECT ?c WHERE { ?c a rk:CaseCollection } ORDER BY ?c",
    )
    .iter()
    .map(|c| c.rsplit('/').next().unwrap_or_default().to_owned())
    .collect();
    assert_eq!(slugs.len(), 2, "{slugs:?}");
    let graph_of = |slug: &str| format!("https://w3id.org/reformkg/id/graph/collection/{slug}");

    let server = OxigraphServer::start();
    let output = push(
        &store,
        &[
            "--endpoint",
            &server.graph_store(),
            "--graph-per-collection",
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let first = remote_count(&server.query(), &format!("?g = <{}>", graph_of(&slugs[0])));
    let second = remote_count(&server.query(), &format!("?g = <{}>", graph_of(&slugs[1])));
    assert!(first > 0 && second > 0);
    // The second collection's graph goes away remotely; pushing only the
    // first must not bring it back.
    let drop = format!("DROP GRAPH <{}>", graph_of(&slugs[1]));
    let output = run(&store, &["query", "--endpoint", &server.update(), &drop]);
    assert!(output.status.success(), "{}", stderr(&output));
    let output = push(
        &store,
        &[
            "--endpoint",
            &server.graph_store(),
            "--graph-per-collection",
            "--collection",
            &slugs[0],
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("into 2 graphs"),
        "{}",
        stderr(&output)
    );
    assert_eq!(
        remote_count(&server.query(), &format!("?g = <{}>", graph_of(&slugs[0]))),
        first
    );
    assert_eq!(
        remote_count(&server.query(), &format!("?g = <{}>", graph_of(&slugs[1]))),
        0
    );
    // Everything but the dropped collection is there, once.
    assert_eq!(
        remote_count(&server.query(), &ours()),
        local_count(&store) - second
    );

    let output = push(
        &store,
        &[
            "--endpoint",
            &server.graph_store(),
            "--graph-per-collection",
            "--collection",
            "no-such-slug",
        ],
    );
    assert!(!output.status.success());
    assert_eq!(
        stderr(&output).trim().lines().count(),
        1,
        "{}",
        stderr(&output)
    );
    assert!(
        stderr(&output).contains("no-such-slug"),
        "{}",
        stderr(&output)
    );
}
