//! Bad input on the real binary: every document that cannot be read or
//! segmented gives a one-line error and a non-zero exit (never a panic, a
//! signal or a hang), and the store built before still answers. Input that
//! is only unusual (CRLF, UTF-16, GB18030, many lines) builds correctly.
//!
//! Inputs are made in temporary directories from the seed and by code; the
//! store is only looked at through the command line, so the test holds for
//! any store layout.

mod common;

use common::{build_seed, repo, BIN};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

const SEED: &str = "seeds/shanghai-2023-district-cases.txt";
/// Extra environment variables of a run.
type Env<'a> = Vec<(&'a str, &'a str)>;

const COUNT_CASES: &str = "SELECT (COUNT(*) AS ?n) WHERE { ?c a rk:Case }";

/// How long any one command may take before it counts as hung. Generous:
/// debug builds are slow, and the point is only that every wait ends.
const DEADLINE: Duration = Duration::from_secs(300);

struct Outcome {
    status: ExitStatus,
    stderr: String,
    stdout: String,
}

/// Runs `reformkg --store STORE ARGS` with extra environment, output in
/// files (a full pipe cannot block it) and a deadline after which the child
/// is killed and the test fails: it must exit by itself.
fn run_bounded(store: &Path, args: &[&str], env: &[(&str, &str)], what: &str) -> Outcome {
    let dir = tempfile::tempdir().expect("tempdir");
    let out_path = dir.path().join("stdout");
    let err_path = dir.path().join("stderr");
    let mut command = Command::new(BIN);
    command
        .current_dir(repo())
        .env_remove("REFORMKG_STORE")
        .env_remove("REFORMKG_MAX_INPUT_BYTES")
        .arg("--store")
        .arg(store)
        .args(args)
        .stdin(Stdio::null())
        .stdout(File::create(&out_path).expect("stdout file"))
        .stderr(File::create(&err_path).expect("stderr file"));
    for (key, value) in env {
        command.env(key, value);
    }
    let mut child = command.spawn().expect("the reformkg binary runs");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait on the child") {
            break status;
        }
        if started.elapsed() > DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what}: reformkg did not exit by itself within {DEADLINE:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let read =
        |p: &Path| String::from_utf8_lossy(&std::fs::read(p).unwrap_or_default()).into_owned();
    Outcome {
        status,
        stderr: read(&err_path),
        stdout: read(&out_path),
    }
}

fn build(store: &Path, input: &Path, env: &[(&str, &str)], what: &str) -> Outcome {
    let input = input.to_str().expect("UTF-8 temp path");
    run_bounded(store, &["build", input], env, what)
}

/// The number of cases the store answers with.
fn cases_in(store: &Path, what: &str) -> usize {
    let out = run_bounded(store, &["query", COUNT_CASES, "--format", "csv"], &[], what);
    assert!(out.status.success(), "{what}: query failed: {}", out.stderr);
    out.stdout
        .lines()
        .nth(1)
        .and_then(|l| l.trim().parse().ok())
        .unwrap_or_else(|| panic!("{what}: no count in {:?}", out.stdout))
}

/// A clean failure: a non-zero exit status that is neither a panic (101)
/// nor a signal, and exactly one line on stderr containing `expected`.
fn assert_refused(out: &Outcome, expected: &str, what: &str) {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(
            out.status.signal(),
            None,
            "{what}: killed by a signal; stderr: {}",
            out.stderr
        );
    }
    let code = out.status.code();
    assert!(
        code.is_some_and(|c| c != 0 && c != 101),
        "{what}: exit status {code:?} (want a non-zero, non-panic exit); stderr: {}",
        out.stderr
    );
    let lines: Vec<&str> = out.stderr.trim_end().lines().collect();
    assert_eq!(
        lines.len(),
        1,
        "{what}: want one line, got {:?}",
        out.stderr
    );
    assert!(
        lines[0].contains(expected),
        "{what}: the error {:?} does not say {expected:?}",
        lines[0]
    );
}

fn seed_text() -> String {
    std::fs::read_to_string(repo().join(SEED)).expect("the seed reads")
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write input");
    path
}

/// The seed with the number of its table of contents row `row` replaced.
fn renumbered(seed: &str, row: u32, number: u32) -> String {
    let wanted = format!("\t{row}");
    let mut done = false;
    let lines: Vec<String> = seed
        .split('\n')
        .map(|line| {
            if !done && line.trim_end() == wanted {
                done = true;
                format!("\t{number}")
            } else {
                line.to_owned()
            }
        })
        .collect();
    assert!(done, "row {row} not found in the table of contents");
    lines.join("\n")
}

/// The seed without its table of contents, every body opened by a 排名N
/// marker line: the seed has them for bodies 1-15; bodies 16-20 start
/// with their title, and get one before the line that starts it.
fn without_toc(seed: &str) -> String {
    let lines: Vec<&str> = seed.split('\n').collect();
    let position = |from: usize, wanted: &dyn Fn(&str) -> bool| {
        (from..lines.len()).find(|&i| wanted(lines[i].trim()))
    };
    let first_marker = position(0, &|l| l == "排名1").expect("the seed has markers");
    let mut kept = vec![lines[0].to_owned()];
    let mut from = first_marker;
    for rank in 16..=20 {
        // The table row: rank, district, title.
        let row = position(0, &|l| l == rank.to_string()).expect("a table row");
        let title_start: String = lines[row + 2].trim().chars().take(6).collect();
        let body = position(from, &|l| l.starts_with(&title_start)).expect("the body");
        kept.extend(lines[from..body].iter().map(|l| (*l).to_owned()));
        kept.push(format!("排名{rank}"));
        from = body;
    }
    kept.extend(lines[from..].iter().map(|l| (*l).to_owned()));
    kept.join("\n")
}

#[test]
fn bad_documents_are_refused_and_the_old_store_still_answers() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = build_seed(dir.path());
    assert_eq!(cases_in(&store, "the seed store"), 20);
    let inputs = dir.path().join("inputs");
    std::fs::create_dir(&inputs).expect("mkdir");
    let seed = seed_text();
    let bytes = seed.as_bytes();

    // A character cut in half at the end of the file.
    let mut cut = bytes.len() / 2;
    while bytes[cut] & 0xC0 != 0x80 {
        cut += 1;
    }
    let truncated = &bytes[..cut];
    let mut with_nul = bytes.to_vec();
    let line_end = seed[seed.len() / 3..].find('\n').expect("a line break") + seed.len() / 3;
    with_nul.insert(line_end, 0);
    let binary: Vec<u8> = (0..=255u8).cycle().take(64 * 1024).collect();
    let one_line: Vec<u8> = seed
        .replace(['\n', '\r'], "")
        .repeat(10 * 1024 * 1024 / bytes.len() + 1)
        .into_bytes();
    let no_cases = "一份说明\n\n这里没有目录，也没有案例标记。\n".repeat(3);

    let cases: Vec<(&str, PathBuf, &str)> = vec![
        ("empty file", write(&inputs, "empty.txt", b""), "empty"),
        (
            "blank lines only",
            write(&inputs, "blank.txt", b"\n \n\t\n"),
            "empty",
        ),
        (
            "binary",
            write(&inputs, "binary.txt", &binary),
            "binary.txt",
        ),
        (
            "truncated UTF-8",
            write(&inputs, "truncated.txt", truncated),
            "truncated",
        ),
        ("NUL byte", write(&inputs, "nul.txt", &with_nul), "NUL"),
        (
            "one 10 MB line",
            write(&inputs, "one-line.txt", &one_line),
            "no cases found",
        ),
        (
            "no table of contents and no markers",
            write(&inputs, "notes.txt", no_cases.as_bytes()),
            "no cases found",
        ),
        (
            "row 6 numbered 5",
            write(&inputs, "dup5.txt", renumbered(&seed, 6, 5).as_bytes()),
            "lists rank 5 twice",
        ),
        (
            "row 20 numbered 19",
            write(&inputs, "dup19.txt", renumbered(&seed, 20, 19).as_bytes()),
            "lists rank 19 twice",
        ),
        (
            "a body the table does not list",
            write(
                &inputs,
                "unlisted.txt",
                format!("{seed}\n排名21\n多出来的案例\n正文。\n").as_bytes(),
            ),
            "does not list",
        ),
        (
            "two bodies with one marker",
            write(
                &inputs,
                "dup-marker.txt",
                without_toc(&seed).replace("排名7", "排名6").as_bytes(),
            ),
            "rank 6",
        ),
    ];
    for (what, path, expected) in &cases {
        let out = build(&store, path, &[], what);
        assert_refused(&out, expected, what);
        assert_eq!(cases_in(&store, what), 20, "{what}: the old store changed");
    }
}

#[cfg(unix)]
#[test]
fn special_files_loops_and_huge_files_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = build_seed(dir.path());
    let inputs = dir.path().join("inputs");
    std::fs::create_dir(&inputs).expect("mkdir");

    let fifo = inputs.join("fifo.txt");
    let made = Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success(), "mkfifo failed");

    // Symbolic links that point at each other, as a file and as a folder.
    std::os::unix::fs::symlink("b.txt", inputs.join("a.txt")).expect("symlink");
    std::os::unix::fs::symlink("a.txt", inputs.join("b.txt")).expect("symlink");
    let folder_loop = dir.path().join("folder-loop");
    std::os::unix::fs::symlink(&folder_loop, &folder_loop).expect("symlink");

    // 200 MB without using the disk.
    let huge = inputs.join("huge.txt");
    File::create(&huge)
        .and_then(|f| f.set_len(200 * 1024 * 1024))
        .expect("sparse file");
    let seed = repo().join(SEED);

    let dev_zero = PathBuf::from("/dev/zero");
    let file_loop = inputs.join("a.txt");
    let cases: Vec<(&str, &Path, Env, &str)> = vec![
        ("a FIFO", &fifo, vec![], "FIFO"),
        ("/dev/zero", &dev_zero, vec![], "character device"),
        ("a symlink loop", &file_loop, vec![], "symbolic links"),
        (
            "a folder symlink loop",
            &folder_loop,
            vec![],
            "symbolic links",
        ),
        ("a 200 MB file", &huge, vec![], "input limit"),
        (
            "a file over a lowered limit",
            &seed,
            vec![("REFORMKG_MAX_INPUT_BYTES", "1000")],
            "input limit of 1000 bytes",
        ),
        (
            "a limit that is no number",
            &seed,
            vec![("REFORMKG_MAX_INPUT_BYTES", "lots")],
            "REFORMKG_MAX_INPUT_BYTES",
        ),
    ];
    for (what, path, env, expected) in &cases {
        let out = build(&store, path, env, what);
        assert_refused(&out, expected, what);
        assert_eq!(cases_in(&store, what), 20, "{what}: the old store changed");
    }
    // A limit with room for the seed lets it build.
    let out = build(
        &store,
        &seed,
        &[("REFORMKG_MAX_INPUT_BYTES", "1M")],
        "1M limit",
    );
    assert!(out.status.success(), "1M limit: {}", out.stderr);
}

/// Encodings and layouts that are legitimately fine: each builds the seed's
/// 20 cases (into a store of its own).
#[test]
fn unusual_but_valid_documents_build() {
    let dir = tempfile::tempdir().expect("tempdir");
    let inputs = dir.path().join("inputs");
    std::fs::create_dir(&inputs).expect("mkdir");
    let seed = seed_text();

    let utf16 = |big_endian: bool, bom: bool| -> Vec<u8> {
        let mut out = Vec::new();
        let units = std::iter::once(0xFEFF)
            .filter(|_| bom)
            .chain(seed.encode_utf16());
        for unit in units {
            let b = if big_endian {
                unit.to_be_bytes()
            } else {
                unit.to_le_bytes()
            };
            out.extend(b);
        }
        out
    };
    let (gb18030, _, lossy) = encoding_rs::GB18030.encode(&seed);
    assert!(!lossy);
    let (gbk, _, lossy) = encoding_rs::GBK.encode(&seed);
    assert!(!lossy, "the seed fits GBK");
    let many_lines = format!("{seed}\n{}", "补充说明。\n".repeat(50_000));

    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("CRLF", seed.replace('\n', "\r\n").into_bytes()),
        (
            "UTF-8 with BOM",
            [&b"\xEF\xBB\xBF"[..], seed.as_bytes()].concat(),
        ),
        ("UTF-16 LE with BOM", utf16(false, true)),
        ("UTF-16 BE with BOM", utf16(true, true)),
        ("UTF-16 LE without BOM", utf16(false, false)),
        ("UTF-16 BE without BOM", utf16(true, false)),
        ("GB18030", gb18030.into_owned()),
        ("GBK", gbk.into_owned()),
        ("50,000 more short lines", many_lines.into_bytes()),
        ("markers without a table", without_toc(&seed).into_bytes()),
    ];
    for (i, (what, bytes)) in cases.iter().enumerate() {
        let input = write(&inputs, "shanghai-2023-district-cases.txt", bytes);
        let store = dir.path().join(format!("store-{i}"));
        let out = build(&store, &input, &[], what);
        assert!(out.status.success(), "{what}: build failed: {}", out.stderr);
        assert_eq!(cases_in(&store, what), 20, "{what}");
    }
}
