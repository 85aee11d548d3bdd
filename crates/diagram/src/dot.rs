//! Small builders over graphviz-rust's DOT AST, so the diagram code reads
//! as nodes, edges and clusters. Every ID and attribute value goes through
//! [`quoted`], which escapes it; no DOT text is put together by hand.

use graphviz_rust::dot_structures::{
    Attribute, Edge, EdgeTy, Graph, GraphAttributes, Id, Node, NodeId, Stmt, Subgraph, Vertex,
};
use graphviz_rust::printer::{DotPrinter, PrinterContext};
use unicode_width::UnicodeWidthChar;

/// A font with Chinese glyphs (Debian/Ubuntu: fonts-noto-cjk), so that a
/// PNG shows 告知承诺 rather than empty boxes. Fontconfig falls back to
/// another CJK font where this one is missing.
pub const FONT: &str = "Noto Sans CJK SC";

/// A double-quoted DOT ID: backslashes and quotes escaped, line breaks
/// turned into the label escape `\n`.
pub fn quoted(text: &str) -> Id {
    let mut escaped = String::with_capacity(text.len() + 2);
    escaped.push('"');
    for c in text.chars() {
        match c {
            '"' => escaped.push_str("\\\""),
            '\\' => escaped.push_str("\\\\"),
            '\n' => escaped.push_str("\\n"),
            '\r' => {}
            _ => escaped.push(c),
        }
    }
    escaped.push('"');
    Id::Escaped(escaped)
}

/// The text of an ID as [`quoted`] wrote it (escapes undone); other IDs
/// as they are.
pub fn unquoted(id: &Id) -> String {
    match id {
        Id::Escaped(s) => {
            let inner = s
                .strip_prefix('"')
                .and_then(|s| s.strip_suffix('"'))
                .unwrap_or(s);
            let mut out = String::with_capacity(inner.len());
            let mut chars = inner.chars();
            while let Some(c) = chars.next() {
                match (c, c == '\\') {
                    (_, true) => match chars.next() {
                        Some('n') => out.push('\n'),
                        Some(other) => out.push(other),
                        None => out.push('\\'),
                    },
                    (c, false) => out.push(c),
                }
            }
            out
        }
        Id::Html(s) | Id::Plain(s) | Id::Anonymous(s) => s.clone(),
    }
}

/// `key="value"`.
pub fn attr(key: &str, value: impl AsRef<str>) -> Attribute {
    Attribute(Id::Plain(key.to_owned()), quoted(value.as_ref()))
}

/// `key=<…>`: an HTML-like label, `html` being the markup between the
/// outer angle brackets (escape text in it with [`html_text`]).
pub fn attr_html(key: &str, html: &str) -> Attribute {
    Attribute(Id::Plain(key.to_owned()), Id::Html(format!("<{html}>")))
}

/// Text for an HTML-like label: markup characters escaped, line breaks as
/// `<br/>`.
pub fn html_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\n' => out.push_str("<br/>"),
            '\r' => {}
            _ => out.push(c),
        }
    }
    out
}

pub fn node(id: &str, attributes: Vec<Attribute>) -> Stmt {
    Stmt::Node(Node::new(NodeId(quoted(id), None), attributes))
}

pub fn edge(from: &str, to: &str, attributes: Vec<Attribute>) -> Stmt {
    Stmt::Edge(Edge {
        ty: EdgeTy::Pair(
            Vertex::N(NodeId(quoted(from), None)),
            Vertex::N(NodeId(quoted(to), None)),
        ),
        attributes,
    })
}

/// A subgraph; Graphviz draws it as a box when the name starts with
/// `cluster`.
pub fn subgraph(name: &str, stmts: Vec<Stmt>) -> Stmt {
    Stmt::Subgraph(Subgraph {
        id: quoted(name),
        stmts,
    })
}

pub fn graph_attrs(attributes: Vec<Attribute>) -> Stmt {
    Stmt::GAttribute(GraphAttributes::Graph(attributes))
}

pub fn node_defaults(attributes: Vec<Attribute>) -> Stmt {
    Stmt::GAttribute(GraphAttributes::Node(attributes))
}

pub fn edge_defaults(attributes: Vec<Attribute>) -> Stmt {
    Stmt::GAttribute(GraphAttributes::Edge(attributes))
}

/// An undirected graph with the CJK font set for the graph, its nodes and
/// its edges, then `stmts`.
pub fn undirected(name: &str, graph: Vec<Attribute>, stmts: Vec<Stmt>) -> Graph {
    let mut all = vec![
        graph_attrs(
            [
                vec![attr("fontname", FONT), attr("charset", "UTF-8")],
                graph,
            ]
            .concat(),
        ),
        node_defaults(vec![attr("fontname", FONT)]),
        edge_defaults(vec![attr("fontname", FONT)]),
    ];
    all.extend(stmts);
    Graph::Graph {
        id: quoted(name),
        strict: false,
        stmts: all,
    }
}

/// Like [`undirected`], with arrows.
pub fn directed(name: &str, graph: Vec<Attribute>, stmts: Vec<Stmt>) -> Graph {
    match undirected(name, graph, stmts) {
        Graph::Graph { id, strict, stmts } | Graph::DiGraph { id, strict, stmts } => {
            Graph::DiGraph { id, strict, stmts }
        }
    }
}

/// The DOT text of a graph, through graphviz-rust's printer.
pub fn print(graph: &Graph) -> String {
    let mut text = graph.print(&mut PrinterContext::default());
    text.push('\n');
    text
}

/// Breaks a label into lines of about `width` display columns (a CJK
/// character is two), evenly filled: Latin words stay whole, Chinese breaks
/// between characters but never before closing punctuation.
pub fn wrap(text: &str, width: usize) -> String {
    let units = units(text);
    // Even lines: 43 characters at 14 a line become 11+11+11+10, not
    // 14+14+14+1.
    let total: usize = units.iter().map(|u| columns(u)).sum();
    let lines = total.div_ceil(width.max(1)).max(1);
    // A word that fits a full line is never cut to make lines even.
    let longest = units
        .iter()
        .map(|u| columns(u))
        .filter(|&w| w <= width)
        .max()
        .unwrap_or(0);
    let width = (total.div_ceil(lines).max(2) + 1).max(longest);
    let mut out: Vec<String> = Vec::new();
    let mut line = String::new();
    let mut space = false;
    for unit in units {
        if unit == " " {
            space = !line.is_empty();
            continue;
        }
        let needed = columns(&unit) + usize::from(space);
        let closing = unit.chars().all(is_closing);
        if columns(&line) + needed > width && !line.is_empty() && !closing {
            out.push(std::mem::take(&mut line));
            space = false;
        }
        if space {
            line.push(' ');
            space = false;
        }
        for c in unit.chars() {
            // A word wider than a whole line is cut.
            if columns(&line) + char_columns(c) > width && columns(&unit) > width {
                out.push(std::mem::take(&mut line));
            }
            line.push(c);
        }
    }
    if !line.is_empty() {
        out.push(line);
    }
    out.join("\n")
}

/// Spaces, single wide characters, single punctuation marks, and runs of
/// anything else (Latin words, numbers, `(7)`).
fn units(text: &str) -> Vec<String> {
    let mut units: Vec<String> = Vec::new();
    let mut word = String::new();
    // An opening mark (“《（) sticks to what follows it.
    let mut opening = String::new();
    for c in text.chars() {
        if is_opening(c) {
            if !word.is_empty() {
                units.push(std::mem::take(&mut word));
            }
            opening.push(c);
            continue;
        }
        let alone = c.is_whitespace() || char_columns(c) > 1 || is_closing(c);
        if !alone {
            word.insert_str(0, &std::mem::take(&mut opening));
            word.push(c);
            continue;
        }
        if !word.is_empty() {
            units.push(std::mem::take(&mut word));
        }
        if c.is_whitespace() {
            if !opening.is_empty() {
                units.push(std::mem::take(&mut opening));
            }
            if units.last().is_some_and(|u| u != " ") {
                units.push(" ".to_owned());
            }
        } else {
            units.push(format!("{}{c}", std::mem::take(&mut opening)));
        }
    }
    if !opening.is_empty() {
        units.push(opening);
    }
    if !word.is_empty() {
        units.push(word);
    }
    if units.last().is_some_and(|u| u == " ") {
        units.pop();
    }
    units
}

fn char_columns(c: char) -> usize {
    c.width().unwrap_or(0)
}

fn columns(text: &str) -> usize {
    text.chars().map(char_columns).sum()
}

/// Punctuation that must not end a line.
fn is_opening(c: char) -> bool {
    matches!(c, '“' | '‘' | '《' | '（' | '「' | '(')
}

/// Punctuation that must not start a line.
fn is_closing(c: char) -> bool {
    matches!(
        c,
        '，' | '。'
            | '、'
            | '；'
            | '：'
            | '！'
            | '？'
            | '）'
            | '》'
            | '」'
            | '”'
            | '’'
            | ','
            | '.'
            | ')'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_and_backslashes_are_escaped() {
        assert_eq!(
            quoted("以\"法治\"\\服务\n第二行"),
            Id::Escaped("\"以\\\"法治\\\"\\\\服务\\n第二行\"".to_owned())
        );
    }

    #[test]
    fn html_text_escapes_markup() {
        assert_eq!(
            html_text("a<b & \"c\"\nd"),
            "a&lt;b &amp; &quot;c&quot;<br/>d"
        );
    }

    #[test]
    fn printed_graph_parses_back() {
        let g = undirected(
            "g",
            vec![],
            vec![
                node("http://x/a", vec![attr("label", "告知\"承诺\"")]),
                edge("http://x/a", "http://x/b", vec![]),
            ],
        );
        let text = print(&g);
        let parsed = graphviz_rust::parse(&text).expect("printer output is valid DOT");
        assert_eq!(parsed, g);
        assert_eq!(
            unquoted(&quoted("告知\"承诺\"\\x\ny")),
            "告知\"承诺\"\\x\ny"
        );
    }

    #[test]
    fn wrapping_counts_cjk_as_two_columns() {
        assert_eq!(wrap("一二三四五六", 6), "一二三\n四五六");
        assert_eq!(wrap("one two three", 8), "one two\nthree");
        assert_eq!(wrap("一二三，四五", 6), "一二三，\n四五");
    }

    #[test]
    fn opening_quotes_stay_with_what_they_open() {
        assert_eq!(wrap("一二三“四五”", 8), "一二三\n“四五”");
        assert_eq!(wrap("(7)", 8), "(7)");
    }

    #[test]
    fn wrapped_lines_are_even() {
        assert_eq!(wrap("一二三四五六七", 8), "一二三四\n五六七");
        assert_eq!(wrap("短", 8), "短");
        assert_eq!(
            wrap("One network for government services (7)", 22),
            "One network for\ngovernment services\n(7)"
        );
        assert_eq!(
            wrap("Litigation–mediation linkage (2)", 22),
            "Litigation–mediation\nlinkage (2)"
        );
    }
}
