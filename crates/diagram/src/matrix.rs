//! `matrix`: cases (rows, grouped by district or collection) by mechanisms
//! (columns, grouped by family), a filled cell where a case uses a
//! mechanism, counts in the margins. One HTML-like table in one Graphviz
//! node: it reads at any number of cases, where the graph gets crowded.

use super::analysis;
use super::dot::{self, attr, attr_html, html_text, node};
use super::families::{self, Group};
use super::headline::case_groups;
use super::kinds::title;
use super::order;
use super::render::{Diagram, Engine};
use super::Options;
use petgraph::graph::NodeIndex;
use reformkg_present::labels::Labels;
use reformkg_present::table::truncate;
use std::collections::{BTreeMap, BTreeSet};
use unicode_width::UnicodeWidthChar;

/// The column headings are repeated after this many case rows, so a
/// reader far down a long matrix still sees what each column is.
pub(crate) const ROWS_PER_HEADING: usize = 40;
/// Display columns of a case's row heading (rank and title, cut).
const CASE_WIDTH: usize = 44;
/// Display columns of an English mechanism heading line.
const ENGLISH_HEADING_WIDTH: usize = 12;
const GRID: &str = "#d0d5db";
const GROUP_FILL: &str = "#eef1f5";
const MARGIN_FILL: &str = "#f7f7f7";

/// The cases × mechanisms table.
pub fn matrix(g: &super::model::ReformGraph, labels: &Labels, options: &Options) -> Diagram {
    let min_cases = options.min_cases.max(1);
    let counts: BTreeMap<NodeIndex, usize> = analysis::mechanism_frequency(g)
        .into_iter()
        .filter(|&(_, n)| n >= min_cases)
        .collect();
    let shown: Vec<NodeIndex> = analysis::mechanism_frequency(g)
        .into_iter()
        .filter(|(m, _)| counts.contains_key(m))
        .map(|(m, _)| m)
        .collect();
    let cases: Vec<NodeIndex> = g
        .cases()
        .into_iter()
        .filter(|&c| g.mechanisms_of(c).iter().any(|m| counts.contains_key(m)))
        .collect();
    let uses: BTreeSet<(NodeIndex, NodeIndex)> = cases
        .iter()
        .flat_map(|&c| g.mechanisms_of(c).into_iter().map(move |m| (c, m)))
        .filter(|(_, m)| counts.contains_key(m))
        .collect();

    // Rows and columns ordered (within their groups) so that filled cells
    // gather: the barycentre order of the headline diagram, on one side.
    let row_groups = case_groups(g, labels, &cases);
    let families = families::groups(g, labels, &shown);
    let use_list: Vec<(NodeIndex, NodeIndex)> = uses.iter().copied().collect();
    let ordered = order::one_side(
        row_groups.iter().map(|grp| grp.members.clone()).collect(),
        families.iter().map(|f| f.members.clone()).collect(),
        &use_list,
    );
    let family_of = |members: &Vec<NodeIndex>| -> &Group {
        families
            .iter()
            .find(|f| f.members.contains(&members[0]))
            .expect("a family of the input")
    };
    let columns: Vec<(NodeIndex, &Group)> = ordered
        .mechanisms
        .iter()
        .flat_map(|members| members.iter().map(move |&m| (m, family_of(members))))
        .collect();

    let width = columns.len() + 2;
    let case_word = labels.term("Case");
    let mut html =
        String::from(r#"<table border="0" cellborder="1" cellspacing="0" cellpadding="3" color=""#);
    html.push_str(GRID);
    html.push_str(r#"">"#);
    html.push_str(&format!(
        r#"<tr><td colspan="{width}" border="0" cellpadding="8"><font point-size="20">{}</font></td></tr>"#,
        html_text(&title(g, labels, &cases))
    ));
    // The family row: one cell over each family's columns.
    html.push_str(r#"<tr><td border="0"></td>"#);
    let mut k = 0;
    while k < columns.len() {
        let family = columns[k].1;
        let span = columns[k..]
            .iter()
            .take_while(|(_, f)| std::ptr::eq(*f, family))
            .count();
        html.push_str(&format!(
            r#"<td colspan="{span}" bgcolor="{}"><font color="{}" point-size="13">{}</font></td>"#,
            family.colour_alpha(0x30),
            family.colour,
            html_text(&wrap_heading(&family.label, span))
        ));
        k += span;
    }
    html.push_str(r#"<td border="0"></td></tr>"#);
    let heading = headings(g, labels, &columns, &case_word);
    // Case rows since the headings were last shown (none yet).
    let mut since_heading: Option<usize> = None;
    let heading_due = |since: &mut Option<usize>, html: &mut String| {
        if since.is_none_or(|n| n >= ROWS_PER_HEADING) {
            html.push_str(&heading);
            *since = Some(0);
        }
    };
    for members in &ordered.cases {
        let group = row_groups
            .iter()
            .find(|grp| grp.members.contains(&members[0]))
            .expect("a group of the input");
        if let Some((_, label)) = &group.boxed {
            heading_due(&mut since_heading, &mut html);
            html.push_str(&format!(
                r#"<tr><td colspan="{width}" bgcolor="{GROUP_FILL}" align="left"><b>{}</b></td></tr>"#,
                html_text(label)
            ));
        }
        for &case in members {
            heading_due(&mut since_heading, &mut html);
            since_heading = since_heading.map(|n| n + 1);
            let title = labels.get(g.iri(case));
            let text = match g.resource(case).rank {
                Some(rank) => format!("{rank}. {title}"),
                None => title.clone(),
            };
            html.push_str(&format!(
                r#"<tr><td align="left" tooltip="{}">{}</td>"#,
                html_text(&title),
                html_text(&truncate(&text, CASE_WIDTH))
            ));
            let mut used = 0;
            for (m, family) in &columns {
                if uses.contains(&(case, *m)) {
                    used += 1;
                    html.push_str(&format!(
                        r#"<td bgcolor="{}" tooltip="{}"> </td>"#,
                        family.colour,
                        html_text(&labels.get(g.iri(*m)))
                    ));
                } else {
                    html.push_str("<td> </td>");
                }
            }
            html.push_str(&format!(
                r#"<td bgcolor="{MARGIN_FILL}"><b>{used}</b></td></tr>"#
            ));
        }
    }
    // Column totals: how many of the rows use each mechanism.
    html.push_str(&format!(
        r#"<tr><td bgcolor="{MARGIN_FILL}" align="right">Σ</td>"#
    ));
    for (m, _) in &columns {
        let n = cases.iter().filter(|&&c| uses.contains(&(c, *m))).count();
        html.push_str(&format!(r#"<td bgcolor="{MARGIN_FILL}"><b>{n}</b></td>"#));
    }
    html.push_str(&format!(
        r#"<td bgcolor="{MARGIN_FILL}"><b>{}</b></td></tr></table>"#,
        uses.len()
    ));

    let graph = dot::undirected(
        "matrix",
        vec![attr("bgcolor", "white"), attr("pad", "0.3")],
        vec![node(
            "matrix",
            vec![attr_html("label", &html), attr("shape", "plain")],
        )],
    );
    Diagram::with_engine(graph, Engine::Dot, cases.len() + columns.len())
}

/// The row of column headings: the case word over the row headings, each
/// mechanism's name (in Chinese one character a line, read downwards; in
/// English wrapped narrow), and Σ over the row totals.
fn headings(
    g: &super::model::ReformGraph,
    labels: &Labels,
    columns: &[(NodeIndex, &Group)],
    case_word: &str,
) -> String {
    let mut row = format!(
        r#"<tr><td align="left" valign="bottom"><b>{}</b></td>"#,
        html_text(case_word)
    );
    for (m, family) in columns {
        let name = labels.get(g.iri(*m));
        row.push_str(&format!(
            r#"<td valign="bottom" tooltip="{}"><font point-size="12" color="{}">{}</font></td>"#,
            html_text(&name),
            family.colour,
            html_text(&vertical(&name))
        ));
    }
    row.push_str(r#"<td valign="bottom">Σ</td></tr>"#);
    row
}

/// A column heading: Chinese (a name with a wide character, whatever the
/// language asked for, as labels fall back) one character a line; other
/// text wrapped.
fn vertical(name: &str) -> String {
    if name.chars().any(|c| c.width() == Some(2)) {
        name.chars()
            .filter(|c| !c.is_whitespace())
            .map(String::from)
            .collect::<Vec<_>>()
            .join("\n")
    } else {
        dot::wrap(name, ENGLISH_HEADING_WIDTH)
    }
}

/// A family name over `span` columns: wrapped to about the width they
/// give (two display columns each, at least four).
fn wrap_heading(name: &str, span: usize) -> String {
    dot::wrap(name, (span * 3).max(4))
}
