#!/usr/bin/env python3
"""reformkg build and export against the tools a user would otherwise use, side by side.

For each N, a corpus of N documents of 20 cases (benches/gen_corpus.py) is
built by the release binary; its export (N-Quads) is then loaded by
pyoxigraph's bulk loader (Oxigraph's own, from Python) and parsed by rdflib.
The runs are interleaved (reformkg, pyoxigraph, rdflib, reformkg, …) so that
a busy machine slows them alike; each is timed by GNU time (wall seconds and
peak RSS). Medians are printed as a Markdown table.

usage: benches/scale.py [--kind twins|recombined] [--repeat R]
                        [--rdflib-max N] [--queries] N [N ...]
Needs: cargo, /usr/bin/time (Debian `time`), python3 -m venv. Installs
pyoxigraph 0.5.13 and rdflib into a venv under $BENCH_VENV (default
/var/tmp/reformkg-bench-venv). Absolute times are this machine's.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = Path(os.environ.get("BENCH_VENV", "/var/tmp/reformkg-bench-venv"))
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
BIN = TARGET / "release" / "reformkg"

PYOXIGRAPH_LOAD = """
import sys, pyoxigraph
store = pyoxigraph.Store(sys.argv[2])
store.bulk_load(path=sys.argv[1], format=pyoxigraph.RdfFormat.N_QUADS)
store.flush()
"""
RDFLIB_PARSE = """
import sys, rdflib
graph = rdflib.Dataset()
graph.parse(sys.argv[1], format="nquads")
"""


def venv_python():
    python = VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    probe = subprocess.run([str(python), "-c", "import pyoxigraph, rdflib"], capture_output=True)
    if probe.returncode != 0:
        subprocess.run([str(python), "-m", "pip", "install", "-q", "pyoxigraph==0.5.13", "rdflib"], check=True)
    return str(python)


def timed(command, stdout=subprocess.DEVNULL):
    """Runs `command` under GNU time: (wall seconds, peak RSS in MiB)."""
    with tempfile.NamedTemporaryFile("r") as report:
        done = subprocess.run(["/usr/bin/time", "-f", "%e %M", "-o", report.name, *command],
                              stdout=stdout, stderr=subprocess.PIPE, text=True)
        if done.returncode != 0:
            sys.exit(f"{' '.join(command)} failed ({done.returncode}): {done.stderr.strip()[-2000:]}")
        seconds, kib = report.read().split()[-2:]
    return float(seconds), int(kib) / 1024


def run_size(n, args, python, work):
    corpus = work / f"corpus-{n}"
    subprocess.run([sys.executable, str(ROOT / "benches" / "gen_corpus.py"), args.kind, str(n), str(corpus)], check=True)
    nquads = work / f"export-{n}.nq"
    runs = {"build": [], "export": [], "pyoxigraph": [], "rdflib": []}
    for rep in range(args.repeat):
        store = work / f"store-{n}-{rep}"
        runs["build"].append(timed([str(BIN), "--store", str(store), "build", str(corpus)]))
        with open(nquads, "wb") as out:
            runs["export"].append(timed([str(BIN), "--store", str(store), "export", "--format", "nquads"], stdout=out))
        py_store = work / f"pyox-{n}-{rep}"
        runs["pyoxigraph"].append(timed([python, "-c", PYOXIGRAPH_LOAD, str(nquads), str(py_store)]))
        if n <= args.rdflib_max:
            runs["rdflib"].append(timed([python, "-c", RDFLIB_PARSE, str(nquads)]))
        shutil.rmtree(py_store, ignore_errors=True)
        if rep + 1 < args.repeat:
            shutil.rmtree(store, ignore_errors=True)
    with open(nquads, "rb") as f:
        quads = sum(1 for _ in f)
    shutil.rmtree(corpus, ignore_errors=True)
    return quads, runs, work / f"store-{n}-{args.repeat - 1}"


def median(pairs, i):
    return statistics.median(p[i] for p in pairs) if pairs else float("nan")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sizes", nargs="+", type=int)
    parser.add_argument("--kind", choices=["twins", "recombined"], default="twins")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--rdflib-max", type=int, default=100, help="largest N that rdflib parses (it is slow)")
    parser.add_argument("--keep", help="keep the last store of the largest N here")
    args = parser.parse_args()
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    python = venv_python()
    print(f"| N ({args.kind}) | cases | quads | reformkg build | pyoxigraph bulk load | ratio | rdflib parse | build peak RSS | pyoxigraph peak | export nquads | export peak |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMP")) as tmp:
        work = Path(tmp)
        for n in args.sizes:
            quads, runs, last_store = run_size(n, args, python, work)
            build, pyox = median(runs["build"], 0), median(runs["pyoxigraph"], 0)
            rdflib = median(runs["rdflib"], 0)
            print(f"| {n} | {20 * n:,} | {quads:,} | {build:.2f} s | {pyox:.2f} s | {build / pyox:.2f} | "
                  + (f"{rdflib:.1f} s" if runs["rdflib"] else "–")
                  + f" | {median(runs['build'], 1):,.0f} MiB | {median(runs['pyoxigraph'], 1):,.0f} MiB"
                  + f" | {median(runs['export'], 0):.2f} s | {median(runs['export'], 1):,.0f} MiB |", flush=True)
            if args.keep and n == max(args.sizes):
                shutil.rmtree(args.keep, ignore_errors=True)
                shutil.move(str(last_store), args.keep)
            for store in work.glob(f"store-{n}-*"):
                shutil.rmtree(store, ignore_errors=True)


if __name__ == "__main__":
    main()
