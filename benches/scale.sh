#!/usr/bin/env bash
# How `reformkg build` scales with corpus size: builds N copies of the seed
# (each its own collection, so N×20 cases) with the release binary and
# reports wall time, peak memory and triples.
# usage: benches/scale.sh [N ...]     (default: 1 10 50)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=target/release/reformkg
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf '%8s %8s %10s %10s %12s\n' copies cases seconds "peak MiB" triples
for n in "${@:-1 10 50}"; do
  for count in $n; do
    rm -rf "$work/in" "$work/store"
    mkdir -p "$work/in"
    for i in $(seq 1 "$count"); do
      cp seeds/shanghai-2023-district-cases.txt "$work/in/copy-$i.txt"
    done
    /usr/bin/time -f '%e %M' -o "$work/time" "$bin" --store "$work/store" build "$work/in" 2>"$work/log"
    read -r seconds kib <"$work/time"
    triples=$(grep -o '[0-9]* triples' "$work/log" | cut -d' ' -f1)
    printf '%8s %8s %10s %10s %12s\n' "$count" $((count * 20)) "$seconds" $((kib / 1024)) "$triples"
  done
done
