//! Issue 14: the headline diagram on the seed, laid out by the real
//! Graphviz (`-Tjson`), is measured: no two boxes overlap, no two nodes
//! overlap, and its lines cross at most half as often as the fdp layout it
//! replaced. Every diagram kind renders byte for byte the same twice.

mod common;

use common::{build_seed, run, stderr, stdout};
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Stdio};

/// Crossings of straight lines between the ends of each edge in the fdp
/// layout this one replaced, on the seed as built when it was replaced:
/// 316, 319, 319, 321 and 325 over five renders of the same DOT (fdp was
/// not deterministic); the best of them is the bar.
const FDP_CROSSINGS: usize = 316;

type Rect = (f64, f64, f64, f64);

fn layout_json(dot_text: &str) -> Value {
    let mut child = Command::new("dot")
        .args(["-Tjson", "-Kneato", "-n"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("Graphviz runs");
    use std::io::Write;
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(dot_text.as_bytes())
        .expect("DOT written");
    let out = child.wait_with_output().expect("Graphviz finishes");
    assert!(out.status.success());
    serde_json::from_slice(&out.stdout).expect("JSON")
}

fn numbers(text: &str) -> Vec<f64> {
    text.split(',')
        .map(|n| n.parse().expect("a number"))
        .collect()
}

fn overlap(a: Rect, b: Rect) -> bool {
    a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3
}

fn contains(a: Rect, b: Rect) -> bool {
    a.0 <= b.0 && a.1 <= b.1 && b.2 <= a.2 && b.3 <= a.3
}

fn crosses(p1: (f64, f64), p2: (f64, f64), p3: (f64, f64), p4: (f64, f64)) -> bool {
    let side = |a: (f64, f64), b: (f64, f64), c: (f64, f64)| {
        (b.0 - a.0) * (c.1 - a.1) - (b.1 - a.1) * (c.0 - a.0)
    };
    side(p3, p4, p1) * side(p3, p4, p2) < 0.0 && side(p1, p2, p3) * side(p1, p2, p4) < 0.0
}

#[test]
fn the_headline_diagram_has_no_overlaps_and_half_the_crossings() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = build_seed(dir.path());
    let output = run(&store, &["diagram", "shared-mechanisms"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let json = layout_json(&stdout(&output));
    let objects = json["objects"].as_array().expect("objects");
    let mut clusters: Vec<(String, Rect)> = Vec::new();
    let mut nodes: Vec<(usize, String, Rect, (f64, f64))> = Vec::new();
    for o in objects {
        let name = o["name"].as_str().unwrap_or_default().to_owned();
        if let Some(bb) = o["bb"].as_str() {
            let b = numbers(bb);
            clusters.push((name, (b[0], b[1], b[2], b[3])));
        } else if let Some(pos) = o["pos"].as_str() {
            let p = numbers(pos);
            let w: f64 = o["width"]
                .as_str()
                .expect("width")
                .parse::<f64>()
                .expect("w")
                * 72.0;
            let h: f64 = o["height"]
                .as_str()
                .expect("height")
                .parse::<f64>()
                .expect("h")
                * 72.0;
            let gvid = o["_gvid"].as_u64().expect("id") as usize;
            nodes.push((
                gvid,
                name,
                (
                    p[0] - w / 2.0,
                    p[1] - h / 2.0,
                    p[0] + w / 2.0,
                    p[1] + h / 2.0,
                ),
                (p[0], p[1]),
            ));
        }
    }
    assert!(clusters.len() >= 10, "district boxes: {}", clusters.len());
    assert!(nodes.len() >= 60, "nodes: {}", nodes.len());
    for (i, (a, ra)) in clusters.iter().enumerate() {
        for (b, rb) in &clusters[i + 1..] {
            assert!(!overlap(*ra, *rb), "boxes {a} and {b} overlap");
        }
    }
    for (i, (_, a, ra, _)) in nodes.iter().enumerate() {
        for (_, b, rb, _) in &nodes[i + 1..] {
            assert!(!overlap(*ra, *rb), "nodes {a} and {b} overlap");
        }
        // A node is inside a box only if it belongs to it.
        for (c, rc) in &clusters {
            if overlap(*ra, *rc) {
                assert!(contains(*rc, *ra), "{a} straddles {c}");
            }
        }
    }
    let at = |gvid: u64| {
        nodes
            .iter()
            .find(|n| n.0 as u64 == gvid)
            .map(|n| n.3)
            .expect("an edge's end is a node")
    };
    let edges: Vec<(u64, u64)> = json["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| {
            (
                e["tail"].as_u64().expect("tail"),
                e["head"].as_u64().expect("head"),
            )
        })
        .collect();
    let mut crossings = 0;
    for (i, &(a, b)) in edges.iter().enumerate() {
        for &(c, d) in &edges[i + 1..] {
            if a != c && a != d && b != c && b != d && crosses(at(a), at(b), at(c), at(d)) {
                crossings += 1;
            }
        }
    }
    eprintln!(
        "{} edges, {crossings} crossings (the fdp layout: {FDP_CROSSINGS})",
        edges.len()
    );
    assert!(
        crossings * 2 <= FDP_CROSSINGS,
        "{crossings} crossings, more than half of {FDP_CROSSINGS}"
    );
}

fn render_twice(store: &Path, args: &[&str], dir: &Path, name: &str) {
    let mut bytes = Vec::new();
    for round in 0..2 {
        for ext in ["dot", "svg"] {
            let path = dir.join(format!("{name}-{round}.{ext}"));
            let path_arg = path.to_string_lossy().into_owned();
            let mut all = args.to_vec();
            all.extend(["-o", &path_arg]);
            let output = run(store, &all);
            assert!(output.status.success(), "{all:?}: {}", stderr(&output));
            bytes.push(std::fs::read(&path).expect("written"));
        }
    }
    assert!(
        bytes[0] == bytes[2],
        "{args:?}: the DOT differs between renders"
    );
    assert!(
        bytes[1] == bytes[3],
        "{args:?}: the SVG differs between renders"
    );
}

#[test]
fn every_kind_renders_byte_for_byte_the_same_twice() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = build_seed(dir.path());
    let query = dir.path().join("q.rq");
    std::fs::write(
        &query,
        "CONSTRUCT { ?c rk:usesMechanism ?m } WHERE { ?c rk:usesMechanism ?m ; rk:rank ?r FILTER(?r <= 3) }",
    )
    .expect("write");
    let query_arg = query.to_string_lossy().into_owned();
    let kinds: [(&str, Vec<&str>); 6] = [
        ("shared", vec!["diagram", "shared-mechanisms"]),
        ("matrix", vec!["diagram", "matrix"]),
        ("cases", vec!["diagram", "case-network"]),
        ("mechanisms", vec!["diagram", "mechanism-network"]),
        ("case", vec!["diagram", "case", "5"]),
        ("query", vec!["diagram", "--query", &query_arg]),
    ];
    for (name, args) in kinds {
        render_twice(&store, &args, dir.path(), name);
    }
}
