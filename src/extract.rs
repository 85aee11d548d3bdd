//! Extract stage: a case's text in, facts with evidence out.
//!
//! One Aho-Corasick automaton (leftmost-longest) is built from every Chinese
//! label of the lexicon. Scanning a case yields districts, agency types,
//! named agencies and mechanisms; an agency type is resolved to a concrete
//! body from what stands right before it (a district name, a level prefix
//! such as 区/市/国家, or nothing: the case's own district). Cited documents
//! are the 《…》 spans; outcomes are numbers with a unit from the lexicon.
//! Every fact keeps the sentence it came from, with character offsets into
//! the case text.

use crate::corpus::Case;
use crate::lexicon::Lexicon;
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex::Regex;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

/// The sentence a fact was read from. Offsets count characters of
/// [`Case::text`]; `end` is exclusive.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Evidence {
    pub start: usize,
    pub end: usize,
    pub sentence: String,
}

/// Where an agency sits.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Place {
    National,
    /// Index into [`Lexicon::cities`].
    City(usize),
    /// Index into [`Lexicon::districts`].
    District(usize),
    /// A district name the lexicon does not know (from the table of contents).
    UnknownDistrict(String),
    /// No district could be determined.
    Unknown,
}

/// Which body an agency mention resolves to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum AgencyKey {
    /// Index into [`Lexicon::named_agencies`].
    Named(usize),
    /// A place plus an agency type (index into [`Lexicon::agency_types`]).
    Typed { place: Place, agency_type: usize },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgencyFact {
    pub key: AgencyKey,
    /// The distinct strings the text used for it (宝山法院, 区法院 …).
    pub names: BTreeSet<String>,
    /// Named in the case title: the body that leads the reform.
    pub lead: bool,
    pub evidence: Vec<Evidence>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MechanismFact {
    /// Index into [`Lexicon::mechanisms`].
    pub mechanism: usize,
    pub names: BTreeSet<String>,
    pub evidence: Vec<Evidence>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentFact {
    /// The title between 《 and 》.
    pub title: String,
    pub evidence: Vec<Evidence>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutcomeFact {
    /// The number normalised to its base unit (1.2万件 → "12000"), as an
    /// xsd:decimal lexical form.
    pub value: String,
    /// The unit's prefLabel (件, 元, % …).
    pub unit: String,
    /// The quantity as written (超过1.2万件).
    pub quantity_text: String,
    /// What was counted: the words before the number in its clause.
    pub metric: String,
    pub qualifier: Option<String>,
    /// A mechanism named in the same sentence (index into the lexicon).
    pub mechanism: Option<usize>,
    pub evidence: Evidence,
}

/// Everything extracted from one case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseFacts {
    pub rank: u32,
    /// The case's district: from the table of contents, else the first
    /// district the title or text names.
    pub district: Place,
    pub agencies: Vec<AgencyFact>,
    pub mechanisms: Vec<MechanismFact>,
    pub documents: Vec<DocumentFact>,
    pub outcomes: Vec<OutcomeFact>,
}

#[derive(Debug, thiserror::Error)]
pub enum ExtractError {
    #[error("cannot build the label matcher: {0}")]
    Matcher(#[from] aho_corasick::BuildError),
    #[error("cannot build the quantity pattern: {0}")]
    Pattern(#[from] regex::Error),
}

/// What a label in the automaton stands for. Place names are not in it: an
/// agency is placed by looking back from its type label, which also works
/// when the place name and the type share a character (闵行 + 区政府).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    AgencyType(usize),
    NamedAgency(usize),
    Mechanism(usize),
}

/// The matcher, built once from a lexicon and reused for every case.
pub struct Extractor<'l> {
    lexicon: &'l Lexicon,
    automaton: AhoCorasick,
    targets: Vec<Target>,
    /// District labels alone, to find a case's district when no table of
    /// contents gives it.
    district_names: AhoCorasick,
    quantity: Regex,
    /// Magnitude word → multiplier; unit alias → index into lexicon.units.
    magnitudes: BTreeMap<String, u64>,
    units: BTreeMap<String, usize>,
}

impl<'l> Extractor<'l> {
    pub fn new(lexicon: &'l Lexicon) -> Result<Self, ExtractError> {
        let mut labels: Vec<String> = Vec::new();
        let mut targets = Vec::new();
        let mut add = |label: &str, target: Target| {
            if !label.is_empty() {
                labels.push(label.to_owned());
                targets.push(target);
            }
        };
        for (i, t) in lexicon.agency_types.iter().enumerate() {
            // Fallback types are recognised by suffix, not as words.
            if t.name_suffix.is_none() {
                t.concept
                    .labels_zh
                    .iter()
                    .for_each(|l| add(l, Target::AgencyType(i)));
            }
        }
        for (i, a) in lexicon.named_agencies.iter().enumerate() {
            a.concept
                .labels_zh
                .iter()
                .for_each(|l| add(l, Target::NamedAgency(i)));
        }
        for (i, m) in lexicon.mechanisms.iter().enumerate() {
            m.labels_zh
                .iter()
                .for_each(|l| add(l, Target::Mechanism(i)));
        }
        let automaton = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&labels)?;
        let district_names = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .build(
                lexicon
                    .districts
                    .iter()
                    .map(|d| &d.concept.labels_zh)
                    .map(|l| l.first().cloned().unwrap_or_default()),
            )?;

        let mut units = BTreeMap::new();
        for (i, u) in lexicon.units.iter().enumerate() {
            for label in &u.concept.labels_zh {
                units.insert(label.clone(), i);
            }
        }
        let magnitudes: BTreeMap<String, u64> = lexicon
            .magnitudes
            .iter()
            .map(|m| (m.label.clone(), m.multiplier))
            .collect();
        let quantity = quantity_pattern(lexicon, &units, &magnitudes)?;
        Ok(Self {
            lexicon,
            automaton,
            targets,
            district_names,
            quantity,
            magnitudes,
            units,
        })
    }

    /// Extracts the facts of one case.
    pub fn extract(&self, case: &Case) -> CaseFacts {
        let text = TextIndex::new(&case.text);
        let excluded = document_spans(&case.text);
        let matches = self.scan(&case.text);
        let district = self.case_district(case);
        let title_end = title_end(case);

        let mut agencies: BTreeMap<AgencyKey, AgencyFact> = BTreeMap::new();
        let mut mechanisms: BTreeMap<usize, MechanismFact> = BTreeMap::new();
        for m in &matches {
            let in_document_title = excluded.iter().any(|&(s, e)| m.start >= s && m.end <= e);
            if !in_document_title {
                match m.target {
                    Target::AgencyType(t) => {
                        let (place, prefix_len) = self.agency_place(&case.text, m, &district);
                        let key = AgencyKey::Typed {
                            place,
                            agency_type: t,
                        };
                        let written = case.text[m.start - prefix_len..m.end].to_owned();
                        record_agency(&mut agencies, key, written, m, &text, title_end);
                    }
                    Target::NamedAgency(a) => {
                        let written = case.text[m.start..m.end].to_owned();
                        record_agency(
                            &mut agencies,
                            AgencyKey::Named(a),
                            written,
                            m,
                            &text,
                            title_end,
                        );
                    }
                    Target::Mechanism(i) => {
                        let fact = mechanisms.entry(i).or_insert_with(|| MechanismFact {
                            mechanism: i,
                            names: BTreeSet::new(),
                            evidence: Vec::new(),
                        });
                        fact.names.insert(case.text[m.start..m.end].to_owned());
                        push_evidence(&mut fact.evidence, text.sentence_at(m.start));
                    }
                }
            }
        }

        let outcomes = self.outcomes(&case.text, &text, &matches);
        CaseFacts {
            rank: case.rank,
            district,
            agencies: agencies.into_values().collect(),
            mechanisms: mechanisms.into_values().collect(),
            documents: documents(&case.text, &text),
            outcomes,
        }
    }

    fn scan(&self, text: &str) -> Vec<LabelMatch> {
        self.automaton
            .find_iter(text)
            .map(|m| LabelMatch {
                start: m.start(),
                end: m.end(),
                target: self.targets[m.pattern().as_usize()],
            })
            .collect()
    }

    /// The district of the table of contents, else the first district the
    /// case (title first) names with its full name.
    fn case_district(&self, case: &Case) -> Place {
        if let Some(name) = &case.district {
            return match self.lexicon.district_named(name) {
                Some(d) => Place::District(d),
                None => Place::UnknownDistrict(name.clone()),
            };
        }
        self.district_names
            .find(&case.text)
            .map_or(Place::Unknown, |m| Place::District(m.pattern().as_usize()))
    }

    /// Resolves the place of an agency-type mention from the words right
    /// before it: a district or city name (full or short), else a level
    /// prefix (国家, 市, 区), else the case's own district. Returns the place
    /// and the byte length of the words that named it.
    fn agency_place(&self, text: &str, m: &LabelMatch, case_district: &Place) -> (Place, usize) {
        let before = &text[..m.start];
        let longest_suffix = |labels: &[String]| {
            labels
                .iter()
                .filter(|l| before.ends_with(l.as_str()))
                .map(String::len)
                .max()
        };
        let district = self
            .lexicon
            .districts
            .iter()
            .enumerate()
            .filter_map(|(i, d)| {
                longest_suffix(&d.concept.labels_zh).map(|len| (Place::District(i), len))
            });
        let city = self
            .lexicon
            .cities
            .iter()
            .enumerate()
            .filter_map(|(i, c)| longest_suffix(&c.labels_zh).map(|len| (Place::City(i), len)));
        if let Some(named) = district.chain(city).max_by_key(|(_, len)| *len) {
            return named;
        }
        let level = self
            .lexicon
            .levels
            .iter()
            .filter(|l| before.ends_with(l.prefix.as_str()))
            .max_by_key(|l| l.prefix.len());
        match level {
            Some(l) => {
                let place = match level_kind(l) {
                    LevelKind::National => Place::National,
                    LevelKind::City => self.city_of(case_district),
                    LevelKind::District => case_district.clone(),
                };
                (place, l.prefix.len())
            }
            None => (case_district.clone(), 0),
        }
    }

    fn city_of(&self, place: &Place) -> Place {
        match place {
            Place::District(d) => self.lexicon.districts[*d]
                .city
                .map_or(Place::Unknown, Place::City),
            _ => Place::Unknown,
        }
    }

    fn outcomes(&self, raw: &str, text: &TextIndex, matches: &[LabelMatch]) -> Vec<OutcomeFact> {
        let mut outcomes = Vec::new();
        let mut seen = BTreeSet::new();
        for caps in self.quantity.captures_iter(raw) {
            let (Some(whole), Some(number), Some(unit)) =
                (caps.get(0), caps.name("number"), caps.name("unit"))
            else {
                continue;
            };
            if self.is_ordinal(raw, whole.start()) || preceded_by_digit(raw, whole.start()) {
                continue;
            }
            let Some(&unit_index) = self.units.get(unit.as_str()) else {
                continue;
            };
            let multiplier = caps
                .name("magnitude")
                .and_then(|m| self.magnitudes.get(m.as_str()))
                .copied()
                .unwrap_or(1);
            let Some(value) = scale_decimal(number.as_str(), multiplier) else {
                continue;
            };
            let qualifier = caps
                .name("before")
                .or_else(|| caps.name("after"))
                .or_else(|| caps.name("tail"))
                .map(|q| q.as_str().to_owned())
                .filter(|q| !q.is_empty());
            let evidence = text.sentence_at(whole.start());
            let unit_label = self.lexicon.units[unit_index].concept.pref_zh.clone();
            // The same quantity repeated in the case is one outcome.
            if !seen.insert((value.clone(), unit_label.clone())) {
                continue;
            }
            let sentence_bytes = text.byte_range(&evidence);
            let mechanism = matches.iter().find_map(|m| match m.target {
                Target::Mechanism(i)
                    if m.start >= sentence_bytes.0 && m.end <= sentence_bytes.1 =>
                {
                    Some(i)
                }
                _ => None,
            });
            outcomes.push(OutcomeFact {
                value,
                unit: unit_label,
                quantity_text: whole.as_str().to_owned(),
                metric: metric_before(raw, whole.start(), sentence_bytes.0),
                qualifier,
                mechanism,
                evidence,
            });
        }
        outcomes
    }

    fn is_ordinal(&self, text: &str, start: usize) -> bool {
        let before = &text[..start];
        self.lexicon
            .ordinal_prefixes
            .iter()
            .any(|p| before.ends_with(p.as_str()))
    }
}

enum LevelKind {
    National,
    City,
    District,
}

/// Maps a level to its kind by its IRI's local name (rk:NationalLevel …).
fn level_kind(level: &crate::lexicon::Level) -> LevelKind {
    match crate::lexicon::local_name(&level.iri) {
        "NationalLevel" => LevelKind::National,
        "CityLevel" => LevelKind::City,
        _ => LevelKind::District,
    }
}

#[derive(Debug, Clone, Copy)]
struct LabelMatch {
    start: usize,
    end: usize,
    target: Target,
}

fn record_agency(
    agencies: &mut BTreeMap<AgencyKey, AgencyFact>,
    key: AgencyKey,
    written: String,
    m: &LabelMatch,
    text: &TextIndex,
    title_end: usize,
) {
    let fact = agencies.entry(key.clone()).or_insert_with(|| AgencyFact {
        key,
        names: BTreeSet::new(),
        lead: false,
        evidence: Vec::new(),
    });
    fact.names.insert(written);
    fact.lead |= m.start < title_end;
    push_evidence(&mut fact.evidence, text.sentence_at(m.start));
}

fn push_evidence(list: &mut Vec<Evidence>, evidence: Evidence) {
    if !list.contains(&evidence) {
        list.push(evidence);
    }
}

/// Byte offset where the title ends in the case text (the body starts with
/// the title, possibly over several lines).
fn title_end(case: &Case) -> usize {
    let wanted: usize = case.title.chars().filter(|c| !c.is_whitespace()).count();
    let mut seen = 0;
    for (i, c) in case.text.char_indices() {
        if seen >= wanted {
            return i;
        }
        if !c.is_whitespace() {
            seen += 1;
        }
    }
    case.text.len()
}

const OPEN_TITLE: char = '《';
const CLOSE_TITLE: char = '》';

/// Byte spans of 《…》 (brackets included): words inside a cited title are
/// not facts about the case.
fn document_spans(text: &str) -> Vec<(usize, usize)> {
    DOCUMENT_TITLE
        .find_iter(text)
        .map(|m| (m.start(), m.end()))
        .collect()
}

static DOCUMENT_TITLE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"《([^《》\n]{1,120})》").expect("static regex"));

fn documents(raw: &str, text: &TextIndex) -> Vec<DocumentFact> {
    let mut facts: Vec<DocumentFact> = Vec::new();
    for caps in DOCUMENT_TITLE.captures_iter(raw) {
        let (Some(whole), Some(title)) = (caps.get(0), caps.get(1)) else {
            continue;
        };
        let title = title.as_str().trim().to_owned();
        if title.is_empty() {
            continue;
        }
        let evidence = text.sentence_at(whole.start());
        match facts.iter_mut().find(|f| f.title == title) {
            Some(f) => push_evidence(&mut f.evidence, evidence),
            None => facts.push(DocumentFact {
                title,
                evidence: vec![evidence],
            }),
        }
    }
    debug_assert!(facts
        .iter()
        .all(|f| !f.title.contains(OPEN_TITLE) && !f.title.contains(CLOSE_TITLE)));
    facts
}

/// `before? number after? magnitude? tail? unit`, e.g. 超过1.2万件, 800余家,
/// 3.32亿元, 50%. Alternatives are sorted longest first so 人次 wins over 人.
fn quantity_pattern(
    lexicon: &Lexicon,
    units: &BTreeMap<String, usize>,
    magnitudes: &BTreeMap<String, u64>,
) -> Result<Regex, regex::Error> {
    fn alternation<'a>(words: impl IntoIterator<Item = &'a String>) -> String {
        let mut words: Vec<&String> = words.into_iter().filter(|w| !w.is_empty()).collect();
        words.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
        words.dedup();
        let escaped: Vec<String> = words.iter().map(|w| regex::escape(w)).collect();
        if escaped.is_empty() {
            // Matches nothing: a lexicon without that kind of word.
            "[^\\s\\S]".to_owned()
        } else {
            escaped.join("|")
        }
    }
    let before = alternation(
        lexicon
            .qualifiers
            .iter()
            .filter(|q| q.before_number)
            .map(|q| &q.label),
    );
    let after = alternation(
        lexicon
            .qualifiers
            .iter()
            .filter(|q| !q.before_number)
            .map(|q| &q.label),
    );
    let magnitude = alternation(magnitudes.keys());
    let unit = alternation(units.keys());
    Regex::new(&format!(
        r"(?P<before>{before})?(?P<number>[0-9]+(?:\.[0-9]+)?)(?P<after>{after})?(?P<magnitude>{magnitude})?(?P<tail>{after})?(?P<unit>{unit})"
    ))
}

fn preceded_by_digit(text: &str, start: usize) -> bool {
    text[..start]
        .chars()
        .next_back()
        .is_some_and(|c| c.is_ascii_digit() || c == '.')
}

/// Multiplies a decimal string by a power-of-ten multiplier without floating
/// point error ("1.2" × 10000 → "12000").
pub fn scale_decimal(number: &str, multiplier: u64) -> Option<String> {
    let zeros = multiplier.checked_ilog10()?;
    if 10u64.checked_pow(zeros)? != multiplier {
        return None;
    }
    let (int, frac) = number.split_once('.').unwrap_or((number, ""));
    let mut digits = format!("{int}{frac}");
    let point = int.len() as i64 + i64::from(zeros);
    while (digits.len() as i64) < point {
        digits.push('0');
    }
    let point = point.max(0) as usize;
    let (i, f) = digits.split_at(point);
    let i = i.trim_start_matches('0');
    let f = f.trim_end_matches('0');
    let i = if i.is_empty() { "0" } else { i };
    Some(if f.is_empty() {
        i.to_owned()
    } else {
        format!("{i}.{f}")
    })
}

/// The words before a number in its clause (after the last comma, colon or
/// enumeration mark), at most 24 characters: a rough "what was counted".
fn metric_before(text: &str, number_start: usize, sentence_start: usize) -> String {
    let clause = &text[sentence_start.min(number_start)..number_start];
    let clause = clause
        .rsplit(['，', ',', '：', ':', '；', '、', '（', '('])
        .next()
        .unwrap_or(clause)
        .trim();
    let chars: Vec<char> = clause.chars().collect();
    let from = chars.len().saturating_sub(24);
    chars[from..].iter().collect()
}

/// Sentence boundaries and byte ↔ character offset conversion for one text.
struct TextIndex<'t> {
    text: &'t str,
    /// (byte start, byte end) of each sentence, trimmed.
    sentences: Vec<(usize, usize)>,
}

const SENTENCE_ENDS: [char; 6] = ['。', '！', '？', '；', '!', '?'];

impl<'t> TextIndex<'t> {
    fn new(text: &'t str) -> Self {
        let mut sentences = Vec::new();
        let mut start = 0;
        for (i, c) in text.char_indices() {
            let end = i + c.len_utf8();
            if c == '\n' {
                push_trimmed(&mut sentences, text, start, i);
                start = end;
            } else if SENTENCE_ENDS.contains(&c) {
                push_trimmed(&mut sentences, text, start, end);
                start = end;
            }
        }
        push_trimmed(&mut sentences, text, start, text.len());
        Self { text, sentences }
    }

    /// The sentence containing byte offset `at`.
    fn sentence_at(&self, at: usize) -> Evidence {
        let index = self.sentences.partition_point(|&(_, end)| end <= at);
        let (start, end) = self
            .sentences
            .get(index)
            .copied()
            .filter(|&(s, _)| s <= at)
            .unwrap_or((at, at));
        Evidence {
            start: self.text[..start].chars().count(),
            end: self.text[..end].chars().count(),
            sentence: self.text[start..end].to_owned(),
        }
    }

    /// Byte range of an evidence sentence.
    fn byte_range(&self, evidence: &Evidence) -> (usize, usize) {
        let start = self
            .text
            .char_indices()
            .nth(evidence.start)
            .map_or(self.text.len(), |(i, _)| i);
        (start, start + evidence.sentence.len())
    }
}

fn push_trimmed(sentences: &mut Vec<(usize, usize)>, text: &str, start: usize, end: usize) {
    let slice = &text[start..end];
    let lead = slice.len() - slice.trim_start().len();
    let trail = slice.len() - slice.trim_end().len();
    if start + lead < end - trail {
        sentences.push((start + lead, end - trail));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_scale_exactly() {
        assert_eq!(scale_decimal("1.2", 10000).as_deref(), Some("12000"));
        assert_eq!(
            scale_decimal("3.32", 100000000).as_deref(),
            Some("332000000")
        );
        assert_eq!(scale_decimal("800", 1).as_deref(), Some("800"));
        assert_eq!(scale_decimal("0.5", 1).as_deref(), Some("0.5"));
        assert_eq!(scale_decimal("12.345", 100).as_deref(), Some("1234.5"));
        assert_eq!(scale_decimal("1", 3), None, "not a power of ten");
    }

    #[test]
    fn sentences_have_character_offsets() {
        let text = "第一句。\n  第二句，有逗号；第三句";
        let index = TextIndex::new(text);
        let byte = text.find("逗号").expect("present");
        let e = index.sentence_at(byte);
        assert_eq!(e.sentence, "第二句，有逗号；");
        let sliced: String = text.chars().skip(e.start).take(e.end - e.start).collect();
        assert_eq!(sliced, e.sentence);
    }
}
