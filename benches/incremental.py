#!/usr/bin/env python3
"""Times a rebuild after adding one document against a full build (issue 11).

  benches/incremental.py BIN KIND N [RUNS]

KIND and N as for gen_corpus.py. Writes N+1 documents, then per run:
  full        a build of N documents into a new store, --no-cache
  cold        the same with the cache (it writes every entry)
  add one     the N+1 documents into that store: only the new one is read
              and added to the previous version
  whole       back to N documents (one removed): a whole build, every
              document from the cache
Prints the median wall time and peak RSS of each (GNU time), and checks
that the store after `add one` exports the same N-Quads as a full build of
the N+1 documents.
"""
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent


def timed(cmd):
    out = subprocess.run(
        ["/usr/bin/time", "-f", "%e %M"] + cmd, capture_output=True, text=True, check=True
    )
    seconds, kib = out.stderr.strip().splitlines()[-1].split()
    return float(seconds), int(kib) // 1024, out.stderr


def export(binary, store, path):
    subprocess.run([binary, "--store", store, "export", "--format", "nquads", "-o", path],
                   check=True, capture_output=True)
    return Path(path).read_bytes()


def main():
    if len(sys.argv) not in (4, 5):
        sys.exit(__doc__)
    binary, kind, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    runs = int(sys.argv[4]) if len(sys.argv) == 5 else 3
    with tempfile.TemporaryDirectory(dir="/var/tmp") as tmp:
        tmp = Path(tmp)
        subprocess.run([sys.executable, HERE / "gen_corpus.py", kind, str(n + 1), tmp / "all"],
                       check=True)
        docs = sorted((tmp / "all").iterdir())
        small = tmp / "small"
        small.mkdir()
        for doc in docs[:n]:
            (small / doc.name).write_bytes(doc.read_bytes())
        results = {k: [] for k in ("full", "cold", "add one", "whole")}
        for run in range(runs):
            full, cached = str(tmp / f"full{run}"), str(tmp / f"cached{run}")
            results["full"].append(timed([binary, "--store", full, "build", "--no-cache", small]))
            results["cold"].append(timed([binary, "--store", cached, "build", small]))
            added = timed([binary, "--store", cached, "build", tmp / "all"])
            assert "added to the previous version" in added[2], added[2]
            results["add one"].append(added)
            if run == 0:
                reference = str(tmp / "reference")
                subprocess.run([binary, "--store", reference, "build", "--no-cache", tmp / "all"],
                               check=True, capture_output=True)
                same = export(binary, cached, tmp / "a.nq") == export(binary, reference, tmp / "b.nq")
                print(f"export after adding one == full build of {n + 1}: {same}")
                assert same
            results["whole"].append(timed([binary, "--store", cached, "build", small]))
        print(f"{kind} N={n}, {runs} runs, medians")
        for name, values in results.items():
            seconds = statistics.median(v[0] for v in values)
            peak = int(statistics.median(v[1] for v in values))
            print(f"  {name:8} {seconds:6.2f} s  {peak:5d} MiB  (runs: {[v[0] for v in values]})")


if __name__ == "__main__":
    main()
