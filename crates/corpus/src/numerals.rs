//! Chinese numerals: the one reader of every stage (ranks such as 第十二名,
//! dates such as 二〇二三年, quantities such as 两万五千).
//!
//! The grammar is code and lives here: digits, small place words (十 百 千)
//! that multiply the digit before them, large ones (万 亿) that scale
//! everything before them, positional digit runs (二〇二三). Which
//! characters are digits and place words is vocabulary, passed in as
//! [`NumeralWords`]:
//!
//! - the extract stage reads quantities with the rk:Numeral and
//!   rk:Magnitude words of `ontology/quantities.ttl`, so the numerals it
//!   counts grow by editing Turtle;
//! - the corpus stage segments a document before any ontology is read, and
//!   must segment it the same way whatever ontology is loaded: it reads the
//!   numbers of the document's own structure (rank markers, table rows,
//!   issue dates) with [`DocumentNumerals`]. Those are layout, like the
//!   《》 around a title, not vocabulary the lexicon is meant to grow.
//!
//! Every step is checked arithmetic: a numeral too long for `u128` is no
//! value, never a wrapped one (nor a panic).

/// Which characters are digits and place words.
pub trait NumeralWords {
    /// The value of a digit (〇 → 0, 两 → 2).
    fn digit(&self, c: char) -> Option<u32>;
    /// The value of a place word (十 → 10, 万 → 10000).
    fn place_value(&self, c: char) -> Option<u64>;
}

/// A pair of lookups (digit, place value) is a set of numeral words.
impl<D, P> NumeralWords for (D, P)
where
    D: Fn(char) -> Option<u32>,
    P: Fn(char) -> Option<u64>,
{
    fn digit(&self, c: char) -> Option<u32> {
        (self.0)(c)
    }

    fn place_value(&self, c: char) -> Option<u64> {
        (self.1)(c)
    }
}

/// The forms a numeral may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Any run of digits and place words: consecutive digits are
    /// positional (二〇二三), a place word without a digit counts one (十).
    Free,
    /// A number as counted in running text (十二, 一百零五): two digits in a
    /// row only after a zero, and place words falling (百 before 十).
    Counted,
}

/// Place words from this value on scale everything before them (万, 亿).
const LARGE: u64 = 10_000;

/// The value of a Chinese numeral, or `None` when a character is no
/// numeral word, the run does not have the shape, the run is empty or the
/// value does not fit in `u128`.
pub fn parse(run: &str, words: &impl NumeralWords, shape: Shape) -> Option<u128> {
    if shape == Shape::Counted && !is_counted(run, words) {
        return None;
    }
    let mut total: u128 = 0;
    let mut section: u128 = 0;
    let mut current: Option<u128> = None;
    let mut largest_seen: u64 = 0;
    for c in run.chars() {
        if let Some(d) = words.digit(c) {
            // Consecutive digits are positional (二〇二三).
            let d = u128::from(d);
            current = Some(match current {
                None => d,
                Some(v) => v.checked_mul(10)?.checked_add(d)?,
            });
        } else {
            let m = u128::from(words.place_value(c)?);
            if m < u128::from(LARGE) {
                section = section.checked_add(current.take().unwrap_or(1).checked_mul(m)?)?;
            } else {
                let part = section.checked_add(current.take().unwrap_or(0))?;
                let part = if part == 0 { 1 } else { part };
                if m > u128::from(largest_seen) {
                    total = total.checked_add(part)?.checked_mul(m)?;
                    largest_seen = u64::try_from(m).ok()?;
                } else {
                    total = total.checked_add(part.checked_mul(m)?)?;
                }
                section = 0;
            }
        }
    }
    let value = total
        .checked_add(section)?
        .checked_add(current.unwrap_or(0))?;
    (!run.is_empty()).then_some(value)
}

/// Does the run have the [`Shape::Counted`] form?
fn is_counted(run: &str, words: &impl NumeralWords) -> bool {
    let mut previous_digit: Option<u32> = None;
    let mut last_place = u64::MAX;
    for c in run.chars() {
        if let Some(d) = words.digit(c) {
            if previous_digit.is_some_and(|p| p != 0) {
                return false;
            }
            previous_digit = Some(d);
        } else if let Some(place) = words.place_value(c) {
            if place >= last_place {
                return false;
            }
            last_place = place;
            previous_digit = None;
        } else {
            return false;
        }
    }
    true
}

/// The numerals of a document's structure: ASCII and Chinese digits (with
/// 零 for zero) and the place words of ranks up to 999 (十, 百). See the
/// module documentation for why the corpus stage does not read them from
/// the ontology.
#[derive(Debug, Clone, Copy, Default)]
pub struct DocumentNumerals;

/// Chinese digits by value.
const DOCUMENT_DIGITS: [char; 10] = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
/// The other way of writing zero.
const DOCUMENT_ZERO: char = '零';
/// Place words by value.
const DOCUMENT_PLACES: [(char, u64); 2] = [('十', 10), ('百', 100)];

impl DocumentNumerals {
    /// Every Chinese character it reads, for a regex character class.
    pub fn chinese_characters(&self) -> String {
        DOCUMENT_DIGITS
            .iter()
            .chain([DOCUMENT_ZERO].iter())
            .chain(DOCUMENT_PLACES.iter().map(|(c, _)| c))
            .collect()
    }
}

impl NumeralWords for DocumentNumerals {
    fn digit(&self, c: char) -> Option<u32> {
        if let Some(d) = c.to_digit(10) {
            return Some(d);
        }
        if c == DOCUMENT_ZERO {
            return Some(0);
        }
        DOCUMENT_DIGITS
            .iter()
            .position(|&d| d == c)
            .and_then(|p| u32::try_from(p).ok())
    }

    fn place_value(&self, c: char) -> Option<u64> {
        DOCUMENT_PLACES
            .iter()
            .find(|(place, _)| *place == c)
            .map(|&(_, value)| value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_numerals_read_like_numbers() {
        let digit = |c: char| {
            "〇一二三四五六七八九"
                .chars()
                .position(|d| d == c)
                .map(|v| v as u32)
        };
        let magnitude = |c: char| match c {
            '十' => Some(10),
            '百' => Some(100),
            '千' => Some(1000),
            '万' => Some(10_000),
            '亿' => Some(100_000_000),
            _ => None,
        };
        let value = |s: &str| parse(s, &(digit, magnitude), Shape::Free);
        assert_eq!(value("六"), Some(6));
        assert_eq!(value("十"), Some(10));
        assert_eq!(value("十二"), Some(12));
        assert_eq!(value("二十"), Some(20));
        assert_eq!(value("一百零五"), None, "零 is not in this test's digits");
        assert_eq!(value("十万"), Some(100_000));
        assert_eq!(value("两万五千".replace('两', "二").as_str()), Some(25_000));
        assert_eq!(value("千万"), Some(10_000_000));
        assert_eq!(value("千亿"), Some(100_000_000_000));
        assert_eq!(value("一亿二千万"), Some(120_000_000));
        assert_eq!(value("二〇二三"), Some(2023));
        assert_eq!(value(""), None);
    }

    #[test]
    fn counted_numbers_need_their_shape() {
        let counted = |s: &str| parse(s, &DocumentNumerals, Shape::Counted);
        assert_eq!(counted("一百零五"), Some(105));
        assert_eq!(counted("二十三"), Some(23));
        assert_eq!(counted("一二三"), None, "digits without a place word");
        assert_eq!(counted("十百"), None, "place words must fall");
        assert_eq!(counted("十十"), None);
        assert_eq!(counted("甲"), None);
        assert_eq!(counted(""), None);
        assert_eq!(
            parse("二〇二三", &DocumentNumerals, Shape::Free),
            Some(2023)
        );
        assert_eq!(DocumentNumerals.chinese_characters().chars().count(), 13);
    }

    #[test]
    fn overlong_numerals_are_no_value() {
        let nine = |c: char| (c == '九').then_some(9);
        let none = |_: char| None;
        assert_eq!(
            parse(&"九".repeat(38), &(nine, none), Shape::Free),
            Some("9".repeat(38).parse().expect("fits u128"))
        );
        assert_eq!(parse(&"九".repeat(39), &(nine, none), Shape::Free), None);
    }
}
