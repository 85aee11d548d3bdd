"""Query a SPARQL endpoint through rdflib's SPARQLStore (an independent
client) and print each row of the answer, tab-separated. Used by
tests/serve.rs.

usage: sparqlstore_rows.py ENDPOINT QUERY
"""
import sys

from rdflib import Graph
from rdflib.plugins.stores.sparqlstore import SPARQLStore


def main() -> int:
    endpoint, query = sys.argv[1], sys.argv[2]
    graph = Graph(store=SPARQLStore(endpoint))
    for row in graph.query(query):
        print("\t".join(str(value) for value in row))
    return 0


if __name__ == "__main__":
    sys.exit(main())
