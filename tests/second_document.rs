//! A document from another city and year goes through the same code: its
//! districts are not the lexicon's own (they come from the national
//! gazetteer, read within the collection's city), its body titles differ
//! from its table of contents, and it can live in one store beside the
//! seed. Expected values are read off `tests/fixtures/beijing-2024-cases.txt`
//! (and the division codes off GB/T 2260).

mod common;

use common::{count, repo, run, select, stderr};

const DOC: &str = "tests/fixtures/beijing-2024-cases.txt";

fn build(store: &std::path::Path, inputs: &[&str]) {
    let mut args = vec!["build"];
    args.extend_from_slice(inputs);
    let output = run(store, &args);
    assert!(output.status.success(), "build failed: {}", stderr(&output));
}

#[test]
fn districts_of_another_city_resolve_to_their_divisions_and_agencies_are_placed_in_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = dir.path().join("store");
    build(&store, &[DOC]);

    // 朝阳区 is also a district of 长春市: in a Beijing collection it is
    // Beijing's (110105).
    let districts = select(
        &store,
        "SELECT ?rank ?d ?code WHERE { ?c rk:rank ?rank ; rk:place ?p . ?p skos:prefLabel ?d ; dct:identifier ?code
           FILTER(lang(?d) = 'zh') } ORDER BY ?rank",
    );
    assert_eq!(
        districts,
        [["1", "朝阳区", "110105"], ["2", "海淀区", "110108"]]
    );
    let beijing = select(
        &store,
        "SELECT DISTINCT ?b WHERE { ?c a rk:Case ; rk:place/schema:containedInPlace/skos:prefLabel ?b FILTER(lang(?b) = 'zh') }",
    );
    assert_eq!(beijing, [["北京市"]]);

    // 区法院 in a 海淀区 case is that district's court; 朝阳区市场监管局 is
    // typed by the lexicon's agency types although 朝阳区 is unknown.
    let agencies = select(
        &store,
        "SELECT ?rank ?type WHERE { ?c rk:rank ?rank ; rk:involvesAgency ?a . ?a rk:agencyType ?t ; rk:place ?d .
         ?c rk:place ?d . ?t skos:prefLabel ?type FILTER(lang(?type) = 'zh') } ORDER BY ?rank ?type",
    );
    let agencies: Vec<(String, String)> = agencies
        .into_iter()
        .map(|r| (r[0].clone(), r[1].clone()))
        .collect();
    assert!(
        agencies.contains(&("1".into(), "市场监管局".into())),
        "{agencies:?}"
    );
    assert!(
        agencies.contains(&("2".into(), "法院".into())),
        "{agencies:?}"
    );
    assert!(
        agencies.contains(&("2".into(), "司法局".into())),
        "{agencies:?}"
    );

    let mechanisms = select(
        &store,
        "SELECT ?m WHERE { ?c rk:rank 1 ; rk:usesMechanism/skos:prefLabel ?m FILTER(lang(?m) = 'zh') } ORDER BY ?m",
    );
    assert!(
        mechanisms.contains(&vec!["告知承诺".to_owned()]),
        "{mechanisms:?}"
    );

    // 从20天缩短至3天 is two outcomes; 1.2万家 is 12000 家.
    let outcomes = select(
        &store,
        "SELECT ?v ?u WHERE { ?c rk:rank 1 ; rk:hasOutcome ?o . ?o rdf:value ?v ; rk:unit ?u } ORDER BY ?v",
    );
    let want: Vec<Vec<String>> = [["3", "天"], ["20", "天"], ["12000", "家"]]
        .iter()
        .map(|row| row.iter().map(|v| (*v).to_owned()).collect())
        .collect();
    assert_eq!(outcomes, want);

    let collection = select(
        &store,
        "SELECT ?y ?p WHERE { ?c a rk:CaseCollection ; rk:year ?y ; dct:publisher ?p }",
    );
    assert_eq!(collection, [["2024", "北京市发展和改革委员会"]]);
}

#[test]
fn two_collections_share_one_store_without_clashing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = dir.path().join("store");
    let seeds = repo().join("seeds");
    build(&store, &[seeds.to_str().expect("utf-8"), DOC]);
    let validated = run(&store, &["validate"]);
    assert!(
        validated.status.success(),
        "the seed and a Beijing collection conform: {}",
        String::from_utf8_lossy(&validated.stdout)
    );
    assert_eq!(
        count(&store, "SELECT (COUNT(?c) AS ?n) WHERE { ?c a rk:Case }"),
        22
    );
    assert_eq!(
        count(
            &store,
            "SELECT (COUNT(?c) AS ?n) WHERE { ?c a rk:CaseCollection }"
        ),
        2
    );
    // Rank 1 exists in both collections, as two distinct cases.
    assert_eq!(
        count(
            &store,
            "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c rk:rank 1 }"
        ),
        2
    );
    // No body is placed in two places, and no unplaced body is shared by
    // the two documents.
    assert_eq!(
        count(
            &store,
            "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a rk:Agency ; rk:place ?p, ?q FILTER(?p != ?q) }"
        ),
        0
    );
    assert_eq!(
        count(
            &store,
            "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE {
               ?a a rk:Agency FILTER NOT EXISTS { ?a rk:place ?p } FILTER NOT EXISTS { ?a rk:level rk:NationalLevel }
               ?c1 rk:involvesAgency ?a ; rk:inCollection ?x . ?c2 rk:involvesAgency ?a ; rk:inCollection ?y FILTER(?x != ?y) }"
        ),
        0
    );
}

const NOTICE: &str = "../shared/corpus/notices/guoban-2018-108-typical-practices.txt";

#[test]
fn the_national_notice_builds_beside_the_seed_with_a_coded_place_per_item() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = dir.path().join("store");
    let seeds = repo().join("seeds");
    let notice = repo().join(NOTICE);
    build(
        &store,
        &[
            seeds.to_str().expect("utf-8"),
            notice.to_str().expect("utf-8"),
        ],
    );
    // Cases of provinces and cities (no district) conform to the shapes.
    let validated = run(&store, &["validate"]);
    assert!(
        validated.status.success(),
        "the seed and the notice conform: {}",
        String::from_utf8_lossy(&validated.stdout)
    );
    let in_notice = "?c rk:inCollection ?n . ?n dct:publisher ?p FILTER(STR(?p) = '国务院办公厅')";
    assert_eq!(
        count(
            &store,
            &format!("SELECT (COUNT(?c) AS ?x) WHERE {{ {in_notice} }}")
        ),
        130
    );
    // 北京市西城区 (item 2) is 110102; 内蒙古自治区阿拉善右旗 is a banner.
    let coded = select(
        &store,
        &format!(
            "SELECT ?rank ?code WHERE {{ {in_notice} ?c rk:rank ?rank ; rk:place/dct:identifier ?code
               FILTER(?rank = 2) }}"
        ),
    );
    assert_eq!(coded, [["2", "110102"]]);
    let banner = select(
        &store,
        &format!(
            "SELECT DISTINCT ?level WHERE {{ {in_notice} ?c dct:title ?t ; rk:place ?b .
               ?b skos:prefLabel '阿拉善右旗'@zh ; rk:divisionLevel ?level ;
                  schema:containedInPlace+ ?region . ?region skos:prefLabel '内蒙古自治区'@zh }}"
        ),
    );
    assert_eq!(banner, [["https://w3id.org/reformkg/ontology#CountyLevel"]]);
    // Every item has an acting body that leads it, with the sentence that
    // names it: the place's government (浙江省 → its provincial
    // government), a zone's body or a body the lexicon names.
    let led = count(
        &store,
        &format!(
            "SELECT (COUNT(DISTINCT ?c) AS ?x) WHERE {{ {in_notice} ?c rk:leadAgency ?a .
               ?m a rk:Mention ; rk:mentions ?a ; rk:case ?c }}"
        ),
    );
    assert_eq!(led, 130);
    let zhejiang = select(
        &store,
        &format!(
            "SELECT DISTINCT ?type WHERE {{ {in_notice} ?c rk:leadAgency ?a .
               ?a rk:place/skos:prefLabel '浙江省'@zh ; rk:agencyType/skos:prefLabel ?type
               FILTER(lang(?type) = 'en') }}"
        ),
    );
    assert_eq!(zhejiang, [["Provincial People's Government"]]);
    let number = select(
        &store,
        "SELECT ?id WHERE { ?n a rk:CaseCollection ; dct:identifier ?id }",
    );
    let first_lines: Vec<String> = std::fs::read_to_string(&notice)
        .expect("the notice reads")
        .lines()
        .take(5)
        .map(str::trim)
        .map(str::to_owned)
        .collect();
    assert_eq!(number.len(), 1, "{number:?}");
    assert!(first_lines.contains(&number[0][0]), "{number:?}");
    let with_place = count(
        &store,
        &format!("SELECT (COUNT(DISTINCT ?c) AS ?x) WHERE {{ {in_notice} ?c rk:place ?pl }}"),
    );
    assert!(with_place >= 120, "{with_place} of 130 items have a place");
    assert_eq!(
        count(
            &store,
            "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a rk:Agency ; rk:place ?p, ?q FILTER(?p != ?q) }"
        ),
        0
    );
}
