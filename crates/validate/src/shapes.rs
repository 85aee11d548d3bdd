//! The shapes graph read into [`Shapes`]: SHACL Core and SPARQL-based
//! (SELECT) constraints. Any other SHACL term is refused by name, so no
//! feature of a shapes file is ever silently ignored.

use crate::path::Path;
use crate::vocab::{sh, sh_local, RDFS_CLASS, RDF_FIRST, RDF_NIL, RDF_REST, RDF_TYPE};
use oxigraph::model::{
    Graph, Literal, NamedNode, NamedOrBlankNode, NamedOrBlankNodeRef, Term, TermRef,
};
use std::collections::HashMap;

/// Why a shapes graph cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ShapesError {
    #[error("the shapes use {0}, which reformkg validate does not implement")]
    Unsupported(String),
    #[error("malformed shapes: {0}")]
    Malformed(String),
}

/// The SHACL terms this validator implements. Anything else in the SHACL
/// namespace, as a predicate or a type, makes the shapes graph refused.
const KNOWN_PREDICATES: &[&str] = &[
    // targets
    "targetClass",
    "targetNode",
    "targetSubjectsOf",
    "targetObjectsOf",
    // shapes
    "path",
    "property",
    "node",
    "not",
    "and",
    "or",
    "xone",
    "severity",
    "message",
    "deactivated",
    "name",
    "description",
    "order",
    "group",
    "defaultValue",
    // core constraint parameters
    "class",
    "datatype",
    "nodeKind",
    "minCount",
    "maxCount",
    "minExclusive",
    "minInclusive",
    "maxExclusive",
    "maxInclusive",
    "minLength",
    "maxLength",
    "pattern",
    "flags",
    "languageIn",
    "uniqueLang",
    "equals",
    "disjoint",
    "lessThan",
    "lessThanOrEquals",
    "qualifiedValueShape",
    "qualifiedMinCount",
    "qualifiedMaxCount",
    "qualifiedValueShapesDisjoint",
    "closed",
    "ignoredProperties",
    "hasValue",
    "in",
    // paths
    "inversePath",
    "alternativePath",
    "zeroOrMorePath",
    "oneOrMorePath",
    "zeroOrOnePath",
    // SPARQL-based constraints (SELECT) and their prefixes
    "sparql",
    "select",
    "prefixes",
    "declare",
    "prefix",
    "namespace",
];
const KNOWN_TYPES: &[&str] = &[
    "NodeShape",
    "PropertyShape",
    "Shape",
    "SPARQLConstraint",
    "PrefixDeclaration",
    "PropertyGroup",
];

/// A parsed shapes graph.
#[derive(Debug, Clone)]
pub struct Shapes {
    pub(crate) shapes: Vec<Shape>,
    /// The prefixes the shapes file declared (to name its shapes in a report).
    pub prefixes: Vec<(String, String)>,
}

#[derive(Debug, Clone)]
pub(crate) struct Shape {
    pub id: NamedOrBlankNode,
    pub path: Option<Path>,
    pub targets: Vec<Target>,
    pub constraints: Vec<Constraint>,
    pub severity: NamedNode,
    pub messages: Vec<Literal>,
    pub deactivated: bool,
}

#[derive(Debug, Clone)]
pub(crate) enum Target {
    Class(NamedNode),
    Node(Term),
    SubjectsOf(NamedNode),
    ObjectsOf(NamedNode),
}

/// An index into [`Shapes::shapes`].
pub(crate) type ShapeRef = usize;

#[derive(Debug, Clone)]
pub(crate) enum Constraint {
    Class(NamedNode),
    Datatype(NamedNode),
    NodeKind(NamedNode),
    MinCount(u64),
    MaxCount(u64),
    Range(Range, Term),
    MinLength(u64),
    MaxLength(u64),
    Pattern { pattern: String, flags: String },
    LanguageIn(Vec<String>),
    UniqueLang,
    Pair(Pair, NamedNode),
    Not(ShapeRef),
    And(Vec<ShapeRef>),
    Or(Vec<ShapeRef>),
    Xone(Vec<ShapeRef>),
    Node(ShapeRef),
    Property(ShapeRef),
    Qualified(Qualified),
    Closed { allowed: Vec<NamedNode> },
    HasValue(Term),
    In(Vec<Term>),
    Sparql(SparqlConstraint),
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum Range {
    MinExclusive,
    MinInclusive,
    MaxExclusive,
    MaxInclusive,
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum Pair {
    Equals,
    Disjoint,
    LessThan,
    LessThanOrEquals,
}

#[derive(Debug, Clone)]
pub(crate) struct Qualified {
    pub shape: ShapeRef,
    pub min: Option<u64>,
    pub max: Option<u64>,
    /// The sibling qualified value shapes a value must not conform to
    /// (`sh:qualifiedValueShapesDisjoint true`).
    pub siblings: Vec<ShapeRef>,
}

#[derive(Debug, Clone)]
pub(crate) struct SparqlConstraint {
    pub node: NamedOrBlankNode,
    /// The SELECT query with its PREFIX lines prepended.
    pub select: String,
    pub messages: Vec<Literal>,
    pub deactivated: bool,
}

impl Constraint {
    /// The IRI of the constraint component, `sh:…ConstraintComponent`.
    pub fn component(&self) -> NamedNode {
        let name = match self {
            Constraint::Class(_) => "Class",
            Constraint::Datatype(_) => "Datatype",
            Constraint::NodeKind(_) => "NodeKind",
            Constraint::MinCount(_) => "MinCount",
            Constraint::MaxCount(_) => "MaxCount",
            Constraint::Range(Range::MinExclusive, _) => "MinExclusive",
            Constraint::Range(Range::MinInclusive, _) => "MinInclusive",
            Constraint::Range(Range::MaxExclusive, _) => "MaxExclusive",
            Constraint::Range(Range::MaxInclusive, _) => "MaxInclusive",
            Constraint::MinLength(_) => "MinLength",
            Constraint::MaxLength(_) => "MaxLength",
            Constraint::Pattern { .. } => "Pattern",
            Constraint::LanguageIn(_) => "LanguageIn",
            Constraint::UniqueLang => "UniqueLang",
            Constraint::Pair(Pair::Equals, _) => "Equals",
            Constraint::Pair(Pair::Disjoint, _) => "Disjoint",
            Constraint::Pair(Pair::LessThan, _) => "LessThan",
            Constraint::Pair(Pair::LessThanOrEquals, _) => "LessThanOrEquals",
            Constraint::Not(_) => "Not",
            Constraint::And(_) => "And",
            Constraint::Or(_) => "Or",
            Constraint::Xone(_) => "Xone",
            Constraint::Node(_) => "Node",
            Constraint::Property(_) => "Property",
            Constraint::Qualified(q) if q.min.is_some() => "QualifiedMinCount",
            Constraint::Qualified(_) => "QualifiedMaxCount",
            Constraint::Closed { .. } => "Closed",
            Constraint::HasValue(_) => "HasValue",
            Constraint::In(_) => "In",
            Constraint::Sparql(_) => "SPARQL",
        };
        sh(&format!("{name}ConstraintComponent"))
    }
}

impl Shapes {
    /// Reads every shape of a shapes graph, refusing SHACL features this
    /// validator does not implement.
    pub fn from_graph(graph: &Graph) -> Result<Shapes, ShapesError> {
        refuse_unknown_terms(graph)?;
        let mut reader = Reader {
            graph,
            index: HashMap::new(),
            shapes: Vec::new(),
        };
        for root in roots(graph) {
            reader.shape(root.as_ref())?;
        }
        let mut next = 0;
        while next < reader.shapes.len() {
            let id = reader.shapes[next].id.clone();
            let shape = reader.parse(id.as_ref())?;
            reader.shapes[next] = shape;
            next += 1;
        }
        Ok(Shapes {
            shapes: reader.shapes,
            prefixes: Vec::new(),
        })
    }

    /// How many shapes were read (those reached from others included).
    pub fn len(&self) -> usize {
        self.shapes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.shapes.is_empty()
    }
}

/// Fails on the first SHACL predicate or type that is not implemented.
fn refuse_unknown_terms(graph: &Graph) -> Result<(), ShapesError> {
    for triple in graph.iter() {
        if let Some(local) = sh_local(triple.predicate) {
            if !KNOWN_PREDICATES.contains(&local) {
                return Err(ShapesError::Unsupported(format!("sh:{local}")));
            }
        }
        if triple.predicate == RDF_TYPE {
            if let TermRef::NamedNode(class) = triple.object {
                match sh_local(class) {
                    Some(local) if !KNOWN_TYPES.contains(&local) => {
                        return Err(ShapesError::Unsupported(format!("sh:{local}")))
                    }
                    _ => {}
                }
            }
        }
    }
    Ok(())
}

/// The shapes validation starts from: declared shapes and shapes with targets.
fn roots(graph: &Graph) -> Vec<NamedOrBlankNode> {
    let mut roots = Vec::new();
    for class in ["NodeShape", "PropertyShape"] {
        let class = sh(class);
        roots.extend(
            graph
                .subjects_for_predicate_object(RDF_TYPE, &class)
                .map(|s| s.into_owned()),
        );
    }
    for target in [
        "targetClass",
        "targetNode",
        "targetSubjectsOf",
        "targetObjectsOf",
    ] {
        let target = sh(target);
        roots.extend(
            graph
                .triples_for_predicate(&target)
                .map(|t| t.subject.into_owned()),
        );
    }
    roots.sort_by_cached_key(ToString::to_string);
    roots.dedup();
    roots
}

struct Reader<'a> {
    graph: &'a Graph,
    index: HashMap<NamedOrBlankNode, ShapeRef>,
    shapes: Vec<Shape>,
}

impl Reader<'_> {
    /// The index of a shape, registering it (to be parsed) the first time.
    fn shape(&mut self, node: NamedOrBlankNodeRef<'_>) -> Result<ShapeRef, ShapesError> {
        if let Some(&i) = self.index.get(&node.into_owned()) {
            return Ok(i);
        }
        let i = self.shapes.len();
        self.index.insert(node.into_owned(), i);
        self.shapes.push(Shape {
            id: node.into_owned(),
            path: None,
            targets: Vec::new(),
            constraints: Vec::new(),
            severity: sh("Violation"),
            messages: Vec::new(),
            deactivated: false,
        });
        Ok(i)
    }

    fn shape_term(&mut self, term: TermRef<'_>) -> Result<ShapeRef, ShapesError> {
        match term {
            TermRef::NamedNode(n) => self.shape(n.into()),
            TermRef::BlankNode(b) => self.shape(b.into()),
            _ => Err(ShapesError::Malformed(format!("{term} is not a shape"))),
        }
    }

    fn values(&self, node: NamedOrBlankNodeRef<'_>, local: &str) -> Vec<Term> {
        let predicate = sh(local);
        let mut values: Vec<Term> = self
            .graph
            .objects_for_subject_predicate(node, &predicate)
            .map(|o| o.into_owned())
            .collect();
        values.sort_by_cached_key(ToString::to_string);
        values
    }

    fn parse(&mut self, node: NamedOrBlankNodeRef<'_>) -> Result<Shape, ShapesError> {
        let path = match self.values(node, "path").as_slice() {
            [] => None,
            [one] => Some(Path::parse(self.graph, one.as_ref())?),
            _ => return Err(malformed(node, "has more than one sh:path")),
        };
        let severity = match self.values(node, "severity").as_slice() {
            [] => sh("Violation"),
            [Term::NamedNode(n)] => n.clone(),
            _ => return Err(malformed(node, "needs one IRI as sh:severity")),
        };
        Ok(Shape {
            id: node.into_owned(),
            path,
            targets: self.targets(node)?,
            constraints: self.constraints(node)?,
            severity,
            messages: literals(&self.values(node, "message")),
            deactivated: is_true(&self.values(node, "deactivated")),
        })
    }

    fn targets(&self, node: NamedOrBlankNodeRef<'_>) -> Result<Vec<Target>, ShapesError> {
        let mut targets = Vec::new();
        for value in self.values(node, "targetNode") {
            targets.push(Target::Node(value));
        }
        for (local, make) in [
            ("targetClass", Target::Class as fn(NamedNode) -> Target),
            ("targetSubjectsOf", Target::SubjectsOf),
            ("targetObjectsOf", Target::ObjectsOf),
        ] {
            for value in self.values(node, local) {
                targets.push(make(iri(node, local, &value)?));
            }
        }
        // An implicit class target: a shape that is also a class.
        if let NamedOrBlankNodeRef::NamedNode(n) = node {
            if self
                .graph
                .contains(oxigraph::model::TripleRef::new(n, RDF_TYPE, RDFS_CLASS))
            {
                targets.push(Target::Class(n.into_owned()));
            }
        }
        Ok(targets)
    }

    fn constraints(
        &mut self,
        node: NamedOrBlankNodeRef<'_>,
    ) -> Result<Vec<Constraint>, ShapesError> {
        let mut out = Vec::new();
        self.value_type(node, &mut out)?;
        self.counts(node, &mut out)?;
        self.strings(node, &mut out)?;
        self.pairs(node, &mut out)?;
        self.logical(node, &mut out)?;
        self.qualified(node, &mut out)?;
        self.other(node, &mut out)?;
        for value in self.values(node, "sparql") {
            out.push(Constraint::Sparql(self.sparql(node, &value)?));
        }
        Ok(out)
    }

    fn value_type(
        &self,
        node: NamedOrBlankNodeRef<'_>,
        out: &mut Vec<Constraint>,
    ) -> Result<(), ShapesError> {
        for value in self.values(node, "class") {
            out.push(Constraint::Class(iri(node, "class", &value)?));
        }
        for value in self.values(node, "datatype") {
            out.push(Constraint::Datatype(iri(node, "datatype", &value)?));
        }
        for value in self.values(node, "nodeKind") {
            out.push(Constraint::NodeKind(iri(node, "nodeKind", &value)?));
        }
        for (local, range) in [
            ("minExclusive", Range::MinExclusive),
            ("minInclusive", Range::MinInclusive),
            ("maxExclusive", Range::MaxExclusive),
            ("maxInclusive", Range::MaxInclusive),
        ] {
            for value in self.values(node, local) {
                out.push(Constraint::Range(range, value));
            }
        }
        Ok(())
    }

    fn counts(
        &self,
        node: NamedOrBlankNodeRef<'_>,
        out: &mut Vec<Constraint>,
    ) -> Result<(), ShapesError> {
        for (local, make) in [
            ("minCount", Constraint::MinCount as fn(u64) -> Constraint),
            ("maxCount", Constraint::MaxCount),
            ("minLength", Constraint::MinLength),
            ("maxLength", Constraint::MaxLength),
        ] {
            for value in self.values(node, local) {
                out.push(make(integer(node, local, &value)?));
            }
        }
        Ok(())
    }

    fn strings(
        &self,
        node: NamedOrBlankNodeRef<'_>,
        out: &mut Vec<Constraint>,
    ) -> Result<(), ShapesError> {
        let flags = match self.values(node, "flags").as_slice() {
            [] => String::new(),
            [Term::Literal(l)] => l.value().to_owned(),
            _ => return Err(malformed(node, "needs one string as sh:flags")),
        };
        for value in self.values(node, "pattern") {
            let Term::Literal(pattern) = value else {
                return Err(malformed(node, "needs a string as sh:pattern"));
            };
            out.push(Constraint::Pattern {
                pattern: pattern.value().to_owned(),
                flags: flags.clone(),
            });
        }
        for list in self.values(node, "languageIn") {
            let tags = list_items(self.graph, list.as_ref())?
                .iter()
                .map(|t| match t {
                    Term::Literal(l) => Ok(l.value().to_owned()),
                    _ => Err(malformed(node, "needs strings in sh:languageIn")),
                })
                .collect::<Result<_, _>>()?;
            out.push(Constraint::LanguageIn(tags));
        }
        if is_true(&self.values(node, "uniqueLang")) {
            out.push(Constraint::UniqueLang);
        }
        Ok(())
    }

    fn pairs(
        &self,
        node: NamedOrBlankNodeRef<'_>,
        out: &mut Vec<Constraint>,
    ) -> Result<(), ShapesError> {
        for (local, pair) in [
            ("equals", Pair::Equals),
            ("disjoint", Pair::Disjoint),
            ("lessThan", Pair::LessThan),
            ("lessThanOrEquals", Pair::LessThanOrEquals),
        ] {
            for value in self.values(node, local) {
                out.push(Constraint::Pair(pair, iri(node, local, &value)?));
            }
        }
        Ok(())
    }

    fn logical(
        &mut self,
        node: NamedOrBlankNodeRef<'_>,
        out: &mut Vec<Constraint>,
    ) -> Result<(), ShapesError> {
        for value in self.values(node, "not") {
            out.push(Constraint::Not(self.shape_term(value.as_ref())?));
        }
        for value in self.values(node, "node") {
            out.push(Constraint::Node(self.shape_term(value.as_ref())?));
        }
        for value in self.values(node, "property") {
            out.push(Constraint::Property(self.shape_term(value.as_ref())?));
        }
        for (local, make) in [
            ("and", Constraint::And as fn(Vec<ShapeRef>) -> Constraint),
            ("or", Constraint::Or),
            ("xone", Constraint::Xone),
        ] {
            for list in self.values(node, local) {
                let members = list_items(self.graph, list.as_ref())?
                    .iter()
                    .map(|m| self.shape_term(m.as_ref()))
                    .collect::<Result<_, _>>()?;
                out.push(make(members));
            }
        }
        Ok(())
    }

    fn qualified(
        &mut self,
        node: NamedOrBlankNodeRef<'_>,
        out: &mut Vec<Constraint>,
    ) -> Result<(), ShapesError> {
        let values = self.values(node, "qualifiedValueShape");
        if values.is_empty() {
            return Ok(());
        }
        let count = |local: &str| -> Result<Option<u64>, ShapesError> {
            match self.values(node, local).as_slice() {
                [] => Ok(None),
                [one] => integer(node, local, one).map(Some),
                _ => Err(malformed(node, &format!("has more than one sh:{local}"))),
            }
        };
        let (min, max) = (count("qualifiedMinCount")?, count("qualifiedMaxCount")?);
        let disjoint = is_true(&self.values(node, "qualifiedValueShapesDisjoint"));
        let siblings = if disjoint {
            self.sibling_qualified_shapes(node)
        } else {
            Vec::new()
        };
        for value in values {
            let shape = self.shape_term(value.as_ref())?;
            let siblings = siblings
                .iter()
                .filter(|s| **s != value)
                .map(|s| self.shape_term(s.as_ref()))
                .collect::<Result<Vec<_>, _>>()?;
            for (min, max) in [(min, None), (None, max)] {
                if min.is_some() || max.is_some() {
                    out.push(Constraint::Qualified(Qualified {
                        shape,
                        min,
                        max,
                        siblings: siblings.clone(),
                    }));
                }
            }
        }
        Ok(())
    }

    /// The qualified value shapes of the property shapes beside `node`
    /// (sh:property of the same parent shapes).
    fn sibling_qualified_shapes(&self, node: NamedOrBlankNodeRef<'_>) -> Vec<Term> {
        let property = sh("property");
        let qualified = sh("qualifiedValueShape");
        let mut siblings = Vec::new();
        for parent in self.graph.subjects_for_predicate_object(&property, node) {
            for sibling in self.graph.objects_for_subject_predicate(parent, &property) {
                if let Some(s) = as_subject(sibling) {
                    siblings.extend(
                        self.graph
                            .objects_for_subject_predicate(s, &qualified)
                            .map(|t| t.into_owned()),
                    );
                }
            }
        }
        siblings.sort_by_cached_key(ToString::to_string);
        siblings.dedup();
        siblings
    }

    fn other(
        &self,
        node: NamedOrBlankNodeRef<'_>,
        out: &mut Vec<Constraint>,
    ) -> Result<(), ShapesError> {
        if is_true(&self.values(node, "closed")) {
            let mut allowed = Vec::new();
            for list in self.values(node, "ignoredProperties") {
                for item in list_items(self.graph, list.as_ref())? {
                    allowed.push(iri(node, "ignoredProperties", &item)?);
                }
            }
            for property in self.values(node, "property") {
                let Some(p) = as_subject(property.as_ref()) else {
                    continue;
                };
                for path in self.graph.objects_for_subject_predicate(p, &sh("path")) {
                    if let TermRef::NamedNode(n) = path {
                        allowed.push(n.into_owned());
                    }
                }
            }
            out.push(Constraint::Closed { allowed });
        }
        for value in self.values(node, "hasValue") {
            out.push(Constraint::HasValue(value));
        }
        for list in self.values(node, "in") {
            out.push(Constraint::In(list_items(self.graph, list.as_ref())?));
        }
        Ok(())
    }

    fn sparql(
        &self,
        shape: NamedOrBlankNodeRef<'_>,
        value: &Term,
    ) -> Result<SparqlConstraint, ShapesError> {
        let node = as_subject(value.as_ref())
            .ok_or_else(|| malformed(shape, "has a sh:sparql that is not a node"))?;
        let select = match self.values(node, "select").as_slice() {
            [Term::Literal(l)] => l.value().to_owned(),
            _ => return Err(malformed(shape, "has a sh:sparql without one sh:select")),
        };
        // Parsing and evaluation recurse on the query's nesting.
        reformkg_store::sparql::check_nesting(&select)
            .map_err(|e| malformed(shape, &format!("has a sh:select that {e}")))?;
        for variable in ["shapesGraph", "currentShape"] {
            if select.contains(&format!("${variable}")) {
                return Err(ShapesError::Unsupported(format!(
                    "the pre-bound variable ${variable} in a sh:select"
                )));
            }
        }
        let mut prefixes = String::new();
        for source in self.values(node, "prefixes") {
            prefixes.push_str(&self.prefix_lines(shape, &source)?);
        }
        Ok(SparqlConstraint {
            node: node.into_owned(),
            select: format!("{prefixes}{select}"),
            messages: literals(&self.values(node, "message")),
            deactivated: is_true(&self.values(node, "deactivated")),
        })
    }

    /// `PREFIX p: <ns>` for each sh:declare of a sh:prefixes node.
    fn prefix_lines(
        &self,
        shape: NamedOrBlankNodeRef<'_>,
        source: &Term,
    ) -> Result<String, ShapesError> {
        let source = as_subject(source.as_ref())
            .ok_or_else(|| malformed(shape, "has sh:prefixes that is not a node"))?;
        let mut lines = String::new();
        for declaration in self.values(source, "declare") {
            let declaration = as_subject(declaration.as_ref())
                .ok_or_else(|| malformed(shape, "has a sh:declare that is not a node"))?;
            match (
                self.values(declaration, "prefix").as_slice(),
                self.values(declaration, "namespace").as_slice(),
            ) {
                ([Term::Literal(p)], [Term::Literal(ns)]) => {
                    lines.push_str(&format!("PREFIX {}: <{}>\n", p.value(), ns.value()));
                }
                _ => {
                    return Err(malformed(
                        shape,
                        "has a sh:declare without one sh:prefix and one sh:namespace",
                    ))
                }
            }
        }
        Ok(lines)
    }
}

/// The members of an RDF list.
pub(crate) fn list_items(graph: &Graph, head: TermRef<'_>) -> Result<Vec<Term>, ShapesError> {
    let mut items = Vec::new();
    let mut node = head.into_owned();
    while node != Term::from(RDF_NIL.into_owned()) {
        let subject = as_subject(node.as_ref())
            .ok_or_else(|| ShapesError::Malformed(format!("{node} is not an RDF list")))?;
        let first = graph.object_for_subject_predicate(subject, RDF_FIRST);
        let rest = graph.object_for_subject_predicate(subject, RDF_REST);
        let (Some(first), Some(rest)) = (first, rest) else {
            return Err(ShapesError::Malformed(format!("{node} is not an RDF list")));
        };
        items.push(first.into_owned());
        node = rest.into_owned();
        if items.len() > graph.len() {
            return Err(ShapesError::Malformed(format!("{head} is a cyclic list")));
        }
    }
    Ok(items)
}

fn as_subject(term: TermRef<'_>) -> Option<NamedOrBlankNodeRef<'_>> {
    match term {
        TermRef::NamedNode(n) => Some(n.into()),
        TermRef::BlankNode(b) => Some(b.into()),
        _ => None,
    }
}

fn malformed(node: NamedOrBlankNodeRef<'_>, what: &str) -> ShapesError {
    ShapesError::Malformed(format!("the shape {node} {what}"))
}

fn iri(node: NamedOrBlankNodeRef<'_>, local: &str, value: &Term) -> Result<NamedNode, ShapesError> {
    match value {
        Term::NamedNode(n) => Ok(n.clone()),
        _ => Err(malformed(
            node,
            &format!("needs an IRI as sh:{local}, not {value}"),
        )),
    }
}

fn integer(node: NamedOrBlankNodeRef<'_>, local: &str, value: &Term) -> Result<u64, ShapesError> {
    match value {
        Term::Literal(l) => l.value().parse().ok(),
        _ => None,
    }
    .ok_or_else(|| {
        malformed(
            node,
            &format!("needs a non-negative integer as sh:{local}, not {value}"),
        )
    })
}

fn is_true(values: &[Term]) -> bool {
    values
        .iter()
        .any(|v| matches!(v, Term::Literal(l) if l.value() == "true" || l.value() == "1"))
}

fn literals(values: &[Term]) -> Vec<Literal> {
    values
        .iter()
        .filter_map(|v| match v {
            Term::Literal(l) => Some(l.clone()),
            _ => None,
        })
        .collect()
}
