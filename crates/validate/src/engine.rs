//! Validation of a data store against [`Shapes`]: focus nodes from the
//! targets, value nodes through the paths, one check per constraint.
//! Comparisons, patterns and SPARQL-based constraints are evaluated by
//! Oxigraph's SPARQL engine, so they follow SPARQL's semantics exactly.

use crate::datatypes::is_well_formed;
use crate::path::{objects, subjects, Path, PathError};
use crate::report::{Report, ValidationResult};
use crate::shapes::{
    Constraint, Pair, Qualified, Range, Shape, ShapeRef, Shapes, SparqlConstraint, Target,
};
use crate::vocab::{LANG_STRING, RDF_TYPE, SUB_CLASS_OF};
use oxigraph::model::{GraphNameRef, Literal, NamedNode, Term, Variable};
use oxigraph::sparql::{PreparedSparqlQuery, QueryResults, QuerySolution, SparqlEvaluator};
use oxigraph::store::Store;
use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};

/// Why validation could not run to the end.
#[derive(Debug, thiserror::Error)]
pub enum ValidateError {
    #[error(transparent)]
    Path(#[from] PathError),
    #[error("reading the data failed: {0}")]
    Store(String),
    #[error("the SPARQL constraint of {shape} failed: {message}")]
    Sparql { shape: String, message: String },
    #[error("the shapes nest deeper than {MAX_DEPTH} levels (a recursive shape?)")]
    TooDeep,
}

/// How many lookups are kept at most.
const LOOKUP_CACHE: usize = 16_384;

/// Nested shapes (sh:node, sh:not …) deeper than this are refused: SHACL
/// leaves recursive shapes undefined.
const MAX_DEPTH: usize = 64;

/// Validates the default graph of `store` against `shapes`.
pub fn validate(store: &Store, shapes: &Shapes) -> Result<Report, ValidateError> {
    let mut engine = Engine::new(store, shapes)?;
    let mut results = Vec::new();
    let mut focus_nodes = 0;
    for (i, shape) in shapes.shapes.iter().enumerate() {
        if shape.deactivated || shape.targets.is_empty() {
            continue;
        }
        for focus in engine.focus_nodes(shape)? {
            focus_nodes += 1;
            engine.check(i, &focus, &mut results)?;
        }
    }
    results.sort_by_cached_key(ValidationResult::sort_key);
    results.dedup();
    Ok(Report {
        results,
        focus_nodes_checked: focus_nodes,
    })
}

struct Engine<'a> {
    store: &'a Store,
    shapes: &'a Shapes,
    /// An empty store to evaluate expressions on.
    scratch: Store,
    compare: PreparedSparqlQuery,
    regex: PreparedSparqlQuery,
    /// The classes each class is a subclass of (itself included).
    superclasses: HashMap<Term, HashSet<Term>>,
    /// Recent `node predicate ?o` lookups.
    lookups: HashMap<(Term, NamedNode), HashSet<Term>>,
    depth: usize,
}

fn store_error(e: impl std::fmt::Display) -> ValidateError {
    ValidateError::Store(e.to_string())
}

impl<'a> Engine<'a> {
    fn new(store: &'a Store, shapes: &'a Shapes) -> Result<Self, ValidateError> {
        let parse = |q: &str| SparqlEvaluator::new().parse_query(q).map_err(store_error);
        Ok(Engine {
            store,
            shapes,
            scratch: Store::new().map_err(store_error)?,
            compare: parse(
                "SELECT ?a ?b (?a < ?b AS ?lt) (?a = ?b AS ?eq) (?a > ?b AS ?gt) WHERE {}",
            )?,
            regex: parse("SELECT ?a ?p ?f (REGEX(STR(?a), ?p, ?f) AS ?m) WHERE {}")?,
            superclasses: HashMap::new(),
            lookups: HashMap::new(),
            depth: 0,
        })
    }

    fn focus_nodes(&self, shape: &Shape) -> Result<HashSet<Term>, ValidateError> {
        let mut nodes = HashSet::new();
        for target in &shape.targets {
            match target {
                Target::Node(n) => {
                    nodes.insert(n.clone());
                }
                Target::Class(c) => {
                    for class in self.subclasses(c)? {
                        nodes.extend(subjects(self.store, &class, &RDF_TYPE.into_owned())?);
                    }
                }
                Target::SubjectsOf(p) => nodes.extend(self.triples_of(p, true)?),
                Target::ObjectsOf(p) => nodes.extend(self.triples_of(p, false)?),
            }
        }
        Ok(nodes)
    }

    /// The subjects (or objects) of every triple with predicate `p`.
    fn triples_of(&self, p: &NamedNode, subjects: bool) -> Result<Vec<Term>, ValidateError> {
        self.store
            .quads_for_pattern(
                None,
                Some(p.as_ref()),
                None,
                Some(GraphNameRef::DefaultGraph),
            )
            .map(|q| {
                q.map(|q| if subjects { q.subject.into() } else { q.object })
                    .map_err(store_error)
            })
            .collect()
    }

    /// `class` and every class below it by rdfs:subClassOf.
    fn subclasses(&self, class: &NamedNode) -> Result<HashSet<Term>, ValidateError> {
        let mut seen = HashSet::from([Term::from(class.clone())]);
        let mut todo = vec![Term::from(class.clone())];
        while let Some(c) = todo.pop() {
            for sub in subjects(self.store, &c, &SUB_CLASS_OF.into_owned())? {
                if seen.insert(sub.clone()) {
                    todo.push(sub);
                }
            }
        }
        Ok(seen)
    }

    fn superclasses_of(&mut self, class: &Term) -> Result<&HashSet<Term>, ValidateError> {
        if !self.superclasses.contains_key(class) {
            let mut seen = HashSet::from([class.clone()]);
            let mut todo = vec![class.clone()];
            while let Some(c) = todo.pop() {
                for sup in objects(self.store, &c, &SUB_CLASS_OF.into_owned())? {
                    if seen.insert(sup.clone()) {
                        todo.push(sup);
                    }
                }
            }
            self.superclasses.insert(class.clone(), seen);
        }
        Ok(&self.superclasses[class])
    }

    /// The objects of `node predicate ?o`, through a bounded cache (the
    /// types of a node many others point to are read once). Only the
    /// predicate asked for is read: a case's other values include its text.
    fn objects_of(
        &mut self,
        node: &Term,
        predicate: &NamedNode,
    ) -> Result<HashSet<Term>, ValidateError> {
        let key = (node.clone(), predicate.clone());
        if let Some(values) = self.lookups.get(&key) {
            return Ok(values.clone());
        }
        if self.lookups.len() >= LOOKUP_CACHE {
            self.lookups.clear();
        }
        let values = objects(self.store, node, predicate)?;
        self.lookups.insert(key, values.clone());
        Ok(values)
    }

    fn values(&mut self, path: &Path, focus: &Term) -> Result<HashSet<Term>, ValidateError> {
        match path {
            Path::Predicate(p) => Ok(objects(self.store, focus, p)?),
            _ => Ok(path.values(self.store, focus)?),
        }
    }

    fn is_instance(&mut self, value: &Term, class: &NamedNode) -> Result<bool, ValidateError> {
        let class = Term::from(class.clone());
        for t in self.objects_of(value, &RDF_TYPE.into_owned())? {
            if self.superclasses_of(&t)?.contains(&class) {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Validates `focus` against shape `i`, adding its results to `out`.
    fn check(
        &mut self,
        i: ShapeRef,
        focus: &Term,
        out: &mut Vec<ValidationResult>,
    ) -> Result<(), ValidateError> {
        let shapes = self.shapes;
        let shape = &shapes.shapes[i];
        if shape.deactivated {
            return Ok(());
        }
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            self.depth = 0;
            return Err(ValidateError::TooDeep);
        }
        let values = match &shape.path {
            Some(path) => self.values(path, focus)?,
            None => HashSet::from([focus.clone()]),
        };
        let at = At {
            shape,
            focus,
            values: &values,
        };
        for constraint in &shape.constraints {
            self.constraint(&at, constraint, out)?;
        }
        self.depth -= 1;
        Ok(())
    }

    fn conforms(&mut self, value: &Term, shape: ShapeRef) -> Result<bool, ValidateError> {
        let mut results = Vec::new();
        self.check(shape, value, &mut results)?;
        Ok(results.is_empty())
    }

    fn conforming(&mut self, value: &Term, shapes: &[ShapeRef]) -> Result<usize, ValidateError> {
        let mut n = 0;
        for &s in shapes {
            n += usize::from(self.conforms(value, s)?);
        }
        Ok(n)
    }

    fn constraint(
        &mut self,
        at: &At<'_>,
        c: &Constraint,
        out: &mut Vec<ValidationResult>,
    ) -> Result<(), ValidateError> {
        let mut failing = Vec::new();
        let mut whole = false;
        match c {
            Constraint::MinCount(n) => whole = (at.values.len() as u64) < *n,
            Constraint::MaxCount(n) => whole = (at.values.len() as u64) > *n,
            Constraint::HasValue(v) => whole = !at.values.contains(v),
            Constraint::UniqueLang => {
                let mut seen = HashMap::<String, usize>::new();
                for v in at.values {
                    if let Term::Literal(l) = v {
                        if let Some(lang) = l.language() {
                            *seen.entry(lang.to_ascii_lowercase()).or_default() += 1;
                        }
                    }
                }
                for _ in seen.values().filter(|n| **n > 1) {
                    out.push(at.result(c, None, None));
                }
            }
            Constraint::Qualified(q) => whole = self.qualified_fails(at, q)?,
            Constraint::Property(s) => {
                for v in at.values {
                    self.check(*s, v, out)?;
                }
            }
            Constraint::Closed { allowed } => return self.closed(at, c, allowed, out),
            Constraint::Sparql(s) => return self.sparql(at, c, s, out),
            Constraint::Pair(pair, p) => failing = self.pair(at, *pair, p)?,
            _ => {
                for v in at.values {
                    if !self.value_ok(v, c)? {
                        failing.push(v.clone());
                    }
                }
            }
        }
        if whole {
            out.push(at.result(c, None, None));
        }
        for v in failing {
            out.push(at.result(c, Some(v), None));
        }
        Ok(())
    }

    /// Does one value node satisfy a constraint that looks at values one by one?
    fn value_ok(&mut self, v: &Term, c: &Constraint) -> Result<bool, ValidateError> {
        Ok(match c {
            Constraint::Class(class) => self.is_instance(v, class)?,
            Constraint::Datatype(d) => has_datatype(v, d),
            Constraint::NodeKind(k) => has_node_kind(v, k),
            Constraint::Range(range, bound) => {
                let ordering = self.compare(v, bound)?;
                match range {
                    Range::MinExclusive => ordering == Some(Ordering::Greater),
                    Range::MinInclusive => {
                        matches!(ordering, Some(Ordering::Greater | Ordering::Equal))
                    }
                    Range::MaxExclusive => ordering == Some(Ordering::Less),
                    Range::MaxInclusive => {
                        matches!(ordering, Some(Ordering::Less | Ordering::Equal))
                    }
                }
            }
            Constraint::MinLength(n) => string_length(v).is_some_and(|l| l >= *n),
            Constraint::MaxLength(n) => string_length(v).is_some_and(|l| l <= *n),
            Constraint::Pattern { pattern, flags } => self.matches(v, pattern, flags)?,
            Constraint::LanguageIn(tags) => match v {
                Term::Literal(l) => l
                    .language()
                    .is_some_and(|lang| tags.iter().any(|t| lang_matches(lang, t))),
                _ => false,
            },
            Constraint::In(list) => list.contains(v),
            Constraint::Not(s) => !self.conforms(v, *s)?,
            Constraint::Node(s) => self.conforms(v, *s)?,
            Constraint::And(ss) => self.conforming(v, ss)? == ss.len(),
            Constraint::Or(ss) => self.conforming(v, ss)? >= 1,
            Constraint::Xone(ss) => self.conforming(v, ss)? == 1,
            _ => true,
        })
    }

    fn qualified_fails(&mut self, at: &At<'_>, q: &Qualified) -> Result<bool, ValidateError> {
        let mut count = 0u64;
        for v in at.values {
            if self.conforms(v, q.shape)? && self.conforming(v, &q.siblings)? == 0 {
                count += 1;
            }
        }
        Ok(q.min.is_some_and(|min| count < min) || q.max.is_some_and(|max| count > max))
    }

    /// The value nodes that break a property-pair constraint.
    fn pair(&mut self, at: &At<'_>, pair: Pair, p: &NamedNode) -> Result<Vec<Term>, ValidateError> {
        let others = self.objects_of(at.focus, p)?;
        let mut failing = Vec::new();
        match pair {
            Pair::Equals => {
                failing.extend(at.values.symmetric_difference(&others).cloned());
            }
            Pair::Disjoint => failing.extend(at.values.intersection(&others).cloned()),
            Pair::LessThan | Pair::LessThanOrEquals => {
                for v in at.values {
                    for o in &others {
                        let ordering = self.compare(v, o)?;
                        let ok = ordering == Some(Ordering::Less)
                            || (matches!(pair, Pair::LessThanOrEquals)
                                && ordering == Some(Ordering::Equal));
                        if !ok {
                            failing.push(v.clone());
                        }
                    }
                }
            }
        }
        Ok(failing)
    }

    fn closed(
        &self,
        at: &At<'_>,
        c: &Constraint,
        allowed: &[NamedNode],
        out: &mut Vec<ValidationResult>,
    ) -> Result<(), ValidateError> {
        for v in at.values {
            let Some(subject) = crate::report::as_subject(v) else {
                continue;
            };
            for quad in self.store.quads_for_pattern(
                Some(subject),
                None,
                None,
                Some(GraphNameRef::DefaultGraph),
            ) {
                let quad = quad.map_err(store_error)?;
                if !allowed.contains(&quad.predicate) {
                    let path = Path::Predicate(quad.predicate.clone());
                    out.push(
                        at.result(c, Some(quad.object), Some(path))
                            .with_focus(v.clone()),
                    );
                }
            }
        }
        Ok(())
    }

    /// `a` compared with `b` by SPARQL's operators; None when incomparable.
    fn compare(&self, a: &Term, b: &Term) -> Result<Option<Ordering>, ValidateError> {
        if let (Term::Literal(a), Term::Literal(b)) = (a, b) {
            if let Some(ordering) = crate::datatypes::compare_decimals(a, b) {
                return Ok(Some(ordering));
            }
        }
        let row = self.expression(&self.compare, &[("a", a), ("b", b)])?;
        let is_true = |name: &str| matches!(row.as_ref().and_then(|r| r.get(name)), Some(Term::Literal(l)) if l.value() == "true");
        Ok(if is_true("lt") {
            Some(Ordering::Less)
        } else if is_true("eq") {
            Some(Ordering::Equal)
        } else if is_true("gt") {
            Some(Ordering::Greater)
        } else {
            None
        })
    }

    /// SPARQL's REGEX on the value's string; blank nodes never match.
    fn matches(&self, v: &Term, pattern: &str, flags: &str) -> Result<bool, ValidateError> {
        if matches!(v, Term::BlankNode(_)) {
            return Ok(false);
        }
        let (p, f) = (
            Term::from(Literal::from(pattern)),
            Term::from(Literal::from(flags)),
        );
        let row = self.expression(&self.regex, &[("a", v), ("p", &p), ("f", &f)])?;
        Ok(
            matches!(row.as_ref().and_then(|r| r.get("m")), Some(Term::Literal(l)) if l.value() == "true"),
        )
    }

    fn expression(
        &self,
        query: &PreparedSparqlQuery,
        bindings: &[(&str, &Term)],
    ) -> Result<Option<QuerySolution>, ValidateError> {
        let mut prepared = query.clone();
        for (name, term) in bindings {
            prepared =
                prepared.substitute_variable(Variable::new_unchecked(*name), (*term).clone());
        }
        match prepared
            .on_store(&self.scratch)
            .execute()
            .map_err(store_error)?
        {
            QueryResults::Solutions(mut rows) => rows.next().transpose().map_err(store_error),
            _ => Ok(None),
        }
    }

    /// A SPARQL-based constraint: one result per solution of its SELECT
    /// with $this bound to the focus node.
    fn sparql(
        &self,
        at: &At<'_>,
        c: &Constraint,
        s: &SparqlConstraint,
        out: &mut Vec<ValidationResult>,
    ) -> Result<(), ValidateError> {
        if s.deactivated {
            return Ok(());
        }
        let fail = |message: String| ValidateError::Sparql {
            shape: at.shape.id.to_string(),
            message,
        };
        let text = match &at.shape.path {
            Some(path) => s.select.replace("$PATH", &path.to_sparql()),
            None if s.select.contains("$PATH") => {
                return Err(fail("$PATH in a node shape".to_owned()))
            }
            None => s.select.clone(),
        };
        let prepared = match crate::prebind::with_values(&text, at.focus) {
            Some(bound) => SparqlEvaluator::new()
                .parse_query(&bound)
                .map_err(|e| fail(e.to_string()))?,
            None => SparqlEvaluator::new()
                .parse_query(&text)
                .map_err(|e| fail(e.to_string()))?
                .substitute_variable(Variable::new_unchecked("this"), at.focus.clone()),
        };
        let QueryResults::Solutions(rows) = prepared
            .on_store(self.store)
            .execute()
            .map_err(|e| fail(e.to_string()))?
        else {
            return Err(fail("sh:select is not a SELECT query".to_owned()));
        };
        for row in rows {
            let row = row.map_err(|e| fail(e.to_string()))?;
            if matches!(row.get("failure"), Some(Term::Literal(l)) if l.value() == "true") {
                return Err(fail("the query reported ?failure".to_owned()));
            }
            out.push(sparql_result(at, c, s, &row));
        }
        Ok(())
    }
}

/// One result of a SPARQL-based constraint from one solution.
fn sparql_result(
    at: &At<'_>,
    c: &Constraint,
    s: &SparqlConstraint,
    row: &QuerySolution,
) -> ValidationResult {
    let focus = row.get("this").cloned().unwrap_or_else(|| at.focus.clone());
    let path = match row.get("path") {
        Some(Term::NamedNode(p)) => Some(Path::Predicate(p.clone())),
        _ => at.shape.path.clone(),
    };
    let value = match (row.get("value"), &at.shape.path) {
        (Some(v), _) => Some(v.clone()),
        (None, None) => Some(focus.clone()),
        (None, Some(_)) => None,
    };
    let templates = if s.messages.is_empty() {
        &at.shape.messages
    } else {
        &s.messages
    };
    let messages = templates.iter().map(|m| fill_template(m, row)).collect();
    let mut result = at.result(c, value, path).with_focus(focus);
    if !templates.is_empty() {
        result.messages = messages;
    }
    result.detail = Some(s.node.clone().into());
    result
}

/// A message with `{?var}` / `{$var}` replaced by the solution's values.
fn fill_template(template: &Literal, row: &QuerySolution) -> Literal {
    let mut text = template.value().to_owned();
    for (variable, value) in row.iter() {
        let shown = match value {
            Term::NamedNode(n) => n.as_str().to_owned(),
            Term::Literal(l) => l.value().to_owned(),
            other => other.to_string(),
        };
        for sigil in ['?', '$'] {
            text = text.replace(&format!("{{{sigil}{}}}", variable.as_str()), &shown);
        }
    }
    match template.language() {
        Some(lang) => Literal::new_language_tagged_literal_unchecked(text, lang),
        None => Literal::from(text),
    }
}

/// Where a constraint is checked: the shape, the focus node and its value nodes.
struct At<'s> {
    shape: &'s Shape,
    focus: &'s Term,
    values: &'s HashSet<Term>,
}

impl At<'_> {
    fn result(&self, c: &Constraint, value: Option<Term>, path: Option<Path>) -> ValidationResult {
        let messages = if self.shape.messages.is_empty() {
            vec![Literal::from(default_message(c))]
        } else {
            self.shape.messages.clone()
        };
        ValidationResult {
            focus: self.focus.clone(),
            path: path.or_else(|| self.shape.path.clone()),
            value,
            shape: self.shape.id.clone(),
            component: c.component(),
            severity: self.shape.severity.clone(),
            messages,
            detail: None,
        }
    }
}

fn default_message(c: &Constraint) -> String {
    match c {
        Constraint::Class(class) => format!("value is not an instance of {class}"),
        Constraint::Datatype(d) => format!("value is not a well-formed literal of datatype {d}"),
        Constraint::NodeKind(k) => format!("value is not of node kind {k}"),
        Constraint::MinCount(n) => format!("fewer than {n} values"),
        Constraint::MaxCount(n) => format!("more than {n} values"),
        Constraint::Range(_, bound) => format!("value is out of the range bounded by {bound}"),
        Constraint::MinLength(n) => format!("value is shorter than {n} characters"),
        Constraint::MaxLength(n) => format!("value is longer than {n} characters"),
        Constraint::Pattern { pattern, .. } => {
            format!("value does not match the pattern {pattern:?}")
        }
        Constraint::LanguageIn(tags) => {
            format!("value's language is not one of {}", tags.join(", "))
        }
        Constraint::UniqueLang => "more than one value in the same language".to_owned(),
        Constraint::Pair(pair, p) => format!("value breaks {pair:?} with {p}"),
        Constraint::Closed { .. } => "predicate not allowed by a closed shape".to_owned(),
        Constraint::HasValue(v) => format!("missing the value {v}"),
        Constraint::In(_) => "value is not in the allowed list".to_owned(),
        other => format!("value does not satisfy {}", other.component()),
    }
}

fn has_datatype(v: &Term, datatype: &NamedNode) -> bool {
    match v {
        Term::Literal(l) if l.datatype() == datatype.as_ref() => {
            (datatype.as_ref() != LANG_STRING || l.language().is_some()) && is_well_formed(l)
        }
        _ => false,
    }
}

fn has_node_kind(v: &Term, kind: &NamedNode) -> bool {
    let kind = kind.as_str().strip_prefix(reformkg_vocab::SH).unwrap_or("");
    let (iri, blank, literal) = (
        matches!(v, Term::NamedNode(_)),
        matches!(v, Term::BlankNode(_)),
        matches!(v, Term::Literal(_)),
    );
    match kind {
        "IRI" => iri,
        "BlankNode" => blank,
        "Literal" => literal,
        "BlankNodeOrIRI" => blank || iri,
        "BlankNodeOrLiteral" => blank || literal,
        "IRIOrLiteral" => iri || literal,
        _ => false,
    }
}

fn string_length(v: &Term) -> Option<u64> {
    match v {
        Term::NamedNode(n) => Some(n.as_str().chars().count() as u64),
        Term::Literal(l) => Some(l.value().chars().count() as u64),
        _ => None,
    }
}

/// SPARQL's langMatches: `*` any tag, else the range or a subtag of it.
fn lang_matches(tag: &str, range: &str) -> bool {
    let (tag, range) = (tag.to_ascii_lowercase(), range.to_ascii_lowercase());
    range == "*" || tag == range || tag.starts_with(&format!("{range}-"))
}
