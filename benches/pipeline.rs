//! Pipeline stages on the seed (20 cases, 115 KB): corpus segmentation,
//! extraction and graph building. The store stage (RocksDB) is left out:
//! it is measured by `reformkg build`'s own timings.
//!
//! Run with `cargo bench --bench pipeline`.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use reformkg::corpus;
use reformkg::extract::Extractor;
use reformkg::lexicon::{Lexicon, Ontology};
use reformkg::pipeline::{to_graph, Extracted};
use std::path::Path;

const SEED: &str = "seeds/shanghai-2023-district-cases.txt";

fn stages(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let ontology = Ontology::load_dir(&root.join("ontology")).expect("the ontology loads");
    let lexicon = Lexicon::from_ontology(&ontology).expect("the lexicon reads");
    let bytes = std::fs::read(root.join(SEED)).expect("the seed is readable");
    let collection = corpus::parse_collection(SEED, &bytes).expect("the seed segments");

    c.bench_function("lexicon (ontology/*.ttl)", |b| {
        b.iter(|| Lexicon::load_dir(black_box(&root.join("ontology"))).expect("loads"))
    });
    c.bench_function("lexicon: parse ontology/*.ttl", |b| {
        b.iter(|| Ontology::load_dir(black_box(&root.join("ontology"))).expect("loads"))
    });
    c.bench_function("lexicon: read the parsed ontology", |b| {
        b.iter(|| Lexicon::from_ontology(black_box(&ontology)).expect("reads"))
    });
    c.bench_function("corpus (segment the seed)", |b| {
        b.iter(|| corpus::parse_collection(SEED, black_box(&bytes)).expect("segments"))
    });
    c.bench_function("extract (build the matcher, 20 cases)", |b| {
        b.iter(|| {
            let extractor = Extractor::new(&lexicon).expect("matcher builds");
            collection
                .cases
                .iter()
                .map(|case| extractor.extract(black_box(case)))
                .collect::<Vec<_>>()
        })
    });
    let extractor = Extractor::new(&lexicon).expect("matcher builds");
    c.bench_function("extract (20 cases, matcher built)", |b| {
        b.iter(|| {
            collection
                .cases
                .iter()
                .map(|case| extractor.extract(black_box(case)))
                .collect::<Vec<_>>()
        })
    });
    let facts = collection
        .cases
        .iter()
        .map(|case| extractor.extract(case))
        .collect();
    let extracted = Extracted {
        collections: vec![collection.clone()],
        facts: vec![facts],
    };
    c.bench_function("graph (quads for 20 cases + ontology)", |b| {
        b.iter(|| to_graph(&lexicon, &ontology, black_box(&extracted)).len())
    });
}

criterion_group!(benches, stages);
criterion_main!(benches);
