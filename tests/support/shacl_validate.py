"""Validate an RDF file against ontology/shapes.ttl with pySHACL (an
independent SHACL engine). Prints the report; exits 0 when the data
conforms, 1 when it does not. Used by tests/shacl.rs.

usage: shacl_validate.py DATA.ttl SHAPES.ttl
"""
import sys

import pyshacl
import rdflib


def main() -> int:
    data = rdflib.Graph().parse(sys.argv[1])
    shapes = rdflib.Graph().parse(sys.argv[2])
    conforms, _, report = pyshacl.validate(data, shacl_graph=shapes, inference="none")
    print(report)
    return 0 if conforms else 1


if __name__ == "__main__":
    sys.exit(main())
