#!/usr/bin/env bash
# Instructions the API executes per request, counted by callgrind: repeatable to a fraction of a
# percent on a noisy VM with no hardware counters, where req/s move by a quarter between runs.
# For A/B comparisons of one change (BENCHMARKS.md, 2026-12-03 05:24):
#
#   bench/instructions.sh target/release/api county   # or: page, record ID
#
# Runs the binary under `valgrind --tool=callgrind` on the synthetic province (BENCH_DB, as
# bench/run.sh loads it), sends 5 requests uncounted, then N (default 40) counted, one at a time,
# with a province office's token. The profile stays in $OUT/callgrind.out.1 for
# `callgrind_annotate --inclusive=yes`.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/queries.sh

if [[ $# -lt 2 || ! -x $1 ]]; then
  echo "usage: $0 PATH_TO_API_BINARY county|page|record [INSTITUTION_ID]" >&2
  exit 2
fi
BIN=$(realpath "$1")
case $2 in
  county) BODY=$(q_county_page 990101) ;;
  page) BODY=$(q_page 990100) ;;
  record) BODY=$(q_record "${3:?record needs an institution id}") ;;
  *) echo "unknown request $2" >&2; exit 2 ;;
esac
N=${N:-40}
PORT=${PORT:-18083}
OUT=${OUT:-target/bench}
DB=${BENCH_DB:-bench_province}
mkdir -p "$OUT/data"
command -v valgrind >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq valgrind >/dev/null
export JWT_SECRET=${JWT_SECRET:-bench-only-secret-not-for-production-0123456789}
export PII_KEY=${PII_KEY:-bench-only-pii-key-not-for-production-0123456789}
export RATE_LIMIT_PUBLIC=0 RATE_LIMIT_TOKEN=0 RUST_LOG=warn DATA_DIR=$OUT/data PGSSLMODE=${SSLMODE:-disable}
rm -f "$OUT"/callgrind.out*
DATABASE_URL=postgres://postgres@127.0.0.1:5432/$DB BIND=127.0.0.1:$PORT \
  valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$OUT/callgrind.out" "$BIN" serve >"$OUT/callgrind.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 300); do curl -fs --max-time 5 "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break; sleep 0.5; done
token=$("$BIN" token --role STAFFING_OFFICE --jurisdiction 990000 --ttl 1h --subject bench)
ask() {
  curl -fsS --max-time 60 "http://127.0.0.1:$PORT/graphql" -H 'Content-Type: application/json' \
    -H "Authorization: Bearer $token" --data-binary "$BODY" >/dev/null
}
for _ in 1 2 3 4 5; do ask; done
callgrind_control -i on "$server" >/dev/null
for _ in $(seq "$N"); do ask; done
callgrind_control -d "$server" >/dev/null
total=$(awk '/^summary:/ { print $2 }' "$OUT/callgrind.out.1")
echo "$(basename "$BIN") $2: $((total / N / 1000)) thousand instructions per request ($N requests)"
