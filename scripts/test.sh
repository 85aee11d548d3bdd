#!/usr/bin/env bash
# Runs the whole test suite, installing what the tests need where missing.
# Formatting and lints are part of the suite: they fail the run too.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh --with-test-tools
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --quiet -- -D warnings
cargo test --workspace --all-targets
# The W3C SPARQL 1.1 Protocol suite's counts, for the log (the run above
# already passed it; this shows what it ran and skipped).
cargo test --quiet --test protocol_w3c -- --show-output | grep -E '^(W3C|  (pass|skip|FAIL) )'
