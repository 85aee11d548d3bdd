//! Inputs that once crashed the REPL statement splitter's fuzz target
//! (`fuzz/`), fed to the same function the target calls, so `cargo test`
//! covers them without the fuzzer. (Decoding and extraction regressions
//! live with their crate: `crates/extract/tests/fuzz_regressions.rs`.)

use reformkg::repl::text::{Complete, StatementBuffer};

#[test]
fn statements_split_the_same_line_by_line_and_pasted() {
    let input = "SELECT * WHERE {\n ?s ?p \"\"\"a\n;\n\"\"\" } ;\n.mode csv\nASK {}";
    let mut by_line = StatementBuffer::default();
    let mut got: Vec<Complete> = input.split('\n').flat_map(|l| by_line.push(l)).collect();
    got.extend(by_line.finish());
    let mut pasted = StatementBuffer::default();
    let mut all = pasted.push(input);
    all.extend(pasted.finish());
    assert_eq!(got.len(), 3, "{got:?}");
    assert_eq!(all.len(), 3, "{all:?}");
}
