//! Terminal tables that line up Chinese text: comfy-table for the layout,
//! unicode-width for how many columns a character takes.

use comfy_table::{presets, ContentArrangement, Table};
use oxigraph::model::{Term, Variable};
use reformkg_store::sparql::Prefixes;
use unicode_width::UnicodeWidthStr;

/// How to draw a table.
#[derive(Debug, Clone)]
pub struct TableOptions {
    /// Terminal width in columns; `None` for no limit.
    pub width: Option<u16>,
    /// Longest cell, in display columns, before it is cut with `…`.
    pub max_cell: usize,
    /// At most this many rows are drawn.
    pub max_rows: Option<usize>,
}

impl Default for TableOptions {
    fn default() -> Self {
        Self {
            width: None,
            max_cell: 60,
            max_rows: None,
        }
    }
}

/// A SELECT answer as a table: prefixed names for IRIs, plain values for
/// literals, CJK characters counted as two columns, long cells cut.
pub fn render_table(
    variables: &[Variable],
    rows: &[Vec<Option<Term>>],
    prefixes: &Prefixes,
    options: &TableOptions,
) -> String {
    let mut table = Table::new();
    table.load_preset(presets::UTF8_FULL_CONDENSED);
    match options.width {
        Some(width) => {
            table.set_content_arrangement(ContentArrangement::Dynamic);
            table.set_width(width);
        }
        None => {
            table.set_content_arrangement(ContentArrangement::Disabled);
        }
    }
    table.set_header(variables.iter().map(|v| v.as_str()));
    let shown = options.max_rows.map_or(rows.len(), |m| m.min(rows.len()));
    for row in &rows[..shown] {
        table.add_row(row.iter().map(|cell| {
            let text = cell
                .as_ref()
                .map(|t| display_term(t, prefixes))
                .unwrap_or_default();
            truncate(&text, options.max_cell)
        }));
    }
    table.to_string()
}

/// How a term reads in a table cell.
pub fn display_term(term: &Term, prefixes: &Prefixes) -> String {
    match term {
        Term::NamedNode(n) => prefixes
            .compact(n.as_str())
            .unwrap_or_else(|| format!("<{}>", n.as_str())),
        Term::BlankNode(b) => format!("_:{}", b.as_str()),
        Term::Literal(l) => l.value().replace('\n', " "),
        #[allow(unreachable_patterns)]
        _ => term.to_string(),
    }
}

/// Cuts `text` to at most `max` display columns, ending with `…` when cut.
pub fn truncate(text: &str, max: usize) -> String {
    if text.width() <= max {
        return text.to_owned();
    }
    let mut out = String::new();
    let mut width = 0;
    for c in text.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if width + w + 1 > max {
            break;
        }
        out.push(c);
        width += w;
    }
    out.push('…');
    out
}
