//! Corpus stage on its own: the seed's 20 case boundaries, and documents of
//! other shapes. The expected values below were read off the source text
//! (its table of contents and the last line of every case body), not taken
//! from the program.

use reformkg_corpus::{parse_collection, read_collection, CorpusError};
use std::path::Path;

const SEED: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../seeds/shanghai-2023-district-cases.txt"
);

/// (rank, district, title) as the seed's table of contents gives them.
const TOC: [(u32, &str, &str); 20] = [
    (
        1,
        "金山区",
        "立足专业、着力规范、持续创新 精耕企业合规“实验田”",
    ),
    (2, "浦东新区", "浦东新区CCC免办制度改革创新"),
    (
        3,
        "松江区",
        "全市率先、轻微容错、谦抑执法 “四清单”维护一流营商环境",
    ),
    (4, "徐汇区", "“烟火气”江畔升腾，“集装箱”呈现营商新实践"),
    (
        5,
        "宝山区",
        "高位推进 强化引领 协同发力 宝山法院以涉诉信息说明服务 为中小微企业发展提供精准助力",
    ),
    (
        6,
        "长宁区",
        "“抓精促管”“抓实促服”“以放促活”“以治促融” ——积极打造网络市场监管与服务示范区特色“名片”",
    ),
    (
        7,
        "青浦区",
        "智慧税务优服务，营商环境再提升 ——青浦区税务局建设长三角一体化示范区智慧办税服务厅",
    ),
    (8, "普陀区", "探索“一企一档”信用分类监管"),
    (
        9,
        "奉贤区",
        "服务有温度 监管多维度 领跑加速度 ——打造职业健康管理“奉贤模式”",
    ),
    (10, "金山区", "打造“一环两专”服务 拓展产融合作渠道"),
    (
        11,
        "嘉定区",
        "完善“政银园企服保”平台 打造知识产权服务“新模式”",
    ),
    (
        12,
        "杨浦区",
        "强化涉平台经济矛盾纠纷闭环治理 打造“法治优化营商环境”新范式",
    ),
    (13, "虹口区", "精准服务、审管联动 “开店一件事”助力营商环境"),
    (
        14,
        "黄浦区",
        "黄浦区首创探索数字化智能规划审批 优化工程建设领域营商环境",
    ),
    (15, "静安区", "打造诚信“硬支撑” 优化营商“软环境”"),
    (16, "崇明区", "以法治服务“小切口”不断优化营商“大环境”"),
    (17, "普陀区", "打造“住所便利化服务一件事”"),
    (
        18,
        "虹口区",
        "虹口区着力构建普惠金融服务生态圈 促进企业高质量发展",
    ),
    (
        19,
        "嘉定区",
        "构建全方位帮办服务体系 “嘉税帮办”绘就精细服务新图景",
    ),
    (
        20,
        "闵行区",
        "搭建工程建设审批“高速路”，助力闵行 产业发展“高质量”",
    ),
];

/// How the last line of each case body begins, read off the source.
const LAST_LINE_STARTS: [&str; 20] = [
    "金山区人民检察院通过依法能",
    "浦东新区依托中央赋予的立法",
    "截至目前，松江区市场监管局",
    "在营商新实践和监管新模式的",
    "接下来，宝山法院将进一步遵",
    "坚持边创建、边总结、边提炼",
    "青浦区税务局将继续发挥示范",
    "下一步，本区还将进一步探索",
    "国家卫生健康委员会主管报刊",
    "今年以来，金山区已举办系列",
    "一流营商环境持续在优化。下",
    "在传统的人民调解渠道之外，",
    "上海电视台、上海广播电台、",
    "下一步，黄浦区规划资源局将",
    "3、创新守信激励场景，提升企",
    "（三）强化企业法治思维和能",
    "目前，“住所便利化一件事”",
    "三是在吸引投资方面。营商环",
    "随着税务部门职能的扩展，税",
    "目前，闵行区以集成创新为核心",
];

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn seed() -> reformkg_corpus::Collection {
    read_collection(Path::new(SEED)).expect("the seed segments")
}

#[test]
fn seed_has_twenty_cases_with_rank_district_and_title() {
    let collection = seed();
    assert_eq!(collection.cases.len(), 20);
    for (case, (rank, district, title)) in collection.cases.iter().zip(TOC) {
        assert_eq!(case.rank, rank);
        assert_eq!(case.district.as_deref(), Some(district), "case {rank}");
        assert_eq!(case.title, title, "case {rank}");
    }
}

#[test]
fn every_body_starts_at_its_title() {
    for case in seed().cases {
        assert!(
            squeeze(&case.text).starts_with(&squeeze(&case.title)),
            "case {} starts with {:?}",
            case.rank,
            case.text.chars().take(30).collect::<String>()
        );
    }
}

#[test]
fn every_body_ends_where_the_next_case_starts() {
    let collection = seed();
    for (case, expected) in collection.cases.iter().zip(LAST_LINE_STARTS) {
        let last_line = case.text.lines().last().unwrap_or_default();
        assert!(
            last_line.starts_with(expected),
            "case {} ends with {:?}",
            case.rank,
            last_line.chars().take(30).collect::<String>()
        );
    }
    // No body swallows the next case's marker or title.
    for pair in collection.cases.windows(2) {
        let next_title = squeeze(&pair[1].title);
        let next_start: String = next_title.chars().take(12).collect();
        assert!(
            !squeeze(&pair[0].text).contains(&next_start),
            "case {} runs into case {}",
            pair[0].rank,
            pair[1].rank
        );
        assert!(!pair[0].text.contains(&format!("排名{}", pair[1].rank)));
    }
}

#[test]
fn collection_metadata_comes_from_the_title_block() {
    let collection = seed();
    assert_eq!(collection.title, "上海市2023年度各区优化营商环境优秀案例");
    assert_eq!(
        collection.publisher.as_deref(),
        Some("上海市发展和改革委员会")
    );
    assert_eq!(collection.year, Some(2023));
    assert_eq!(collection.slug, "shanghai-2023-district-cases");
    assert_eq!(collection.sha256.len(), 64);
}

#[test]
fn sections_are_kept_with_offsets_into_the_body() {
    let collection = seed();
    let first = &collection.cases[0];
    let headings: Vec<&str> = first.sections.iter().map(|s| s.heading.as_str()).collect();
    assert_eq!(headings.first(), Some(&"一、工作背景"));
    assert!(headings.contains(&"二、主要做法"), "{headings:?}");
    let chars: Vec<char> = first.text.chars().collect();
    for section in &first.sections {
        let slice: String = chars[section.start..section.end].iter().collect();
        assert!(slice.starts_with(&section.heading), "{slice:?}");
    }
    // Case 16 numbers its first section with 1、 and its second with 二、.
    let case16 = &collection.cases[15];
    let headings: Vec<&str> = case16.sections.iter().map(|s| s.heading.as_str()).collect();
    assert!(
        headings.iter().any(|h| h.ends_with("工作举措")),
        "{headings:?}"
    );
    assert!(headings.contains(&"二、取得成效"), "{headings:?}");
}

#[test]
fn one_line_table_of_contents_and_title_only_bodies() {
    let doc = "某市2024年优化营商环境案例\n\n\
               1 甲区 第一个案例的标题\n\
               2 乙区 第二个案例\n\n\
               第一个案例的\n标题\n正文一。\n\n\
               第二个案例\n正文二。\n";
    let collection = parse_collection("city-2024.txt", doc.as_bytes()).expect("segments");
    assert_eq!(collection.cases.len(), 2);
    assert_eq!(collection.cases[0].district.as_deref(), Some("甲区"));
    assert!(collection.cases[0].text.ends_with("正文一。"));
    assert_eq!(collection.cases[1].title, "第二个案例");
    assert!(collection.cases[1].text.starts_with("第二个案例"));
    assert_eq!(collection.year, Some(2024));
}

#[test]
fn case_markers_without_table_of_contents() {
    let doc =
        "典型案例汇编\n\n案例一\n甲区推行告知承诺\n内容一。\n\n案例二\n乙区免罚清单\n内容二。\n";
    let collection = parse_collection("cases.txt", doc.as_bytes()).expect("segments");
    let ranks: Vec<u32> = collection.cases.iter().map(|c| c.rank).collect();
    assert_eq!(ranks, [1, 2]);
    assert_eq!(collection.cases[1].title, "乙区免罚清单");
    assert_eq!(collection.cases[0].district, None);
    assert!(collection.cases[0].text.ends_with("内容一。"));
}

#[test]
fn gb18030_documents_segment_like_utf8() {
    let utf8 = std::fs::read(SEED).expect("seed readable");
    let text = String::from_utf8(utf8).expect("seed is UTF-8");
    let (gb, _, unmappable) = encoding_rs::GB18030.encode(&text);
    assert!(!unmappable);
    let from_gb = parse_collection("shanghai-2023-district-cases.txt", &gb).expect("segments");
    let from_utf8 = seed();
    assert_eq!(from_gb.cases, from_utf8.cases);
}

#[test]
fn a_document_without_cases_is_a_clear_error() {
    let err = parse_collection(
        "notes.txt",
        "只是一段说明文字。\n没有目录，也没有案例。\n".as_bytes(),
    )
    .expect_err("no cases");
    assert!(matches!(err, CorpusError::NoCases(_)));
    assert!(
        err.to_string().starts_with("notes.txt: no cases found"),
        "{err}"
    );
}

#[test]
fn a_table_entry_without_body_is_a_clear_error() {
    let doc = "汇编\n1 甲区 有正文的案例\n2 乙区 不存在的案例\n\n有正文的案例\n正文。\n";
    let err = parse_collection("partial.txt", doc.as_bytes()).expect_err("case 2 missing");
    assert!(
        matches!(err, CorpusError::MissingBody { rank: 2, .. }),
        "{err}"
    );
}

#[test]
fn empty_and_binary_input_are_refused() {
    assert!(matches!(
        parse_collection("e.txt", b"  \n\n"),
        Err(CorpusError::Empty(_))
    ));
    let binary = [0xff_u8, 0xfe, 0xfd, 0x00, 0x81];
    assert!(parse_collection("b.bin", &binary).is_err());
}
