//! Is a literal's lexical form valid for its XSD datatype? SHACL's
//! sh:datatype fails on ill-formed literals ("abc"^^xsd:integer), which
//! Oxigraph keeps as they were written.

use oxigraph::model::Literal;
use oxsdatatypes::{
    Boolean, Date, DateTime, DayTimeDuration, Decimal, Double, Duration, Float, GDay, GMonth,
    GMonthDay, GYear, GYearMonth, Integer, Time, YearMonthDuration,
};
use reformkg_vocab::XSD;
use std::str::FromStr;

/// True unless the literal has an XSD datatype whose lexical space does
/// not contain its value (datatypes not listed here are not checked).
pub fn is_well_formed(literal: &Literal) -> bool {
    let Some(local) = literal.datatype().as_str().strip_prefix(XSD) else {
        return true;
    };
    let value = literal.value();
    match local {
        "boolean" => Boolean::from_str(value).is_ok(),
        "decimal" => Decimal::from_str(value).is_ok(),
        "double" => Double::from_str(value).is_ok(),
        "float" => Float::from_str(value).is_ok(),
        "date" => Date::from_str(value).is_ok(),
        "dateTime" => DateTime::from_str(value).is_ok(),
        "time" => Time::from_str(value).is_ok(),
        "duration" => Duration::from_str(value).is_ok(),
        "dayTimeDuration" => DayTimeDuration::from_str(value).is_ok(),
        "yearMonthDuration" => YearMonthDuration::from_str(value).is_ok(),
        "gYear" => GYear::from_str(value).is_ok(),
        "gYearMonth" => GYearMonth::from_str(value).is_ok(),
        "gMonth" => GMonth::from_str(value).is_ok(),
        "gMonthDay" => GMonthDay::from_str(value).is_ok(),
        "gDay" => GDay::from_str(value).is_ok(),
        _ => integer_in_range(local, value).unwrap_or(true),
    }
}

/// For the integer types: is the value an integer within the type's range?
/// None for a datatype that is not an integer type.
fn integer_in_range(local: &str, value: &str) -> Option<bool> {
    let (min, max): (Option<i128>, Option<i128>) = match local {
        "integer" => (None, None),
        "long" => (Some(i64::MIN.into()), Some(i64::MAX.into())),
        "int" => (Some(i32::MIN.into()), Some(i32::MAX.into())),
        "short" => (Some(i16::MIN.into()), Some(i16::MAX.into())),
        "byte" => (Some(i8::MIN.into()), Some(i8::MAX.into())),
        "nonNegativeInteger" => (Some(0), None),
        "positiveInteger" => (Some(1), None),
        "nonPositiveInteger" => (None, Some(0)),
        "negativeInteger" => (None, Some(-1)),
        "unsignedLong" => (Some(0), Some(u64::MAX.into())),
        "unsignedInt" => (Some(0), Some(u32::MAX.into())),
        "unsignedShort" => (Some(0), Some(u16::MAX.into())),
        "unsignedByte" => (Some(0), Some(u8::MAX.into())),
        _ => return None,
    };
    if Integer::from_str(value).is_err() {
        return Some(false);
    }
    let Ok(n) = value.trim_start_matches('+').parse::<i128>() else {
        // Beyond i128: fine for the unbounded types only.
        return Some(
            min.is_none() && max.is_none()
                || (min == Some(0) && !value.starts_with('-') && max.is_none()),
        );
    };
    Some(min.is_none_or(|m| n >= m) && max.is_none_or(|m| n <= m))
}

/// The order of two well-formed xsd:integer or xsd:decimal literals (the
/// common case: ranks, offsets), without a SPARQL evaluation. None for any
/// other pair, which SPARQL then compares.
pub fn compare_decimals(a: &Literal, b: &Literal) -> Option<std::cmp::Ordering> {
    let decimal = |l: &Literal| match l.datatype().as_str().strip_prefix(XSD) {
        Some("integer" | "decimal") => Decimal::from_str(l.value()).ok(),
        _ => None,
    };
    decimal(a)?.partial_cmp(&decimal(b)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxigraph::model::NamedNode;

    fn typed(value: &str, local: &str) -> Literal {
        Literal::new_typed_literal(value, NamedNode::new_unchecked(format!("{XSD}{local}")))
    }

    #[test]
    fn ill_formed_literals_are_caught() {
        assert!(is_well_formed(&typed("12", "integer")));
        assert!(!is_well_formed(&typed("twelve", "integer")));
        assert!(!is_well_formed(&typed("1.5", "integer")));
        assert!(is_well_formed(&typed("1.5", "decimal")));
        assert!(!is_well_formed(&typed("2023-13-01", "date")));
        assert!(is_well_formed(&typed("2023", "gYear")));
        assert!(!is_well_formed(&typed("300", "byte")));
        assert!(!is_well_formed(&typed("-1", "nonNegativeInteger")));
        assert!(is_well_formed(&typed("anything", "string")));
    }

    #[test]
    fn integers_and_decimals_compare_by_value() {
        use std::cmp::Ordering;
        let cmp =
            |a: &str, ta: &str, b: &str, tb: &str| compare_decimals(&typed(a, ta), &typed(b, tb));
        assert_eq!(
            cmp("10", "integer", "5", "integer"),
            Some(Ordering::Greater)
        );
        assert_eq!(cmp("2", "integer", "2.0", "decimal"), Some(Ordering::Equal));
        assert_eq!(cmp("-1.5", "decimal", "0", "integer"), Some(Ordering::Less));
        assert_eq!(cmp("x", "integer", "0", "integer"), None);
        assert_eq!(cmp("1", "string", "0", "integer"), None);
    }
}
