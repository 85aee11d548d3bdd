//! `reformkg similar CASE`: the cases most like one case, by the Jaccard
//! similarity of their mechanisms, with the mechanisms they share.

use super::analysis::similar_cases;
use super::model::{short_iri, ReformGraph};
use super::DiagramError;
use comfy_table::{presets, ContentArrangement, Table};
use oxigraph::store::Store;
use petgraph::graph::NodeIndex;
use reformkg_present::labels::{Labels, Lang};

/// One case like the asked-for one.
#[derive(Debug, Clone, PartialEq)]
pub struct SimilarCase {
    pub iri: String,
    pub rank: Option<i64>,
    pub title: String,
    pub district: Option<String>,
    /// Labels of the shared mechanisms, ordered by IRI.
    pub shared: Vec<String>,
    pub jaccard: f64,
}

/// The answer of [`similar`].
#[derive(Debug, Clone, PartialEq)]
pub struct Similar {
    pub case: SimilarCase,
    /// How many mechanisms the case uses.
    pub mechanisms: usize,
    pub similar: Vec<SimilarCase>,
}

/// The `limit` cases most like `spec` (a rank, IRI or prefixed name).
pub fn similar(
    store: &Store,
    spec: &str,
    lang: Lang,
    limit: usize,
) -> Result<Similar, DiagramError> {
    let g = ReformGraph::load(store)?;
    let labels = Labels::load(store, lang)?;
    let case = g.find_case(spec)?;
    let describe = |c: NodeIndex, shared: Vec<String>, jaccard: f64| SimilarCase {
        iri: g.iri(c).to_owned(),
        rank: g.resource(c).rank,
        title: labels.get(g.iri(c)),
        district: g.district_of(c).map(|d| labels.get(g.iri(d))),
        shared,
        jaccard,
    };
    let similar = similar_cases(&g, case)
        .into_iter()
        .take(limit)
        .map(|p| {
            let shared = p.shared.iter().map(|&m| labels.get(g.iri(m))).collect();
            describe(p.b, shared, p.jaccard())
        })
        .collect();
    Ok(Similar {
        case: describe(case, Vec::new(), 1.0),
        mechanisms: g.mechanisms_of(case).len(),
        similar,
    })
}

const TABLE_WIDTH: u16 = 120;

fn rank_text(rank: Option<i64>) -> String {
    rank.map(|r| r.to_string()).unwrap_or_default()
}

impl std::fmt::Display for Similar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let c = &self.case;
        writeln!(
            f,
            "{} {} ({}{}), {} mechanisms",
            rank_text(c.rank),
            c.title,
            short_iri(&c.iri),
            c.district
                .as_ref()
                .map(|d| format!(", {d}"))
                .unwrap_or_default(),
            self.mechanisms
        )?;
        if self.similar.is_empty() {
            return write!(f, "No other case shares a mechanism with it.");
        }
        let mut table = Table::new();
        table.load_preset(presets::UTF8_FULL_CONDENSED);
        // Long mechanism lists wrap inside their cell rather than making
        // the table wider than a terminal.
        table.set_content_arrangement(ContentArrangement::Dynamic);
        table.set_width(TABLE_WIDTH);
        table.set_header([
            "rank",
            "case",
            "district",
            "shared",
            "jaccard",
            "mechanisms",
        ]);
        for s in &self.similar {
            table.add_row([
                rank_text(s.rank),
                reformkg_present::table::truncate(&s.title, 40),
                s.district.clone().unwrap_or_default(),
                s.shared.len().to_string(),
                format!("{:.3}", s.jaccard),
                s.shared.join(", "),
            ]);
        }
        write!(f, "{table}")
    }
}
