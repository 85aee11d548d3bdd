"""Parse an RDF file with rdflib (an independent implementation) and print
how many statements it holds. Used by tests/export_rdflib.rs.

usage: rdflib_count.py FILE FORMAT   (FORMAT: an rdflib parser name)
"""
import sys

import rdflib


def main() -> int:
    path, fmt = sys.argv[1], sys.argv[2]
    if fmt in ("nquads", "trig"):
        graph = rdflib.Dataset()
        graph.parse(path, format=fmt)
        count = sum(len(g) for g in graph.graphs())
    else:
        graph = rdflib.Graph()
        graph.parse(path, format=fmt)
        count = len(graph)
    print(count)
    return 0


if __name__ == "__main__":
    sys.exit(main())
