#!/usr/bin/env bash
# Refreshes the vendored RustSec advisories (.ci/advisories) from a clone of
# https://github.com/rustsec/advisory-db, which CI cannot reach: the advisories of every crate
# named in Cargo.lock, the database's licence, and the list of crate names looked up, so that
# .ci/deny.sh can tell when Cargo.lock names a crate this copy never looked at.
#   .ci/refresh-advisories.sh PATH/TO/advisory-db   (a clone or a bare repository)
set -euo pipefail
cd "$(dirname "$0")/.."
db=${1:?usage: .ci/refresh-advisories.sh PATH/TO/advisory-db}
out=.ci/advisories
commit=$(git -C "$db" rev-parse HEAD)
date=$(git -C "$db" show -s --format=%cI HEAD)
rm -rf "$out" && mkdir -p "$out/crates"
sed -n 's/^name = "\(.*\)"$/\1/p' Cargo.lock | sort -u > "$out/checked-crates.txt"
while read -r name; do
  files=$(git -C "$db" ls-tree -r --name-only HEAD "crates/$name/")
  for f in $files; do
    mkdir -p "$out/$(dirname "$f")"
    git -C "$db" show "HEAD:$f" > "$out/$f"
  done
done < "$out/checked-crates.txt"
git -C "$db" show HEAD:LICENSE.txt > "$out/LICENSE.txt"
cat > "$out/SOURCE" <<SOURCE
url https://github.com/rustsec/advisory-db
commit $commit
date $date
SOURCE
echo "$(find "$out/crates" -name '*.md' | wc -l) advisories of $(wc -l < "$out/checked-crates.txt") crates, database of $date"
