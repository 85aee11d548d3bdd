#!/usr/bin/env bash
# The main job: builds the graph from seeds/ (first run only) and opens the
# SPARQL REPL. Extra arguments go to `reformkg repl`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
exec cargo run --quiet -- repl "$@"
