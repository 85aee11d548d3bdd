//! Names the text presents as instruments that the lexicon does not know:
//! the one finder behind candidate mechanisms in a build and
//! `reformkg lexicon suggest`.
//!
//! Two sources:
//! - terms in quotation marks (“一楼一事办”), name-like (Chinese characters,
//!   at least [`MIN_NAME`]); whether one right before a mechanism head word
//!   (rk:ContextWord role `mechanismHead`: “三贷联动”机制) is recorded;
//! - phrases ending with a candidate suffix of the mechanism scheme
//!   (rk:candidateSuffix: …制, …清单, …机制), started after the last
//!   rk:ContextWord of role `candidateStop` before them
//!   (建立了第三方监督评估机制 → 第三方监督评估机制); whether its clause
//!   claims a first before it (rk:ContextWord role `firstClaim`: 率先) is
//!   recorded.
//!
//! Occurrences inside a cited 《title》 or a known mechanism label are not
//! candidates. Which occurrences become candidates (once, or recurring) is
//! the caller's rule; [`Candidates::is_generic`] (role `genericName`:
//! 工作机制) and [`Candidates::ends_like_mechanism`] are the data-driven
//! tests both callers use.

use super::text::{
    after_last_stop, clause_start, contains_any, ends_with_any, find_ignoring_quotes, is_han,
    starts_with_any,
};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use reformkg_lexicon::{ContextRole, Lexicon};
use regex::Regex;
use std::collections::BTreeSet;
use std::sync::LazyLock;

/// The longest name read before a suffix, in characters.
pub const MAX_STEM: usize = 10;
/// The most characters of the places a stem may start with (上海市浦东新区…,
/// 内蒙古自治区阿拉善右旗…), which are not part of the name.
pub const MAX_PLACES: usize = 12;
/// The shortest stem (characters before the suffix) of a suffix phrase.
pub const MIN_STEM: usize = 2;
/// The fewest Chinese characters of a quoted candidate: two-character
/// quotes are mostly catchwords (“闭环”, “资本”).
pub const MIN_NAME: usize = 3;
/// The fewest Chinese characters of a quoted name that counts for being in
/// its case's title alone: a three-character quote there is mostly a figure
/// of speech (“高速路”, “软环境”), and counts only when shaped like a name
/// (a candidate suffix, or a mechanism head after it).
pub const MIN_TITLE_NAME: usize = 4;

/// How many times a case must quote a name (of at least [`MIN_TITLE_NAME`]
/// characters) for the quoting alone to make it a candidate.
pub const MIN_QUOTED_REPEATS: usize = 3;

/// The fewest quoted terms in a row that make a series of slogans.
pub const MIN_SERIES: usize = 3;

/// How many Chinese characters a name has.
pub fn han_count(name: &str) -> usize {
    name.chars().filter(|c| is_han(*c)).count()
}

static QUOTED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"“([^“”\n]{2,16})”").expect("static regex"));
static CITED_TITLE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"《[^《》\n]{1,120}》").expect("static regex"));

/// How a candidate name occurs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    /// Between quotation marks; `before_head` when a mechanism head word
    /// follows the closing mark, `after_adoption` when an adoption verb
    /// (role `adoptionVerb`: 采用, 贯彻) comes right before the opening one,
    /// `in_series` when it is one of three or more quoted terms in a row
    /// (“抓精促管”“抓实促服”“以放促活”: a series of slogans, whose quotation
    /// marks alone do not make names).
    Quoted {
        before_head: bool,
        after_adoption: bool,
        in_series: bool,
    },
    /// As a suffix phrase; `claimed_first` when its clause claims a first
    /// before it (role `firstClaim`: 率先建立了第三方监督评估机制), the
    /// way a case introduces its own instrument.
    Phrase { claimed_first: bool },
}

/// One occurrence of a candidate name (byte offsets of the name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Occurrence {
    pub start: usize,
    pub end: usize,
    pub name: String,
    pub found: Found,
}

/// The candidate finder for one lexicon.
pub struct Candidates<'l> {
    lexicon: &'l Lexicon,
    known: BTreeSet<String>,
    known_matcher: Option<AhoCorasick>,
    /// Candidate suffixes, longest first.
    suffixes: Vec<&'l String>,
    /// Every name of a place the lexicon knows (districts, cities, the
    /// gazetteer's divisions).
    places: BTreeSet<&'l str>,
}

impl<'l> Candidates<'l> {
    pub fn new(lexicon: &'l Lexicon) -> Self {
        let labels: Vec<&String> = lexicon
            .mechanisms
            .iter()
            .flat_map(|m| m.labels_zh.iter())
            .filter(|l| !l.is_empty())
            .collect();
        let known_matcher = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .build(labels)
            .ok();
        let mut suffixes: Vec<&String> = lexicon
            .candidate_suffixes
            .iter()
            .filter(|s| !s.is_empty())
            .collect();
        suffixes.sort_by_key(|s| std::cmp::Reverse(s.len()));
        let places = lexicon
            .districts
            .iter()
            .map(|d| &d.concept)
            .chain(lexicon.cities.iter())
            .flat_map(|c| c.labels_zh.iter().map(String::as_str))
            .chain(lexicon.gazetteer().names().map(|(name, _)| name))
            .filter(|name| !name.is_empty())
            .collect();
        Self {
            lexicon,
            known: known_labels(lexicon),
            known_matcher,
            suffixes,
            places,
        }
    }

    /// Is `name` already a label of the lexicon (of any kind), or labels
    /// joined by plus signs (“告知承诺+容缺受理”: known instruments used
    /// together, each found on its own)?
    pub fn is_known(&self, name: &str) -> bool {
        let mut parts = name.split(['+', '＋']);
        self.known.contains(name)
            || (name.contains(['+', '＋']) && parts.all(|part| self.known.contains(part)))
    }

    /// Every candidate occurrence of a text, in text order.
    pub fn occurrences(&self, text: &str) -> Vec<Occurrence> {
        let mut taken: Vec<(usize, usize)> = CITED_TITLE
            .find_iter(text)
            .map(|m| (m.start(), m.end()))
            .collect();
        if let Some(matcher) = &self.known_matcher {
            taken.extend(
                find_ignoring_quotes(matcher, text)
                    .into_iter()
                    .map(|(start, end, _)| (start, end)),
            );
        }
        let taken = Spans::new(taken);
        let free = |start: usize, end: usize| !taken.covers(start, end);
        let heads = self.lexicon.context(ContextRole::MechanismHead);
        let adoption = self.lexicon.context(ContextRole::AdoptionVerb);
        let first_claims = self.lexicon.context(ContextRole::FirstClaim);
        // One scan of the quotes: the series a quote is in needs its
        // neighbours.
        let quotes: Vec<regex::Captures> = QUOTED.captures_iter(text).collect();
        let spans: Vec<(usize, usize)> = quotes
            .iter()
            .filter_map(|caps| caps.get(0).map(|m| (m.start(), m.end())))
            .collect();
        let series = quoted_series(text, &spans);
        let mut found = Vec::new();
        for (caps, in_series) in quotes.iter().zip(series) {
            let (Some(whole), Some(term)) = (caps.get(0), caps.get(1)) else {
                continue;
            };
            if free(term.start(), term.end()) && is_name_like(term.as_str()) {
                found.push(Occurrence {
                    start: term.start(),
                    end: term.end(),
                    name: term.as_str().to_owned(),
                    found: Found::Quoted {
                        before_head: starts_with_word(&text[whole.end()..], heads),
                        after_adoption: ends_with_word(&text[..whole.start()], adoption),
                        in_series,
                    },
                });
            }
        }
        for (start, phrase) in self.suffix_phrases(text) {
            if free(start, start + phrase.len()) {
                found.push(Occurrence {
                    start,
                    end: start + phrase.len(),
                    name: phrase,
                    found: Found::Phrase {
                        claimed_first: contains_any(
                            &text[clause_start(text, start)..start],
                            first_claims,
                        ),
                    },
                });
            }
        }
        found.sort_by_key(|o| (o.start, o.end));
        found
    }

    /// Ends with a candidate suffix (…制, …清单), not with a word that only
    /// looks like one (复制).
    pub fn ends_like_mechanism(&self, name: &str) -> bool {
        self.suffixes
            .iter()
            .any(|s| name.ends_with(s.as_str()) && name != s.as_str())
            && !ends_with_word(name, self.lexicon.context(ContextRole::FalseSuffix))
    }

    /// Ends with a word naming an arrangement between parties (“投贷联动”,
    /// “诉调对接”), after at least [`MIN_STEM`] characters.
    pub fn ends_like_joint_name(&self, name: &str) -> bool {
        ends_with_any(name, self.lexicon.context(ContextRole::JointName))
            .is_some_and(|word| name[..name.len() - word.len()].chars().count() >= MIN_STEM)
    }

    /// Is the name only generic words before its suffix (工作机制, 常态化机制),
    /// after the name of a place (奉贤模式, 嘉定区服务模式: what a place is
    /// known for, not the name of an instrument)?
    pub fn is_generic(&self, name: &str) -> bool {
        let generic = self.lexicon.context(ContextRole::GenericName);
        let mut rest = self
            .suffixes
            .iter()
            .filter(|s| name.ends_with(s.as_str()))
            .map(|s| &name[..name.len() - s.len()])
            .min_by_key(|stem| stem.len())
            .unwrap_or(name);
        rest = self.after_places(rest);
        while let Some(word) = generic
            .iter()
            .filter(|w| !w.is_empty() && rest.starts_with(w.as_str()))
            .max_by_key(|w| w.len())
        {
            rest = &rest[word.len()..];
        }
        rest.is_empty()
    }

    /// What follows the places `name` starts with: a chain of places
    /// (湖北省黄石市…, 浦东新区CCC免办…) says where, not what.
    fn after_places<'n>(&self, mut name: &'n str) -> &'n str {
        while let Some(place) = name
            .char_indices()
            .skip(1)
            .map(|(i, _)| &name[..i])
            .chain(std::iter::once(name))
            .filter(|prefix| self.places.contains(*prefix))
            .max_by_key(|prefix| prefix.len())
        {
            name = &name[place.len()..];
        }
        name
    }

    /// Phrases `stem + suffix` (byte offset, phrase) where the suffix ends the
    /// word (no Chinese character follows) and the stem is the Chinese run
    /// before it, cut after the last stop word and the places it starts with.
    fn suffix_phrases(&self, text: &str) -> Vec<(usize, String)> {
        let stops = self.lexicon.context(ContextRole::CandidateStop);
        let heads = self.lexicon.context(ContextRole::MechanismHead);
        let mut found = Vec::new();
        let mut taken_ends = BTreeSet::new();
        for suffix in &self.suffixes {
            let suffix_is_head = starts_with_word(suffix, heads);
            for (at, _) in text.match_indices(suffix.as_str()) {
                let end = at + suffix.len();
                // A head word may follow a name (…许可制度改革, …城市试点).
                let ends_word = !text[end..].chars().next().is_some_and(is_han)
                    || starts_with_word(&text[end..], heads);
                // A longer suffix ending at the same place already took it.
                if !ends_word || !taken_ends.insert(end) {
                    continue;
                }
                let Some(stem) = stem_before(&text[..at], stops) else {
                    continue;
                };
                let stem = self.after_places(stem);
                // …制度改革: the name is …制度, which the head word follows.
                if suffix_is_head && self.ends_like_mechanism(stem) {
                    continue;
                }
                let phrase = format!("{stem}{suffix}");
                let false_suffix =
                    ends_with_word(&phrase, self.lexicon.context(ContextRole::FalseSuffix));
                if (MIN_STEM..=MAX_STEM).contains(&stem.chars().count()) && !false_suffix {
                    found.push((at - stem.len(), phrase));
                }
            }
        }
        found
    }
}

/// For each quoted span (sorted, disjoint), whether it is one of at least
/// [`MIN_SERIES`] quoted spans in a row, with at most an enumeration comma
/// between one and the next.
fn quoted_series(text: &str, quotes: &[(usize, usize)]) -> Vec<bool> {
    let joined = |(_, end): (usize, usize), (start, _): (usize, usize)| {
        text.get(end..start)
            .is_some_and(|between| between.is_empty() || between == "、")
    };
    let mut in_series = vec![false; quotes.len()];
    let mut first = 0;
    for i in 1..=quotes.len() {
        if i == quotes.len() || !joined(quotes[i - 1], quotes[i]) {
            if i - first >= MIN_SERIES {
                in_series[first..i].fill(true);
            }
            first = i;
        }
    }
    in_series
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

/// Chinese characters (at least [`MIN_NAME`]), Latin letters, digits and
/// plus signs.
fn is_name_like(term: &str) -> bool {
    let han = han_count(term);
    han >= MIN_NAME
        && term
            .chars()
            .all(|c| is_name_char(c) || matches!(c, '+' | '＋' | '·'))
}

/// The Chinese run that ends `before`, after the last stop word in it;
/// `None` when there is no stop word and the run is longer than a name
/// after places (its start cannot be told).
fn stem_before<'t>(before: &'t str, stops: &[String]) -> Option<&'t str> {
    // Only the end of the run can hold a stem: a stop word ending further
    // back than that leaves too long a stem anyway. Reading no more keeps a
    // long run of characters from being re-read for every suffix in it.
    let longest = MAX_STEM + MAX_PLACES;
    let window = longest + stops.iter().map(|s| s.chars().count()).max().unwrap_or(0) + 1;
    let run_start = before
        .char_indices()
        .rev()
        .take(window)
        .take_while(|(_, c)| is_name_char(*c))
        .last()
        .map_or(before.len(), |(i, _)| i);
    let stem = after_last_stop(&before[run_start..], stops);
    (stem.chars().count() <= longest).then_some(stem)
}

fn ends_with_word(text: &str, words: &[String]) -> bool {
    ends_with_any(text, words).is_some()
}

fn starts_with_word(text: &str, words: &[String]) -> bool {
    starts_with_any(text, words).is_some()
}

/// A character a name can hold: Chinese, or Latin letters and digits
/// (CCC免办制度, 513模式).
fn is_name_char(c: char) -> bool {
    is_han(c) || c.is_ascii_alphanumeric()
}
