//! Official notices: a title wrapped over lines, a document number, a
//! signature block. The synthetic documents use placeholder words (甲, 乙 …):
//! segmentation looks at layout only.

use reformkg_corpus::{parse_collection, read_collection, Collection, CorpusError};
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

fn ranks(collection: &Collection) -> Vec<u32> {
    collection.cases.iter().map(|c| c.rank).collect()
}

#[test]
fn numbered_items_are_cases() {
    let doc = "甲关于乙的通报\n\n各单位：\n正文。\n\n\
               1.甲地推进乙改革。\n2．乙地做法\n\n3、丙地做法。\n";
    let collection = parse(doc);
    assert_eq!(ranks(&collection), [1, 2, 3]);
    let first = &collection.cases[0];
    assert_eq!(first.title, "甲地推进乙改革");
    assert_eq!(first.text, "甲地推进乙改革。");
    assert_eq!(first.district, None);
    assert!(first.sections.is_empty());
    assert_eq!(collection.cases[1].title, "乙地做法");
    assert_eq!(collection.cases[1].text, "乙地做法");
    assert_eq!(collection.cases[2].title, "丙地做法");
}

#[test]
fn two_numbered_lines_are_not_a_collection() {
    let doc = "甲的说明\n\n正文。\n1.甲做法。\n2.乙做法。\n\n后记。\n";
    let err = parse_collection("two.txt", doc.as_bytes()).expect_err("two items");
    assert!(matches!(err, CorpusError::NoCases(_)), "{err:?}");
    assert!(
        err.to_string().starts_with("two.txt: no cases found"),
        "{err}"
    );
    assert!(
        err.to_string().contains("at least 3 numbered items"),
        "{err}"
    );
}

#[test]
fn numbers_out_of_order_are_an_error_not_a_shorter_collection() {
    // Item 4 is missing: reading 1-3 would silently lose 5 and 6.
    let doc = "甲\n\n1.甲。\n2.乙。\n3.丙。\n5.戊。\n6.己。\n";
    let err = parse_collection("gap.txt", doc.as_bytes()).expect_err("a gap");
    assert!(
        matches!(
            err,
            CorpusError::ItemOutOfOrder {
                expected: 4,
                found: 5,
                line: 6,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("item 4 is missing"), "{err}");
    // A number given twice is out of order too.
    let doc = "甲\n\n1.甲。\n2.乙。\n3.丙。\n3.丁。\n4.戊。\n";
    assert!(matches!(
        parse_collection("twice.txt", doc.as_bytes()),
        Err(CorpusError::ItemOutOfOrder { found: 3, .. })
    ));
    // 1, 2 and then 4: the run has two items, too few.
    let doc = "甲\n\n1.甲。\n2.乙。\n4.丁。\n5.戊。\n6.己。\n";
    assert!(matches!(
        parse_collection("gap.txt", doc.as_bytes()),
        Err(CorpusError::NoCases(_))
    ));
    // A prose line between items ends the run.
    let doc = "甲\n\n1.甲。\n2.乙。\n说明。\n3.丙。\n";
    assert!(matches!(
        parse_collection("prose.txt", doc.as_bytes()),
        Err(CorpusError::NoCases(_))
    ));
}

#[test]
fn the_longest_run_is_the_collection() {
    let doc = "甲\n\n要求如下：\n1.一。\n2.二。\n3.三。\n\n附件\n\n\
               1.甲。\n2.乙。\n3.丙。\n4.丁。\n";
    let collection = parse(doc);
    assert_eq!(ranks(&collection), [1, 2, 3, 4]);
    assert_eq!(collection.cases[0].title, "甲");
}

#[test]
fn a_wrapped_item_joins_its_next_line() {
    // Item 1 is cut after 推进 (its line ends in no sentence mark); item 2
    // ends in 。, so the signature under it is no part of it.
    let doc = "甲关于乙的通报\n\n\
               1.甲地大力推进\n乙改革。\n\
               2.乙地做法ABC\nDEF试点。\n\
               3.丙地做法。\n\
               甲办公厅\n2024年3月5日\n";
    let collection = parse(doc);
    assert_eq!(ranks(&collection), [1, 2, 3]);
    assert_eq!(collection.cases[0].title, "甲地大力推进乙改革");
    assert_eq!(collection.cases[0].text, "甲地大力推进乙改革。");
    assert_eq!(collection.cases[1].title, "乙地做法ABC DEF试点");
    assert_eq!(collection.cases[2].text, "丙地做法。");
    // An unfinished last item does not take in the signature either.
    let doc = doc.replace("3.丙地做法。", "3.丙地做法");
    assert_eq!(parse(&doc).cases[2].text, "丙地做法");
    // A numbered heading with a longer paragraph under it is no wrap: the
    // paragraph ends the run (here after one item, so no collection).
    let doc =
        "甲\n\n1.甲做法\n甲地开展了一项很长很长的改革工作。\n2.乙做法\n乙地的正文。\n3.丙\n丙。\n";
    assert!(matches!(
        parse_collection("headings.txt", doc.as_bytes()),
        Err(CorpusError::NoCases(_))
    ));
}

#[test]
fn decimals_and_dates_are_no_item_numbers() {
    let doc = "甲\n\n1.5万家企业。\n2.5万家。\n3.5万家。\n";
    assert!(matches!(
        parse_collection("decimals.txt", doc.as_bytes()),
        Err(CorpusError::NoCases(_))
    ));
    let doc = "甲\n\n1. 2018年以来的做法。\n2. 乙。\n3. 丙。\n";
    assert_eq!(parse(doc).cases[0].title, "2018年以来的做法");
}

#[test]
fn markers_keep_priority_over_numbered_items() {
    let doc = "汇编\n\n案例一\n甲区做法\n1.一。\n2.二。\n3.三。\n";
    let collection = parse(doc);
    assert_eq!(ranks(&collection), [1]);
    assert_eq!(collection.cases[0].title, "甲区做法");
    assert!(collection.cases[0].text.ends_with("3.三。"));
}

/// 国办发〔2018〕108号 (see /work/shared/corpus/notices/SOURCES.md), read
/// where it lies; it is not copied into the repository.
const NOTICE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/corpus/notices/guoban-2018-108-typical-practices.txt"
);

fn notice() -> Collection {
    read_collection(Path::new(NOTICE)).expect("the 2018 notice segments")
}

/// The file's lines, trimmed.
fn notice_lines() -> Vec<String> {
    std::fs::read_to_string(NOTICE)
        .expect("the 2018 notice is readable")
        .lines()
        .map(|l| l.trim().to_owned())
        .collect()
}

#[test]
fn the_2018_notice_has_its_130_items_in_order() {
    let collection = notice();
    let expected: Vec<u32> = (1..=130).collect();
    assert_eq!(ranks(&collection), expected);
    assert_eq!(
        collection.cases[0].title,
        "北京市大力推进外国人来华工作许可制度改革"
    );
    assert!(
        collection.cases[129].title.starts_with("新疆生产建设兵团"),
        "{}",
        collection.cases[129].title
    );
    // Each item is one line of the file, N. and its text; the title is the
    // text without its final 。.
    let lines = notice_lines();
    for case in &collection.cases {
        let line = format!("{}.{}", case.rank, case.text);
        assert!(
            lines.contains(&line),
            "case {} is no line: {line}",
            case.rank
        );
        assert_eq!(format!("{}。", case.title), case.text, "case {}", case.rank);
        assert_eq!(case.district, None);
        assert!(case.sections.is_empty());
    }
}

#[test]
fn the_2018_notice_preamble_signature_and_attachment_are_no_cases() {
    let collection = notice();
    let item_lines: Vec<String> = collection
        .cases
        .iter()
        .map(|c| format!("{}.{}", c.rank, c.text))
        .collect();
    let other_lines: Vec<String> = notice_lines()
        .into_iter()
        .filter(|l| !l.is_empty() && !item_lines.contains(l))
        .collect();
    // Title (2 lines), number, addressee, 3 paragraphs, the attachment
    // line, signature (3 lines), the 附件 heading and the attachment's
    // title (2 lines).
    assert_eq!(other_lines.len(), 14, "{other_lines:?}");
    for case in &collection.cases {
        for line in &other_lines {
            assert!(
                !case.title.contains(line.as_str()) && !case.text.contains(line.as_str()),
                "case {} holds the line {line}",
                case.rank
            );
        }
    }
}

#[test]
fn the_2018_notice_title_number_publisher_and_date() {
    let collection = notice();
    let lines = notice_lines();
    // The title is wrapped over the first two lines; the third is the
    // document number.
    assert_eq!(collection.title, format!("{}{}", lines[0], lines[1]));
    assert_eq!(collection.document_number.as_ref(), Some(&lines[2]));
    assert_eq!(collection.year, Some(2018));
    // The date of the signature block, and the signer right above it, who
    // is also the issuer the title names before 关于.
    let issued = collection.issued.as_ref().expect("an issue date");
    assert!(issued.starts_with("2018年"), "{issued}");
    let date_line = lines
        .iter()
        .position(|l| l == issued)
        .expect("the date is a line of the file");
    let publisher = collection.publisher.as_ref().expect("a publisher");
    assert_eq!(publisher, &lines[date_line - 1]);
    assert!(
        collection.title.starts_with(&format!("{publisher}关于")),
        "{publisher} / {}",
        collection.title
    );
}
