//! Arbitrary bytes as a document: decoding and segmentation must give cases
//! or a clean error, and what they give must be self-consistent.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::collections::BTreeSet;

fuzz_target!(|data: &[u8]| {
    let Ok(collection) = reformkg::corpus::parse_collection("fuzz.txt", data) else {
        return;
    };
    assert!(!collection.cases.is_empty(), "Ok with no cases");
    let mut ranks = BTreeSet::new();
    for case in &collection.cases {
        assert!(ranks.insert(case.rank), "rank {} twice", case.rank);
        let chars = case.text.chars().count();
        let mut previous_end = 0;
        for section in &case.sections {
            assert!(section.start <= section.end, "{section:?}");
            assert!(section.end <= chars, "{section:?} beyond {chars} chars");
            assert!(section.start >= previous_end, "sections overlap");
            previous_end = section.end;
            let heading: String = case
                .text
                .chars()
                .skip(section.start)
                .take(section.heading.chars().count())
                .collect();
            assert_eq!(heading, section.heading);
        }
    }
});
