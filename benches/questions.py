#!/usr/bin/env python3
"""Times every saved question (queries/*.rq) on a built store, side by side
with pyoxigraph running a baseline text of the same question on the same
store (by default the text before the questions were rewritten for scale,
read from git: --baseline-rev).

usage: benches/questions.py STORE_DIR [--repeat R] [--baseline-rev REV] [--timeout S]
Each figure is the median wall time of R runs of the whole command (process
start and store opening included), interleaved reformkg / pyoxigraph.
"""
import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
BIN = TARGET / "release" / "reformkg"
VENV = Path(os.environ.get("BENCH_VENV", "/var/tmp/reformkg-bench-venv"))
PYOXIGRAPH = """
import sys, pyoxigraph
from pathlib import Path
store = pyoxigraph.Store.read_only(sys.argv[1])
prefixes = dict(line.split(None, 1) for line in Path(sys.argv[3]).read_text().splitlines() if line)
rows = sum(1 for _ in store.query(Path(sys.argv[2]).read_text(), prefixes=prefixes))
print(rows)
"""


def timed(command, timeout):
    started = time.monotonic()
    try:
        out = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return float("inf"), None
    elapsed = time.monotonic() - started
    if out.returncode != 0:
        sys.exit(f"{command}: {out.stderr.strip()}")
    return elapsed, out.stdout


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("store")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--baseline-rev", default="e52790f")
    parser.add_argument("--timeout", type=float, default=300)
    args = parser.parse_args()
    python = str(VENV / "bin" / "python")
    live = Path(args.store) / "current"
    work = Path(os.environ.get("TMPDIR", "/tmp")) / f"questions-{os.getpid()}"
    work.mkdir(parents=True, exist_ok=True)
    # The REPL's default prefixes (".prefixes"), for pyoxigraph.
    listed = subprocess.run([str(BIN), "--store", args.store, "repl"], input=".prefixes\n",
                            capture_output=True, text=True, check=True)
    prefix_file = work / "prefixes.txt"
    prefix_file.write_text("".join(f"{name.rstrip(':')} {iri.strip('<>')}\n"
                                   for name, iri in (line.split() for line in listed.stdout.splitlines() if line)))
    print("| question | reformkg (new text) | rows | pyoxigraph (baseline text) | rows |")
    print("|---|---|---|---|---|")
    for query in sorted((ROOT / "queries").glob("*.rq")):
        name = query.stem
        baseline = subprocess.run(["git", "show", f"{args.baseline_rev}:queries/{name}.rq"],
                                  cwd=ROOT, capture_output=True, text=True)
        baseline_file = work / f"{name}.rq"
        baseline_file.write_text(baseline.stdout)
        ours, theirs, our_rows, their_rows = [], [], None, None
        for _ in range(args.repeat):
            t, out = timed([str(BIN), "--store", args.store, "query", name, "--format", "csv",
                            "--timeout", str(int(args.timeout))], args.timeout + 5)
            ours.append(t)
            our_rows = None if out is None else out.count("\n") - 1
            if baseline.returncode == 0:
                t, out = timed([python, "-c", PYOXIGRAPH, str(live), str(baseline_file), str(prefix_file)],
                               args.timeout)
                theirs.append(t)
                their_rows = None if out is None else int(out)
        fmt = lambda xs: "–" if not xs else ("timeout" if statistics.median(xs) == float("inf") else f"{statistics.median(xs):.2f} s")
        print(f"| {name} | {fmt(ours)} | {our_rows} | {fmt(theirs)} | {their_rows} |", flush=True)


if __name__ == "__main__":
    main()
