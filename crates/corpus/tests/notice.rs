//! Official notices: a title wrapped over lines, a document number, a
//! signature block. The synthetic documents use placeholder words (甲, 乙 …):
//! segmentation looks at layout only.

use reformkg_corpus::{parse_collection, read_collection, Collection};
use std::path::Path;

const SEED: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../seeds/shanghai-2023-district-cases.txt"
);
const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/fixtures/beijing-2024-cases.txt"
);

fn parse(doc: &str) -> Collection {
    parse_collection("doc.txt", doc.as_bytes()).expect("segments")
}

/// The first line of a file, trimmed.
fn first_line(path: &str) -> String {
    let text = std::fs::read_to_string(path).expect("readable");
    text.lines()
        .find(|l| !l.trim().is_empty())
        .expect("a first line")
        .trim()
        .to_owned()
}

#[test]
fn one_line_titles_stay_one_line() {
    for path in [SEED, FIXTURE] {
        let collection = read_collection(Path::new(path)).expect("segments");
        assert_eq!(collection.title, first_line(path), "{path}");
        assert_eq!(collection.document_number, None, "{path}");
        assert!(collection.publisher.is_some(), "{path}");
        assert!(collection.issued.is_some(), "{path}");
    }
}

#[test]
fn a_wrapped_title_joins_up_to_the_document_number() {
    let doc = "甲关于对乙\n丙的通报\n甲发〔2024〕7号\n\n各单位：\n案例一\n丁\n正文。\n";
    let collection = parse(doc);
    assert_eq!(collection.title, "甲关于对乙丙的通报");
    assert_eq!(
        collection.document_number.as_deref(),
        Some("甲发〔2024〕7号")
    );
    assert_eq!(collection.cases.len(), 1);
    // Latin words are not glued together by the join.
    let doc = "Report on\nthe reform\n\n案例一\n丁\n正文。\n";
    assert_eq!(parse(doc).title, "Report on the reform");
}

#[test]
fn a_title_stops_at_an_addressee_a_sentence_and_three_lines() {
    let doc = "甲关于乙的通知\n各单位：\n案例一\n丁\n正文。\n";
    assert_eq!(parse(doc).title, "甲关于乙的通知");
    let doc = "甲关于乙的通知\n为了丙，现通知如下。\n案例一\n丁\n正文。\n";
    assert_eq!(parse(doc).title, "甲关于乙的通知");
    let doc = "第一行\n第二行\n第三行\n第四行\n\n案例一\n丁\n正文。\n";
    assert_eq!(parse(doc).title, "第一行第二行第三行");
    let doc = "甲汇编\n一、乙\n案例一\n丁\n正文。\n";
    assert_eq!(parse(doc).title, "甲汇编");
}

#[test]
fn a_publisher_right_under_the_title_is_not_part_of_it() {
    let doc = "甲市2024年案例汇编\n甲市委员会\n二〇二四年十月\n\n案例一\n丁\n正文。\n";
    let collection = parse(doc);
    assert_eq!(collection.title, "甲市2024年案例汇编");
    assert_eq!(collection.publisher.as_deref(), Some("甲市委员会"));
    assert_eq!(collection.issued.as_deref(), Some("二〇二四年十月"));
    assert_eq!(collection.year, Some(2024));
}

#[test]
fn the_signature_block_gives_publisher_and_date_the_title_block_lacks() {
    let doc = "甲关于乙的通报\n甲发〔2024〕7号\n\n各单位：\n正文。\n\
               附件：丙\n甲办公厅\n2024年3月5日\n（此件公开发布）\n\n案例一\n丁\n正文。\n";
    let collection = parse(doc);
    assert_eq!(collection.publisher.as_deref(), Some("甲办公厅"));
    assert_eq!(collection.issued.as_deref(), Some("2024年3月5日"));
    assert_eq!(collection.year, Some(2024));
    // A line above the date that is no name is no publisher.
    let doc = doc.replace("甲办公厅\n", "");
    let collection = parse(&doc);
    assert_eq!(collection.publisher, None);
    assert_eq!(collection.issued.as_deref(), Some("2024年3月5日"));
    // The title block wins.
    let doc = "甲市案例汇编\n\n甲市委员会\n\n正文。\n乙机关\n2024年3月5日\n\n案例一\n丁\n正文。\n";
    assert_eq!(parse(doc).publisher.as_deref(), Some("甲市委员会"));
}
