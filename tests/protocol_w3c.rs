//! The W3C SPARQL 1.1 Protocol test suite, run against a real
//! `reformkg serve`.
//!
//! `../shared/w3c-rdf-tests/sparql11/protocol/manifest.ttl` describes each
//! test as HTTP requests and the responses expected (status class, result
//! format, ASK value); the W3C ships no runner, so this is one. The
//! manifest's data files are loaded into a scratch store, each into the
//! named graph its `rdfs:label` gives. Query tests run against a read-only
//! server; update tests against a second server started with `--writable`
//! (on a store of its own, since they clear it). A test is skipped only
//! when it does not apply to the mode, and every skip is listed with its
//! reason; the counts are printed (`cargo test --test protocol_w3c --
//! --nocapture` shows them).

mod common;

use common::{http, Served};
use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::{GraphName, NamedNode, NamedOrBlankNode, Quad, Term};
use oxigraph::sparql::results::{
    QueryResultsFormat, QueryResultsParser, SliceQueryResultsParserOutput,
};
use oxigraph::store::Store;
use std::path::{Path, PathBuf};

const MF: &str = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#";
const HT: &str = "http://www.w3.org/2011/http#";
const CNT: &str = "http://www.w3.org/2011/content#";
const UT: &str = "http://www.w3.org/2009/sparql/tests/test-update#";
const HTS: &str = "http://www.w3.org/2011/http-statusCodes#";
const RDF: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
const RDFS: &str = "http://www.w3.org/2000/01/rdf-schema#";

fn suite_dir() -> PathBuf {
    common::repo().join("../shared/w3c-rdf-tests/sparql11/protocol")
}

fn node(ns: &str, local: &str) -> NamedNode {
    NamedNode::new(format!("{ns}{local}")).unwrap()
}

/// The manifest, read into an in-memory store.
struct Manifest {
    graph: Store,
}

impl Manifest {
    fn load(dir: &Path) -> Self {
        let path = dir.join("manifest.ttl");
        let text = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let base = "http://www.w3.org/2009/sparql/docs/tests/data-sparql11/protocol/manifest.ttl";
        let graph = Store::new().unwrap();
        graph
            .load_from_slice(
                RdfParser::from_format(RdfFormat::Turtle)
                    .with_base_iri(base)
                    .unwrap(),
                &text,
            )
            .unwrap();
        Manifest { graph }
    }

    fn objects(&self, subject: &Term, predicate: &NamedNode) -> Vec<Term> {
        let subject = match subject {
            Term::NamedNode(n) => NamedOrBlankNode::from(n.clone()),
            Term::BlankNode(b) => NamedOrBlankNode::from(b.clone()),
            _ => return Vec::new(),
        };
        self.graph
            .quads_for_pattern(Some(subject.as_ref()), Some(predicate.as_ref()), None, None)
            .map(|q| q.unwrap().object)
            .collect()
    }

    fn object(&self, subject: &Term, predicate: &NamedNode) -> Option<Term> {
        self.objects(subject, predicate).into_iter().next()
    }

    fn text(&self, subject: &Term, predicate: &NamedNode) -> Option<String> {
        match self.object(subject, predicate)? {
            Term::Literal(l) => Some(l.value().to_owned()),
            Term::NamedNode(n) => Some(n.as_str().to_owned()),
            _ => None,
        }
    }

    /// The members of an RDF list, in order.
    fn list(&self, head: &Term) -> Vec<Term> {
        let (first, rest, nil) = (node(RDF, "first"), node(RDF, "rest"), node(RDF, "nil"));
        let mut items = Vec::new();
        let mut cell = head.clone();
        while cell != Term::NamedNode(nil.clone()) {
            let Some(item) = self.object(&cell, &first) else {
                break;
            };
            items.push(item);
            cell = self.object(&cell, &rest).expect("a list cell has a rest");
        }
        items
    }

    fn tests(&self) -> Vec<Test> {
        let manifest = self
            .graph
            .quads_for_pattern(None, Some(node(MF, "entries").as_ref()), None, None)
            .next()
            .expect("the manifest has entries")
            .unwrap();
        self.list(&manifest.object)
            .iter()
            .map(|entry| self.test(entry))
            .collect()
    }

    fn test(&self, entry: &Term) -> Test {
        let name = self.text(entry, &node(MF, "name")).unwrap_or_default();
        let id = match entry {
            Term::NamedNode(n) => n.as_str().rsplit('#').next().unwrap_or_default().to_owned(),
            other => other.to_string(),
        };
        let data = self
            .objects(entry, &node(UT, "graphData"))
            .iter()
            .map(|d| {
                let file = self.text(d, &node(UT, "graph")).expect("ut:graph");
                let label = self.text(d, &node(RDFS, "label")).expect("rdfs:label");
                (file.rsplit('/').next().unwrap().to_owned(), label)
            })
            .collect();
        let action = self.object(entry, &node(MF, "action")).expect("mf:action");
        let requests = self
            .object(&action, &node(HT, "requests"))
            .map(|head| self.list(&head))
            .unwrap_or_default()
            .iter()
            .map(|r| self.request(r))
            .collect();
        Test {
            id,
            name,
            data,
            requests,
        }
    }

    fn request(&self, request: &Term) -> Request {
        let headers = self
            .object(request, &node(HT, "headers"))
            .map(|head| self.list(&head))
            .unwrap_or_default()
            .iter()
            .map(|h| {
                (
                    self.text(h, &node(HT, "fieldName")).unwrap_or_default(),
                    self.text(h, &node(HT, "fieldValue")).unwrap_or_default(),
                )
            })
            .collect();
        let body = self.object(request, &node(HT, "body")).map(|body| {
            let chars = self.text(&body, &node(CNT, "chars")).unwrap_or_default();
            let encoding = self
                .text(&body, &node(CNT, "characterEncoding"))
                .unwrap_or_else(|| "UTF-8".into());
            encode(&chars, &encoding)
        });
        let response = self.object(request, &node(HT, "resp")).expect("ht:resp");
        let statuses = self
            .objects(&response, &node(MF, "expectedStatus"))
            .iter()
            .filter_map(|s| match s {
                Term::NamedNode(n) => n.as_str().strip_prefix(HTS).map(str::to_owned),
                _ => None,
            })
            .collect();
        Request {
            method: self
                .text(request, &node(HT, "methodName"))
                .unwrap_or_default(),
            path: self
                .text(request, &node(HT, "absolutePath"))
                .unwrap_or_default(),
            headers,
            body,
            statuses,
            format: self.text(&response, &node(MF, "expectedFormat")),
            boolean: self
                .text(&response, &node(MF, "expectedBoolean"))
                .map(|b| b == "true"),
        }
    }
}

/// The body's characters in the encoding the test names.
fn encode(chars: &str, encoding: &str) -> Vec<u8> {
    if encoding.eq_ignore_ascii_case("UTF-16") {
        // Big-endian with a byte-order mark, as UTF-16 without a suffix is.
        let mut bytes = vec![0xFE, 0xFF];
        bytes.extend(chars.encode_utf16().flat_map(u16::to_be_bytes));
        bytes
    } else {
        chars.as_bytes().to_vec()
    }
}

#[derive(Debug)]
struct Test {
    id: String,
    name: String,
    /// (data file, named graph IRI).
    data: Vec<(String, String)>,
    requests: Vec<Request>,
}

#[derive(Debug)]
struct Request {
    method: String,
    path: String,
    headers: Vec<(String, String)>,
    body: Option<Vec<u8>>,
    /// `StatusCode2xx` …
    statuses: Vec<String>,
    format: Option<String>,
    boolean: Option<bool>,
}

impl Test {
    /// Does any request of the test ask for an update?
    fn updates(&self) -> bool {
        self.requests.iter().any(|r| {
            let content_type = r
                .headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case("content-type"))
                .map(|(_, v)| v.as_str())
                .unwrap_or_default();
            let body = r
                .body
                .as_deref()
                .map(String::from_utf8_lossy)
                .unwrap_or_default();
            content_type.starts_with("application/sparql-update")
                || r.path.contains("update=")
                || body.starts_with("update=")
                || (content_type.is_empty() && is_update_text(&body))
                || (content_type == "text/plain" && is_update_text(&body))
        })
    }
}

fn is_update_text(body: &str) -> bool {
    ["CLEAR", "INSERT", "DELETE", "update="]
        .iter()
        .any(|word| body.trim_start().starts_with(word))
}

/// Loads every data file the tests name into its named graph.
fn scratch_store(dir: &Path, tests: &[Test]) -> PathBuf {
    let mut quads: Vec<Quad> = Vec::new();
    let mut loaded = std::collections::BTreeSet::new();
    for (file, graph) in tests.iter().flat_map(|t| &t.data) {
        if !loaded.insert((file.clone(), graph.clone())) {
            continue;
        }
        let text = std::fs::read(suite_dir().join(file)).unwrap();
        let graph = NamedNode::new(graph.as_str()).unwrap();
        for triple in RdfParser::from_format(RdfFormat::NTriples).for_slice(&text) {
            let q = triple.unwrap();
            quads.push(Quad::new(
                q.subject,
                q.predicate,
                q.object,
                GraphName::from(graph.clone()),
            ));
        }
    }
    let store = dir.join("store");
    reformkg::store::replace(&store, &quads).expect("the scratch store is written");
    store
}

/// Runs one test's requests in order; `Err` says which expectation failed.
fn run(served: &Served, test: &Test) -> Result<(), String> {
    for (n, request) in test.requests.iter().enumerate() {
        let path = request
            .path
            .strip_prefix("/sparql/")
            .map(|rest| format!("/sparql/{rest}"))
            .unwrap_or_else(|| request.path.clone());
        let headers: Vec<(&str, &str)> = request
            .headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        let response = http(
            &request.method,
            &served.url(&path),
            &headers,
            request.body.as_deref(),
        );
        let class = format!("StatusCode{}xx", response.status / 100);
        if !request.statuses.contains(&class) {
            return Err(format!(
                "request {n}: status {} (expected {:?}): {}",
                response.status, request.statuses, response.body
            ));
        }
        if let Some(format) = &request.format {
            check_format(format, &response.content_type)
                .map_err(|e| format!("request {n}: {e}"))?;
        }
        if let Some(expected) = request.boolean {
            let value = boolean(&response.content_type, &response.body)
                .map_err(|e| format!("request {n}: {e}"))?;
            if value != expected {
                return Err(format!(
                    "request {n}: ASK gave {value}, expected {expected}"
                ));
            }
        }
    }
    Ok(())
}

fn check_format(expected: &str, content_type: &str) -> Result<(), String> {
    let media_type = content_type.split(';').next().unwrap_or_default().trim();
    let fits = match expected {
        "boolean" => matches!(
            QueryResultsFormat::from_media_type(media_type),
            Some(QueryResultsFormat::Json | QueryResultsFormat::Xml)
        ),
        "tabular" => QueryResultsFormat::from_media_type(media_type).is_some(),
        "RDF" => matches!(
            RdfFormat::from_media_type(media_type),
            Some(RdfFormat::RdfXml | RdfFormat::Turtle | RdfFormat::NTriples)
        ),
        other => return Err(format!("unknown expected format {other}")),
    };
    if fits {
        Ok(())
    } else {
        Err(format!("{content_type} is not a {expected} format"))
    }
}

fn boolean(content_type: &str, body: &str) -> Result<bool, String> {
    let media_type = content_type.split(';').next().unwrap_or_default().trim();
    let format = QueryResultsFormat::from_media_type(media_type)
        .ok_or_else(|| format!("{content_type} is not a results format"))?;
    match QueryResultsParser::from_format(format).for_slice(body.as_bytes()) {
        Ok(SliceQueryResultsParserOutput::Boolean(value)) => Ok(value),
        Ok(_) => Err("solutions, not a boolean".into()),
        Err(e) => Err(format!("the answer does not parse: {e}")),
    }
}

#[test]
fn w3c_sparql11_protocol_suite() {
    let manifest = Manifest::load(&suite_dir());
    let tests = manifest.tests();
    assert_eq!(tests.len(), 34, "the manifest lists 34 tests");

    let dir = tempfile::tempdir().unwrap();
    let (query_tests, update_tests): (Vec<&Test>, Vec<&Test>) =
        tests.iter().partition(|t| !t.updates());

    let read_only_store = scratch_store(&dir.path().join("read-only"), &tests);
    let read_only = Served::start(&read_only_store, &[]);
    let writable_store = scratch_store(&dir.path().join("writable"), &tests);
    let writable = Served::start(&writable_store, &["--writable"]);

    let mut passed = Vec::new();
    let mut failed = Vec::new();
    let mut skipped = Vec::new();
    for test in &query_tests {
        match run(&read_only, test) {
            Ok(()) => passed.push(format!("{} (read-only)", test.id)),
            Err(e) => failed.push(format!("{} (read-only): {} — {e}", test.id, test.name)),
        }
    }
    for test in &update_tests {
        skipped.push(format!(
            "{} (read-only): an update; a read-only server refuses every update with 403, \
             so it runs against --writable instead",
            test.id
        ));
        match run(&writable, test) {
            Ok(()) => passed.push(format!("{} (--writable)", test.id)),
            Err(e) => failed.push(format!("{} (--writable): {} — {e}", test.id, test.name)),
        }
    }

    println!(
        "W3C SPARQL 1.1 Protocol: {} passed, {} failed, {} skipped",
        passed.len(),
        failed.len(),
        skipped.len()
    );
    for line in &passed {
        println!("  pass {line}");
    }
    for line in &skipped {
        println!("  skip {line}");
    }
    for line in &failed {
        println!("  FAIL {line}");
    }
    assert!(failed.is_empty(), "failed:\n{}", failed.join("\n"));
    assert_eq!(passed.len(), tests.len(), "every test ran in one mode");
}
