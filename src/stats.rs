//! `reformkg stats`: how many statements, resources per class, and the
//! mechanisms most cases use.

use crate::present::table::display_term;
use crate::store::sparql::{select_rows, Prefixes, QueryError};
use comfy_table::{presets, Table};
use oxigraph::model::Term;
use oxigraph::store::Store;

/// What `reformkg stats` shows: statements, resources per class, and the
/// mechanisms used by most cases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stats {
    /// Every statement, named graphs included.
    pub statements: usize,
    /// Named graphs (those `reformkg load` added) and the statements in them.
    pub named_graphs: (usize, usize),
    pub classes: Vec<(String, usize)>,
    /// Mechanisms that cases use, by curation status: (curated, candidate).
    pub used_mechanisms: (usize, usize),
    /// Agency types of the bodies cases involve, by curation status:
    /// (curated, candidate).
    pub used_agency_types: (usize, usize),
    pub top_mechanisms: Vec<(String, usize)>,
}

const CLASS_COUNTS: &str = "SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE {
  VALUES ?class { rk:CaseCollection rk:Case rk:District rk:Agency rk:AgencyType rk:Mechanism
                  rk:PolicyDocument rk:Outcome rk:Mention rk:CasePair }
  OPTIONAL { ?s a ?class }
} GROUP BY ?class";

const USED_MECHANISMS: &str = "SELECT ?status (COUNT(DISTINCT ?m) AS ?n) WHERE {
  ?case rk:usesMechanism ?m . ?m rk:status ?status
} GROUP BY ?status";

const USED_AGENCY_TYPES: &str = "SELECT ?status (COUNT(DISTINCT ?t) AS ?n) WHERE {
  ?case rk:involvesAgency ?agency . ?agency rk:agencyType ?t .
  BIND(IF(EXISTS { ?t rk:status rk:Candidate }, rk:Candidate, rk:Curated) AS ?status)
} GROUP BY ?status";

/// Candidates are marked, so a reader never takes one for a curated name.
const TOP_MECHANISMS: &str = "SELECT ?label (COUNT(DISTINCT ?case) AS ?cases) WHERE {
  ?case rk:usesMechanism ?m .
  ?m skos:prefLabel ?name FILTER(lang(?name) = \"zh\")
  BIND(IF(EXISTS { ?m rk:status rk:Candidate }, CONCAT(?name, \" (candidate)\"), STR(?name)) AS ?label)
} GROUP BY ?m ?label ORDER BY DESC(?cases) ?label LIMIT 10";

/// Reads the numbers for [`Stats`] from a store.
pub fn stats(store: &Store) -> Result<Stats, QueryError> {
    let prefixes = Prefixes::default();
    let pairs = |sparql: &str| -> Result<Vec<(String, usize)>, QueryError> {
        Ok(select_rows(store, sparql)?
            .iter()
            .filter_map(|row| {
                let name = display_term(row.first()?.as_ref()?, &prefixes);
                let count = match row.get(1)?.as_ref()? {
                    Term::Literal(l) => l.value().parse().ok()?,
                    _ => return None,
                };
                Some((name, count))
            })
            .collect())
    };
    let mut classes = pairs(CLASS_COUNTS)?;
    classes.sort();
    let by_status = |sparql: &str| -> Result<(usize, usize), QueryError> {
        let counts = pairs(sparql)?;
        let with = |status: &str| {
            counts
                .iter()
                .find(|(s, _)| s == status)
                .map_or(0, |(_, n)| *n)
        };
        Ok((with("rk:Curated"), with("rk:Candidate")))
    };
    Ok(Stats {
        statements: store.len()?,
        named_graphs: named_graphs(store)?,
        classes,
        used_mechanisms: by_status(USED_MECHANISMS)?,
        used_agency_types: by_status(USED_AGENCY_TYPES)?,
        top_mechanisms: pairs(TOP_MECHANISMS)?,
    })
}

/// How many named graphs there are and how many statements they hold (a
/// pattern scan of each: they are small beside the built graph).
fn named_graphs(store: &Store) -> Result<(usize, usize), QueryError> {
    let mut graphs = 0;
    let mut statements = 0;
    for graph in store.named_graphs() {
        let graph = graph?;
        graphs += 1;
        for quad in store.quads_for_pattern(None, None, None, Some(graph.as_ref().into())) {
            quad?;
            statements += 1;
        }
    }
    Ok((graphs, statements))
}

impl std::fmt::Display for Stats {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.named_graphs {
            (0, _) => writeln!(f, "{} statements", self.statements)?,
            (graphs, named) => writeln!(
                f,
                "{} statements ({named} of them in named graphs ({graphs}), from `reformkg load`: \
                 query them with GRAPH ?g {{ … }})",
                self.statements
            )?,
        }
        let mut classes = Table::new();
        classes.load_preset(presets::UTF8_FULL_CONDENSED);
        classes.set_header(["class", "resources"]);
        for (class, n) in &self.classes {
            classes.add_row([class.clone(), n.to_string()]);
        }
        writeln!(f, "{classes}")?;
        let (curated, candidate) = self.used_mechanisms;
        writeln!(
            f,
            "mechanisms used: {curated} curated + {candidate} candidate (rk:status rk:Candidate: \
             names the lexicon does not know yet)"
        )?;
        let (curated, candidate) = self.used_agency_types;
        writeln!(
            f,
            "agency types of bodies: {curated} curated + {candidate} candidate (rk:status \
             rk:Candidate: a body the lexicon cannot type, typed by its own name)"
        )?;
        let mut top = Table::new();
        top.load_preset(presets::UTF8_FULL_CONDENSED);
        top.set_header(["mechanism", "cases"]);
        for (label, n) in &self.top_mechanisms {
            top.add_row([label.clone(), n.to_string()]);
        }
        write!(f, "{top}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxigraph::io::RdfFormat;

    #[test]
    fn agency_types_and_mechanisms_are_counted_by_curation_status() {
        let store = Store::new().expect("an in-memory store");
        let turtle = r#"
            @prefix rk: <https://w3id.org/reformkg/ontology#> .
            @prefix t: <https://w3id.org/reformkg/id/agency-type/> .
            <http://x/a1> a rk:Agency ; rk:agencyType t:court .
            <http://x/a2> a rk:Agency ; rk:agencyType t:court .
            <http://x/a3> a rk:Agency ; rk:agencyType t:x1 .
            <http://x/a4> a rk:Agency ; rk:agencyType t:x2 .
            <http://x/idle> a rk:Agency ; rk:agencyType t:prison .
            <http://x/c> rk:involvesAgency <http://x/a1> , <http://x/a2> , <http://x/a3> , <http://x/a4> .
            t:x1 rk:status rk:Candidate .
            t:x2 rk:status rk:Candidate .
            <http://x/c> rk:usesMechanism <http://x/m1> , <http://x/m2> .
            <http://x/m1> rk:status rk:Curated .
            <http://x/m2> rk:status rk:Candidate .
        "#;
        store
            .load_from_slice(RdfFormat::Turtle, turtle.as_bytes())
            .expect("the Turtle loads");
        let stats = stats(&store).expect("stats read");
        assert_eq!(stats.used_agency_types, (1, 2));
        assert_eq!(stats.used_mechanisms, (1, 1));
        assert!(stats
            .to_string()
            .contains("agency types of bodies: 1 curated + 2 candidate"));
    }
}
