"""Validate RDF against ontology/shapes.ttl with pySHACL (an independent
SHACL engine). Used by tests/shacl.rs and tests/validate.rs.

usage:
  shacl_validate.py DATA SHAPES
      prints pySHACL's report; exits 0 when the data conforms, 1 when not.
  shacl_validate.py --results SHAPES DATA...
      validates the union of the DATA files and prints one line per
      result, sorted and deduplicated: focus node, path, source constraint
      component and value, tab-separated (N3 terms, - when absent; an
      inverse path as ^<iri>). Nested (sh:detail) results are left out.
  shacl_validate.py --report REPORT
      prints the same lines for a sh:ValidationReport graph written by
      another validator (`reformkg validate --format turtle`).
"""
import sys

import pyshacl
import rdflib
from rdflib.namespace import SH


def path_text(graph, path):
    if path is None:
        return "-"
    if isinstance(path, rdflib.BNode):
        inverse = graph.value(path, SH.inversePath)
        if inverse is not None:
            return "^" + path_text(graph, inverse)
        return "(complex path)"
    return path.n3()


def result_lines(graph):
    lines = set()
    # Only the report's own results (sh:result), not nested sh:detail ones.
    results = [
        result
        for report in graph.subjects(rdflib.RDF.type, SH.ValidationReport)
        for result in graph.objects(report, SH.result)
    ]
    for result in results:
        focus = graph.value(result, SH.focusNode)
        path = path_text(graph, graph.value(result, SH.resultPath))
        component = graph.value(result, SH.sourceConstraintComponent)
        value = graph.value(result, SH.value)
        value = "-" if value is None else value.n3()
        lines.add(f"{focus.n3()}\t{path}\t{component.n3()}\t{value}")
    return sorted(lines)


def main() -> int:
    if sys.argv[1] == "--report":
        report = rdflib.Graph().parse(sys.argv[2])
        print("\n".join(result_lines(report)))
        return 0
    if sys.argv[1] == "--results":
        shapes = rdflib.Graph().parse(sys.argv[2])
        data = rdflib.Graph()
        for name in sys.argv[3:]:
            data.parse(name)
        conforms, results, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none")
        print("\n".join(result_lines(results)))
        return 0 if conforms else 1
    data = rdflib.Graph().parse(sys.argv[1])
    shapes = rdflib.Graph().parse(sys.argv[2])
    conforms, _, report = pyshacl.validate(data, shacl_graph=shapes, inference="none")
    print(report)
    return 0 if conforms else 1


if __name__ == "__main__":
    sys.exit(main())
