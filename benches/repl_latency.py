#!/usr/bin/env python3
"""How soon the interactive REPL answers, on a built store: the time from
starting `reformkg repl` in a terminal (a pty) to the first answer of a
query typed at the prompt, and from pressing Tab after a partial name to
its completion appearing. Median of R runs.

usage: benches/repl_latency.py STORE_DIR [--repeat R]
"""
import argparse
import os
import pty
import select
import statistics
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")) / "release" / "reformkg"


def read_until(fd, needle, timeout=120):
    """Reads the terminal until `needle` appears; returns the time it took."""
    started, seen = time.monotonic(), b""
    while needle not in seen:
        left = timeout - (time.monotonic() - started)
        if left <= 0:
            raise TimeoutError(f"{needle!r} not seen; last output: {seen[-300:]!r}")
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            seen += os.read(fd, 65536)
    return time.monotonic() - started


def one_run(store):
    leader, follower = pty.openpty()
    started = time.monotonic()
    proc = subprocess.Popen([str(BIN), "--store", store, "repl"], stdin=follower,
                            stdout=follower, stderr=follower, env={**os.environ, "TERM": "xterm"})
    os.close(follower)
    try:
        read_until(leader, b"> ")
        os.write(leader, "SELECT (COUNT(*) AS ?cases) WHERE { ?c a rk:Case } ;\r".encode())
        read_until(leader, b"1 row")
        first_answer = time.monotonic() - started
        os.write(leader, b"SELECT * WHERE { ?c rk:usesMech")
        time.sleep(0.05)
        pressed = time.monotonic()
        os.write(leader, b"\t")
        read_until(leader, b"anism")
        first_tab = time.monotonic() - pressed
        os.write(leader, b"\x03")  # Ctrl-C: drop the line
        read_until(leader, b"> ")
        os.write(leader, b"\x04")  # Ctrl-D: quit
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(leader)
    return first_answer, first_tab


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("store")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    runs = [one_run(args.store) for _ in range(args.repeat)]
    print(f"first answer: {statistics.median(r[0] for r in runs) * 1000:.0f} ms; "
          f"first Tab: {statistics.median(r[1] for r in runs) * 1000:.0f} ms "
          f"(median of {args.repeat}; the Tab completes rk:usesMech to rk:usesMechanism)")


if __name__ == "__main__":
    main()
