//! Arbitrary UTF-8 as a case body, extracted with the shipped lexicon: no
//! panic, and every fact's evidence is the character slice it claims.
#![no_main]

use libfuzzer_sys::fuzz_target;
use reformkg::corpus::Case;
use reformkg::extract::{CaseFacts, Evidence, Extractor};
use reformkg::lexicon::Lexicon;
use std::path::Path;
use std::sync::OnceLock;

fn lexicon() -> &'static Lexicon {
    static LEXICON: OnceLock<Lexicon> = OnceLock::new();
    LEXICON.get_or_init(|| {
        Lexicon::load_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../ontology"))
            .expect("the ontology loads")
    })
}

fn extractor() -> &'static Extractor<'static> {
    static EXTRACTOR: OnceLock<Extractor<'static>> = OnceLock::new();
    EXTRACTOR.get_or_init(|| Extractor::new(lexicon()).expect("the matcher builds"))
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

fuzz_target!(|data: &[u8]| {
    // The first byte picks the case's district (a known one, an unknown
    // name, or none); the rest is the body.
    let Some((&pick, body)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(body) else {
        return;
    };
    let districts = &lexicon().districts;
    let district = match pick as usize {
        0 => None,
        1 => Some("Nowhere".to_owned()),
        n => districts
            .get(n % districts.len().max(1))
            .map(|d| d.concept.pref_zh.clone()),
    };
    let case = Case {
        rank: 1,
        district,
        title: text.lines().next().unwrap_or_default().to_owned(),
        text: text.to_owned(),
        sections: Vec::new(),
    };
    let facts = extractor().extract(&case);
    let chars: Vec<char> = text.chars().collect();
    for e in evidence(&facts) {
        assert!(e.start <= e.end && e.end <= chars.len(), "{e:?} out of range");
        let slice: String = chars[e.start..e.end].iter().collect();
        assert_eq!(slice, e.sentence, "evidence is not its slice");
    }
    for outcome in &facts.outcomes {
        // A value is an xsd:decimal lexical form.
        let v = outcome.value.strip_prefix('-').unwrap_or(&outcome.value);
        assert!(
            !v.is_empty() && v.chars().all(|c| c.is_ascii_digit() || c == '.'),
            "bad value {:?}",
            outcome.value
        );
    }
});
