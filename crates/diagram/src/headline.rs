//! The headline diagram, `shared-mechanisms`: which reforms share which
//! mechanisms. Three columns laid out by `dot`: mechanism families on the
//! left, the cases (boxed by district, or by collection) in the middle,
//! more families on the right. Both columns are ordered by [`order`] so the
//! lines stay short and cross little; each line has its family's colour,
//! and the legend above names the families.

use super::analysis;
use super::dot::{self, attr, attr_html, edge, html_text, node, subgraph, wrap};
use super::families::{self, Group};
use super::kinds::{case_label, title, CASE_FILL, CASE_LINE, CLUSTER_FILL, CLUSTER_LINE};
use super::model::{Link, ReformGraph};
use super::placement::{self, Item};
use super::render::{Diagram, Engine};
use super::Options;
use graphviz_rust::dot_structures::{Attribute, Stmt};
use petgraph::graph::NodeIndex;
use reformkg_present::labels::Labels;
use reformkg_present::table::truncate;
use std::collections::{BTreeMap, BTreeSet};
use unicode_width::UnicodeWidthStr;

/// A collection with more districts than this is one box: a hundred
/// one-case boxes (the national notice names 83 places for 130 cases) add
/// frames, not information.
pub(crate) const MAX_DISTRICT_BOXES: usize = 24;
/// With more cases than this, a case is one line (rank and the start of
/// its title; the whole title is the tooltip), so the column stays a
/// height a reader can scroll.
pub(crate) const MANY_CASES: usize = 40;
/// Display columns of a case title (a Chinese character is two).
const TITLE_WIDTH: usize = 28;
const SHORT_TITLE_WIDTH: usize = 40;
/// Display columns of a mechanism label line.
const MECHANISM_WIDTH: usize = 22;
/// Families named on one row of the legend.
const LEGEND_COLUMNS: usize = 5;

/// Cases that share a box.
pub(crate) struct CaseGroup {
    /// The district or collection: (IRI, label); none for cases of a
    /// collection drawn by district that have no district.
    pub boxed: Option<(String, String)>,
    pub members: Vec<NodeIndex>,
}

/// `cases` grouped by district within each collection, or by collection
/// where a collection has more than [`MAX_DISTRICT_BOXES`] districts.
/// Groups come in the order of their first case.
pub(crate) fn case_groups(g: &ReformGraph, labels: &Labels, cases: &[NodeIndex]) -> Vec<CaseGroup> {
    let collection_of = |c: NodeIndex| g.linked(c, Link::InCollection).into_iter().next();
    let mut districts: BTreeMap<Option<NodeIndex>, BTreeSet<Option<NodeIndex>>> = BTreeMap::new();
    for &c in cases {
        districts
            .entry(collection_of(c))
            .or_default()
            .insert(g.district_of(c));
    }
    let mut groups: Vec<(Option<NodeIndex>, CaseGroup)> = Vec::new();
    for &c in cases {
        let collection = collection_of(c);
        let by_collection = districts[&collection].len() > MAX_DISTRICT_BOXES;
        let key = if by_collection {
            collection
        } else {
            g.district_of(c)
        };
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, group)) => group.members.push(c),
            None => groups.push((
                key,
                CaseGroup {
                    boxed: key.map(|k| (g.iri(k).to_owned(), labels.get(g.iri(k)))),
                    members: vec![c],
                },
            )),
        }
    }
    groups.into_iter().map(|(_, group)| group).collect()
}

/// Cases ordered by their community in the network of cases sharing a
/// mechanism (Louvain, on Jaccard weights), then by rank: the start the
/// barycentre sweeps improve on.
fn by_community(g: &ReformGraph, cases: &[NodeIndex]) -> Vec<NodeIndex> {
    let net = analysis::case_network(g, 1);
    let community = analysis::communities(&net, |p| p.jaccard());
    let of: BTreeMap<NodeIndex, usize> = net
        .node_indices()
        .map(|ix| (net[ix], community[ix.index()]))
        .collect();
    let mut ordered = cases.to_vec();
    ordered.sort_by(|&a, &b| {
        let key = |c: NodeIndex| (of.get(&c).copied().unwrap_or(usize::MAX), g.order_key(c));
        key(a).cmp(&key(b))
    });
    ordered
}

/// The headline diagram: cases and the mechanisms at least `min_cases` of
/// them use.
pub fn shared_mechanisms(g: &ReformGraph, labels: &Labels, options: &Options) -> Diagram {
    let min_cases = options.min_cases.max(1);
    let uses_count: BTreeMap<NodeIndex, usize> = analysis::mechanism_frequency(g)
        .into_iter()
        .filter(|&(_, n)| n >= min_cases)
        .collect();
    let cases: Vec<NodeIndex> = g
        .cases()
        .into_iter()
        .filter(|&c| {
            g.mechanisms_of(c)
                .iter()
                .any(|m| uses_count.contains_key(m))
        })
        .collect();
    let uses: Vec<(NodeIndex, NodeIndex)> = cases
        .iter()
        .flat_map(|&c| g.mechanisms_of(c).into_iter().map(move |m| (c, m)))
        .filter(|(_, m)| uses_count.contains_key(m))
        .collect();
    // Most used first: the order mechanisms are placed and drawn in.
    let shown: Vec<NodeIndex> = analysis::mechanism_frequency(g)
        .into_iter()
        .filter(|(m, _)| uses_count.contains_key(m))
        .map(|(m, _)| m)
        .collect();
    let mechanism_groups = families::groups(g, labels, &shown);
    let group_of: BTreeMap<NodeIndex, &Group> = mechanism_groups
        .iter()
        .flat_map(|grp| grp.members.iter().map(move |&m| (m, grp)))
        .collect();
    let case_groups = case_groups(g, labels, &by_community(g, &cases));

    let title_width = if cases.len() > MANY_CASES {
        0
    } else {
        TITLE_WIDTH
    };
    let (lo, hi) = (
        uses_count.values().copied().min().unwrap_or(min_cases),
        uses_count.values().copied().max().unwrap_or(min_cases),
    );
    let case_labels: BTreeMap<NodeIndex, String> = cases
        .iter()
        .map(|&c| (c, case_text(g, labels, c, title_width)))
        .collect();
    let mechanism_labels: BTreeMap<NodeIndex, (String, usize)> = shown
        .iter()
        .map(|&m| {
            let n = uses_count[&m];
            let size = 12 + (n.saturating_sub(lo) * 8) / (hi - lo).max(1);
            let text = wrap(&format!("{} ({n})", labels.get(g.iri(m))), MECHANISM_WIDTH);
            (m, (text, size))
        })
        .collect();

    // One item to place per case box (its cases stacked inside) or loose
    // case, and per mechanism.
    let mut items: Vec<Item> = Vec::new();
    let mut item_of: BTreeMap<NodeIndex, usize> = BTreeMap::new();
    let mut blocks: Vec<(usize, &CaseGroup)> = Vec::new();
    for group in &case_groups {
        match &group.boxed {
            Some((_, label)) => {
                let sizes: Vec<Item> = group
                    .members
                    .iter()
                    .map(|c| label_box(&case_labels[c], CASE_FONT_SIZE, false))
                    .collect();
                let inner_width = sizes.iter().map(|s| s.width).fold(0.0, f64::max);
                let label_width = text_width(label, CLUSTER_FONT_SIZE);
                items.push(Item {
                    width: inner_width.max(label_width) + 2.0 * CLUSTER_MARGIN,
                    height: sizes.iter().map(|s| s.height).sum::<f64>()
                        + STACK_GAP * (sizes.len() - 1) as f64
                        + CLUSTER_FONT_SIZE * LINE_HEIGHT
                        + 2.0 * CLUSTER_MARGIN,
                });
                blocks.push((items.len() - 1, group));
                for &c in &group.members {
                    item_of.insert(c, items.len() - 1);
                }
            }
            None => {
                for &c in &group.members {
                    items.push(label_box(&case_labels[&c], CASE_FONT_SIZE, false));
                    item_of.insert(c, items.len() - 1);
                }
            }
        }
    }
    let start: Vec<usize> = (0..items.len()).collect();
    for &m in &shown {
        let (text, size) = &mechanism_labels[&m];
        items.push(label_box(text, *size as f64, true));
        item_of.insert(m, items.len() - 1);
    }
    let lines: Vec<(usize, usize)> = uses.iter().map(|(c, m)| (item_of[c], item_of[m])).collect();
    let centres = placement::place(&items, &lines, &start);

    // Case positions: stacked top down inside their box, under its label.
    let mut position: BTreeMap<NodeIndex, (f64, f64)> = BTreeMap::new();
    for (c, &i) in &item_of {
        position.insert(*c, centres[i]);
    }
    for &(i, group) in &blocks {
        let (cx, cy) = centres[i];
        let mut top = cy - items[i].height / 2.0 + CLUSTER_MARGIN + CLUSTER_FONT_SIZE * LINE_HEIGHT;
        for &c in &group.members {
            let size = label_box(&case_labels[&c], CASE_FONT_SIZE, false);
            position.insert(c, (cx, top + size.height / 2.0));
            top += size.height + STACK_GAP;
        }
    }
    // Graphviz's y grows upwards; ours downwards, as a page is read.
    // In points, as `neato -n` reads them.
    let pos = |ix: NodeIndex| {
        let (x, y) = position[&ix];
        attr("pos", format!("{x:.1},{:.1}", -y))
    };
    // A box's frame: its item, less the gap kept around items.
    let frame: BTreeMap<NodeIndex, String> = blocks
        .iter()
        .map(|&(i, group)| {
            let (cx, cy) = centres[i];
            let (w, h) = (items[i].width / 2.0, items[i].height / 2.0);
            let bb = format!(
                "{:.1},{:.1},{:.1},{:.1}",
                cx - w,
                -(cy + h),
                cx + w,
                -(cy - h)
            );
            (group.members[0], bb)
        })
        .collect();

    let mut stmts = vec![dot::edge_defaults(vec![attr("penwidth", "1.4")])];
    for group in &case_groups {
        let nodes: Vec<Stmt> = group
            .members
            .iter()
            .map(|&c| case_node(g, labels, c, &case_labels[&c], pos(c)))
            .collect();
        match &group.boxed {
            Some((iri, label)) => {
                stmts.push(case_cluster(iri, label, &frame[&group.members[0]], nodes))
            }
            None => stmts.extend(nodes),
        }
    }
    for &m in &shown {
        let (text, size) = &mechanism_labels[&m];
        stmts.push(mechanism_node(g, m, text, *size, group_of[&m], pos(m)));
    }
    for &(c, m) in &uses {
        let group = group_of[&m];
        let mut attrs = vec![
            attr("color", group.colour_alpha(0xb0)),
            attr(
                "tooltip",
                format!("{} — {}", labels.get(g.iri(c)), labels.get(g.iri(m))),
            ),
        ];
        if group.is_candidate() {
            attrs.push(attr("style", "dashed"));
        }
        stmts.push(edge(g.iri(c), g.iri(m), attrs));
    }

    let graph_attrs = vec![
        attr_html("label", &legend(g, labels, &cases, &mechanism_groups)),
        attr("labelloc", "t"),
        // Every node and box is placed: `neato -n` routes the lines
        // around nodes, and moves nothing.
        attr("splines", "true"),
        // Nodes are drawn over the lines, so no line crosses a label.
        attr("outputorder", "edgesfirst"),
        attr("bgcolor", "white"),
        attr("pad", "0.3"),
    ];
    let graph = dot::undirected("shared_mechanisms", graph_attrs, stmts);
    Diagram::with_engine(graph, Engine::Pinned, cases.len() + shown.len())
}

const CASE_FONT_SIZE: f64 = 14.0;
const CLUSTER_FONT_SIZE: f64 = 15.0;
/// Graphviz's space between a cluster's box and what it holds, in points.
const CLUSTER_MARGIN: f64 = 10.0;
/// Between the cases of one box.
const STACK_GAP: f64 = 8.0;
const LINE_HEIGHT: f64 = 1.3;
/// The width of one display column (half a Chinese character) in ems of
/// the CJK font, generous so the estimate is never short.
const EM_PER_COLUMN: f64 = 0.56;

/// How wide a line of text is, in points, at a font size.
fn text_width(text: &str, font_size: f64) -> f64 {
    text.lines()
        .map(|line| line.width() as f64)
        .fold(0.0, f64::max)
        * EM_PER_COLUMN
        * font_size
}

/// The size Graphviz gives a node with this label (its margins 0.11 and
/// 0.055 inches around the text; an ellipse circumscribes that box).
fn label_box(text: &str, font_size: f64, ellipse: bool) -> Item {
    let lines = text.lines().count().max(1) as f64;
    let width = text_width(text, font_size) + 16.0;
    let height = lines * font_size * LINE_HEIGHT + 8.0;
    if ellipse {
        Item {
            width: width * std::f64::consts::SQRT_2,
            height: height * std::f64::consts::SQRT_2,
        }
    } else {
        Item { width, height }
    }
}

fn case_text(g: &ReformGraph, labels: &Labels, case: NodeIndex, width: usize) -> String {
    if width == 0 {
        one_line(g, labels, case)
    } else {
        case_label(g, labels, case, width)
    }
}

fn case_node(
    g: &ReformGraph,
    labels: &Labels,
    case: NodeIndex,
    text: &str,
    pos: Attribute,
) -> Stmt {
    node(
        g.iri(case),
        vec![
            attr("label", text),
            attr("tooltip", labels.get(g.iri(case))),
            attr("shape", "box"),
            attr("style", "rounded,filled"),
            attr("fillcolor", CASE_FILL),
            attr("color", CASE_LINE),
            attr("fontsize", format!("{CASE_FONT_SIZE}")),
            pos,
        ],
    )
}

/// `44. 江苏省东海县从早从严从实加强管理…`: the rank and as much of the title
/// as fits [`SHORT_TITLE_WIDTH`].
fn one_line(g: &ReformGraph, labels: &Labels, case: NodeIndex) -> String {
    let title = labels.get(g.iri(case));
    let text = match g.resource(case).rank {
        Some(rank) => format!("{rank}. {title}"),
        None => title,
    };
    truncate(&text, SHORT_TITLE_WIDTH)
}

/// A district's (or collection's) box; the subgraph is `cluster_` + IRI.
fn case_cluster(iri: &str, label: &str, bb: &str, nodes: Vec<Stmt>) -> Stmt {
    let mut stmts = vec![dot::graph_attrs(vec![
        attr("bb", bb),
        attr("label", label),
        attr("style", "rounded,filled"),
        attr("fillcolor", CLUSTER_FILL),
        attr("color", CLUSTER_LINE),
        attr("fontsize", format!("{CLUSTER_FONT_SIZE}")),
        attr("labeljust", "l"),
        attr("margin", format!("{CLUSTER_MARGIN}")),
    ])];
    stmts.extend(nodes);
    subgraph(&format!("cluster_{iri}"), stmts)
}

/// A mechanism: its name and how many cases use it, tinted with its
/// family's colour, the font larger the more cases use it; a candidate
/// is dashed.
fn mechanism_node(
    g: &ReformGraph,
    m: NodeIndex,
    text: &str,
    font_size: usize,
    group: &Group,
    pos: Attribute,
) -> Stmt {
    let style = if group.is_candidate() {
        "filled,dashed"
    } else {
        "filled"
    };
    node(
        g.iri(m),
        vec![
            attr("label", text),
            attr("tooltip", g.iri(m)),
            attr("shape", "ellipse"),
            attr("style", style),
            attr("fillcolor", group.colour_alpha(0x30)),
            attr("color", group.colour),
            attr("penwidth", "1.5"),
            attr("fontsize", font_size.to_string()),
            pos,
        ],
    )
}

/// The title (the collections drawn) and, under it, a key naming each
/// family with a line of its colour; candidates with a dashed one. An
/// HTML-like table in the graph label, so it takes no part in the layout.
fn legend(g: &ReformGraph, labels: &Labels, cases: &[NodeIndex], groups: &[Group]) -> String {
    let keyed: Vec<&Group> = groups.iter().filter(|grp| grp.iri.is_some()).collect();
    let span = keyed.len().clamp(1, LEGEND_COLUMNS) * 2;
    let mut html = format!(
        r#"<table border="0" cellspacing="2" cellpadding="3"><tr><td colspan="{span}"><font point-size="22">{}</font></td></tr>"#,
        html_text(&title(g, labels, cases))
    );
    for row in keyed.chunks(LEGEND_COLUMNS) {
        html.push_str("<tr>");
        for group in row {
            let style = if group.is_candidate() {
                r#" style="dashed""#
            } else {
                ""
            };
            html.push_str(&format!(
                r#"<td width="36" height="6" fixedsize="true" bgcolor="{}" border="{}" color="{}"{style}></td><td align="left"><font point-size="15" color="{}">{}</font></td>"#,
                if group.is_candidate() { "white" } else { group.colour },
                u8::from(group.is_candidate()) * 2,
                group.colour,
                group.colour,
                html_text(&group.label),
            ));
        }
        html.push_str("</tr>");
    }
    let case_word = html_text(&labels.term("Case"));
    html.push_str(&format!(
        r#"<tr><td colspan="{span}"><font point-size="13" color="{}">(n) = n × {case_word}</font></td></tr></table>"#,
        CLUSTER_LINE
    ));
    html
}
