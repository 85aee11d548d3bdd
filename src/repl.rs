//! The interactive SPARQL shell (issue 4 builds it out).
