#!/usr/bin/env python3
"""`reformkg push` into real engines, side by side with what a user would
otherwise do (`reformkg export` to N-Triples, then one HTTP upload of the
file with curl), and remote query latency against the local store.

usage: benches/push.py STORE_DIR [--seed-store DIR] [--skip-update]

STORE_DIR is pushed into a throwaway Virtuoso 7.2 (Graph Store Protocol,
one graph per collection; and SPARQL Update into one graph unless
--skip-update) and into an Oxigraph server (Graph Store Protocol). Every
push is checked by counting the triples the engine then holds. With
--seed-store, each saved query is timed through `reformkg query` against
the local store and against both engines holding that store (median of 5
runs, whole process included).

Set CARGO_TARGET_DIR to where a release `reformkg` is; REFORMKG_TOOLS to
the folder whose venv has the `oxigraph` binary (scripts/deps.sh
--with-test-tools makes it). Needs virtuoso-t, isql-vt and curl.
"""
import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
BIN = TARGET / "release" / "reformkg"
TOOLS = Path(os.environ.get("REFORMKG_TOOLS", "/var/tmp/reformkg-tools"))
OXIGRAPH = TOOLS / "venv" / "bin" / "oxigraph"
OURS = 'STRSTARTS(STR(?g), "https://w3id.org/reformkg/id/graph/")'


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(url, what):
    for _ in range(600):
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"{what} did not come up at {url}")


def run(args, **kw):
    started = time.perf_counter()
    result = subprocess.run(args, capture_output=True, text=True, **kw)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, args))}: {result.stderr.strip()[:500]}")
    return elapsed, result


def remote_count(endpoint, graph_filter):
    sparql = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER({graph_filter}) }}"
    _, r = run([BIN, "query", "--endpoint", endpoint, "--format", "csv", sparql])
    return int(r.stdout.splitlines()[1])


def local_count(store):
    _, r = run([BIN, "--store", store, "query", "--format", "csv",
                "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"])
    return int(r.stdout.splitlines()[1])


class Virtuoso:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="bench-virtuoso-")
        self.sql, self.http = free_port(), free_port()
        d = self.dir
        Path(d, "virtuoso.ini").write_text(f"""[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0
[Parameters]
ServerPort = 127.0.0.1:{self.sql}
DisableUnixSocket = 1
ServerThreads = 10
CheckpointInterval = 60
NumberOfBuffers = 170000
MaxDirtyBuffers = 130000
DirsAllowed = .
[HTTPServer]
ServerPort = 127.0.0.1:{self.http}
ServerRoot = {d}
ServerThreads = 10
MaxClientConnections = 10
[SPARQL]
ResultSetMaxRows = 10000000
MaxQueryExecutionTime = 600
""")
        subprocess.run(["virtuoso-t", "+configfile", "virtuoso.ini", "+wait"], cwd=d, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.sparql = f"http://127.0.0.1:{self.http}/sparql"
        self.graph_store = f"http://127.0.0.1:{self.http}/sparql-graph-crud"
        wait_up(self.sparql + "?query=ASK%7B%7D", "Virtuoso")
        subprocess.run(["isql-vt", f"127.0.0.1:{self.sql}", "dba", "dba",
                        'exec=grant SPARQL_UPDATE to "SPARQL";'], check=True, capture_output=True)

    def stop(self):
        subprocess.run(["isql-vt", f"127.0.0.1:{self.sql}", "dba", "dba", "-K"],
                       capture_output=True)
        time.sleep(2)
        shutil.rmtree(self.dir, ignore_errors=True)


class OxigraphServer:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="bench-oxigraph-")
        port = free_port()
        self.proc = subprocess.Popen([OXIGRAPH, "serve", "--location", self.dir, "--bind",
                                      f"127.0.0.1:{port}", "--union-default-graph"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.query = f"http://127.0.0.1:{port}/query"
        self.graph_store = f"http://127.0.0.1:{port}/store"
        self.update = f"http://127.0.0.1:{port}/update"
        wait_up(self.query + "?query=ASK%7B%7D", "oxigraph serve")

    def stop(self):
        self.proc.terminate()
        self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


def upload(url, graph, path):
    target = f"{url}?{urllib.parse.urlencode({'graph': graph})}"
    return run(["curl", "-sS", "-f", "-X", "PUT", "-H", "Content-Type: application/n-triples",
                "--data-binary", f"@{path}", target])[0]


def push_row(label, seconds, triples, checked):
    rate = triples / seconds if seconds else 0
    ok = "yes" if checked == triples else f"NO ({checked})"
    print(f"| {label} | {seconds:.1f} s | {rate:,.0f} | {ok} |", flush=True)


def bench_push(store, skip_update):
    triples = local_count(store)
    print(f"\n{store}: {triples:,} triples\n")
    print("| what | time | triples/s | engine holds them all |")
    print("|---|---|---|---|")
    work = tempfile.mkdtemp(prefix="bench-push-")
    nt = Path(work, "graph.nt")
    export_s, _ = run([BIN, "--store", store, "export", "--format", "ntriples", "-o", nt])
    push_row("`reformkg export --format ntriples` (for comparison)", export_s, triples, triples)
    virtuoso = Virtuoso()
    try:
        s, _ = run([BIN, "--store", store, "push", "--endpoint", virtuoso.graph_store,
                    "--graph-per-collection"])
        push_row("Virtuoso: `push --endpoint …/sparql-graph-crud --graph-per-collection`",
                 s, triples, remote_count(virtuoso.sparql, OURS))
        s, _ = run([BIN, "--store", store, "push", "--endpoint", virtuoso.graph_store,
                    "--graph-per-collection"])
        push_row("Virtuoso: the same push again (replaces)", s, triples,
                 remote_count(virtuoso.sparql, OURS))
        s, _ = run([BIN, "--store", store, "push", "--endpoint", virtuoso.graph_store,
                    "--update", virtuoso.sparql, "--graph-per-collection"])
        push_row("Virtuoso: the same with `--update …/sparql` (staged, one MOVE a graph)",
                 s, triples, remote_count(virtuoso.sparql, OURS))
        g = "https://example.org/bench-upload"
        s = upload(virtuoso.graph_store, g, nt)
        push_row("Virtuoso: export + one `curl -X PUT` of the N-Triples file",
                 export_s + s, triples, remote_count(virtuoso.sparql, f"?g = <{g}>"))
        if not skip_update:
            g = "https://example.org/bench-update"
            s, _ = run([BIN, "--store", store, "push", "--update", virtuoso.sparql, "--graph", g])
            push_row("Virtuoso: `push --update …/sparql` (INSERT DATA, 1,000 a request, staged)", s,
                     triples, remote_count(virtuoso.sparql, f"?g = <{g}>"))
    finally:
        virtuoso.stop()
    server = OxigraphServer()
    try:
        s, _ = run([BIN, "--store", store, "push", "--endpoint", server.graph_store,
                    "--graph-per-collection"])
        push_row("Oxigraph server: `push --endpoint …/store --graph-per-collection`", s,
                 triples, remote_count(server.query, OURS))
        s, _ = run([BIN, "--store", store, "push", "--endpoint", server.graph_store,
                    "--update", server.update, "--graph-per-collection"])
        push_row("Oxigraph server: the same with `--update …/update` (staged)", s,
                 triples, remote_count(server.query, OURS))
        g = "https://example.org/bench-upload"
        s = upload(server.graph_store, g, nt)
        push_row("Oxigraph server: export + one `curl -X PUT` of the N-Triples file",
                 export_s + s, triples, remote_count(server.query, f"?g = <{g}>"))
    finally:
        server.stop()
    shutil.rmtree(work, ignore_errors=True)


def median_query(args):
    times = [run(args)[0] * 1000 for _ in range(5)]
    return statistics.median(times)


def bench_latency(seed):
    names = sorted(p.stem for p in (ROOT / "queries").glob("*.rq"))
    virtuoso, server = Virtuoso(), OxigraphServer()
    try:
        for endpoint in (virtuoso.graph_store, server.graph_store):
            run([BIN, "--store", seed, "push", "--endpoint", endpoint, "--graph-per-collection"])
        print("\nSaved queries through `reformkg query` (median of 5, whole process, ms)\n")
        print("| query | local store | Virtuoso | Oxigraph server |")
        print("|---|---|---|---|")
        for name in names:
            local = median_query([BIN, "--store", seed, "query", name, "--format", "csv"])
            v = median_query([BIN, "query", "--endpoint", virtuoso.sparql, name, "--format", "csv"])
            o = median_query([BIN, "query", "--endpoint", server.query, name, "--format", "csv"])
            print(f"| {name} | {local:.0f} | {v:.0f} | {o:.0f} |", flush=True)
    finally:
        virtuoso.stop()
        server.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store")
    parser.add_argument("--seed-store")
    parser.add_argument("--skip-update", action="store_true")
    args = parser.parse_args()
    if not BIN.exists():
        sys.exit(f"no release binary at {BIN}: cargo build --release")
    bench_push(args.store, args.skip_update)
    if args.seed_store:
        bench_latency(args.seed_store)


if __name__ == "__main__":
    main()
