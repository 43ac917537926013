#!/usr/bin/env bash
# Official outputs at province scale (BENCHMARKS.md): each kind of PDF document made for an office
# (the establishment card of the unit with the most people, a vacancy-use notice, a hire's 入编
# notice, an establishment event's 批复), and the province's release published and signed.
#
#   bench/documents.sh BIN DATABASE_URL BASE_URL      (bench/run.sh calls it on its server)
#
# Each document is asked for ROUNDS times in a row after one unmeasured request; curl's
# time_total gives p50 and the slowest. Prints markdown lines.
set -euo pipefail
BIN=$1
DB=$2
BASE=$3
ROUNDS=${ROUNDS:-20}
sql() { psql -X -q -tA "$DB" -c "$1"; }

PROVINCE=$(sql "SELECT code FROM jurisdiction WHERE parent_id IS NULL ORDER BY id LIMIT 1")
token_of() { "$BIN" token --role STAFFING_OFFICE --jurisdiction "$1" --ttl 1h --subject bench-documents; }

# p50 and slowest of ROUNDS downloads of $1 with the token $2, in ms; fails on any status but 200.
timed() {
  local path=$1 token=$2 times=()
  curl -fsS -o /dev/null -H "Authorization: Bearer $token" "$BASE$path"
  for _ in $(seq "$ROUNDS"); do
    times+=("$(curl -fsS -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $token" "$BASE$path")")
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{ t[NR] = $1 * 1000 } END { printf "%.1f %.1f", t[int((NR + 1) / 2)], t[NR] }'
}

# The document of row $2 of kind $1, whose jurisdiction is $3: one line of the table.
row() {
  local kind=$1 id=$2 jurisdiction=$3 what=$4
  [[ -z $id ]] && { echo "| $kind | (none in this data) | | | |"; return; }
  local code token bytes
  code=$(sql "SELECT code FROM jurisdiction WHERE id = $jurisdiction")
  token=$(token_of "$code")
  bytes=$(curl -fsS -H "Authorization: Bearer $token" "$BASE/documents/$kind/$id.pdf" | wc -c)
  read -r p50 slowest <<<"$(timed "/documents/$kind/$id.pdf" "$token")"
  echo "| $kind/$id.pdf ($what) | $p50 | $slowest | $((bytes / 1024)) KB |"
}

echo "| document | p50 ms | slowest ms | size |"
echo "| --- | --- | --- | --- |"
read -r UNIT UNIT_J PEOPLE <<<"$(sql "SELECT i.id, i.jurisdiction_id, COUNT(*) FROM staff s JOIN institution i ON i.id = s.institution_id
  WHERE s.status IN ('ACTIVE', 'SECONDED_OUT') GROUP BY i.id, i.jurisdiction_id ORDER BY COUNT(*) DESC, i.id LIMIT 1" | tr '|' ' ')"
row institution "$UNIT" "$UNIT_J" "the card of the unit with the most people: $PEOPLE"
read -r PLAN PLAN_J <<<"$(sql "SELECT id, jurisdiction_id FROM vacancy_use_plan WHERE status = 'APPROVED' AND approved > 0 ORDER BY id LIMIT 1" | tr '|' ' ')"
row vacancy-use "${PLAN:-}" "${PLAN_J:-0}" "编制使用核准通知单"
read -r HIRE HIRE_J <<<"$(sql "SELECT id, jurisdiction_id FROM staff_movement WHERE kind = 'HIRE' ORDER BY id DESC LIMIT 1" | tr '|' ' ')"
row movement "${HIRE:-}" "${HIRE_J:-0}" "入编通知单"
read -r EVENT EVENT_J <<<"$(sql "SELECT id, jurisdiction_id FROM establishment_event WHERE institution_id IS NOT NULL ORDER BY id DESC LIMIT 1" | tr '|' ' ')"
row establishment-event "${EVENT:-}" "${EVENT_J:-0}" "批复"

# The province's release: published (built, stored and signed in one transaction), then its
# signature dropped and made again by the first download (what signing alone costs, with the
# records read back).
PROVINCE_TOKEN=$(token_of "$PROVINCE")
PUBLISHED=$(curl -fsS -o "${TMPDIR:-/tmp}/publish.json" -w '%{time_total}' "$BASE/graphql" -H 'Content-Type: application/json' \
  -H "Authorization: Bearer $PROVINCE_TOKEN" --data-binary '{"query": "mutation { publishRelease(note: \"bench\") { id institutionCount } }"}')
RELEASE=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["data"]["publishRelease"]["id"])' "${TMPDIR:-/tmp}/publish.json")
RECORDS=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["data"]["publishRelease"]["institutionCount"])' "${TMPDIR:-/tmp}/publish.json")
sql "DELETE FROM release_signature WHERE release_id = $RELEASE" >/dev/null
SIGNED=$(curl -fsS -o "${TMPDIR:-/tmp}/release.json" -w '%{time_total}' "$BASE/releases/$RELEASE.json")
SIZE=$(($(wc -c <"${TMPDIR:-/tmp}/release.json") / 1024 / 1024))
echo
echo "The province's release ($RECORDS institutions): published and signed in $(python3 -c "print(round($PUBLISHED * 1000))") ms;"
echo "its signature made again by the first download of its ${SIZE} MB canonical JSON in $(python3 -c "print(round($SIGNED * 1000))") ms (goal: under 2 s)."
