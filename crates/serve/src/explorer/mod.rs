//! The web explorer: server-rendered pages over the store, every link with
//! the sentence that supports it. No build step: HTML comes from maud, the
//! stylesheet and the one small script are compiled into the binary.

mod data;
mod pages;

use crate::http::{Incoming, Reply};
use crate::App;
use oxigraph::model::NamedNode;
use percent_encoding::{percent_decode_str, utf8_percent_encode, NON_ALPHANUMERIC};
use reformkg_diagram::{DiagramError, Kind, Lang, Options as DiagramOptions};
use reformkg_vocab::{id_ns, ID};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

const STYLE: &str = include_str!("../../assets/explorer.css");
const SCRIPT: &str = include_str!("../../assets/explorer.js");

/// The kinds of resource that have a page, by the path segment that is
/// also the kind in their IRI (`…/id/mechanism/…` is `/mechanism/…`).
const PAGE_KINDS: &[&str] = &[
    "collection",
    "case",
    "mechanism",
    "agency",
    "agency-type",
    "district",
    "place",
    "document",
];

/// The home page lists this many cases of each collection; the
/// collection's own page lists them all.
const HOME_CASES: usize = 50;
/// Above this many cases in all, the home page lists the collections only.
const HOME_ALL_CASES: usize = 500;

/// A rendered diagram's key: the store version and what was asked.
type DiagramKey = (u64, String);

/// Rendered diagrams, by store version and request; a new version makes
/// the old ones unreachable and they are dropped on the next insert.
#[derive(Default)]
pub struct Cache {
    svgs: Mutex<HashMap<DiagramKey, Arc<Vec<u8>>>>,
}

/// What every page shares: the language and how links carry it.
pub struct Ctx {
    pub lang: Lang,
    /// `?lang=xx` when the page was asked for in a language explicitly.
    pub lang_query: String,
}

impl Ctx {
    fn of(request: &Incoming) -> Self {
        match request.param("lang").as_deref() {
            Some("en") => Ctx {
                lang: Lang::En,
                lang_query: "?lang=en".into(),
            },
            Some("zh") => Ctx {
                lang: Lang::Zh,
                lang_query: "?lang=zh".into(),
            },
            _ => Ctx {
                lang: preferred_language(request.header("accept-language")),
                lang_query: String::new(),
            },
        }
    }

    /// A path with the page's language kept.
    pub fn link(&self, path: &str) -> String {
        format!("{path}{}", self.lang_query)
    }

    /// The page of a resource, when it has one.
    pub fn page_of(&self, iri: &NamedNode) -> Option<String> {
        page_path(iri.as_str()).map(|p| self.link(&p))
    }
}

/// Chinese unless English comes before Chinese in `Accept-Language`.
fn preferred_language(header: Option<&str>) -> Lang {
    let Some(header) = header else {
        return Lang::Zh;
    };
    let mut best: Option<(f32, Lang)> = None;
    for (tag, quality) in crate::accept::weighted(header) {
        let lang = if tag.starts_with("zh") {
            Lang::Zh
        } else if tag.starts_with("en") {
            Lang::En
        } else {
            continue;
        };
        if best.is_none_or(|(q, _)| quality > q) {
            best = Some((quality, lang));
        }
    }
    best.map_or(Lang::Zh, |(_, lang)| lang)
}

/// `/mechanism/告知承诺` for `…/id/mechanism/告知承诺`; the local name is
/// percent-encoded whole (a `%` in it too), so decoding the path once gives
/// it back exactly.
pub fn page_path(iri: &str) -> Option<String> {
    let rest = iri.strip_prefix(ID)?;
    let (kind, local) = rest.split_once('/')?;
    (PAGE_KINDS.contains(&kind) && !local.is_empty())
        .then(|| format!("/{kind}/{}", utf8_percent_encode(local, NON_ALPHANUMERIC)))
}

/// The IRI a page path names, if it is one.
fn iri_of_path(path: &str) -> Option<(&str, NamedNode)> {
    let (kind, encoded) = path.strip_prefix('/')?.split_once('/')?;
    let kind = PAGE_KINDS.iter().find(|k| **k == kind)?;
    let local = percent_decode_str(encoded).decode_utf8().ok()?;
    NamedNode::new(format!("{}{local}", id_ns(kind)))
        .ok()
        .map(|iri| (*kind, iri))
}

pub fn handle(app: &App, request: &Incoming) -> Reply {
    if !matches!(request.method.as_str(), "GET" | "HEAD") {
        return Reply::error(405, "pages are read with GET").with_header("Allow", "GET");
    }
    let ctx = Ctx::of(request);
    let path = request.path.as_str();
    let result = match path {
        "/" => home(app, &ctx),
        "/query-ui" => return query_page(app, request),
        "/assets/explorer.css" => return asset("text/css; charset=utf-8", STYLE),
        "/assets/explorer.js" => return asset("text/javascript; charset=utf-8", SCRIPT),
        _ if path.starts_with("/diagram/") => return diagram(app, request, &ctx),
        _ => match iri_of_path(path) {
            Some(("case", iri)) => case(app, &ctx, &iri),
            Some(("collection", iri)) => collection(app, &ctx, &iri),
            Some((_, iri)) => node(app, &ctx, &iri),
            None => Ok(None),
        },
    };
    match result {
        Ok(Some(markup)) => Reply::html(markup),
        Ok(None) => Reply::new(
            404,
            "text/html; charset=utf-8",
            pages::not_found(&ctx, path).into_string(),
        ),
        Err(reply) => reply,
    }
}

fn asset(content_type: &str, text: &str) -> Reply {
    Reply::new(200, content_type, text.as_bytes().to_vec())
        .with_header("Cache-Control", "max-age=3600")
}

type Page = Result<Option<maud::Markup>, Reply>;

fn unavailable(error: impl std::fmt::Display) -> Reply {
    Reply::error(503, format!("the store cannot be read: {error}"))
}

fn failed(error: impl std::fmt::Display) -> Reply {
    Reply::error(500, error)
}

fn home(app: &App, ctx: &Ctx) -> Page {
    collections_page(app, ctx, None)
}

fn collection(app: &App, ctx: &Ctx, iri: &NamedNode) -> Page {
    collections_page(app, ctx, Some(iri))
}

/// Every collection with its first cases, or one collection with all.
fn collections_page(app: &App, ctx: &Ctx, only: Option<&NamedNode>) -> Page {
    let snapshot = app.live.snapshot().map_err(unavailable)?;
    let store = snapshot.store();
    if only.is_none() {
        let counts = data::collection_counts(store).map_err(failed)?;
        if counts.iter().map(|c| c.case_count).sum::<usize>() > HOME_ALL_CASES {
            // Too many cases for one picture: the diagrams stay one click away.
            return render_collections(store, ctx, &counts, false);
        }
    }
    let mut collections = data::collections(store, only).map_err(failed)?;
    if only.is_some() && collections.is_empty() {
        return Ok(None);
    }
    if only.is_none() {
        collections
            .iter_mut()
            .for_each(|c| c.cases.truncate(HOME_CASES));
    }
    render_collections(store, ctx, &collections, only.is_none())
}

fn render_collections(
    store: &oxigraph::store::Store,
    ctx: &Ctx,
    collections: &[data::CollectionRow],
    with_diagram: bool,
) -> Page {
    let mut iris: Vec<&NamedNode> = collections.iter().map(|c| &c.iri).collect();
    iris.extend(
        collections
            .iter()
            .flat_map(|c| c.cases.iter().filter_map(|k| k.place.as_ref())),
    );
    let labels = data::labels_for(store, &iris, ctx.lang.tag()).map_err(failed)?;
    let terms = pages::Terms::load(store, ctx.lang).map_err(failed)?;
    Ok(Some(pages::home(
        ctx,
        &terms,
        &labels,
        collections,
        with_diagram,
    )))
}

fn case(app: &App, ctx: &Ctx, iri: &NamedNode) -> Page {
    let snapshot = app.live.snapshot().map_err(unavailable)?;
    let store = snapshot.store();
    let Some(page) = data::case_page(store, iri).map_err(failed)? else {
        return Ok(None);
    };
    let mut iris: Vec<&NamedNode> = page.mentions.iter().map(|m| &m.node).collect();
    iris.extend(page.places.iter());
    iris.extend(page.collection.iter());
    let labels = data::labels_for(store, &iris, ctx.lang.tag()).map_err(failed)?;
    let terms = pages::Terms::load(store, ctx.lang).map_err(failed)?;
    Ok(Some(pages::case(ctx, &terms, &labels, &page)))
}

fn node(app: &App, ctx: &Ctx, iri: &NamedNode) -> Page {
    let snapshot = app.live.snapshot().map_err(unavailable)?;
    let store = snapshot.store();
    let Some(page) = data::node_page(store, iri).map_err(failed)? else {
        return Ok(None);
    };
    let mut iris: Vec<&NamedNode> = vec![&page.iri];
    iris.extend(page.types.iter());
    iris.extend(page.facts.iter().map(|(p, _)| p));
    iris.extend(page.facts.iter().filter_map(|(_, o)| match o {
        oxigraph::model::Term::NamedNode(n) => Some(n),
        _ => None,
    }));
    iris.extend(page.bodies.iter());
    let labels = data::labels_for(store, &iris, ctx.lang.tag()).map_err(failed)?;
    let terms = pages::Terms::load(store, ctx.lang).map_err(failed)?;
    Ok(Some(pages::node(ctx, &terms, &labels, &page)))
}

/// `/sparql` opened in a browser, and `/query-ui`.
pub fn query_page(app: &App, request: &Incoming) -> Reply {
    let ctx = Ctx::of(request);
    Reply::html(pages::query_ui(&ctx, &app.options.examples))
}

/// `/diagram/shared-mechanisms.svg` and the other store-wide kinds,
/// rendered by the diagram stage and kept per store version.
fn diagram(app: &App, request: &Incoming, ctx: &Ctx) -> Reply {
    let name = request
        .path
        .strip_prefix("/diagram/")
        .and_then(|p| p.strip_suffix(".svg"))
        .unwrap_or_default();
    let kind = match name {
        "shared-mechanisms" => Kind::SharedMechanisms,
        "case-network" => Kind::CaseNetwork,
        "mechanism-network" => Kind::MechanismNetwork,
        "matrix" => Kind::Matrix,
        _ => return Reply::error(
            404,
            "no such diagram: use shared-mechanisms.svg, matrix.svg, case-network.svg or mechanism-network.svg",
        ),
    };
    let mut options = DiagramOptions {
        lang: ctx.lang,
        ..DiagramOptions::default()
    };
    let number = |key: &str| request.param(key).and_then(|v| v.parse::<usize>().ok());
    if let Some(n) = number("min-cases") {
        options.min_cases = n.max(1);
    }
    if let Some(n) = number("min-shared") {
        options.min_shared = n.max(1);
    }
    let snapshot = match app.live.snapshot() {
        Ok(snapshot) => snapshot,
        Err(e) => return unavailable(e),
    };
    let cases = match data::case_count(snapshot.store()) {
        Ok(n) => n,
        Err(e) => return failed(e),
    };
    if cases > app.options.max_diagram_cases {
        return Reply::error(
            413,
            format!(
                "the store has {cases} cases, more than one diagram is drawn for here \
                 ({}; --max-diagram-cases raises it); `reformkg diagram` draws any size",
                app.options.max_diagram_cases
            ),
        );
    }
    let key = (
        snapshot.version().0,
        format!(
            "{name} {} {} {}",
            ctx.lang.tag(),
            options.min_cases,
            options.min_shared
        ),
    );
    if let Some(svg) = app.pages.svg(&key) {
        return svg_reply(&svg);
    }
    match render_svg(snapshot.store(), &kind, &options, ctx) {
        Ok(svg) => {
            let svg = Arc::new(svg);
            app.pages.keep(key, Arc::clone(&svg));
            svg_reply(&svg)
        }
        Err(reply) => reply,
    }
}

fn svg_reply(svg: &[u8]) -> Reply {
    Reply::new(200, "image/svg+xml", svg.to_vec())
}

fn render_svg(
    store: &oxigraph::store::Store,
    kind: &Kind,
    options: &DiagramOptions,
    ctx: &Ctx,
) -> Result<Vec<u8>, Reply> {
    let href = |id: &str| page_path(id).map(|path| ctx.link(&path));
    reformkg_diagram::svg(store, kind, options, Some(&href)).map_err(|e| match e {
        DiagramError::GraphvizNotFound | DiagramError::GraphvizMissing { .. } => {
            Reply::error(503, e)
        }
        other => failed(other),
    })
}

impl Cache {
    fn svg(&self, key: &DiagramKey) -> Option<Arc<Vec<u8>>> {
        let svgs = self
            .svgs
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        svgs.get(key).cloned()
    }

    fn keep(&self, key: DiagramKey, svg: Arc<Vec<u8>>) {
        let mut svgs = self
            .svgs
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let version = key.0;
        svgs.retain(|(v, _), _| *v == version);
        svgs.insert(key, svg);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_paths_round_trip_every_local_name() {
        for local in [
            "gaozhi-chengnuo",
            "告知承诺",
            "%E5%85%8D罚",
            "a/b",
            "shanghai2023-5",
        ] {
            let iri = format!("{}{local}", id_ns("mechanism"));
            let path = page_path(&iri).expect("a mechanism has a page");
            assert!(path.is_ascii(), "{path}");
            let (kind, back) = iri_of_path(&path).expect("the path names it");
            assert_eq!((kind, back.as_str()), ("mechanism", iri.as_str()));
        }
        assert_eq!(page_path(&format!("{}x", id_ns("mention"))), None);
        assert_eq!(page_path("http://example.org/x"), None);
    }

    #[test]
    fn english_only_when_preferred() {
        assert_eq!(preferred_language(None), Lang::Zh);
        assert_eq!(preferred_language(Some("en-GB,en;q=0.9")), Lang::En);
        assert_eq!(
            preferred_language(Some("zh-CN,zh;q=0.9,en;q=0.8")),
            Lang::Zh
        );
        assert_eq!(preferred_language(Some("fr, en;q=0.5, zh;q=0.4")), Lang::En);
        assert_eq!(preferred_language(Some("de")), Lang::Zh);
    }
}
