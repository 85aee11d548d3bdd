//! The explorer in a real browser: headless Chromium driven through
//! chromedriver (WebDriver) against the real `reformkg serve` on loopback.
//! Follows a case from the collection table, clicks the sidebar's mechanism
//! links and checks that the sentences the script marks are the mentions'
//! `oa:exact`, read independently from the server's SPARQL endpoint; then
//! opens a case with a mention in the URL and takes a screenshot.
//!
//! Needs `chromedriver` and Chromium (`scripts/deps.sh --with-test-tools`
//! installs both); without them the test fails, it does not skip. Set
//! `CHROMEDRIVER` or `CHROMIUM` to use other programs than those on PATH.
//! The screenshot goes to `explorer-case.png` in Cargo's temporary
//! directory for tests; with `REFORMKG_SCREENSHOT=PATH` it is also written
//! to PATH (`docs/explorer-case.png` is made that way).

mod common;

use common::{encode, get, Served};
use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use percent_encoding::percent_decode_str;
use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

const MENTION: &str = "https://w3id.org/reformkg/id/mention/";

/// The concatenated text of the marked evidence spans, in document order.
const MARKED_TEXT: &str = "return Array.from(document.querySelectorAll('.ev.marked'), \
                           (span) => span.textContent).join('');";

/// `name` from the environment variable `var`, else the first of
/// `candidates` on PATH; a clear failure when there is none.
fn program(var: &str, candidates: &[&str]) -> PathBuf {
    if let Some(path) = std::env::var_os(var).filter(|p| !p.is_empty()) {
        return PathBuf::from(path);
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    candidates
        .iter()
        .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
        .find(|candidate| candidate.is_file())
        .unwrap_or_else(|| {
            panic!(
                "none of {candidates:?} is on PATH and {var} is not set: the browser test \
                 needs Chromium and chromedriver (Debian: `apt-get install chromium \
                 chromium-driver`, or `scripts/deps.sh --with-test-tools`)"
            )
        })
}

/// A chromedriver on a loopback port of its choosing, in a process group
/// of its own; the group (chromedriver and the browsers it started) is
/// killed on drop.
struct Driver {
    child: Child,
    url: String,
}

impl Driver {
    fn start(program: &Path) -> Driver {
        let mut child = Command::new(program)
            .arg("--port=0")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("{} does not start: {e}", program.display()));
        let mut lines = BufReader::new(child.stdout.take().expect("stdout is piped")).lines();
        let mut said = Vec::new();
        // "ChromeDriver was started successfully on port 41571."
        let port = loop {
            let Some(Ok(line)) = lines.next() else {
                let _ = child.kill();
                let _ = child.wait();
                panic!("chromedriver stopped before it listened: {said:?}");
            };
            if let Some(rest) = line.split(" on port ").nth(1) {
                if line.contains("started successfully") {
                    break rest.trim_end_matches('.').trim().to_owned();
                }
            }
            said.push(line);
        };
        // Whatever it says later is drained, so it never blocks on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        Driver {
            child,
            url: format!("http://127.0.0.1:{port}"),
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        if let Ok(group) = i32::try_from(self.child.id()) {
            // SAFETY: kill(2) on the process group this test created.
            unsafe {
                libc::kill(-group, libc::SIGKILL);
            }
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Headless Chromium with a fresh profile in `profile`.
async fn browser(driver: &Driver, chromium: &Path, profile: &Path) -> Client {
    let capabilities = serde_json::json!({
        "browserName": "chrome",
        "goog:chromeOptions": {
            "binary": chromium,
            "args": [
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
                "--window-size=1280,900",
                format!("--user-data-dir={}", profile.display()),
            ],
        },
    });
    let serde_json::Value::Object(capabilities) = capabilities else {
        unreachable!("a JSON object")
    };
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(capabilities)
        .connect(&driver.url)
        .await
        .unwrap_or_else(|e| panic!("no browser session from chromedriver: {e}"))
}

/// `oa:exact` of the mention whose local name is `local`, from the
/// server's own SPARQL endpoint (JSON results: no quoting to undo).
fn exact_of(base: &str, local: &str) -> String {
    let sparql = format!(
        "PREFIX oa: <http://www.w3.org/ns/oa#>\n\
         SELECT ?exact WHERE {{ <{MENTION}{local}> oa:exact ?exact }}"
    );
    let answer = get(&format!("{base}/sparql?query={}", encode(&sparql)), &[]);
    assert_eq!(answer.status, 200, "{}", answer.body);
    let json: serde_json::Value = serde_json::from_str(&answer.body).expect("JSON results");
    let bindings = json["results"]["bindings"]
        .as_array()
        .expect("bindings")
        .clone();
    assert_eq!(bindings.len(), 1, "one oa:exact for mention {local}");
    bindings[0]["exact"]["value"]
        .as_str()
        .expect("a literal")
        .to_owned()
}

/// The mention local name a link's `data-target` token encodes.
fn local_of(token: &str) -> String {
    percent_decode_str(token)
        .decode_utf8()
        .unwrap_or_else(|e| panic!("token {token} is not UTF-8: {e}"))
        .into_owned()
}

async fn attr(element: &Element, name: &str) -> String {
    element
        .attr(name)
        .await
        .expect("the attribute is read")
        .unwrap_or_default()
}

async fn marked_text(client: &Client) -> String {
    let value = client.execute(MARKED_TEXT, vec![]).await.expect("script");
    value.as_str().expect("a string").to_owned()
}

/// The case with this rank, as its explorer path.
fn case_path_of_rank(store: &Path, rank: u32) -> String {
    let rows = common::csv_lines(
        store,
        &format!("SELECT ?c WHERE {{ ?c a rk:Case ; rk:rank ?r FILTER(?r = {rank}) }} ORDER BY ?c"),
    );
    let iri = rows
        .first()
        .unwrap_or_else(|| panic!("no case of rank {rank}"));
    let local = iri.rsplit('/').next().expect("a local name");
    format!(
        "/case/{}",
        percent_encoding::utf8_percent_encode(local, percent_encoding::NON_ALPHANUMERIC)
    )
}

struct Seen {
    base: String,
    cases: usize,
    rank3: String,
    screenshot: PathBuf,
}

async fn explore(client: Client, seen: Seen) {
    let base = &seen.base;

    // 1. The collection table lists every case; a click opens one.
    client.goto(&format!("{base}/")).await.expect("home");
    client
        .wait()
        .for_element(Locator::Css("table.cases"))
        .await
        .expect("the collection table");
    let links = client
        .find_all(Locator::Css("table.cases tbody td a[href^='/case/']"))
        .await
        .expect("case links");
    assert_eq!(links.len(), seen.cases, "one row a case");
    for link in &links {
        assert!(!link.text().await.expect("text").trim().is_empty());
    }
    let href = attr(&links[0], "href").await;
    links[0].click().await.expect("click a case");
    client
        .wait()
        .for_element(Locator::Css("div.case aside.links"))
        .await
        .expect("a case page");
    let url = client.current_url().await.expect("url");
    assert!(url.path().starts_with("/case/"), "{url}");
    assert!(url.as_str().ends_with(&href), "{url} is not {href}");

    // 2, 3. Each mechanism link marks exactly its mention's sentence and
    // becomes the active one.
    let mechanisms = client
        .find_all(Locator::Css("section.k-mechanism a.link"))
        .await
        .expect("mechanism links");
    assert!(!mechanisms.is_empty(), "{url} lists no mechanism");
    for link in &mechanisms {
        let token = attr(link, "data-target").await;
        assert!(!token.is_empty());
        link.click().await.expect("click a mechanism");
        let active = format!("a.link.active[data-target=\"{token}\"]");
        client
            .wait()
            .for_element(Locator::Css(&active))
            .await
            .expect("the link is marked active");
        let classes = attr(link, "class").await;
        assert!(
            classes.split_whitespace().any(|c| c == "active"),
            "{token}: {classes}"
        );
        let actives = client
            .find_all(Locator::Css("a.link.active"))
            .await
            .expect("active links");
        assert_eq!(actives.len(), 1, "only the clicked link is active");
        let exact = exact_of(base, &local_of(&token));
        assert!(!exact.is_empty());
        assert_eq!(marked_text(&client).await, exact, "mention {token}");
        let url = client.current_url().await.expect("url");
        assert_eq!(url.fragment(), Some(format!("mention={token}").as_str()));
    }

    // 4. A case opened with a mention in its URL, marked on load, in
    // Chinese, at a desktop size: the screenshot.
    client
        .goto(&format!("{base}{}", seen.rank3))
        .await
        .expect("case 3");
    let first = client
        .wait()
        .for_element(Locator::Css("section.k-mechanism a.link"))
        .await
        .expect("case 3 lists a mechanism");
    let token = attr(&first, "data-target").await;
    // A 1280×900 viewport: the window is that plus whatever frame it has.
    let frame = client
        .execute("return window.outerHeight - window.innerHeight;", vec![])
        .await
        .expect("script")
        .as_u64()
        .and_then(|h| u32::try_from(h).ok())
        .unwrap_or(0);
    client
        .set_window_size(1280, 900 + frame)
        .await
        .expect("window size");
    client
        .goto(&format!("{base}{}?lang=zh#mention={token}", seen.rank3))
        .await
        .expect("case 3 with a mention");
    client
        .wait()
        .for_element(Locator::Css(&format!(
            "a.link.active[data-target=\"{token}\"]"
        )))
        .await
        .expect("the mention in the URL is marked on load");
    assert_eq!(
        marked_text(&client).await,
        exact_of(base, &local_of(&token))
    );
    let lang = client
        .find(Locator::Css("html"))
        .await
        .expect("html")
        .attr("lang")
        .await
        .expect("lang");
    assert_eq!(lang.as_deref(), Some("zh"));
    let png = client.screenshot().await.expect("a screenshot");
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    let width = u32::from_be_bytes(png[16..20].try_into().expect("IHDR"));
    assert!(width >= 1200, "the screenshot is {width} pixels wide");
    std::fs::write(&seen.screenshot, &png).expect("the screenshot is written");
    if let Some(path) = std::env::var_os("REFORMKG_SCREENSHOT").filter(|p| !p.is_empty()) {
        let path = common::repo().join(path);
        std::fs::write(&path, &png)
            .unwrap_or_else(|e| panic!("{} cannot be written: {e}", path.display()));
    }
}

#[test]
fn the_explorer_marks_a_mentions_sentence_in_a_browser() {
    let driver_program = program("CHROMEDRIVER", &["chromedriver"]);
    let chromium = program(
        "CHROMIUM",
        &["chromium", "chromium-browser", "google-chrome", "chrome"],
    );
    let dir = tempfile::tempdir().unwrap();
    let store = common::build_seed(dir.path());
    let cases = common::count(&store, "SELECT (COUNT(?c) AS ?n) WHERE { ?c a rk:Case }");
    let rank3 = case_path_of_rank(&store, 3);
    let served = Served::start(&store, &[]);
    let profile = dir.path().join("profile");
    std::fs::create_dir(&profile).unwrap();
    // Dropped before `dir`: the browser is gone before its profile is.
    let driver = Driver::start(&driver_program);
    let seen = Seen {
        base: served.base.clone(),
        cases,
        rank3,
        screenshot: PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("explorer-case.png"),
    };

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let client = browser(&driver, &chromium, &profile).await;
        // The session is closed (and the browser quits) whatever happens;
        // a failure is raised after that.
        let outcome = tokio::spawn(explore(client.clone(), seen)).await;
        let _ = client.close().await;
        if let Err(failure) = outcome {
            std::panic::resume_unwind(failure.into_panic());
        }
    });
}
