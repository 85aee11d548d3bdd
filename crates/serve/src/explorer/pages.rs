//! The explorer's HTML. Words that name the graph's things (case,
//! mechanism, agency …) are the ontology's own labels in the page's
//! language; the rest is interface text.

use super::data::{CasePage, CollectionRow, LinkKind, Mention, NodePage};
use super::Ctx;
use crate::Example;
use maud::{html, Markup, DOCTYPE};
use oxigraph::model::{NamedNode, Term};
use oxigraph::store::Store;
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use reformkg_diagram::Lang;
use reformkg_present::labels::Labels;
use reformkg_store::sparql::QueryError;
use reformkg_vocab::local_name;
use std::collections::BTreeSet;

/// The ontology's labels of its own classes and properties.
pub struct Terms(Labels);

impl Terms {
    pub fn load(store: &Store, lang: Lang) -> Result<Self, QueryError> {
        let names = [
            "Case",
            "CaseCollection",
            "Mechanism",
            "Agency",
            "PolicyDocument",
            "Outcome",
            "Candidate",
            "leadAgency",
            "rank",
            "district",
            "usesMechanism",
        ];
        let iris: Vec<NamedNode> = names.iter().map(|n| reformkg_vocab::rk(n)).collect();
        let refs: Vec<&NamedNode> = iris.iter().collect();
        Ok(Terms(Labels::load_for(store, &refs, lang.tag())?))
    }

    fn get(&self, local: &str) -> String {
        self.0.term(local)
    }
}

fn layout(ctx: &Ctx, title: &str, body: Markup) -> Markup {
    let lang = ctx.lang.tag();
    html! {
        (DOCTYPE)
        html lang=(lang) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · reformkg" }
                link rel="stylesheet" href="/assets/explorer.css";
                script src="/assets/explorer.js" defer {}
            }
            body {
                header.top {
                    a.brand href=(ctx.link("/")) { "reformkg" }
                    nav {
                        a href=(ctx.link("/")) { "Cases" }
                        a href=(ctx.link("/query-ui")) { "Query" }
                        a href="/sparql" title="SPARQL 1.1 Protocol endpoint" { "SPARQL" }
                        span.lang {
                            a href="?lang=zh" class=[(ctx.lang == Lang::Zh).then_some("on")] { "ZH" }
                            " "
                            a href="?lang=en" class=[(ctx.lang == Lang::En).then_some("on")] { "EN" }
                        }
                    }
                }
                main { (body) }
            }
        }
    }
}

pub fn not_found(ctx: &Ctx, path: &str) -> Markup {
    layout(
        ctx,
        "Not found",
        html! {
            h1 { "Not found" }
            p { "Nothing in the store answers to " code { (path) } "." }
            p { a href=(ctx.link("/")) { "All cases" } }
        },
    )
}

/// The collections and their cases; `with_diagram` on the home page.
pub fn home(
    ctx: &Ctx,
    terms: &Terms,
    labels: &Labels,
    collections: &[CollectionRow],
    with_diagram: bool,
) -> Markup {
    let cases: usize = collections.iter().map(|c| c.case_count).sum();
    let body = html! {
        h1 { (terms.get("CaseCollection")) }
        p.summary { (collections.len()) " × " (terms.get("CaseCollection")) ", " (cases) " × " (terms.get("Case")) }
        @for collection in collections {
            section.collection id=(local_name(collection.iri.as_str())) {
                h2 {
                    a href=[ctx.page_of(&collection.iri)] {
                        (non_empty(&collection.title, || labels.get(collection.iri.as_str())))
                    }
                }
                p.meta {
                    (collection.publisher)
                    @if !collection.issued.is_empty() { " · " (collection.issued) }
                    " · " (collection.case_count) " × " (terms.get("Case"))
                }
                @if !collection.cases.is_empty() {
                table.cases {
                    thead { tr {
                        th.num { (terms.get("rank")) }
                        th { (terms.get("district")) }
                        th { (terms.get("Case")) }
                        th.num { (terms.get("Mechanism")) }
                    } }
                    tbody {
                        @for case in &collection.cases {
                            tr {
                                td.num { (case.rank) }
                                td { (place_link(ctx, labels, case.place.as_ref())) }
                                td { a href=[ctx.page_of(&case.iri)] { (case.title) } }
                                td.num { (case.mechanisms) }
                            }
                        }
                    }
                }
                }
                @if collection.cases.len() < collection.case_count {
                    p.more {
                        a href=[ctx.page_of(&collection.iri)] {
                            "… " (collection.case_count) " × " (terms.get("Case"))
                        }
                    }
                }
            }
        }
        @if with_diagram {
        figure.diagram {
            object data=(ctx.link("/diagram/shared-mechanisms.svg")) type="image/svg+xml"
                aria-label="shared mechanisms" {
                a href=(ctx.link("/diagram/shared-mechanisms.svg")) { "shared-mechanisms.svg" }
            }
            figcaption {
                a href=(ctx.link("/diagram/shared-mechanisms.svg")) { "shared-mechanisms.svg" }
                " · " a href=(ctx.link("/diagram/matrix.svg")) { "matrix.svg" }
                " · " a href=(ctx.link("/diagram/case-network.svg")) { "case-network.svg" }
                " · " a href=(ctx.link("/diagram/mechanism-network.svg")) { "mechanism-network.svg" }
            }
        }
        }
    };
    layout(ctx, &terms.get("CaseCollection"), body)
}

fn non_empty(text: &str, otherwise: impl FnOnce() -> String) -> String {
    if text.is_empty() {
        otherwise()
    } else {
        text.to_owned()
    }
}

fn place_link(ctx: &Ctx, labels: &Labels, place: Option<&NamedNode>) -> Markup {
    match place {
        Some(place) => html! { a href=[ctx.page_of(place)] { (labels.get(place.as_str())) } },
        None => html! {},
    }
}

/// A token for one mention, safe in `data-m` lists and URL fragments.
fn token(mention: &NamedNode) -> String {
    utf8_percent_encode(local_name(mention.as_str()), NON_ALPHANUMERIC).to_string()
}

pub fn case(ctx: &Ctx, terms: &Terms, labels: &Labels, page: &CasePage) -> Markup {
    let body = html! {
        p.crumbs {
            a href=(ctx.link("/")) { (terms.get("CaseCollection")) }
            @if let Some(collection) = &page.collection {
                " › "
                a href=[ctx.page_of(collection)] {
                    (non_empty(&page.collection_title, || labels.get(collection.as_str())))
                }
            }
        }
        h1 { span.rank { (page.rank) } " " (page.title) }
        p.iri { code { (page.iri.as_str()) } }
        p.meta {
            @for (i, place) in page.places.iter().enumerate() {
                @if i > 0 { " · " }
                (place_link(ctx, labels, Some(place)))
            }
        }
        div.case {
            article.text lang="zh" { (highlighted(&page.text, &page.mentions)) }
            aside.links { (link_list(ctx, terms, labels, &page.mentions)) }
        }
    };
    layout(ctx, &page.title, body)
}

/// The case text cut at every mention's start and end; each piece inside a
/// mention is a span naming the mentions that cover it and their kinds.
fn highlighted(text: &str, mentions: &[Mention]) -> Markup {
    let chars: Vec<char> = text.chars().collect();
    let len = chars.len();
    let spans: Vec<(usize, usize, &Mention)> = mentions
        .iter()
        .filter(|m| m.start < m.end)
        .map(|m| (m.start.min(len), m.end.min(len), m))
        .collect();
    let mut cuts: BTreeSet<usize> = BTreeSet::from([0, len]);
    for (start, end, _) in &spans {
        cuts.insert(*start);
        cuts.insert(*end);
    }
    let cuts: Vec<usize> = cuts.into_iter().collect();
    html! {
        @for pair in cuts.windows(2) {
            @let (a, b) = (pair[0], pair[1]);
            @let piece: String = chars[a..b].iter().collect();
            @let covering: Vec<&Mention> = spans.iter()
                .filter(|(start, end, _)| *start <= a && b <= *end)
                .map(|(_, _, m)| *m).collect();
            @if covering.is_empty() {
                (piece)
            } @else {
                @let kinds: BTreeSet<&str> = covering.iter().map(|m| m.kind.name()).collect();
                @let classes = kinds.iter().map(|k| format!("k-{k}")).collect::<Vec<_>>().join(" ");
                @let tokens = covering.iter().map(|m| token(&m.iri)).collect::<Vec<_>>().join(" ");
                span class=(format!("ev {classes}")) data-m=(tokens) { (piece) }
            }
        }
    }
}

/// One row a linked node, in the order the text first mentions it: its
/// label marks the first sentence, the numbers after it the others.
fn link_list(ctx: &Ctx, terms: &Terms, labels: &Labels, mentions: &[Mention]) -> Markup {
    html! {
        @for kind in LinkKind::ALL {
            @let nodes = by_node(mentions.iter().filter(|m| m.kind == kind));
            @if !nodes.is_empty() {
                section class=(format!("kind k-{}", kind.name())) {
                    h2 { span.swatch {} (terms.get(kind.class())) " " span.count { (nodes.len()) } }
                    ol {
                        @for group in &nodes {
                            @let first = group[0];
                            li {
                                (mention_link(first, html! { (labels.get(first.node.as_str())) }))
                                @for (n, other) in group.iter().enumerate().skip(1) {
                                    " " (mention_link(other, html! { sup { (n + 1) } }))
                                }
                                @if first.candidate {
                                    " " span.badge.candidate title="named by the text, not in the lexicon" { (terms.get("Candidate")) }
                                }
                                @if first.lead {
                                    " " span.badge.lead { (terms.get("leadAgency")) }
                                }
                                @if let Some(page) = ctx.page_of(&first.node) {
                                    " " a.to href=(page) aria-label="page" { "→" }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn mention_link(mention: &Mention, content: Markup) -> Markup {
    html! {
        a.link href=(format!("#mention={}", token(&mention.iri)))
            data-target=(token(&mention.iri)) title=(mention.exact) { (content) }
    }
}

/// Mentions grouped by the node they support, groups in order of their
/// first mention.
fn by_node<'a>(mentions: impl Iterator<Item = &'a Mention>) -> Vec<Vec<&'a Mention>> {
    let mut groups: Vec<Vec<&Mention>> = Vec::new();
    for mention in mentions {
        match groups.iter_mut().find(|g| g[0].node == mention.node) {
            Some(group) => group.push(mention),
            None => groups.push(vec![mention]),
        }
    }
    groups
}

pub fn node(ctx: &Ctx, terms: &Terms, labels: &Labels, page: &NodePage) -> Markup {
    let title = labels.get(page.iri.as_str());
    let cases: BTreeSet<&NamedNode> = page.uses.iter().map(|u| &u.case).collect();
    let body = html! {
        p.crumbs {
            a href=(ctx.link("/")) { (terms.get("CaseCollection")) }
            " › "
            @for (i, t) in page.types.iter().enumerate() {
                @if i > 0 { ", " }
                (labels.get(t.as_str()))
            }
        }
        h1 { (title) }
        p.iri { code { (page.iri.as_str()) } }
        @if !page.alt_labels.is_empty() {
            p.alt { @for (i, alt) in page.alt_labels.iter().enumerate() { @if i > 0 { " · " } (alt) } }
        }
        @if !page.facts.is_empty() {
            dl.facts {
                @for (predicate, value) in &page.facts {
                    dt { (labels.get(predicate.as_str())) }
                    dd { (value_markup(ctx, labels, value)) }
                }
            }
        }
        @if !page.uses.is_empty() {
            h2 { (cases.len()) " × " (terms.get("Case")) }
            table.uses {
                tbody {
                    @for uses in page.uses.chunk_by(|a, b| a.case == b.case) {
                        @let first = &uses[0];
                        tr {
                            td.num { (first.rank) }
                            td.title {
                                @if let Some(case_page) = ctx.page_of(&first.case) {
                                    a href=(case_page) { (first.title) }
                                } @else { (first.title) }
                            }
                            td.sentence lang="zh" {
                                @for used in uses {
                                    p {
                                        @if let Some(case_page) = ctx.page_of(&used.case) {
                                            a.sentence href=(format!("{case_page}#mention={}", token(&used.mention))) { (used.exact) }
                                        } @else { (used.exact) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if !page.located.is_empty() {
            h2 { (page.located.len()) " × " (terms.get("Case")) }
            ul.located {
                @for case in &page.located {
                    li { span.rank { (case.rank) } " " a href=[ctx.page_of(&case.iri)] { (case.title) } }
                }
            }
        }
        @if !page.bodies.is_empty() {
            h2 { (terms.get("Agency")) }
            ul.located {
                @for body in &page.bodies {
                    li { a href=[ctx.page_of(body)] { (labels.get(body.as_str())) } }
                }
            }
        }
    };
    layout(ctx, &title, body)
}

fn value_markup(ctx: &Ctx, labels: &Labels, value: &Term) -> Markup {
    match value {
        Term::NamedNode(n) => match ctx.page_of(n) {
            Some(page) => html! { a href=(page) { (labels.get(n.as_str())) } },
            None => html! { (labels.get(n.as_str())) },
        },
        Term::Literal(l) => html! { (l.value()) },
        other => html! { (other.to_string()) },
    }
}

pub fn query_ui(ctx: &Ctx, examples: &[Example]) -> Markup {
    let first = examples
        .first()
        .map(|e| e.text.as_str())
        .unwrap_or("SELECT ?case ?title WHERE { ?case a rk:Case ; dct:title ?title } LIMIT 20");
    let body = html! {
        h1 { "SPARQL" }
        p.meta {
            "Runs on this server's endpoint, " code { "/sparql" } "; the prefixes "
            code { "rk: case: mechanism: skos: dct: …" } " are declared for you."
        }
        div.query {
            form #"query-form" {
                textarea #query name="query" rows="14" spellcheck="false" { (first) }
                p { button #run type="submit" { "Run" } " " span #status {} }
            }
            @if !examples.is_empty() {
                aside.examples {
                    h2 { "Examples" }
                    ul {
                        @for example in examples {
                            li {
                                button.example type="button" data-query=(example.text) title=(example.description) {
                                    (example.name)
                                }
                                @if !example.description.is_empty() { br; small { (example.description) } }
                            }
                        }
                    }
                }
            }
        }
        div #results {}
    };
    layout(ctx, "SPARQL", body)
}
