//! `reformkg diagram` and `reformkg similar` on the seed's store, run as
//! the real binary with the real Graphviz. The acceptance test of issue 5
//! checks the shared-mechanisms diagram against SPARQL.

mod common;
mod diagram_fixture;

use common::{build_seed, run, select, stderr, stdout};
use diagram_fixture::ParsedDot;
use regex::Regex;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::OnceLock;

/// One seed store for every test of this file (the build takes a while).
fn seed_store() -> &'static Path {
    static STORE: OnceLock<(tempfile::TempDir, std::path::PathBuf)> = OnceLock::new();
    let (_, store) = STORE.get_or_init(|| {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = build_seed(dir.path());
        (dir, store)
    });
    store
}

fn column(rows: &[Vec<String>], i: usize) -> BTreeSet<String> {
    rows.iter().map(|r| r[i].clone()).collect()
}

/// Undoes the XML escaping Graphviz applies to SVG text.
fn xml_text(s: &str) -> String {
    let numeric = Regex::new(r"&#(\d+);").expect("regex");
    let s = numeric.replace_all(s, |c: &regex::Captures| {
        let code: u32 = c[1].parse().expect("digits");
        char::from_u32(code).map(String::from).unwrap_or_default()
    });
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

/// The SVG's groups by title: (class, coordinates of its shapes and text).
fn svg_groups(svg: &str) -> BTreeMap<String, (String, Vec<(f64, f64)>)> {
    let group = Regex::new(
        r#"(?s)<g id="[^"]*" class="(node|cluster|edge)">\s*<title>(.*?)</title>(.*?)</g>"#,
    )
    .expect("regex");
    let number_pair = Regex::new(r"(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)").expect("regex");
    let text_at = Regex::new(r#"<text[^>]* x="(-?[\d.]+)" y="(-?[\d.]+)""#).expect("regex");
    let ellipse = Regex::new(r#"cx="(-?[\d.]+)" cy="(-?[\d.]+)""#).expect("regex");
    let mut groups = BTreeMap::new();
    for g in group.captures_iter(svg) {
        let body = &g[3];
        let mut points: Vec<(f64, f64)> = Vec::new();
        for re in [&number_pair, &text_at, &ellipse] {
            for c in re.captures_iter(body) {
                points.push((c[1].parse().expect("x"), c[2].parse().expect("y")));
            }
        }
        groups.insert(xml_text(&g[2]), (g[1].to_owned(), points));
    }
    groups
}

fn bbox(points: &[(f64, f64)]) -> (f64, f64, f64, f64) {
    points.iter().fold(
        (f64::MAX, f64::MAX, f64::MIN, f64::MIN),
        |(x0, y0, x1, y1), &(x, y)| (x0.min(x), y0.min(y), x1.max(x), y1.max(y)),
    )
}

#[test]
fn shared_mechanisms_on_the_seed_matches_sparql() {
    let store = seed_store();
    let dir = tempfile::tempdir().expect("tempdir");
    let svg_path = dir.path().join("shared.svg");
    let svg_arg = svg_path.to_string_lossy().into_owned();
    let output = run(store, &["diagram", "shared-mechanisms", "-o", &svg_arg]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("laid out by Graphviz"),
        "{}",
        stderr(&output)
    );
    let svg = std::fs::read_to_string(&svg_path).expect("the SVG is written");

    let output = run(store, &["diagram", "shared-mechanisms"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let dot = ParsedDot::parse(&stdout(&output));

    // What SPARQL says.
    let sharing = column(
        &select(
            store,
            "SELECT DISTINCT ?case WHERE { ?case a rk:Case ; rk:usesMechanism ?m .
               ?other a rk:Case ; rk:usesMechanism ?m FILTER(?other != ?case) }",
        ),
        0,
    );
    assert!(sharing.len() >= 10, "the seed has many sharing cases");
    let district_of: BTreeMap<String, String> = select(
        store,
        "SELECT ?case ?d WHERE { ?case a rk:Case ; rk:district ?d }",
    )
    .into_iter()
    .map(|r| (r[0].clone(), r[1].clone()))
    .collect();
    let uses: BTreeSet<(String, String)> = select(
        store,
        "SELECT ?case ?m WHERE { ?case a rk:Case ; rk:usesMechanism ?m }",
    )
    .into_iter()
    .map(|r| (r[0].clone(), r[1].clone()))
    .collect();
    let all_cases: BTreeSet<String> = column(&select(store, "SELECT ?c WHERE { ?c a rk:Case }"), 0);
    let all_mechanisms: BTreeSet<String> =
        column(&select(store, "SELECT ?m WHERE { ?m a rk:Mechanism }"), 0);

    // The DOT: every sharing case, in its district's cluster.
    let shown_cases: BTreeSet<String> = dot
        .content_nodes()
        .into_iter()
        .filter(|n| all_cases.contains(n))
        .collect();
    assert_eq!(shown_cases, sharing);
    for case in &sharing {
        let cluster = format!("cluster_{}", district_of[case]);
        assert_eq!(
            dot.nodes[case].innermost_cluster(),
            Some(cluster.as_str()),
            "{case} is not in its district's cluster"
        );
    }
    // Every mechanism shown is used by at least two of the cases linked to
    // it, and every link is a use.
    let shown_mechanisms: Vec<String> = dot
        .content_nodes()
        .into_iter()
        .filter(|n| all_mechanisms.contains(n))
        .collect();
    assert!(!shown_mechanisms.is_empty());
    assert_eq!(
        shown_mechanisms.len() + shown_cases.len(),
        dot.content_nodes().len(),
        "only cases and mechanisms are drawn"
    );
    for m in &shown_mechanisms {
        let linked = dot.neighbours(m);
        let using: Vec<&String> = linked
            .iter()
            .filter(|c| uses.contains(&((*c).clone(), m.clone())))
            .collect();
        assert_eq!(
            using.len(),
            linked.len(),
            "{m} has an edge that is not a use"
        );
        assert!(using.len() >= 2, "{m} is linked to {} case(s)", using.len());
    }

    // The rendered SVG: every case drawn inside its district's box.
    let groups = svg_groups(&svg);
    for case in &sharing {
        let (class, points) = groups
            .get(case)
            .unwrap_or_else(|| panic!("{case} missing from the SVG"));
        assert_eq!(class, "node");
        let cluster = format!("cluster_{}", district_of[case]);
        let (_, cluster_points) = &groups[&cluster];
        let (x0, y0, x1, y1) = bbox(cluster_points);
        for &(x, y) in points {
            assert!(
                x0 <= x && x <= x1 && y0 <= y && y <= y1,
                "{case} at ({x}, {y}) is outside {cluster}"
            );
        }
    }
    for m in &shown_mechanisms {
        assert_eq!(groups.get(m).map(|g| g.0.as_str()), Some("node"), "{m}");
    }
    assert!(svg.contains("Noto Sans CJK SC"));
}

#[test]
fn every_kind_renders_in_both_languages() {
    let store = seed_store();
    let dir = tempfile::tempdir().expect("tempdir");
    let kinds: [&[&str]; 4] = [
        &["shared-mechanisms"],
        &["case-network"],
        &["mechanism-network"],
        &["case", "5"],
    ];
    for kind in kinds {
        for lang in ["zh", "en"] {
            let path = dir.path().join(format!("{}-{lang}.png", kind[0]));
            let path_arg = path.to_string_lossy().into_owned();
            let mut args = vec!["diagram"];
            args.extend_from_slice(kind);
            args.extend(["--lang", lang, "-o", &path_arg]);
            let output = run(store, &args);
            assert!(output.status.success(), "{args:?}: {}", stderr(&output));
            let bytes = std::fs::read(&path).expect("the PNG is written");
            assert!(bytes.starts_with(b"\x89PNG"), "{args:?} did not give a PNG");
        }
    }
}

#[test]
fn query_files_are_drawn() {
    let store = seed_store();
    let dir = tempfile::tempdir().expect("tempdir");
    let rq = dir.path().join("q.rq");
    std::fs::write(
        &rq,
        "CONSTRUCT { ?case rk:usesMechanism mechanism:notification-commitment ; rk:district ?d }
         WHERE { ?case rk:usesMechanism mechanism:notification-commitment ; rk:district ?d }",
    )
    .expect("write");
    let output = run(store, &["diagram", "--query", &rq.to_string_lossy()]);
    assert!(output.status.success(), "{}", stderr(&output));
    let dot = ParsedDot::parse(&stdout(&output));
    let expected = select(
        store,
        "SELECT ?case WHERE { ?case rk:usesMechanism mechanism:notification-commitment }",
    );
    for row in &expected {
        assert!(dot.nodes.contains_key(&row[0]), "{} missing", row[0]);
    }
    assert_eq!(
        dot.neighbours("https://w3id.org/reformkg/id/mechanism/notification-commitment")
            .len(),
        expected.len()
    );
}

#[test]
fn without_graphviz_the_dot_file_is_kept_and_the_message_says_how_to_install() {
    let store = seed_store();
    let dir = tempfile::tempdir().expect("tempdir");
    let empty_path = tempfile::tempdir().expect("tempdir");
    let target = dir.path().join("shared.svg");
    let output = std::process::Command::new(common::BIN)
        .current_dir(common::repo())
        .env("PATH", empty_path.path())
        .args(["--store", &store.to_string_lossy()])
        .args([
            "diagram",
            "shared-mechanisms",
            "-o",
            &target.to_string_lossy(),
        ])
        .output()
        .expect("runs");
    let message = stderr(&output);
    assert!(!output.status.success());
    assert!(message.contains("apt-get install graphviz"), "{message}");
    assert_eq!(message.trim().lines().count(), 1, "one line: {message}");
    assert!(!target.exists(), "no SVG without Graphviz");
    let dot_file = dir.path().join("shared.dot");
    assert!(message.contains(&*dot_file.to_string_lossy()), "{message}");
    let dot = ParsedDot::parse(&std::fs::read_to_string(&dot_file).expect("the DOT is written"));
    assert!(!dot.content_nodes().is_empty());
}

#[test]
fn similar_lists_cases_sharing_mechanisms() {
    let store = seed_store();
    let output = run(store, &["similar", "case:shanghai-2023-district-cases-5"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    // The best Jaccard value, computed independently from SPARQL counts.
    let rows = select(
        store,
        "SELECT ?other (COUNT(DISTINCT ?m) AS ?shared) WHERE {
           case:shanghai-2023-district-cases-5 rk:usesMechanism ?m .
           ?other rk:usesMechanism ?m ; rk:rank ?r
           FILTER(?other != case:shanghai-2023-district-cases-5) } GROUP BY ?other",
    );
    let count_of = |case: &str| -> usize {
        select(
            store,
            &format!("SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE {{ <{case}> rk:usesMechanism ?m }}"),
        )[0][0]
            .parse()
            .expect("count")
    };
    let own = count_of("https://w3id.org/reformkg/id/case/shanghai-2023-district-cases-5");
    let mut best = (0.0, String::new());
    for row in &rows {
        let shared: f64 = row[1].parse().expect("count");
        // |A ∩ B| / (|A| + |B| − |A ∩ B|)
        let jaccard = shared / ((own + count_of(&row[0])) as f64 - shared);
        if jaccard > best.0 {
            best = (jaccard, row[0].clone());
        }
    }
    assert!(
        text.contains(&format!("{:.3}", best.0)),
        "best Jaccard {:.3} ({}) not listed:\n{text}",
        best.0,
        best.1
    );
    // One table row per case (a row's first line carries its rank).
    let row_start = Regex::new(r"^│ \d+ +┆").expect("regex");
    let listed = text.lines().filter(|l| row_start.is_match(l)).count();
    assert_eq!(listed, rows.len().min(10));
}

#[test]
fn bad_input_gives_one_line_errors() {
    let store = seed_store();
    for (args, needle) in [
        (vec!["similar", "999"], "no case 999"),
        (
            vec!["diagram", "case", "no-such-case"],
            "no case no-such-case",
        ),
        (vec!["diagram", "shared-mechanisms", "-o", "x.jpeg"], ".svg"),
        (vec!["diagram", "--query", "/nonexistent.rq"], "cannot read"),
        (
            vec!["diagram", "case-network", "-o", "/nonexistent/dir/x.svg"],
            "no directory /nonexistent/dir",
        ),
    ] {
        let output = run(store, &args);
        assert!(!output.status.success(), "{args:?} succeeded");
        let message = stderr(&output);
        assert!(message.contains(needle), "{args:?}: {message}");
        assert_eq!(message.trim().lines().count(), 1, "{args:?}: {message}");
    }
}

#[test]
fn candidate_mechanisms_are_drawn_dashed_and_curated_ones_are_not() {
    let store = seed_store();
    let output = run(store, &["diagram", "shared-mechanisms", "--min-cases", "1"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let dot = ParsedDot::parse(&stdout(&output));
    let candidates = column(
        &select(
            store,
            "SELECT DISTINCT ?m WHERE { ?c rk:usesMechanism ?m . ?m rk:status rk:Candidate }",
        ),
        0,
    );
    let curated = column(
        &select(
            store,
            "SELECT DISTINCT ?m WHERE { ?c rk:usesMechanism ?m . ?m rk:status rk:Curated }",
        ),
        0,
    );
    assert!(!candidates.is_empty() && !curated.is_empty());
    let style_of = |iri: &str| {
        dot.nodes
            .values()
            .find(|n| n.attrs.get("tooltip").map(String::as_str) == Some(iri))
            .map(|n| n.attrs.get("style").cloned().unwrap_or_default())
    };
    let mut drawn = 0;
    for iri in &candidates {
        if let Some(style) = style_of(iri) {
            drawn += 1;
            assert!(style.contains("dashed"), "{iri}: {style}");
        }
    }
    assert!(drawn > 0, "some candidate is drawn");
    for iri in &curated {
        if let Some(style) = style_of(iri) {
            assert!(!style.contains("dashed"), "{iri}: {style}");
        }
    }
}
