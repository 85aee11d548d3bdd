//! Growing the lexicon: candidate mechanism names the lexicon does not know
//! yet, mined from case texts (`reformkg lexicon suggest`).
//!
//! Two sources of candidates:
//! - terms in quotation marks (“一楼一事办”), kept when they end like a
//!   mechanism name or are once followed by a mechanism head word
//!   (rk:ContextWord role `mechanismHead`: “三贷联动”机制, “拨投结合”模式);
//! - phrases ending with a candidate suffix of the mechanism scheme
//!   (rk:candidateSuffix: …制, …清单, …机制, …一件事), started after the last
//!   rk:ContextWord of role `candidateStop` before them (建立了第三方监督评估机制
//!   → 第三方监督评估机制), kept when they recur and are not only generic words
//!   (role `genericName`: 工作机制).
//!
//! A candidate that is already a label of the lexicon, or that only ever
//! occurs inside a longer candidate, is dropped. Candidates are ranked by
//! how many cases use them. Each comes with a SKOS Turtle block: paste it
//! into `ontology/mechanisms.ttl` and the next build recognises the name,
//! with no code change.

use crate::corpus::{self, CorpusError};
use crate::extract::candidates::{Candidates, Found};
use crate::lexicon::{Lexicon, MechanismId};
use crate::store::sparql::{self, QueryError};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use oxigraph::model::Term;
use oxigraph::store::Store;
use reformkg_vocab::compact;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// A suffix phrase must be found this often to be a candidate.
const MIN_OCCURRENCES: usize = 2;

/// A case text to mine, with the name it is cited by.
#[derive(Debug, Clone)]
pub struct CaseText {
    pub id: String,
    pub text: String,
}

/// One candidate mechanism name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    pub name: String,
    /// The ids of the cases whose text uses it, in input order.
    pub cases: Vec<String>,
    /// How often it occurs in all the texts.
    pub occurrences: usize,
    /// Found between quotation marks.
    pub quoted: bool,
    /// A known mechanism whose label it contains, proposed as skos:broader.
    pub broader: Option<MechanismId>,
    /// A sentence that uses it.
    pub example: String,
}

#[derive(Debug, thiserror::Error)]
pub enum SuggestError {
    #[error(transparent)]
    Query(#[from] QueryError),
    #[error(transparent)]
    Corpus(#[from] CorpusError),
    #[error("the store has no case texts: run `reformkg build` first")]
    EmptyStore,
}

/// The case texts of a built store.
pub fn case_texts_from_store(store: &Store) -> Result<Vec<CaseText>, SuggestError> {
    let rows = sparql::select_rows(
        store,
        "SELECT ?case ?text WHERE { ?case a rk:Case ; rk:text ?text } ORDER BY ?case",
    )?;
    let texts: Vec<CaseText> = rows
        .iter()
        .filter_map(|row| match (row.first()?, row.get(1)?) {
            (Some(Term::NamedNode(case)), Some(Term::Literal(text))) => Some(CaseText {
                id: compact(case.as_str()).unwrap_or_else(|| case.as_str().to_owned()),
                text: text.value().to_owned(),
            }),
            _ => None,
        })
        .collect();
    if texts.is_empty() {
        return Err(SuggestError::EmptyStore);
    }
    Ok(texts)
}

/// The case texts of documents (segmented as `reformkg build` does). A
/// document that is not a collection of cases (a regulation, a policy) is
/// mined paragraph by paragraph instead: each non-empty line is a text,
/// cited as `FILE:LINE`, so a name ranks by how many paragraphs use it.
pub fn case_texts_from_files(files: &[PathBuf]) -> Result<Vec<CaseText>, SuggestError> {
    let mut texts = Vec::new();
    for file in files {
        match corpus::read_collection(file) {
            Ok(collection) => texts.extend(collection.cases.into_iter().map(|case| CaseText {
                id: format!("case:{}-{}", collection.slug, case.rank),
                text: case.text,
            })),
            Err(CorpusError::NoCases(_)) => texts.extend(paragraphs(file)?),
            Err(other) => return Err(other.into()),
        }
    }
    Ok(texts)
}

fn paragraphs(file: &std::path::Path) -> Result<Vec<CaseText>, SuggestError> {
    let name = file.file_name().map_or_else(
        || file.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let text = corpus::read_text(file)?;
    Ok(text
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(i, line)| CaseText {
            id: format!("{name}:{}", i + 1),
            text: line.trim().to_owned(),
        })
        .collect())
}

/// Candidate mechanism names, best first: by number of cases, then names
/// that end like a mechanism, then occurrences, then name.
pub fn suggest(lexicon: &Lexicon, cases: &[CaseText]) -> Vec<Suggestion> {
    let finder = Candidates::new(lexicon);
    let mut found: BTreeMap<String, Tally> = BTreeMap::new();
    for case in cases {
        for occurrence in finder.occurrences(&case.text) {
            let entry = found.entry(occurrence.name).or_default();
            match occurrence.found {
                Found::Quoted { before_head, .. } => {
                    entry.quoted += 1;
                    entry.quoted_before_head |= before_head;
                }
                Found::Phrase { .. } => entry.phrased += 1,
            }
        }
    }
    let candidates: Vec<(String, bool)> = found
        .into_iter()
        .filter(|(name, _)| !finder.is_known(name))
        .filter(|(name, f)| {
            let named_like_a_mechanism = finder.ends_like_mechanism(name) || f.quoted_before_head;
            (f.quoted > 0 && named_like_a_mechanism) || f.phrased >= MIN_OCCURRENCES
        })
        .filter(|(name, _)| !finder.is_generic(name))
        .map(|(name, f)| (name, f.quoted > 0))
        .collect();
    let mut suggestions = measure(lexicon, cases, candidates);
    drop_nested(&mut suggestions);
    suggestions.sort_by(|a, b| {
        b.cases
            .len()
            .cmp(&a.cases.len())
            .then(
                finder
                    .ends_like_mechanism(&b.name)
                    .cmp(&finder.ends_like_mechanism(&a.name)),
            )
            .then(b.occurrences.cmp(&a.occurrences))
            .then(a.name.cmp(&b.name))
    });
    suggestions
}

/// How a candidate was found in the texts.
#[derive(Debug, Default)]
struct Tally {
    /// Times between quotation marks.
    quoted: usize,
    /// Quoted at least once right before a mechanism head (“三贷联动”机制).
    quoted_before_head: bool,
    /// Times as a suffix phrase.
    phrased: usize,
}

/// Counts every candidate over all the texts (one pass over each text for
/// all of them) and finds its example and broader mechanism.
fn measure(
    lexicon: &Lexicon,
    cases: &[CaseText],
    candidates: Vec<(String, bool)>,
) -> Vec<Suggestion> {
    let mut suggestions: Vec<Suggestion> = candidates
        .into_iter()
        .map(|(name, quoted)| Suggestion {
            broader: broader_of(lexicon, &name),
            name,
            cases: Vec::new(),
            occurrences: 0,
            quoted,
            example: String::new(),
        })
        .collect();
    let Some(matcher) = overlapping_matcher(suggestions.iter().map(|s| s.name.as_str())) else {
        return suggestions;
    };
    for case in cases {
        // Non-overlapping occurrences of each name, as `str::matches`
        // counts them: a match counts when it starts after the last one.
        let mut counted: BTreeMap<usize, usize> = BTreeMap::new();
        let mut next_free: BTreeMap<usize, usize> = BTreeMap::new();
        for m in matcher.find_overlapping_iter(&case.text) {
            let i = m.pattern().as_usize();
            if next_free.get(&i).is_none_or(|&free| m.start() >= free) {
                next_free.insert(i, m.end());
                *counted.entry(i).or_default() += 1;
            }
        }
        for (i, n) in counted {
            let s = &mut suggestions[i];
            s.occurrences += n;
            s.cases.push(case.id.clone());
            if s.example.is_empty() {
                s.example = sentence_around(&case.text, &s.name);
            }
        }
    }
    suggestions
}

/// An automaton that reports every occurrence of every name, overlapping.
fn overlapping_matcher<'a>(names: impl Iterator<Item = &'a str>) -> Option<AhoCorasick> {
    AhoCorasickBuilder::new()
        .match_kind(MatchKind::Standard)
        .build(names)
        .ok()
}

/// The longest known mechanism label (two characters or more) inside a
/// name, proposed as its broader concept.
fn broader_of(lexicon: &Lexicon, name: &str) -> Option<MechanismId> {
    lexicon
        .mechanisms_with_ids()
        .flat_map(|(id, m)| m.labels_zh.iter().map(move |l| (id, l)))
        .filter(|(_, label)| label.chars().count() >= 2 && name.contains(label.as_str()))
        .max_by_key(|(_, label)| label.len())
        .map(|(i, _)| i)
}

/// Drops a candidate that only ever occurs inside a longer one: the names
/// inside each name are found with one automaton over all of them.
fn drop_nested(suggestions: &mut Vec<Suggestion>) {
    let Some(matcher) = overlapping_matcher(suggestions.iter().map(|s| s.name.as_str())) else {
        return;
    };
    let mut nested = vec![false; suggestions.len()];
    for longer in suggestions.iter() {
        for m in matcher.find_overlapping_iter(&longer.name) {
            let inner = &suggestions[m.pattern().as_usize()];
            if longer.name.len() > inner.name.len() && longer.occurrences >= inner.occurrences {
                nested[m.pattern().as_usize()] = true;
            }
        }
    }
    let mut keep = nested.into_iter().map(|n| !n);
    suggestions.retain(|_| keep.next().unwrap_or(true));
}

fn sentence_around(text: &str, name: &str) -> String {
    let Some(at) = text.find(name) else {
        return String::new();
    };
    let ends = ['。', '；', '！', '？', '\n'];
    let start = text[..at].rfind(ends).map_or(0, |i| {
        i + text[i..].chars().next().map_or(0, char::len_utf8)
    });
    let end = text[at..].find(ends).map_or(text.len(), |i| at + i);
    text[start..end].trim().to_owned()
}

/// The IRI a suggestion gets: the name in the mechanism namespace, with any
/// character an IRI cannot hold percent-encoded.
pub fn suggestion_iri(name: &str) -> String {
    crate::graph::candidate_iri(name).into_string()
}

/// Turtle for the first `limit` suggestions: prefixes, then one commented
/// block per candidate, ready to paste into `ontology/mechanisms.ttl`.
pub fn to_turtle(lexicon: &Lexicon, suggestions: &[Suggestion], limit: usize) -> String {
    let mut out = String::from(
        "@prefix rk: <https://w3id.org/reformkg/ontology#> .\n\
         @prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n\n",
    );
    out.push_str(&format!(
        "# {} candidate mechanism names the lexicon does not know ({} shown), by the\n\
         # number of cases that use them. Paste a block into ontology/mechanisms.ttl,\n\
         # add an @en prefLabel and check skos:broader; the next build recognises it.\n",
        suggestions.len(),
        suggestions.len().min(limit)
    ));
    for (n, s) in suggestions.iter().take(limit).enumerate() {
        out.push('\n');
        out.push_str(&block(lexicon, n + 1, s));
    }
    out
}

fn block(lexicon: &Lexicon, n: usize, s: &Suggestion) -> String {
    let cases = match s.cases.as_slice() {
        [one] => format!("1 case ({one})"),
        many => format!(
            "{} cases ({}{})",
            many.len(),
            many.iter().take(3).cloned().collect::<Vec<_>>().join(", "),
            if many.len() > 3 { ", …" } else { "" }
        ),
    };
    let source = if s.quoted { "quoted" } else { "phrase" };
    let example: String = s.example.chars().take(80).collect();
    let mut out = format!(
        "# {n}. {}: {cases}, {} times, {source}.\n#    {example}\n",
        s.name, s.occurrences
    );
    out.push_str(&format!(
        "<{}>\n    a rk:Mechanism , skos:Concept ;\n",
        suggestion_iri(&s.name)
    ));
    if let Some(scheme) = &lexicon.candidate_scheme {
        out.push_str(&format!("    skos:inScheme <{scheme}> ;\n"));
    }
    let broader = s.broader.map(|id| lexicon.mechanism(id));
    match broader {
        Some(m) => {
            out.push_str(&format!("    skos:prefLabel \"{}\"@zh ;\n", s.name));
            out.push_str(&format!(
                "    skos:broader <{}> .  # {}\n",
                m.iri, m.pref_zh
            ));
        }
        None => {
            out.push_str(&format!("    skos:prefLabel \"{}\"@zh .\n", s.name));
            out.push_str("    # add: skos:broader <a family of the mechanism scheme>\n");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn lexicon() -> Lexicon {
        Lexicon::load_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("ontology"))
            .expect("the ontology loads")
    }

    fn texts(texts: &[&str]) -> Vec<CaseText> {
        texts
            .iter()
            .enumerate()
            .map(|(i, t)| CaseText {
                id: format!("c{i}"),
                text: (*t).to_owned(),
            })
            .collect()
    }

    fn names(texts_: &[&str]) -> Vec<String> {
        suggest(&lexicon(), &texts(texts_))
            .into_iter()
            .map(|s| s.name)
            .collect()
    }

    #[test]
    fn recurring_suffix_phrases_are_cut_after_stop_words() {
        let found = names(&[
            "本区建立了容错免责清单。",
            "推行容错免责清单，形成工作机制。",
            "完善工作机制。",
        ]);
        assert_eq!(found, ["容错免责清单"], "工作机制 is generic");
    }

    #[test]
    fn quoted_terms_that_end_or_are_used_like_a_mechanism_are_candidates() {
        let found = names(&[
            "推行“拎包入住制”，打造“金字招牌”。",
            "擦亮“样板间”和“样板间”。",
            "推广“拨贷联动”模式。",
        ]);
        assert_eq!(
            found,
            ["拎包入住制", "拨贷联动"],
            "a slogan is not a candidate"
        );
    }

    #[test]
    fn known_labels_and_cited_titles_are_not_candidates() {
        assert!(names(&["推行“告知承诺制”。", "推行“告知承诺制”。"]).is_empty());
        assert!(names(&["坚持“可复制”，打造“闭环”服务。"]).is_empty());
        assert!(names(&["印发《首违免查清单》和《首违免查清单》。"]).is_empty());
    }

    #[test]
    fn cases_rank_candidates_and_blocks_name_a_broader_mechanism() {
        let lexicon = lexicon();
        let found = suggest(
            &lexicon,
            &texts(&[
                "推行开店一件事。开店一件事。推行“快速清单”。",
                "推行开店一件事。",
            ]),
        );
        assert_eq!(found[0].name, "开店一件事");
        assert_eq!(found[0].cases, ["c0", "c1"]);
        assert_eq!(found[0].occurrences, 3);
        let broader = found[0]
            .broader
            .map(|id| lexicon.mechanism(id).pref_zh.as_str());
        assert_eq!(broader, Some("一件事"));
        let turtle = to_turtle(&lexicon, &found, 1);
        assert!(
            turtle.contains("skos:prefLabel \"开店一件事\"@zh"),
            "{turtle}"
        );
        assert!(!turtle.contains("快速清单"), "limit 1");
        let parsed = Lexicon::from_turtle([("suggestion.ttl", turtle.as_bytes())])
            .expect("the output is valid Turtle");
        assert_eq!(parsed.mechanisms.len(), 1);
        assert_eq!(parsed.mechanisms[0].iri, suggestion_iri("开店一件事"));
    }
}
