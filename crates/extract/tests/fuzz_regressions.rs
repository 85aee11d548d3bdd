//! Inputs that once crashed the decoding, segmentation or extraction fuzz
//! targets (`fuzz/`) or the reported
//! overflow and slicing bugs, fed to the same library functions the targets
//! call, with the same checks, so `cargo test` covers them without the
//! fuzzer.

use reformkg_corpus::{parse_collection, Case};
use reformkg_extract::{CaseFacts, Evidence, Extractor};
use reformkg_lexicon::Lexicon;
use std::path::Path;
use std::sync::OnceLock;

fn lexicon() -> &'static Lexicon {
    static LEXICON: OnceLock<Lexicon> = OnceLock::new();
    LEXICON.get_or_init(|| {
        Lexicon::load_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ontology"))
            .expect("the ontology loads")
    })
}

fn evidence(facts: &CaseFacts) -> impl Iterator<Item = &Evidence> {
    facts
        .agencies
        .iter()
        .flat_map(|a| &a.evidence)
        .chain(facts.mechanisms.iter().flat_map(|m| &m.evidence))
        .chain(facts.documents.iter().flat_map(|d| &d.evidence))
        .chain(facts.outcomes.iter().map(|o| &o.evidence))
}

/// What the `extract` target checks: no panic, every evidence is the
/// character slice it claims, every value a decimal.
fn extract_checked(district: Option<&str>, text: &str) -> CaseFacts {
    let extractor = Extractor::new(lexicon()).expect("the matcher builds");
    let case = Case {
        rank: 1,
        district: district.map(str::to_owned),
        title: text.lines().next().unwrap_or_default().to_owned(),
        text: text.to_owned(),
        sections: Vec::new(),
    };
    let facts = extractor.extract(&case);
    let chars: Vec<char> = text.chars().collect();
    for e in evidence(&facts) {
        assert!(e.start <= e.end && e.end <= chars.len(), "{e:?}");
        let slice: String = chars[e.start..e.end].iter().collect();
        assert_eq!(slice, e.sentence);
    }
    for o in &facts.outcomes {
        assert!(
            o.value.chars().all(|c| c.is_ascii_digit() || c == '.'),
            "{:?}",
            o.value
        );
    }
    facts
}

/// What the `decode_segment` target checks.
fn segment_checked(bytes: &[u8]) {
    let Ok(collection) = parse_collection("fuzz.txt", bytes) else {
        return;
    };
    let mut ranks = std::collections::BTreeSet::new();
    for case in &collection.cases {
        assert!(ranks.insert(case.rank), "rank {} twice", case.rank);
        let chars = case.text.chars().count();
        for s in &case.sections {
            assert!(s.start <= s.end && s.end <= chars, "{s:?}");
        }
    }
}

#[test]
fn long_chinese_numerals_and_fractions_do_not_overflow() {
    let facts = extract_checked(Some("金山区"), &format!("办结{}件。", "九".repeat(45)));
    assert!(facts.outcomes.is_empty(), "{:?}", facts.outcomes);
    let facts = extract_checked(Some("金山区"), &format!("占{}/3。", "9".repeat(40)));
    assert!(facts.outcomes.is_empty(), "{:?}", facts.outcomes);
}

#[test]
fn huge_and_malformed_case_markers_are_not_ranks() {
    segment_checked("标题\n排名99999999999999\n正文\n".as_bytes());
    segment_checked(format!("标题\n第{}名\n正文\n", "九百".repeat(30)).as_bytes());
}

#[test]
fn sentences_without_punctuation_are_cut_but_still_sliced() {
    // One run far longer than a sentence may be: evidence pieces stay
    // slices of the text.
    let text = format!("区法院{}区税务局", "推进".repeat(3000));
    let facts = extract_checked(Some("金山区"), &text);
    assert!(!facts.agencies.is_empty());
    for e in evidence(&facts) {
        assert!(e.sentence.chars().count() <= 2000);
    }
}
