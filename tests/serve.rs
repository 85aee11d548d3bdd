//! `reformkg serve` as a client sees it: the real binary on a free loopback
//! port, spoken to over HTTP. The SPARQL 1.1 Protocol (formats, errors,
//! the time limit), the Graph Store read, the explorer's pages, and a
//! rebuild of the store while requests keep coming.

mod common;

use common::{encode, get, http, Served};
use oxigraph::io::{RdfFormat, RdfParser};
use std::path::Path;

const CASES: &str = "SELECT (COUNT(?c) AS ?n) WHERE { ?c a rk:Case }";

fn count_from_json(body: &str) -> usize {
    let json: serde_json::Value = serde_json::from_str(body).expect("JSON results");
    json["results"]["bindings"][0]["n"]["value"]
        .as_str()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no count in {body}"))
}

fn triples_in(body: &str, format: RdfFormat) -> usize {
    RdfParser::from_format(format)
        .for_slice(body.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .unwrap_or_else(|e| panic!("the {format} answer does not parse: {e}\n{body}"))
        .len()
}

fn query_url(served: &Served, sparql: &str) -> String {
    served.url(&format!("/sparql?query={}", encode(sparql)))
}

#[test]
fn the_endpoint_speaks_the_protocol() {
    let dir = tempfile::tempdir().unwrap();
    let store = common::build_seed(dir.path());
    let expected = common::count(&store, CASES);
    let served = Served::start(&store, &["--max-body", "4K"]);

    // GET, JSON by default; the REPL's prefixes need no declaration.
    let answer = get(&query_url(&served, CASES), &[]);
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert!(answer
        .content_type
        .starts_with("application/sparql-results+json"));
    assert_eq!(count_from_json(&answer.body), expected);
    assert_eq!(answer.header("access-control-allow-origin"), None);

    // The same query POSTed as a form and directly, under /query too.
    let form = format!("query={}", encode(CASES));
    let posted = http(
        "POST",
        &served.url("/sparql"),
        &[("Content-Type", "application/x-www-form-urlencoded")],
        Some(form.as_bytes()),
    );
    assert_eq!(count_from_json(&posted.body), expected);
    let direct = http(
        "POST",
        &served.url("/query"),
        &[("Content-Type", "application/sparql-query")],
        Some(CASES.as_bytes()),
    );
    assert_eq!(count_from_json(&direct.body), expected);

    // Results formats by Accept.
    let titles = "SELECT ?c ?t WHERE { ?c a rk:Case ; dct:title ?t }";
    for (accept, media_type, lines) in [
        ("text/csv", "text/csv", expected + 1),
        (
            "text/tab-separated-values",
            "text/tab-separated-values",
            expected + 1,
        ),
    ] {
        let answer = get(&query_url(&served, titles), &[("Accept", accept)]);
        assert_eq!(answer.status, 200);
        assert_eq!(answer.content_type, media_type);
        assert_eq!(answer.body.lines().filter(|l| !l.is_empty()).count(), lines);
    }
    let xml = get(
        &query_url(&served, titles),
        &[("Accept", "application/sparql-results+xml")],
    );
    assert_eq!(xml.content_type, "application/sparql-results+xml");
    assert_eq!(xml.body.matches("<result>").count(), expected);
    let ask = get(&query_url(&served, "ASK { ?c a rk:Case }"), &[]);
    assert!(ask.body.contains("\"boolean\":true"), "{}", ask.body);

    // Graphs in every RDF format, each parsing back to the same triples.
    let construct = "CONSTRUCT { ?c dct:title ?t } WHERE { ?c a rk:Case ; dct:title ?t }";
    for (accept, format) in [
        ("text/turtle", RdfFormat::Turtle),
        ("application/n-triples", RdfFormat::NTriples),
        ("application/rdf+xml", RdfFormat::RdfXml),
        (
            "application/ld+json",
            RdfFormat::from_media_type("application/ld+json").unwrap(),
        ),
    ] {
        let answer = get(&query_url(&served, construct), &[("Accept", accept)]);
        assert_eq!(answer.status, 200, "{accept}: {}", answer.body);
        assert_eq!(answer.content_type, accept);
        assert_eq!(triples_in(&answer.body, format), expected, "{accept}");
    }

    // Refusals, each with its status and a reason.
    let update = format!("update={}", encode("CLEAR ALL"));
    let refused = http(
        "POST",
        &served.url("/sparql"),
        &[("Content-Type", "application/x-www-form-urlencoded")],
        Some(update.as_bytes()),
    );
    assert_eq!(refused.status, 403);
    assert!(refused.body.contains("read-only"), "{}", refused.body);
    assert_eq!(
        common::count(&store, CASES),
        expected,
        "the update was refused"
    );

    let malformed = get(&query_url(&served, "SELECT ?x WHERE { ?x"), &[]);
    assert_eq!(malformed.status, 400);
    assert!(
        malformed.body.starts_with("invalid SPARQL"),
        "{}",
        malformed.body
    );

    let png = get(&query_url(&served, CASES), &[("Accept", "image/png")]);
    assert_eq!(png.status, 406);
    let plain = http(
        "POST",
        &served.url("/sparql"),
        &[("Content-Type", "text/plain")],
        Some(CASES.as_bytes()),
    );
    assert_eq!(plain.status, 415);
    let put = http("PUT", &query_url(&served, CASES), &[], Some(b""));
    assert_eq!(put.status, 405);
    let twice = get(
        &served.url(&format!("/sparql?query={0}&query={0}", encode(CASES))),
        &[],
    );
    assert_eq!(twice.status, 400);
    let large = format!("{CASES} #{}", "x".repeat(5000));
    let too_large = http(
        "POST",
        &served.url("/sparql"),
        &[("Content-Type", "application/sparql-query")],
        Some(large.as_bytes()),
    );
    assert_eq!(too_large.status, 413);

    // Graph Store Protocol, read: the default graph in full.
    let all = common::count(&store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }");
    let graph = get(
        &served.url("/store?default"),
        &[("Accept", "application/n-triples")],
    );
    assert_eq!(graph.status, 200);
    assert_eq!(triples_in(&graph.body, RdfFormat::NTriples), all);
    assert_eq!(get(&served.url("/store"), &[]).status, 400);
    let missing = get(
        &served.url(&format!(
            "/store?graph={}",
            encode("http://example.org/none")
        )),
        &[],
    );
    assert_eq!(missing.status, 404);
}

#[test]
fn a_long_query_is_stopped_at_the_time_limit() {
    let dir = tempfile::tempdir().unwrap();
    let store = common::build_seed(dir.path());
    let served = Served::start(&store, &["--timeout", "1"]);
    // Every triple with every triple with every triple: some 10^12 rows.
    let endless = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }";
    let answer = get(&query_url(&served, endless), &[]);
    assert_eq!(answer.status, 503, "{}", answer.body);
    assert!(answer.body.contains("time limit"), "{}", answer.body);
    // The server goes on answering.
    let after = get(&query_url(&served, CASES), &[]);
    assert_eq!(after.status, 200);
}

#[test]
fn cors_only_when_asked_and_updates_only_when_writable() {
    let dir = tempfile::tempdir().unwrap();
    let store = common::build_seed(dir.path());
    let served = Served::start(&store, &["--cors", "--writable"]);
    let answer = get(
        &query_url(&served, CASES),
        &[("Origin", "http://example.org")],
    );
    assert_eq!(answer.header("access-control-allow-origin"), Some("*"));

    let insert = "INSERT DATA { <http://example.org/x> a rk:Case }";
    let before = common::count(&store, CASES);
    let done = http(
        "POST",
        &served.url("/sparql"),
        &[("Content-Type", "application/sparql-update")],
        Some(insert.as_bytes()),
    );
    assert_eq!(done.status, 204, "{}", done.body);
    let seen = get(&query_url(&served, CASES), &[]);
    assert_eq!(count_from_json(&seen.body), before + 1);
    // Published as a new version of the store on disk.
    assert_eq!(common::count(&store, CASES), before + 1);
}

fn notice() -> std::path::PathBuf {
    common::repo().join("../shared/corpus/notices/guoban-2018-108-typical-practices.txt")
}

fn build(store: &Path, inputs: &[&Path]) {
    let mut args = vec!["build".to_owned()];
    args.extend(inputs.iter().map(|p| p.display().to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = common::run(store, &args);
    assert!(output.status.success(), "{}", common::stderr(&output));
}

#[test]
fn a_rebuild_while_serving_fails_no_request() {
    let dir = tempfile::tempdir().unwrap();
    let store = common::build_seed(dir.path());
    let seed_cases = common::count(&store, CASES);
    let served = Served::start(&store, &[]);
    let url = query_url(&served, CASES);
    let home = served.url("/");

    let client = std::thread::spawn(move || {
        let mut seen = Vec::new();
        for n in 0..500 {
            let answer = if n % 10 == 0 {
                get(&home, &[])
            } else {
                get(&url, &[])
            };
            assert_eq!(answer.status, 200, "request {n}: {}", answer.body);
            if n % 10 != 0 {
                seen.push(count_from_json(&answer.body));
            }
        }
        seen
    });
    let seed = common::repo().join("seeds");
    build(&store, &[&seed, &notice()]);
    let both = common::count(&store, CASES);
    build(&store, &[&seed]);
    build(&store, &[&seed, &notice()]);
    let seen = client.join().expect("every request succeeded");

    assert!(both > seed_cases);
    assert!(
        seen.iter().all(|n| *n == seed_cases || *n == both),
        "an answer from neither version: {seen:?}"
    );
    // The server now reads the last build.
    let now = get(&query_url(&served, CASES), &[]);
    assert_eq!(count_from_json(&now.body), both);
    // And the store on disk is whole.
    assert_eq!(common::count(&store, CASES), both);
}

#[test]
fn the_explorer_links_every_case_to_its_evidence() {
    let dir = tempfile::tempdir().unwrap();
    let store = common::build_seed(dir.path());
    let served = Served::start(&store, &[]);

    let home = get(&served.url("/"), &[]);
    assert_eq!(home.status, 200);
    assert!(home.content_type.starts_with("text/html"));
    let case_links: std::collections::BTreeSet<&str> = home
        .body
        .split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|href| href.starts_with("/case/"))
        .collect();
    assert_eq!(case_links.len(), common::count(&store, CASES));

    // Every case page shows its text with one evidence span or more per
    // mention, and lists every mechanism it uses.
    for link in &case_links {
        let page = get(&served.url(link), &[]);
        assert_eq!(page.status, 200, "{link}");
        assert!(
            page.body.contains("class=\"ev "),
            "{link} highlights nothing"
        );
    }
    let uses = common::select(
        &store,
        "SELECT ?case ?m WHERE { ?case rk:usesMechanism ?m } ORDER BY ?case ?m LIMIT 1",
    );
    let (case, mechanism) = (&uses[0][0], &uses[0][1]);
    let local = |iri: &str| iri.rsplit('/').next().unwrap().to_owned();
    let page = get(&served.url(&format!("/case/{}", encode(&local(case)))), &[]);
    let mechanism_path = format!(
        "/mechanism/{}",
        encode(&local(mechanism)).replace('-', "%2D")
    );
    assert!(
        page.body.contains(&format!("href=\"{mechanism_path}\"")),
        "{case} does not link {mechanism_path}"
    );

    // The mechanism's page lists that case, in the language asked for.
    let label_en = common::csv_lines(
        &store,
        &format!("SELECT ?l WHERE {{ <{mechanism}> skos:prefLabel ?l FILTER(lang(?l) = 'en') }}"),
    );
    let english = get(&served.url(&format!("{mechanism_path}?lang=en")), &[]);
    assert_eq!(english.status, 200);
    assert!(english.body.contains(&format!(
        "/case/{}",
        encode(&local(case)).replace('-', "%2D")
    )));
    if let Some(label) = label_en.first() {
        assert!(english.body.contains(label.trim_matches('"')), "no {label}");
    }

    assert_eq!(get(&served.url("/case/no-such-case"), &[]).status, 404);
    let svg = get(&served.url("/diagram/shared-mechanisms.svg"), &[]);
    assert_eq!(svg.status, 200);
    assert!(svg.body.contains("<svg"));
    assert!(
        svg.body.contains("href=\"/case/"),
        "diagram nodes link to pages"
    );
    let query_page = get(&served.url("/query-ui"), &[]);
    assert!(
        query_page.body.contains("cases-by-mechanism"),
        "saved queries are examples"
    );
}

#[test]
fn odd_requests_get_an_answer_and_the_server_stays_up() {
    let dir = tempfile::tempdir().unwrap();
    let store = common::build_seed(dir.path());
    let served = Served::start(&store, &[]);
    let long = "x".repeat(6000);
    let odd = [
        "/case/%FF%FE".to_owned(),
        "/mechanism/%".to_owned(),
        "/case/".to_owned(),
        format!("/case/{long}"),
        "/diagram/nothing.svg".to_owned(),
        "/sparql?query=%FF".to_owned(),
        format!("/sparql?query={}", encode(&"{".repeat(100_000))),
        "/sparql?default-graph-uri=not%20an%20iri&query=ASK%7B%7D".to_owned(),
        "/store?graph=%3Cnot%20an%20iri".to_owned(),
        "/../../etc/passwd".to_owned(),
    ];
    for path in &odd {
        let answer = get(&served.url(path), &[("Accept", ";;;,*/*;q=abc")]);
        assert!(
            (400..500).contains(&answer.status),
            "{path}: {} {}",
            answer.status,
            answer.body
        );
    }
    let after = get(&query_url(&served, CASES), &[]);
    assert_eq!(after.status, 200);
}

#[test]
fn rdflib_reads_the_endpoint_as_a_sparql_store() {
    let dir = tempfile::tempdir().unwrap();
    let store = common::build_seed(dir.path());
    let served = Served::start(&store, &[]);
    let query = "PREFIX rk: <https://w3id.org/reformkg/ontology#>
        SELECT ?case (COUNT(?m) AS ?n) WHERE { ?case rk:usesMechanism ?m }
        GROUP BY ?case ORDER BY ?case";
    let output = std::process::Command::new("python3")
        .arg(common::repo().join("tests/support/sparqlstore_rows.py"))
        .arg(served.url("/sparql"))
        .arg(query)
        .output()
        .expect("python3 runs (scripts/deps.sh --with-test-tools installs rdflib)");
    assert!(
        output.status.success(),
        "rdflib failed: {}",
        common::stderr(&output)
    );
    let through_rdflib: Vec<String> = common::stdout(&output)
        .lines()
        .map(|l| l.replace('\t', ","))
        .collect();
    let local = common::csv_lines(&store, query);
    assert!(!local.is_empty());
    assert_eq!(through_rdflib, local);
}

/// The `/case/…` links of a page, in order.
fn case_links(body: &str) -> Vec<&str> {
    body.split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|href| href.starts_with("/case/"))
        .collect()
}

#[test]
fn a_large_collection_is_listed_in_full_on_its_own_page() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    build(&store, &[&common::repo().join("seeds"), &notice()]);
    let per_collection = common::select(
        &store,
        "SELECT ?c (COUNT(?case) AS ?n) WHERE { ?case rk:inCollection ?c } GROUP BY ?c ORDER BY DESC(?n)",
    );
    let (largest, size): (&str, usize) =
        (&per_collection[0][0], per_collection[0][1].parse().unwrap());
    let served = Served::start(&store, &[]);

    let home = get(&served.url("/"), &[]);
    let shown = case_links(&home.body).len();
    assert!(
        shown < common::count(&store, CASES),
        "the home page lists only the first cases"
    );
    let local = largest.rsplit('/').next().unwrap();
    let page_path = format!("/collection/{}", encode(local).replace('-', "%2D"));
    assert!(
        home.body.contains(&format!("href=\"{page_path}\"")),
        "links {page_path}"
    );

    let page = get(&served.url(&page_path), &[]);
    assert_eq!(page.status, 200);
    assert_eq!(case_links(&page.body).len(), size);
}

#[test]
fn diagrams_of_stores_past_the_limit_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let store = common::build_seed(dir.path());
    let cases = common::count(&store, CASES);
    let limit = (cases - 1).to_string();
    let served = Served::start(&store, &["--max-diagram-cases", &limit]);
    let refused = get(&served.url("/diagram/shared-mechanisms.svg"), &[]);
    assert_eq!(refused.status, 413, "{}", refused.body);
    assert!(
        refused.body.contains(&format!("{cases} cases")),
        "{}",
        refused.body
    );
    drop(served);
    let at_limit = Served::start(&store, &["--max-diagram-cases", &cases.to_string()]);
    assert_eq!(get(&at_limit.url("/diagram/matrix.svg"), &[]).status, 200);
}
