#!/usr/bin/env python3
"""Latency of `reformkg serve`, side by side with Oxigraph's own server
(`oxigraph serve-read-only`, the PyPI `oxigraph` 0.5.13 binary) on the same
store files, and of the explorer's pages.

usage: benches/serve.py STORE_DIR [--requests N]
Each endpoint figure is the median (and 90th percentile) over N requests on
one kept-alive connection, the two servers interleaved request by request.
Oxigraph gets the same query text with the REPL's default prefixes declared.
Set BENCH_VENV to the venv holding the `oxigraph` binary and CARGO_TARGET_DIR
to where a release `reformkg` is.
"""
import argparse
import http.client
import os
import socket
import statistics
import subprocess
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
BIN = TARGET / "release" / "reformkg"
VENV = Path(os.environ.get("BENCH_VENV", "/var/tmp/reformkg-bench-venv"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port):
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"nothing listens on {port}")


def request(conn, path, body=None):
    started = time.perf_counter()
    headers = {"Accept": "application/sparql-results+json"}
    if body is None:
        conn.request("GET", path, headers=headers)
    else:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request("POST", path, body=urllib.parse.urlencode({"query": body}), headers=headers)
    response = conn.getresponse()
    data = response.read()
    elapsed = (time.perf_counter() - started) * 1000
    if response.status != 200:
        raise SystemExit(f"{path}: {response.status} {data[:200]!r}")
    return elapsed


def summary(times):
    times = sorted(times)
    p90 = times[int(len(times) * 0.9) - 1]
    return f"{statistics.median(times):.1f} ms (p90 {p90:.1f})"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("store")
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()

    listed = subprocess.run([str(BIN), "--store", args.store, "repl"], input=".prefixes\n",
                            capture_output=True, text=True, check=True)
    prologue = "".join(f"PREFIX {name} {iri}\n"
                       for name, iri in (line.split() for line in listed.stdout.splitlines() if line))

    ours = free_port()
    theirs = free_port()
    reformkg = subprocess.Popen([str(BIN), "--store", args.store, "serve", "--bind", f"127.0.0.1:{ours}"],
                                stderr=subprocess.DEVNULL)
    oxigraph = subprocess.Popen([str(VENV / "bin" / "oxigraph"), "serve-read-only", "--location",
                                 str(Path(args.store) / "current"), "--bind", f"127.0.0.1:{theirs}"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(ours)
        wait_for(theirs)
        a = http.client.HTTPConnection("127.0.0.1", ours)
        b = http.client.HTTPConnection("127.0.0.1", theirs)
        questions = [("count cases", "SELECT (COUNT(?c) AS ?n) WHERE { ?c a rk:Case }")]
        questions += [(q.stem, q.read_text()) for q in sorted((ROOT / "queries").glob("*.rq"))]
        print("| request | reformkg serve | oxigraph serve-read-only |")
        print("|---|---|---|")
        for name, text in questions:
            ours_t, theirs_t = [], []
            for _ in range(args.requests):
                ours_t.append(request(a, "/sparql", text))
                theirs_t.append(request(b, "/query", prologue + text))
            print(f"| {name} | {summary(ours_t)} | {summary(theirs_t)} |")
        case = subprocess.run([str(BIN), "--store", args.store, "query", "--format", "csv",
                               "SELECT ?c WHERE { ?c a rk:Case ; rk:rank 3 } LIMIT 1"],
                              capture_output=True, text=True, check=True).stdout.splitlines()[1]
        local = urllib.parse.quote(case.rsplit("/", 1)[1], safe="")
        for name, path in [("home page /", "/"), ("case page", f"/case/{local}"),
                           ("query page", "/query-ui")]:
            times = [request(a, path) for _ in range(args.requests)]
            print(f"| {name} | {summary(times)} | – |")
    finally:
        reformkg.terminate()
        oxigraph.terminate()
        reformkg.wait()
        oxigraph.wait()


if __name__ == "__main__":
    main()
