//! Graphviz diagrams of the graph (issue 5 builds it out).
