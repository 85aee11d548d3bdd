//! Content negotiation: the `Accept` header against the formats Oxigraph
//! serialises.

use oxigraph::io::RdfFormat;
use oxigraph::sparql::results::QueryResultsFormat;

/// One media range of an `Accept` header and its quality.
#[derive(Debug, Clone, PartialEq)]
struct Range {
    kind: String,
    subtype: String,
    quality: f32,
}

/// The items of a quality-weighted header (`Accept`, `Accept-Language`):
/// each value in lower case with its `q` (1 when not given).
pub fn weighted(header: &str) -> impl Iterator<Item = (String, f32)> + '_ {
    header.split(',').map(|part| {
        let mut params = part.split(';');
        let value = params
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        let quality = params
            .filter_map(|p| p.trim().strip_prefix("q="))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        (value, quality)
    })
}

fn ranges(accept: &str) -> Vec<Range> {
    let mut ranges: Vec<Range> = weighted(accept)
        .filter_map(|(media, quality)| {
            let (kind, subtype) = media.split_once('/')?;
            Some(Range {
                kind: kind.trim().to_owned(),
                subtype: subtype.trim().to_owned(),
                quality,
            })
        })
        .filter(|r| r.quality > 0.0)
        .collect();
    // Higher quality first, then the more specific range; a stable sort
    // keeps the client's order among equals.
    ranges.sort_by(|a, b| {
        b.quality
            .total_cmp(&a.quality)
            .then(specificity(b).cmp(&specificity(a)))
    });
    ranges
}

fn specificity(range: &Range) -> u8 {
    u8::from(range.kind != "*") + u8::from(range.subtype != "*")
}

/// The format to answer in: the best the client accepts among `offered`
/// (each with its media types, the first of `offered` being the default),
/// or `None` when it accepts none of them (406). No header accepts all.
fn choose<T: Copy>(accept: Option<&str>, offered: &[(T, &[&str])]) -> Option<T> {
    let accept = match accept.map(str::trim) {
        None | Some("") => return offered.first().map(|(format, _)| *format),
        Some(accept) => accept,
    };
    for range in ranges(accept) {
        for (format, media_types) in offered {
            let matches = media_types.iter().any(|media_type| {
                let (kind, subtype) = media_type.split_once('/').unwrap_or((media_type, ""));
                (range.kind == "*" || range.kind == kind)
                    && (range.subtype == "*" || range.subtype == subtype)
            });
            if matches {
                return Some(*format);
            }
        }
    }
    None
}

/// The results format for a SELECT or ASK answer (JSON unless asked).
pub fn results_format(accept: Option<&str>, asked: Option<&str>) -> Option<QueryResultsFormat> {
    if let Some(name) = asked {
        return QueryResultsFormat::from_extension(name)
            .or_else(|| QueryResultsFormat::from_media_type(name));
    }
    const JSON: &[&str] = &["application/sparql-results+json", "application/json"];
    const XML: &[&str] = &[
        "application/sparql-results+xml",
        "application/xml",
        "text/xml",
    ];
    const CSV: &[&str] = &["text/csv"];
    const TSV: &[&str] = &["text/tab-separated-values"];
    choose(
        accept,
        &[
            (QueryResultsFormat::Json, JSON),
            (QueryResultsFormat::Xml, XML),
            (QueryResultsFormat::Csv, CSV),
            (QueryResultsFormat::Tsv, TSV),
        ],
    )
}

/// The RDF format for a graph (CONSTRUCT, DESCRIBE, the graph store):
/// Turtle unless asked.
pub fn graph_format(accept: Option<&str>, asked: Option<&str>) -> Option<RdfFormat> {
    if let Some(name) = asked {
        return RdfFormat::from_extension(name)
            .or_else(|| RdfFormat::from_media_type(name))
            .filter(|f| !f.supports_datasets() || *f == json_ld());
    }
    const TURTLE: &[&str] = &["text/turtle", "application/x-turtle"];
    const NTRIPLES: &[&str] = &["application/n-triples", "text/plain"];
    const RDFXML: &[&str] = &["application/rdf+xml", "application/xml", "text/xml"];
    const JSONLD: &[&str] = &["application/ld+json", "application/json"];
    choose(
        accept,
        &[
            (RdfFormat::Turtle, TURTLE),
            (RdfFormat::NTriples, NTRIPLES),
            (RdfFormat::RdfXml, RDFXML),
            (json_ld(), JSONLD),
        ],
    )
}

fn json_ld() -> RdfFormat {
    RdfFormat::from_media_type("application/ld+json").unwrap_or(RdfFormat::NTriples)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_header_gets_the_default() {
        assert_eq!(results_format(None, None), Some(QueryResultsFormat::Json));
        assert_eq!(graph_format(Some(""), None), Some(RdfFormat::Turtle));
    }

    #[test]
    fn quality_and_specificity_decide() {
        let accept = "text/csv;q=0.5, application/sparql-results+xml";
        assert_eq!(
            results_format(Some(accept), None),
            Some(QueryResultsFormat::Xml)
        );
        // A browser: HTML first, anything last.
        let browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
        assert_eq!(
            results_format(Some(browser), None),
            Some(QueryResultsFormat::Xml)
        );
        assert_eq!(
            results_format(Some("*/*"), None),
            Some(QueryResultsFormat::Json)
        );
        assert_eq!(
            results_format(Some("text/*"), None),
            Some(QueryResultsFormat::Xml)
        );
        assert_eq!(
            graph_format(Some("application/n-triples, text/turtle;q=0.1"), None),
            Some(RdfFormat::NTriples)
        );
    }

    #[test]
    fn what_is_not_offered_is_refused() {
        assert_eq!(results_format(Some("image/png"), None), None);
        assert_eq!(results_format(Some("text/csv;q=0"), None), None);
        assert_eq!(graph_format(Some("text/csv"), None), None);
    }

    #[test]
    fn a_format_parameter_overrides_the_header() {
        assert_eq!(
            results_format(Some("text/csv"), Some("json")),
            Some(QueryResultsFormat::Json)
        );
        assert_eq!(graph_format(None, Some("nt")), Some(RdfFormat::NTriples));
        assert_eq!(graph_format(None, Some("nq")), None);
    }
}
