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
use crate::lexicon::{ContextRole, Lexicon, MechanismId};
use crate::store::sparql::{self, QueryError};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use oxigraph::model::Term;
use oxigraph::store::Store;
use reformkg_vocab::{compact, encode_local, id_ns};
use regex::Regex;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::LazyLock;

/// The longest name read before a suffix, in characters.
const MAX_STEM: usize = 10;
/// The shortest stem (characters before the suffix) of a suffix phrase.
const MIN_STEM: usize = 2;
/// The fewest Chinese characters of a quoted candidate: two-character
/// quotes are mostly catchwords (“闭环”, “资本”).
const MIN_NAME: usize = 3;
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

static QUOTED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"“([^“”\n]{2,16})”").expect("static regex"));
static CITED_TITLE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"《[^《》\n]{1,120}》").expect("static regex"));

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

/// The case texts of documents (segmented as `reformkg build` does).
pub fn case_texts_from_files(files: &[PathBuf]) -> Result<Vec<CaseText>, SuggestError> {
    let mut texts = Vec::new();
    for file in files {
        let collection = corpus::read_collection(file)?;
        for case in collection.cases {
            texts.push(CaseText {
                id: format!("case:{}-{}", collection.slug, case.rank),
                text: case.text,
            });
        }
    }
    Ok(texts)
}

/// Candidate mechanism names, best first: by number of cases, then names
/// that end like a mechanism, then occurrences, then name.
pub fn suggest(lexicon: &Lexicon, cases: &[CaseText]) -> Vec<Suggestion> {
    let known = known_labels(lexicon);
    let known_matcher = known_mechanism_matcher(lexicon);
    let heads = lexicon.context(ContextRole::MechanismHead);
    let mut found: BTreeMap<String, Found> = BTreeMap::new();
    for case in cases {
        let mut taken: Vec<(usize, usize)> = CITED_TITLE
            .find_iter(&case.text)
            .map(|m| (m.start(), m.end()))
            .collect();
        if let Some(matcher) = &known_matcher {
            taken.extend(matcher.find_iter(&case.text).map(|m| (m.start(), m.end())));
        }
        let taken = Spans::new(taken);
        // Not a candidate when it lies inside a cited title or a known label.
        let free = |start: usize, end: usize| !taken.covers(start, end);
        for caps in QUOTED.captures_iter(&case.text) {
            let (Some(whole), Some(term)) = (caps.get(0), caps.get(1)) else {
                continue;
            };
            if free(term.start(), term.end()) && is_name_like(term.as_str()) {
                let entry = found.entry(term.as_str().to_owned()).or_default();
                entry.quoted += 1;
                entry.quoted_before_head |= starts_with_word(&case.text[whole.end()..], heads);
            }
        }
        for (start, phrase) in suffix_phrases(lexicon, &case.text) {
            if free(start, start + phrase.len()) {
                found.entry(phrase).or_default().phrased += 1;
            }
        }
    }
    let candidates: Vec<(String, bool)> = found
        .into_iter()
        .filter(|(name, _)| !known.contains(name))
        .filter(|(name, f)| {
            let named_like_a_mechanism = ends_like_mechanism(lexicon, name) || f.quoted_before_head;
            (f.quoted > 0 && named_like_a_mechanism) || f.phrased >= MIN_OCCURRENCES
        })
        .filter(|(name, _)| !is_generic(lexicon, name))
        .map(|(name, f)| (name, f.quoted > 0))
        .collect();
    let mut suggestions = measure(lexicon, cases, candidates);
    drop_nested(&mut suggestions);
    suggestions.sort_by(|a, b| {
        b.cases
            .len()
            .cmp(&a.cases.len())
            .then(ends_like_mechanism(lexicon, &b.name).cmp(&ends_like_mechanism(lexicon, &a.name)))
            .then(b.occurrences.cmp(&a.occurrences))
            .then(a.name.cmp(&b.name))
    });
    suggestions
}

/// Byte spans, to ask whether any one holds a range without scanning all
/// of them (a long text has many).
struct Spans {
    /// Sorted by start.
    spans: Vec<(usize, usize)>,
    /// The largest end among the first k spans, for every k.
    max_end: Vec<usize>,
}

impl Spans {
    fn new(mut spans: Vec<(usize, usize)>) -> Self {
        spans.sort_unstable();
        let max_end = spans
            .iter()
            .scan(0, |max, &(_, e)| {
                *max = e.max(*max);
                Some(*max)
            })
            .collect();
        Self { spans, max_end }
    }

    /// Does a span start at or before `start` and end at or after `end`?
    fn covers(&self, start: usize, end: usize) -> bool {
        let n = self.spans.partition_point(|&(s, _)| s <= start);
        n > 0 && self.max_end[n - 1] >= end
    }
}

/// How a candidate was found in the texts.
#[derive(Debug, Default)]
struct Found {
    /// Times between quotation marks.
    quoted: usize,
    /// Quoted at least once right before a mechanism head (“三贷联动”机制).
    quoted_before_head: bool,
    /// Times as a suffix phrase.
    phrased: usize,
}

/// Finds the known mechanism labels in a text, so that a candidate is not
/// read out of one (强措清单 inside 不予实施强措清单).
fn known_mechanism_matcher(lexicon: &Lexicon) -> Option<AhoCorasick> {
    let labels: Vec<&String> = lexicon
        .mechanisms
        .iter()
        .flat_map(|m| m.labels_zh.iter())
        .filter(|l| !l.is_empty())
        .collect();
    AhoCorasickBuilder::new()
        .match_kind(MatchKind::LeftmostLongest)
        .build(labels)
        .ok()
}

/// Every Chinese label the lexicon already has.
fn known_labels(lexicon: &Lexicon) -> BTreeSet<String> {
    let concepts = lexicon
        .mechanisms
        .iter()
        .chain(lexicon.agency_types.iter().map(|t| &t.concept))
        .chain(lexicon.named_agencies.iter().map(|a| &a.concept))
        .chain(lexicon.districts.iter().map(|d| &d.concept))
        .chain(lexicon.cities.iter());
    concepts
        .flat_map(|c| c.labels_zh.iter().cloned())
        .chain(lexicon.non_state_labels.iter().cloned())
        .collect()
}

/// Chinese characters (at least [`MIN_NAME`]), Latin letters, digits and
/// plus signs.
fn is_name_like(term: &str) -> bool {
    let han = term.chars().filter(|c| is_han(*c)).count();
    han >= MIN_NAME
        && term
            .chars()
            .all(|c| is_han(c) || c.is_ascii_alphanumeric() || matches!(c, '+' | '＋' | '·'))
}

fn is_han(c: char) -> bool {
    matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}')
}

/// Ends with a candidate suffix (…制, …清单), not with a word that only
/// looks like one (复制).
fn ends_like_mechanism(lexicon: &Lexicon, name: &str) -> bool {
    lexicon
        .candidate_suffixes
        .iter()
        .any(|s| !s.is_empty() && name.ends_with(s.as_str()) && name != s)
        && !ends_with_word(name, lexicon.context(ContextRole::FalseSuffix))
}

/// Phrases `stem + suffix` (byte offset, phrase) where the suffix ends the
/// word (no Chinese character follows) and the stem is the Chinese run
/// before it, cut after the last stop word.
fn suffix_phrases(lexicon: &Lexicon, text: &str) -> Vec<(usize, String)> {
    let mut suffixes: Vec<&String> = lexicon
        .candidate_suffixes
        .iter()
        .filter(|s| !s.is_empty())
        .collect();
    suffixes.sort_by_key(|s| std::cmp::Reverse(s.len()));
    let stops = lexicon.context(ContextRole::CandidateStop);
    let mut found = Vec::new();
    let mut taken_ends = BTreeSet::new();
    for suffix in suffixes {
        for (at, _) in text.match_indices(suffix.as_str()) {
            let end = at + suffix.len();
            let ends_word = !text[end..].chars().next().is_some_and(is_han);
            // A longer suffix ending at the same place already took it.
            if !ends_word || !taken_ends.insert(end) {
                continue;
            }
            let Some(stem) = stem_before(&text[..at], stops) else {
                continue;
            };
            let phrase = format!("{stem}{suffix}");
            let false_suffix = ends_with_word(&phrase, lexicon.context(ContextRole::FalseSuffix));
            if (MIN_STEM..=MAX_STEM).contains(&stem.chars().count()) && !false_suffix {
                found.push((at - stem.len(), phrase));
            }
        }
    }
    found
}

/// The Chinese run that ends `before`, after the last stop word in it;
/// `None` when there is no stop word and the run is longer than a name
/// (its start cannot be told).
fn stem_before<'t>(before: &'t str, stops: &[String]) -> Option<&'t str> {
    // Only the end of the run can hold a stem: a stop word ending further
    // back than MAX_STEM characters leaves too long a stem anyway. Reading
    // no more than that keeps a long run of characters from being re-read
    // for every suffix in it.
    let window = MAX_STEM + stops.iter().map(|s| s.chars().count()).max().unwrap_or(0) + 1;
    let run_start = before
        .char_indices()
        .rev()
        .take(window)
        .take_while(|(_, c)| is_han(*c))
        .last()
        .map_or(before.len(), |(i, _)| i);
    let run = &before[run_start..];
    let cut = stops
        .iter()
        .filter(|s| !s.is_empty())
        .filter_map(|s| run.rfind(s.as_str()).map(|i| i + s.len()))
        .max()
        .unwrap_or(0);
    let stem = &run[cut..];
    (stem.chars().count() <= MAX_STEM).then_some(stem)
}

fn ends_with_word(text: &str, words: &[String]) -> bool {
    words
        .iter()
        .any(|w| !w.is_empty() && text.ends_with(w.as_str()))
}

fn starts_with_word(text: &str, words: &[String]) -> bool {
    words
        .iter()
        .any(|w| !w.is_empty() && text.starts_with(w.as_str()))
}

/// Is the name only generic words before its suffix (工作机制, 常态化机制)?
fn is_generic(lexicon: &Lexicon, name: &str) -> bool {
    let generic = lexicon.context(ContextRole::GenericName);
    let mut rest = lexicon
        .candidate_suffixes
        .iter()
        .filter(|s| !s.is_empty() && name.ends_with(s.as_str()))
        .map(|s| &name[..name.len() - s.len()])
        .min_by_key(|stem| stem.len())
        .unwrap_or(name);
    while let Some(word) = generic
        .iter()
        .filter(|w| !w.is_empty() && rest.starts_with(w.as_str()))
        .max_by_key(|w| w.len())
    {
        rest = &rest[word.len()..];
    }
    rest.is_empty()
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
    format!("{}{}", id_ns("mechanism"), encode_local(name))
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
