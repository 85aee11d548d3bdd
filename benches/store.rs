//! Store-side speed: writing the seed's graph to a fresh on-disk store (the
//! last stage of `reformkg build`), opening it, and answering typical
//! questions. Run with `cargo bench --bench store`.

use criterion::{criterion_group, criterion_main, Criterion};
use reformkg::lexicon::{Lexicon, Ontology};
use reformkg::pipeline::{extract_all, input_files, to_graph, Timings};
use reformkg::store;
use reformkg::store::sparql::{self as query, Prefixes};
use std::hint::black_box;
use std::path::Path;

fn seed_quads() -> Vec<oxigraph::model::Quad> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let ontology = Ontology::load_dir(&root.join("ontology")).expect("ontology loads");
    let lexicon = Lexicon::from_ontology(&ontology).expect("lexicon reads");
    let files = input_files(&[root.join("seeds")]).expect("seeds");
    let extracted = extract_all(&lexicon, &files, &mut Timings::default()).expect("extracts");
    to_graph(&lexicon, &ontology, &extracted).into_quads()
}

const QUESTIONS: [(&str, &str); 3] = [
    ("count cases", "SELECT (COUNT(?c) AS ?n) WHERE { ?c a rk:Case }"),
    (
        "cases by mechanism label",
        "SELECT ?rank WHERE { ?m skos:prefLabel ?l FILTER(str(?l) = \"告知承诺\") ?c rk:usesMechanism ?m ; rk:rank ?rank }",
    ),
    (
        "shared mechanism pairs",
        "SELECT ?a ?b (COUNT(?m) AS ?n) WHERE { ?a rk:usesMechanism ?m . ?b rk:usesMechanism ?m FILTER(STR(?a) < STR(?b)) } GROUP BY ?a ?b",
    ),
];

fn store_benches(c: &mut Criterion) {
    let quads = seed_quads();
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("store");

    // The store the open and query benchmarks read, also when a filter
    // skips the replace benchmark.
    store::replace(&path, &quads).expect("stores");
    let mut group = c.benchmark_group("store");
    group.sample_size(20);
    group.bench_function("replace (write seed graph atomically)", |b| {
        b.iter(|| store::replace(&path, black_box(&quads)).expect("stores"))
    });
    group.bench_function("open existing store", |b| {
        b.iter(|| drop(black_box(store::open(&path).expect("opens"))))
    });
    group.finish();

    let opened = store::open(&path).expect("opens");
    let prefixes = Prefixes::default();
    let mut group = c.benchmark_group("query");
    for (name, sparql) in QUESTIONS {
        group.bench_function(name, |b| {
            b.iter(|| query::run(&opened, black_box(sparql), &prefixes, None).expect("answers"))
        });
    }
    group.finish();
}

criterion_group!(benches, store_benches);
criterion_main!(benches);
