//! Outcomes: reported quantities.
//!
//! A quantity is `qualifier? number qualifier? magnitude* qualifier? unit
//! qualifier?`, where the number is Arabic (1.2, 6000) or Chinese (六, 十,
//! 两, 上百), and every word class comes from `ontology/quantities.ttl`:
//! units, magnitudes (十 百 千 万 亿), numerals, qualifiers with their
//! position, and rk:ContextWord roles. Fractions (1/6) become percentages.
//! Chinese numbers are read by `reformkg_corpus::numerals`, the one numeral
//! reader of the pipeline, with the lexicon's numerals and magnitudes.
//!
//! What is not an outcome: a number after an ordinal or frequency word
//! (第二批, 每两周), a count of the categories a list is about to name (分为三种
//! 情形), a number in a quoted slogan (“四个帮办”), a calendar date (2023年,
//! 10月8日), a reference period (近三年), a phase (二期), the article 一
//! (一家企业), and a bare magnitude without a count verb or qualifier
//! (亿元以上交易量 is a bracket, not an amount). The same quantity written
//! again about the same thing (same value, unit and following words) is one
//! outcome.

use super::mechanisms::MechanismMention;
use super::text::{clause_end, clause_start, ends_with_any, first_chars, last_chars, TextIndex};
use super::{ExtractError, OutcomeFact};
use reformkg_corpus::numerals::{self, NumeralWords, Shape};
use reformkg_lexicon::{
    ContextRole, Lexicon, MechanismId, Qualifier, QualifierPosition, Unit, UnitId,
};
use regex::{Captures, Regex};
use std::collections::{BTreeMap, HashMap, HashSet};

/// The context roles the quantity rules read.
pub(super) const CONTEXT_ROLES: &[ContextRole] = &[
    ContextRole::CountVerb,
    ContextRole::Frequency,
    ContextRole::Category,
    ContextRole::Slogan,
    ContextRole::PeriodWord,
    ContextRole::PeriodSuffix,
    ContextRole::Month,
    ContextRole::RangeMark,
];

/// How far back (characters) an opening quote puts a number in a slogan.
const SLOGAN_WINDOW: usize = 3;
/// Words after a quantity (characters) that say what it counts.
const COUNTED_CHARS: usize = 8;
/// Characters of one quantity's counted words that, found in another's,
/// make two equal quantities the same outcome (两个全职能办税服务厅 and
/// 2个办税服务厅).
const SAME_THING_CHARS: usize = 3;
/// Longest metric on each side of the quantity, in characters.
const METRIC_CHARS: usize = 16;

/// The quantity patterns, built once from a lexicon.
pub(super) struct QuantityReader {
    pattern: Regex,
    fraction: Regex,
    period: Regex,
    units: BTreeMap<String, UnitId>,
    magnitudes: HashMap<String, u64>,
    /// Single-character numerals → (value, is the indefinite article alone).
    digits: HashMap<char, (u32, bool)>,
}

/// The lexicon's rk:Numeral digits and rk:Magnitude place words.
impl NumeralWords for QuantityReader {
    fn digit(&self, c: char) -> Option<u32> {
        self.digits.get(&c).map(|&(value, _)| value)
    }

    fn place_value(&self, c: char) -> Option<u64> {
        self.magnitudes.get(c.encode_utf8(&mut [0; 4])).copied()
    }
}

/// A quantity found in the text, before it becomes an outcome.
struct Quantity {
    start: usize,
    end: usize,
    value: String,
    unit: UnitId,
    qualifiers: Vec<String>,
}

impl QuantityReader {
    pub(super) fn new(lexicon: &Lexicon) -> Result<Self, ExtractError> {
        let mut units = BTreeMap::new();
        for (id, u) in lexicon.units_with_ids() {
            for label in &u.concept.labels_zh {
                units.insert(label.clone(), id);
            }
        }
        let magnitudes: HashMap<String, u64> = lexicon
            .magnitudes
            .iter()
            .map(|m| (m.label.clone(), m.multiplier))
            .collect();
        let digits: HashMap<char, (u32, bool)> = lexicon
            .numerals
            .iter()
            .filter_map(|n| {
                let mut chars = n.label.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) => Some((c, (n.value, n.indefinite_alone))),
                    _ => None,
                }
            })
            .collect();
        Ok(Self {
            pattern: quantity_pattern(lexicon, &units, &magnitudes, &digits)?,
            fraction: fraction_pattern(lexicon)?,
            period: period_pattern(lexicon)?,
            units,
            magnitudes,
            digits,
        })
    }

    /// The outcomes of a case, in text order.
    pub(super) fn outcomes(
        &self,
        lexicon: &Lexicon,
        raw: &str,
        text: &TextIndex,
        mechanisms: &[MechanismMention],
    ) -> Vec<OutcomeFact> {
        let mut quantities: Vec<Quantity> = self
            .pattern
            .captures_iter(raw)
            .filter_map(|caps| self.quantity(lexicon, raw, &caps))
            .chain(
                self.fraction
                    .captures_iter(raw)
                    .filter_map(|caps| fraction(lexicon, raw, &caps)),
            )
            .collect();
        quantities.sort_by_key(|q| q.start);
        let mut kept: Vec<Quantity> = Vec::new();
        let mut seen: HashMap<(String, UnitId), SeenThings> = HashMap::new();
        for q in quantities {
            let counted = counted_words(raw, q.end);
            let things = seen.entry((q.value.clone(), q.unit)).or_default();
            if !things.same_as_any(&counted) {
                things.add(&counted);
                kept.push(q);
            }
        }
        let mut periods = PeriodCache::default();
        kept.into_iter()
            .map(|q| self.outcome(lexicon, raw, text, mechanisms, &mut periods, q))
            .collect()
    }

    fn outcome(
        &self,
        lexicon: &Lexicon,
        raw: &str,
        text: &TextIndex,
        mechanisms: &[MechanismMention],
        periods: &mut PeriodCache,
        q: Quantity,
    ) -> OutcomeFact {
        let (sentence_start, sentence_end) = text.sentence_bytes(q.start);
        let mechanism = nearest_mechanism(mechanisms, raw, q.start, (sentence_start, sentence_end));
        OutcomeFact {
            value: q.value,
            unit: lexicon.unit(q.unit).concept.pref_zh.clone(),
            quantity_text: raw[q.start..q.end].to_owned(),
            metric: metric(raw, q.start, q.end, sentence_start),
            qualifier: (!q.qualifiers.is_empty()).then(|| q.qualifiers.join("…")),
            period: self.period_before(raw, periods, (sentence_start, sentence_end), q.start),
            mechanism,
            evidence: text.sentence_at(q.start),
        }
    }

    /// A quantity from one match of the pattern, unless a rule says it is
    /// not a count (see the module documentation).
    fn quantity(&self, lexicon: &Lexicon, raw: &str, caps: &Captures) -> Option<Quantity> {
        let whole = caps.get(0)?;
        let unit_id = *self.units.get(caps.name("unit")?.as_str())?;
        let unit = lexicon.unit(unit_id);
        let before = caps.name("before").map(|m| m.as_str());
        let number = caps.name("number").or_else(|| caps.name("cn"))?;
        let prefix = &raw[..whole.start()];
        let is_chinese = caps.name("cn").is_some();
        if self.is_not_a_count(lexicon, raw, whole.start(), number.start())
            || is_date(unit, raw, number.as_str(), number.start(), is_chinese)
            || before.is_some_and(|b| unit.period_if_qualified_by.iter().any(|p| p == b))
            || (is_chinese && unit.ordinal_after_chinese_numeral)
        {
            return None;
        }
        let value = if is_chinese {
            let run = number.as_str();
            if self.is_indefinite(run) {
                return None;
            }
            if self.is_bare_magnitude(run)
                && before.is_none()
                && ends_with_any(prefix, lexicon.context(ContextRole::CountVerb)).is_none()
            {
                return None;
            }
            self.chinese_value(run)?.to_string()
        } else {
            let multiplier = caps
                .name("magnitude")
                .map_or(Some(1), |m| self.magnitude_product(m.as_str()))?;
            scale_decimal(number.as_str(), multiplier)?
        };
        let qualifiers = ["before", "after", "tail", "post"]
            .iter()
            .filter_map(|g| caps.name(g))
            .map(|m| m.as_str().to_owned())
            .filter(|q| !q.is_empty())
            .collect();
        Some(Quantity {
            start: whole.start(),
            end: whole.end(),
            value,
            unit: unit_id,
            qualifiers,
        })
    }

    /// Rules on the words before a quantity: a digit or numeral run that
    /// continues, an ordinal, a frequency, a category count, a slogan.
    fn is_not_a_count(&self, lexicon: &Lexicon, raw: &str, start: usize, number: usize) -> bool {
        let before_number = &raw[..number];
        let continues = before_number
            .chars()
            .next_back()
            .is_some_and(|c| c.is_ascii_digit() || c == '.' || self.is_numeral_char(c));
        let prefix = &raw[..start];
        let window = last_chars(prefix, SLOGAN_WINDOW);
        continues
            || ends_with_any(prefix, &lexicon.ordinal_prefixes).is_some()
            || ends_with_any(prefix, lexicon.context(ContextRole::Frequency)).is_some()
            || ends_with_any(prefix, lexicon.context(ContextRole::Category)).is_some()
            || lexicon
                .context(ContextRole::Slogan)
                .iter()
                .any(|s| !s.is_empty() && window.contains(s.as_str()))
    }

    fn is_numeral_char(&self, c: char) -> bool {
        self.digits.contains_key(&c) || self.magnitudes.contains_key(c.encode_utf8(&mut [0; 4]))
    }

    /// 一 alone before a unit is an article (一家企业) or emphasis (一次).
    fn is_indefinite(&self, run: &str) -> bool {
        let mut chars = run.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) => self
                .digits
                .get(&c)
                .is_some_and(|&(_, indefinite)| indefinite),
            _ => false,
        }
    }

    /// A run of magnitude words without a digit, not starting with ten
    /// (百, 千万): a round figure that needs a qualifier to be a count.
    fn is_bare_magnitude(&self, run: &str) -> bool {
        let no_digit = !run.chars().any(|c| self.digits.contains_key(&c));
        let first = run
            .chars()
            .next()
            .and_then(|c| self.magnitudes.get(c.encode_utf8(&mut [0; 4])));
        no_digit && first.is_some_and(|&m| m > 10)
    }

    fn magnitude_product(&self, run: &str) -> Option<u64> {
        run.chars().try_fold(1u64, |product, c| {
            product.checked_mul(*self.magnitudes.get(c.encode_utf8(&mut [0; 4]))?)
        })
    }

    /// The value of a Chinese numeral (六 → 6, 十 → 10, 两万五千 → 25000,
    /// 千亿 → 100000000000, 二〇二三 → 2023), read with the numerals and
    /// magnitudes of the lexicon.
    fn chinese_value(&self, run: &str) -> Option<u128> {
        numerals::parse(run, self, Shape::Free)
    }

    /// The last period expression before `at` in its sentence: the last
    /// match in `raw[sentence_start..at]`. The sentence is searched once
    /// for all its quantities; the pattern has no anchors, so its matches
    /// that end by `at` are exactly those of the cut text, and only one
    /// running across `at` needs a second look.
    fn period_before(
        &self,
        raw: &str,
        cache: &mut PeriodCache,
        sentence: (usize, usize),
        at: usize,
    ) -> Option<String> {
        let (start, end) = sentence;
        if at < start || at > end {
            return self
                .period
                .find_iter(raw.get(start.min(at)..at)?)
                .last()
                .map(|m| m.as_str().to_owned());
        }
        if cache.sentence != Some(sentence) {
            cache.sentence = Some(sentence);
            cache.matches = self
                .period
                .find_iter(&raw[start..end])
                .map(|m| (start + m.start(), start + m.end()))
                .collect();
        }
        let before = cache.matches.partition_point(|&(_, e)| e <= at);
        if let Some(&(s, e)) = cache.matches.get(before).filter(|&&(s, _)| s < at) {
            // Cut by `at`: the cut text may still match from there on.
            debug_assert!(e > at);
            if let Some(m) = self.period.find_iter(&raw[s..at]).last() {
                return Some(m.as_str().to_owned());
            }
        }
        before
            .checked_sub(1)
            .map(|i| raw[cache.matches[i].0..cache.matches[i].1].to_owned())
    }
}

/// The words right after a quantity, up to the end of its clause: what it
/// counts (9家金融机构 → 金融机构参加会议).
fn counted_words(raw: &str, end: usize) -> String {
    raw[end..clause_end(raw, end)]
        .chars()
        .filter(|c| !c.is_whitespace())
        .take(COUNTED_CHARS)
        .collect()
}

/// Do two equal quantities count the same thing? The start of the words
/// after one is found in the words after the other.
#[cfg(test)]
fn same_thing(a: &str, b: &str) -> bool {
    let contains_start = |x: &str, y: &str| {
        let start = first_chars(x, SAME_THING_CHARS);
        start.chars().count() == SAME_THING_CHARS && y.contains(start)
    };
    contains_start(a, b) || contains_start(b, a)
}

/// What the kept quantities of one value and unit count, indexed for
/// [`same_thing`] against all of them at once: counted words are at most
/// [`COUNTED_CHARS`] long, so each has only a few pieces of
/// [`SAME_THING_CHARS`] characters.
#[derive(Default)]
struct SeenThings {
    /// The first pieces of the kept words.
    starts: HashSet<String>,
    /// Every piece of the kept words.
    pieces: HashSet<String>,
}

impl SeenThings {
    /// Is `counted` the same thing as one kept: does its start occur in a
    /// kept one, or a kept one's start occur in it?
    fn same_as_any(&self, counted: &str) -> bool {
        let pieces = pieces(counted);
        pieces
            .first()
            .is_some_and(|start| self.pieces.contains(start))
            || pieces.iter().any(|p| self.starts.contains(p))
    }

    fn add(&mut self, counted: &str) {
        let pieces = pieces(counted);
        if let Some(start) = pieces.first() {
            self.starts.insert(start.clone());
        }
        self.pieces.extend(pieces);
    }
}

/// The runs of [`SAME_THING_CHARS`] characters of a text, in order.
fn pieces(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    chars
        .windows(SAME_THING_CHARS)
        .map(|w| w.iter().collect())
        .collect()
}

/// The period matches of the sentence last asked about.
#[derive(Default)]
struct PeriodCache {
    sentence: Option<(usize, usize)>,
    matches: Vec<(usize, usize)>,
}

/// Is the number a calendar date for this unit (2023年, 10月8日)?
fn is_date(unit: &Unit, raw: &str, number: &str, number_start: usize, chinese: bool) -> bool {
    let calendar_year = !chinese
        && unit
            .calendar_digits
            .is_some_and(|n| number.len() == n && number.chars().all(|c| c.is_ascii_digit()));
    calendar_year || ends_with_any(&raw[..number_start], &unit.date_if_preceded_by).is_some()
}

/// A fraction (1/6) as a percentage, unless it is part of a longer run of
/// numbers (a date 2023/10/18).
fn fraction(lexicon: &Lexicon, raw: &str, caps: &Captures) -> Option<Quantity> {
    let whole = caps.get(0)?;
    let numerator: u128 = caps.name("num")?.as_str().parse().ok()?;
    let denominator: u128 = caps.name("den")?.as_str().parse().ok()?;
    let mark = lexicon
        .fraction_marks
        .iter()
        .find(|f| f.label == caps.name("mark").map_or("", |m| m.as_str()))?;
    let before = &raw[..caps.name("num")?.start()];
    let after = &raw[caps.name("den")?.end()..];
    let glued = |c: char| c.is_ascii_digit() || c == '.' || mark.label.starts_with(c);
    if denominator == 0
        || before.chars().next_back().is_some_and(glued)
        || after.chars().next().is_some_and(glued)
    {
        return None;
    }
    let scale = 10u128.checked_pow(mark.decimals)?;
    // Checked: a numerator of 35 digits would overflow, and a wrapped
    // product is a wrong value, not an outcome.
    let scaled = numerator
        .checked_mul(u128::from(mark.multiplier))?
        .checked_mul(scale)?;
    let rounded = scaled
        .checked_mul(2)?
        .checked_add(denominator)?
        .checked_div(denominator.checked_mul(2)?)?;
    let value = format!(
        "{}.{:0width$}",
        rounded / scale,
        rounded % scale,
        width = mark.decimals as usize
    );
    let value = scale_decimal(&value, 1)?;
    let qualifiers = ["before", "post"]
        .iter()
        .filter_map(|g| caps.name(g))
        .map(|m| m.as_str().to_owned())
        .collect();
    Some(Quantity {
        start: whole.start(),
        end: whole.end(),
        value,
        unit: mark.unit?,
        qualifiers,
    })
}

/// The mechanism named in the quantity's clause (closest before it, else
/// first after it), else the closest one before it in its sentence.
fn nearest_mechanism(
    mechanisms: &[MechanismMention],
    raw: &str,
    at: usize,
    sentence: (usize, usize),
) -> Option<MechanismId> {
    // Mentions are in text order and disjoint, so those within a range
    // are one run of the list, found by bisection.
    let within = |from: usize, to: usize| {
        let first = mechanisms.partition_point(|m| m.start < from);
        let last = mechanisms.partition_point(|m| m.end <= to);
        mechanisms[first..last.max(first)].iter()
    };
    let (clause_from, clause_to) = (clause_start(raw, at), clause_end(raw, at));
    within(clause_from, clause_to)
        .rfind(|m| m.end <= at)
        .or_else(|| within(clause_from, clause_to).find(|m| m.start >= at))
        .or_else(|| within(sentence.0, at).next_back())
        .map(|m| m.mechanism)
}

/// An alternation of words, longest first so that 人次 wins over 人; a
/// pattern that matches nothing when there are none.
fn alternation<'a>(words: impl IntoIterator<Item = &'a String>) -> String {
    let mut words: Vec<&String> = words.into_iter().filter(|w| !w.is_empty()).collect();
    words.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
    words.dedup();
    if words.is_empty() {
        return "[^\\s\\S]".to_owned();
    }
    words
        .iter()
        .map(|w| regex::escape(w))
        .collect::<Vec<_>>()
        .join("|")
}

fn qualifiers<'a>(
    lexicon: &'a Lexicon,
    position: QualifierPosition,
) -> impl Iterator<Item = &'a String> + 'a {
    lexicon
        .qualifiers
        .iter()
        .filter(move |q: &&Qualifier| q.position == position)
        .map(|q| &q.label)
}

/// `before? (number after? magnitude* | chinese) tail? unit post?`, e.g.
/// 超过1.2万件, 800余家, 十余件, 上百个, 90%以上.
fn quantity_pattern(
    lexicon: &Lexicon,
    units: &BTreeMap<String, UnitId>,
    magnitudes: &HashMap<String, u64>,
    digits: &HashMap<char, (u32, bool)>,
) -> Result<Regex, regex::Error> {
    let before = alternation(qualifiers(lexicon, QualifierPosition::BeforeNumber));
    let after = alternation(qualifiers(lexicon, QualifierPosition::AfterNumber));
    let post = alternation(qualifiers(lexicon, QualifierPosition::AfterUnit));
    let magnitude = alternation(magnitudes.keys());
    let unit = alternation(units.keys());
    let mut chinese: String = digits
        .keys()
        .map(|c| regex::escape(&c.to_string()))
        .collect();
    for label in magnitudes.keys().filter(|m| m.chars().count() == 1) {
        chinese.push_str(&regex::escape(label));
    }
    let chinese = if chinese.is_empty() {
        "[^\\s\\S]".to_owned()
    } else {
        format!("[{chinese}]+")
    };
    Regex::new(&format!(
        r"(?P<before>{before})?(?:(?P<number>[0-9]+(?:\.[0-9]+)?)(?P<after>{after})?(?P<magnitude>(?:{magnitude})+)?|(?P<cn>{chinese}))(?P<tail>{after})?(?P<unit>{unit})(?P<post>{post})?"
    ))
}

/// `before? number mark number post?`, e.g. 1/6以上.
fn fraction_pattern(lexicon: &Lexicon) -> Result<Regex, regex::Error> {
    let before = alternation(qualifiers(lexicon, QualifierPosition::BeforeNumber));
    let post = alternation(qualifiers(lexicon, QualifierPosition::AfterUnit));
    let mark = alternation(lexicon.fraction_marks.iter().map(|f| &f.label));
    Regex::new(&format!(
        r"(?P<before>{before})?(?P<num>[0-9]+)(?P<mark>{mark})(?P<den>[0-9]+)(?P<post>{post})?"
    ))
}

/// `(year periodWord? months? | periodWord months? | months) periodSuffix?`,
/// e.g. 2023年1-9月, 今年以来, 前三季度.
fn period_pattern(lexicon: &Lexicon) -> Result<Regex, regex::Error> {
    let years: Vec<String> = lexicon
        .units
        .iter()
        .filter_map(|u| {
            let digits = u.calendar_digits?;
            let labels = alternation(&u.concept.labels_zh);
            Some(format!("[0-9]{{{digits}}}(?:{labels})"))
        })
        .collect();
    let year = if years.is_empty() {
        "[^\\s\\S]".to_owned()
    } else {
        years.join("|")
    };
    let word = alternation(lexicon.context(ContextRole::PeriodWord));
    let suffix = alternation(lexicon.context(ContextRole::PeriodSuffix));
    let month = alternation(lexicon.context(ContextRole::Month));
    let range = alternation(lexicon.context(ContextRole::RangeMark));
    let months = format!("[0-9]{{1,2}}(?:(?:{range})[0-9]{{1,2}})?(?:{month})");
    Regex::new(&format!(
        r"(?:(?:{year})(?:{word})?(?:{months})?|(?:{word})(?:{months})?|(?:{months}))(?:{suffix})?"
    ))
}

/// What was counted: the words around the quantity in its clause (after
/// the last comma, colon or enumeration mark before it), with `…` for the
/// quantity: 帮助…企业获得银行授信, 重点银行普惠贷款余额. When the clause
/// holds nothing but a one-character word and the quantity (…的行为等，共24项),
/// the clause before it says what is counted and is included.
fn metric(text: &str, start: usize, end: usize, sentence_start: usize) -> String {
    let marks = ['，', ',', '：', ':', '；', '、', '（', '('];
    let lead = &text[sentence_start.min(start)..start];
    let mut parts = lead.rsplitn(3, marks);
    let own = parts.next().unwrap_or(lead).trim();
    let after = text[end..clause_end(text, end)].trim();
    let before = match parts.next() {
        Some(previous) if own.chars().count() < 2 && after.is_empty() => {
            format!("{}，{own}", previous.trim())
        }
        _ => own.to_owned(),
    };
    let before = last_chars(before.trim_start_matches('，'), METRIC_CHARS);
    let after = first_chars(after, METRIC_CHARS);
    match (before.is_empty(), after.is_empty()) {
        (false, false) => format!("{before}…{after}"),
        _ => format!("{before}{after}"),
    }
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

#[cfg(test)]
mod tests {
    use super::super::tests::{case, lexicon};
    use super::super::Extractor;
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

    /// (value, unit, text as written) of every outcome of a one-case text.
    fn outcomes(text: &str) -> Vec<(String, String, String)> {
        let lexicon = lexicon();
        let extractor = Extractor::new(&lexicon).expect("matcher builds");
        extractor
            .extract(&case("静安区", text))
            .outcomes
            .into_iter()
            .map(|o| (o.value, o.unit, o.quantity_text))
            .collect()
    }

    fn values(text: &str) -> Vec<String> {
        outcomes(text)
            .into_iter()
            .map(|(v, u, _)| format!("{v}{u}"))
            .collect()
    }

    #[test]
    fn quantities_are_normalised_with_their_qualifiers() {
        assert_eq!(
            outcomes("办结超过1.2万件，贷款3.32亿元，惠及800余家企业。"),
            [
                ("12000".into(), "件".into(), "超过1.2万件".into()),
                ("332000000".into(), "元".into(), "3.32亿元".into()),
                ("800".into(), "家".into(), "800余家".into()),
            ]
        );
        assert_eq!(values("投诉量下降40%以上。"), ["40%"]);
        assert_eq!(values("用时7个工作日，1秒钟生成。"), ["7工作日", "1秒"]);
    }

    #[test]
    fn chinese_numerals_count_but_the_article_does_not() {
        assert_eq!(values("首批六家试点单位之一。"), ["6家"]);
        assert_eq!(values("建立配套制度十余件。"), ["10件"]);
        assert_eq!(values("两周后补齐材料。"), ["2周"]);
        assert_eq!(values("筛选出上百家企业。"), ["100家"]);
        assert!(values("金山区一家企业进一次门。").is_empty());
        assert!(values("实现亿元以上交易量平台。").is_empty(), "a bracket");
        assert_eq!(values("纠纷就达千万件。"), ["10000000件"]);
    }

    #[test]
    fn dates_ranks_frequencies_and_categories_are_not_outcomes() {
        assert!(values("2023年10月18日发布。").is_empty());
        assert!(values("在近三年的测评中。").is_empty());
        assert_eq!(values("连续四年发布。"), ["4年"]);
        assert!(values("第二批名录，第二十条第一款。").is_empty());
        assert!(values("每两周开展检查。").is_empty());
        assert!(values("分为三种情形：").is_empty());
        assert!(values("构建“四个帮办”服务体系。").is_empty());
        assert!(values("完成平台二期建设。").is_empty());
        assert_eq!(values("发布视频8期。"), ["8期"]);
        assert_eq!(values("协查周期提速至6日内。"), ["6日"]);
    }

    #[test]
    fn fractions_become_percentages() {
        assert_eq!(values("占全国1/6以上。"), ["16.67%"]);
        assert_eq!(values("近全国的1/3。"), ["33.33%"]);
        assert!(values("日期2023/10/18。").is_empty());
    }

    #[test]
    fn a_repeated_quantity_is_one_outcome_unless_it_counts_something_else() {
        assert_eq!(values("9家金融机构参会。与9家金融机构座谈。"), ["9家"]);
        assert_eq!(values("1家企业入选，1家医药公司研发。"), ["1家", "1家"]);
    }

    #[test]
    fn outcomes_keep_their_period_metric_and_mechanism() {
        let lexicon = lexicon();
        let extractor = Extractor::new(&lexicon).expect("matcher builds");
        let facts = extractor.extract(&case(
            "静安区",
            "2023年1-9月，通过告知承诺办结的超过1.2万件。",
        ));
        let outcome = &facts.outcomes[0];
        assert_eq!(outcome.period.as_deref(), Some("2023年1-9月"));
        assert_eq!(outcome.qualifier.as_deref(), Some("超过"));
        assert!(outcome.metric.contains("办结"), "{}", outcome.metric);
        let mechanism = outcome
            .mechanism
            .map(|m| lexicon.mechanism(m).pref_zh.as_str());
        assert_eq!(mechanism, Some("告知承诺"));
    }

    #[test]
    fn numbers_too_large_for_u128_are_no_outcome() {
        // 40 Chinese digits before a unit, a 36-digit numerator: skipped,
        // never a wrapped value (nor a panic in debug builds).
        let digits = "九".repeat(40);
        assert!(values(&format!("办结{digits}件。")).is_empty());
        let numerator = "9".repeat(36);
        assert!(values(&format!("占全国{numerator}/7。")).is_empty());
        // 38 digits still fit u128, 39 do not.
        assert_eq!(
            values(&format!("办结{}件。", "九".repeat(38))),
            [format!("{}件", "9".repeat(38))]
        );
        assert!(values(&format!("办结{}件。", "九".repeat(39))).is_empty());
        // Large but representable numbers still count.
        assert_eq!(
            values(&format!("占{}/2。", "1".repeat(20))),
            [format!("{}%", "5".repeat(2) + &"5".repeat(18) + "0")]
        );
    }

    #[test]
    fn repeats_are_found_among_many_kept_quantities() {
        // Many distinct quantities of one value and unit: each is kept,
        // and a repeat of an early one is still recognised.
        let letter = |n: u32| char::from_u32(u32::from(b'a') + n % 26).unwrap_or('a');
        let things: Vec<String> = (0..200u32)
            .map(|i| {
                [letter(i / 676), letter(i / 26), letter(i)]
                    .iter()
                    .collect()
            })
            .collect();
        let mut text: String = things.iter().map(|t| format!("新增9家{t}。")).collect();
        text.push_str(&format!("新增9家{}。", things[0]));
        assert_eq!(values(&text).len(), 200);
        assert!(same_thing("金融机构参会", "与金融机构"));
        assert!(!same_thing("金融", "金融机构"), "too short to compare");
    }

    #[test]
    fn periods_from_the_sentence_search_equal_those_of_the_cut_text() {
        let lexicon = lexicon();
        let reader = QuantityReader::new(&lexicon).expect("patterns build");
        let raw = "2023年1-9月办结12件，今年以来新增8家，2022年前三季度共5个，2023年1-12月。";
        let mut cache = PeriodCache::default();
        let sentence = (0, raw.len());
        for (at, _) in raw.char_indices() {
            let cut = reader
                .period
                .find_iter(&raw[..at])
                .last()
                .map(|m| m.as_str().to_owned());
            assert_eq!(
                reader.period_before(raw, &mut cache, sentence, at),
                cut,
                "at byte {at}"
            );
        }
        assert!(cache.matches.len() >= 3, "{:?}", cache.matches);
    }
}
