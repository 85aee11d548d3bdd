//! What the explorer's pages show, read from the store with SPARQL.

use oxigraph::model::{NamedNode, Term};
use oxigraph::store::Store;
use reformkg_present::labels::Labels;
use reformkg_store::sparql::{select_rows, QueryError};

/// The kinds of link a case has, each with the predicate that makes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LinkKind {
    Mechanism,
    Agency,
    Document,
    Outcome,
}

impl LinkKind {
    pub const ALL: [LinkKind; 4] = [
        LinkKind::Mechanism,
        LinkKind::Agency,
        LinkKind::Document,
        LinkKind::Outcome,
    ];

    /// The CSS class and the name in the `?kind` column.
    pub fn name(self) -> &'static str {
        match self {
            LinkKind::Mechanism => "mechanism",
            LinkKind::Agency => "agency",
            LinkKind::Document => "document",
            LinkKind::Outcome => "outcome",
        }
    }

    /// The ontology's class for this kind (its label titles the section).
    pub fn class(self) -> &'static str {
        match self {
            LinkKind::Mechanism => "Mechanism",
            LinkKind::Agency => "Agency",
            LinkKind::Document => "PolicyDocument",
            LinkKind::Outcome => "Outcome",
        }
    }

    fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.name() == name)
    }
}

fn iri(term: &Option<Term>) -> Option<NamedNode> {
    match term {
        Some(Term::NamedNode(n)) => Some(n.clone()),
        _ => None,
    }
}

fn text(term: &Option<Term>) -> String {
    match term {
        Some(Term::Literal(l)) => l.value().to_owned(),
        Some(Term::NamedNode(n)) => n.as_str().to_owned(),
        _ => String::new(),
    }
}

fn number(term: &Option<Term>) -> usize {
    text(term).parse().unwrap_or(0)
}

/// A collection with its cases, for the home page.
#[derive(Debug, Clone)]
pub struct CollectionRow {
    pub iri: NamedNode,
    pub title: String,
    pub publisher: String,
    pub issued: String,
    pub cases: Vec<CaseRow>,
    /// How many cases it has (`cases` may list only the first of them).
    pub case_count: usize,
}

#[derive(Debug, Clone)]
pub struct CaseRow {
    pub iri: NamedNode,
    pub rank: usize,
    pub title: String,
    pub place: Option<NamedNode>,
    pub mechanisms: usize,
}

/// How many cases the store holds.
pub fn case_count(store: &Store) -> Result<usize, QueryError> {
    let rows = select_rows(store, "SELECT (COUNT(?c) AS ?n) WHERE { ?c a rk:Case }")?;
    Ok(rows.first().map_or(0, |row| number(&row[0])))
}

/// The collections with how many cases each has, without the cases.
pub fn collection_counts(store: &Store) -> Result<Vec<CollectionRow>, QueryError> {
    let mut collections = collection_heads(store)?;
    for row in select_rows(
        store,
        "SELECT ?c (COUNT(?case) AS ?n) WHERE { ?case rk:inCollection ?c } GROUP BY ?c",
    )? {
        if let Some(c) = iri(&row[0]) {
            if let Some(entry) = collections.iter_mut().find(|e| e.iri == c) {
                entry.case_count = number(&row[1]);
            }
        }
    }
    Ok(collections)
}

fn collection_heads(store: &Store) -> Result<Vec<CollectionRow>, QueryError> {
    Ok(select_rows(
        store,
        "SELECT ?c ?title ?publisher ?issued WHERE {
           ?c a rk:CaseCollection .
           OPTIONAL { ?c dct:title ?title } OPTIONAL { ?c dct:publisher ?publisher }
           OPTIONAL { ?c dct:issued ?issued }
         } ORDER BY ?c",
    )?
    .into_iter()
    .filter_map(|row| {
        Some(CollectionRow {
            iri: iri(&row[0])?,
            title: text(&row[1]),
            publisher: text(&row[2]),
            issued: text(&row[3]),
            cases: Vec::new(),
            case_count: 0,
        })
    })
    .collect())
}

/// The collections (or only one) with every case of each.
pub fn collections(
    store: &Store,
    only: Option<&NamedNode>,
) -> Result<Vec<CollectionRow>, QueryError> {
    let mut collections = collection_heads(store)?;
    if let Some(only) = only {
        collections.retain(|c| &c.iri == only);
    }
    let filter = only.map_or(String::new(), |c| format!("VALUES ?collection {{ {c} }}"));
    // Counted per case first, so the join with places does not multiply.
    let rows = select_rows(
        store,
        &format!(
            "SELECT ?collection ?case ?rank ?title ?place ?mechanisms WHERE {{
               {{ SELECT ?case ?collection (COUNT(DISTINCT ?m) AS ?mechanisms) WHERE {{
                   {filter} ?case rk:inCollection ?collection .
                   OPTIONAL {{ ?case rk:usesMechanism ?m }} }} GROUP BY ?case ?collection }}
               ?case rk:rank ?rank ; dct:title ?title .
               OPTIONAL {{ ?case rk:district ?district }}
               OPTIONAL {{ ?case rk:place ?anyPlace }}
               BIND(COALESCE(?district, ?anyPlace) AS ?place)
             }} ORDER BY ?collection ?rank ?case"
        ),
    )?;
    for row in rows {
        let (Some(collection), Some(case)) = (iri(&row[0]), iri(&row[1])) else {
            continue;
        };
        let Some(entry) = collections.iter_mut().find(|c| c.iri == collection) else {
            continue;
        };
        // A case with two places is listed once.
        if entry.cases.last().is_some_and(|c| c.iri == case) {
            continue;
        }
        entry.cases.push(CaseRow {
            iri: case,
            rank: number(&row[2]),
            title: text(&row[3]),
            place: iri(&row[4]),
            mechanisms: number(&row[5]),
        });
        entry.case_count += 1;
    }
    Ok(collections)
}

/// One case with its text and the evidence of each of its links.
#[derive(Debug, Clone)]
pub struct CasePage {
    pub iri: NamedNode,
    pub rank: usize,
    pub title: String,
    pub text: String,
    pub collection: Option<NamedNode>,
    pub collection_title: String,
    pub places: Vec<NamedNode>,
    pub mentions: Vec<Mention>,
}

/// The evidence of one link: which node, the sentence and where it is.
#[derive(Debug, Clone)]
pub struct Mention {
    pub iri: NamedNode,
    pub node: NamedNode,
    pub kind: LinkKind,
    /// Character offsets into the case's text.
    pub start: usize,
    pub end: usize,
    pub exact: String,
    /// A mechanism named by the text but not in the lexicon.
    pub candidate: bool,
    pub lead: bool,
}

pub fn case_page(store: &Store, case: &NamedNode) -> Result<Option<CasePage>, QueryError> {
    let head = select_rows(
        store,
        &format!(
            "SELECT ?rank ?title ?text ?collection ?ctitle WHERE {{
               {case} a rk:Case ; rk:text ?text .
               OPTIONAL {{ {case} rk:rank ?rank }} OPTIONAL {{ {case} dct:title ?title }}
               OPTIONAL {{ {case} rk:inCollection ?collection
                          OPTIONAL {{ ?collection dct:title ?ctitle }} }}
             }} LIMIT 1"
        ),
    )?;
    let Some(row) = head.into_iter().next() else {
        return Ok(None);
    };
    let places = select_rows(
        store,
        &format!("SELECT DISTINCT ?p WHERE {{ {{ {case} rk:district ?p }} UNION {{ {case} rk:place ?p }} }} ORDER BY ?p"),
    )?
    .iter()
    .filter_map(|r| iri(&r[0]))
    .collect();
    Ok(Some(CasePage {
        iri: case.clone(),
        rank: number(&row[0]),
        title: text(&row[1]),
        text: text(&row[2]),
        collection: iri(&row[3]),
        collection_title: text(&row[4]),
        places,
        mentions: mentions(store, case)?,
    }))
}

fn mentions(store: &Store, case: &NamedNode) -> Result<Vec<Mention>, QueryError> {
    let rows = select_rows(
        store,
        &format!(
            "SELECT ?mention ?node ?kind ?start ?end ?exact ?status ?lead WHERE {{
               ?mention rk:case {case} .
               # LATERAL: read each mention's own fields; as a join Oxigraph
               # hashes every mention of the store (50 ms at 10,000 cases).
               LATERAL {{ ?mention rk:mentions ?node ; oa:start ?start ; oa:end ?end ;
                                   oa:exact ?exact }}
               {{ {case} rk:usesMechanism ?node BIND(\"mechanism\" AS ?kind) }}
               UNION {{ {case} rk:involvesAgency ?node BIND(\"agency\" AS ?kind) }}
               UNION {{ {case} rk:citesDocument ?node BIND(\"document\" AS ?kind) }}
               UNION {{ {case} rk:hasOutcome ?node BIND(\"outcome\" AS ?kind) }}
               OPTIONAL {{ ?node rk:status ?status }}
               OPTIONAL {{ {case} rk:leadAgency ?node BIND(true AS ?lead) }}
             }} ORDER BY ?start ?end ?mention"
        ),
    )?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            Some(Mention {
                iri: iri(&row[0])?,
                node: iri(&row[1])?,
                kind: LinkKind::from_name(&text(&row[2]))?,
                start: number(&row[3]),
                end: number(&row[4]),
                exact: text(&row[5]),
                candidate: text(&row[6]).ends_with("#Candidate"),
                lead: row[7].is_some(),
            })
        })
        .collect())
}

/// A concept page: a mechanism, an agency, a place or a document.
#[derive(Debug, Clone)]
pub struct NodePage {
    pub iri: NamedNode,
    /// `rdf:type`s, for the heading.
    pub types: Vec<NamedNode>,
    /// (predicate, value) facts worth showing: family, type, place, status.
    pub facts: Vec<(NamedNode, Term)>,
    pub alt_labels: Vec<String>,
    /// Every case that links to it, each with its sentence.
    pub uses: Vec<Use>,
    /// Cases located at it (for a place).
    pub located: Vec<CaseRow>,
    /// Bodies located at it (for a place).
    pub bodies: Vec<NamedNode>,
}

#[derive(Debug, Clone)]
pub struct Use {
    pub case: NamedNode,
    pub rank: usize,
    pub title: String,
    pub mention: NamedNode,
    pub exact: String,
}

pub fn node_page(store: &Store, node: &NamedNode) -> Result<Option<NodePage>, QueryError> {
    let types: Vec<NamedNode> = select_rows(
        store,
        &format!("SELECT DISTINCT ?t WHERE {{ {node} a ?t }} ORDER BY ?t"),
    )?
    .iter()
    .filter_map(|r| iri(&r[0]))
    .collect();
    if types.is_empty() {
        return Ok(None);
    }
    let facts = select_rows(
        store,
        &format!(
            "SELECT ?p ?o WHERE {{
               VALUES ?p {{ skos:broader rk:agencyType rk:place rk:district rk:level rk:status
                            schema:containedInPlace rk:divisionCode dct:title }}
               {node} ?p ?o }} ORDER BY ?p ?o"
        ),
    )?
    .into_iter()
    .filter_map(|r| Some((iri(&r[0])?, r[1].clone()?)))
    .collect();
    let alt_labels = select_rows(
        store,
        &format!("SELECT DISTINCT ?l WHERE {{ {node} skos:altLabel ?l }} ORDER BY ?l"),
    )?
    .iter()
    .map(|r| text(&r[0]))
    .collect();
    let uses = select_rows(
        store,
        &format!(
            "SELECT ?case ?rank ?title ?mention ?exact WHERE {{
               ?mention rk:mentions {node} ; rk:case ?case ; oa:exact ?exact ; oa:start ?start .
               OPTIONAL {{ ?case rk:rank ?rank }} OPTIONAL {{ ?case dct:title ?title }}
             }} ORDER BY ?case ?start ?mention"
        ),
    )?
    .into_iter()
    .filter_map(|r| {
        Some(Use {
            case: iri(&r[0])?,
            rank: number(&r[1]),
            title: text(&r[2]),
            mention: iri(&r[3])?,
            exact: text(&r[4]),
        })
    })
    .collect();
    let located = select_rows(
        store,
        &format!(
            "SELECT DISTINCT ?case ?rank ?title WHERE {{
               {{ ?case rk:district {node} }} UNION {{ ?case rk:place {node} }}
               ?case a rk:Case ; rk:rank ?rank ; dct:title ?title }} ORDER BY ?case"
        ),
    )?
    .into_iter()
    .filter_map(|r| {
        Some(CaseRow {
            iri: iri(&r[0])?,
            rank: number(&r[1]),
            title: text(&r[2]),
            place: Some(node.clone()),
            mechanisms: 0,
        })
    })
    .collect();
    let bodies = select_rows(
        store,
        &format!(
            "SELECT DISTINCT ?a WHERE {{ ?a a rk:Agency .
               {{ ?a rk:district {node} }} UNION {{ ?a rk:place {node} }} }} ORDER BY ?a"
        ),
    )?
    .iter()
    .filter_map(|r| iri(&r[0]))
    .collect();
    Ok(Some(NodePage {
        iri: node.clone(),
        types,
        facts,
        alt_labels,
        uses,
        located,
        bodies,
    }))
}

/// The labels of every IRI a page shows, in one read.
pub fn labels_for(store: &Store, iris: &[&NamedNode], lang: &str) -> Result<Labels, QueryError> {
    Labels::load_for(store, iris, lang)
}
