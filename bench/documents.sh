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
# A plan to print: the province's office asks to use two of its largest unit's vacancies and
# approves them (the synthetic data has no plans of its own).
gql() { # $1 token, $2 body
  curl -fsS "$BASE/graphql" -H 'Content-Type: application/json' -H "Authorization: Bearer $1" --data-binary "$2"
}
if [[ -z $(sql "SELECT id FROM vacancy_use_plan WHERE status = 'APPROVED' AND approved > 0 LIMIT 1") ]]; then
  read -r VACANT VACANT_CODE <<<"$(sql "SELECT b.institution_id, j.code FROM establishment_balance b JOIN jurisdiction j ON j.id = b.jurisdiction_id
    WHERE b.funding = 'FISCAL' AND b.approved - b.frozen - b.deposited - b.occupied >= 2 ORDER BY b.approved DESC LIMIT 1" | tr '|' ' ')"
  OFFICE=$(token_of "$VACANT_CODE")
  ASKED=$(gql "$OFFICE" "{\"query\": \"mutation { requestVacancyUse(input: {institutionId: \\\"$VACANT\\\", funding: FISCAL, slots: 2, posts: \\\"专业技术岗\\\", recruitment: OPEN_EXAM, reason: \\\"补充专业技术人员\\\"}) { id } }\"}")
  PLAN_ID=$(echo "$ASKED" | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["requestVacancyUse"]["id"])')
  gql "$OFFICE" "{\"query\": \"mutation { decideVacancyUse(input: {planId: \\\"$PLAN_ID\\\", decision: APPROVE, documentNo: \\\"编办〔2026〕1号\\\", expiresOn: \\\"2027-06-30\\\"}) { id } }\"}" >/dev/null
fi
read -r PLAN PLAN_J <<<"$(sql "SELECT id, jurisdiction_id FROM vacancy_use_plan WHERE status = 'APPROVED' AND approved > 0 ORDER BY id LIMIT 1" | tr '|' ' ')"
row vacancy-use "${PLAN:-}" "${PLAN_J:-0}" "编制使用核准通知单"
read -r HIRE HIRE_J <<<"$(sql "SELECT m.id, m.jurisdiction_id FROM staff_movement m JOIN staff s ON s.id = m.staff_id
  WHERE m.kind = 'HIRE' AND s.basis <> 'TEMPORARY' ORDER BY m.id DESC LIMIT 1" | tr '|' ' ')"
row movement "${HIRE:-}" "${HIRE_J:-0}" "入编通知单"
read -r EVENT EVENT_J <<<"$(sql "SELECT id, jurisdiction_id FROM establishment_event WHERE institution_id IS NOT NULL ORDER BY id DESC LIMIT 1" | tr '|' ' ')"
row establishment-event "${EVENT:-}" "${EVENT_J:-0}" "批复"

# Releases. First the largest any office of the synthetic province publishes (the jurisdiction
# with the most institutions): published (built, stored and signed in one transaction). Then a
# release of the whole province's 30,000 institutions, which no single office of this data
# publishes: assembled by SQL from the live records beside that release, and signed by its first
# download (what signing costs at that scale: its records read, its canonical JSON written and
# signed, the signature stored); removed afterwards.
read -r LARGEST LARGEST_COUNT <<<"$(sql "SELECT j.code, COUNT(*) FROM institution i JOIN jurisdiction j ON j.id = i.jurisdiction_id
  WHERE i.status = 'ACTIVE' GROUP BY j.code ORDER BY COUNT(*) DESC, j.code LIMIT 1" | tr '|' ' ')"
PUBLISHED=$(curl -fsS -o "${TMPDIR:-/tmp}/publish.json" -w '%{time_total}' "$BASE/graphql" -H 'Content-Type: application/json' \
  -H "Authorization: Bearer $(token_of "$LARGEST")" --data-binary '{"query": "mutation { publishRelease(note: \"bench\") { id institutionCount } }"}')
RELEASE=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["data"]["publishRelease"]["id"])' "${TMPDIR:-/tmp}/publish.json")
ms() { python3 -c "import sys; print(round(float(sys.argv[1]) * 1000))" "$1"; }
echo
echo "The largest release of the data ($LARGEST, $LARGEST_COUNT institutions): published and signed in $(ms "$PUBLISHED") ms."
WHOLE=$(sql "INSERT INTO disclosure_release (jurisdiction_id, released_at, released_by, note, suppression_threshold, institution_count,
    overview, audit_seq, audit_hash)
  SELECT (SELECT id FROM jurisdiction WHERE code = '$PROVINCE'), now(), 'bench', 'province-scale signing', 0,
    (SELECT COUNT(*) FROM institution WHERE status = 'ACTIVE'), overview, audit_seq, audit_hash FROM disclosure_release WHERE id = $RELEASE
  RETURNING id" | head -1)
sql "INSERT INTO release_institution (release_id, institution_id, name, credit_code, department, sector, level, classification,
    funding_form, management_mode, legal_person, responsibilities, internal_bodies, leadership_posts, approved_fiscal,
    approved_self_financed, vacant, size_band, staff_in_establishment, management, professional_technical, logistics_service,
    temporary, people_hidden, deposited, borrowed)
  SELECT $WHOLE, i.id, i.name, i.credit_code, d.name, i.sector, i.level, i.classification, i.funding_form, i.management_mode,
    i.legal_person, i.responsibilities, i.internal_bodies, i.leadership_posts, COALESCE(f.approved, 0), COALESCE(s.approved, 0),
    GREATEST(COALESCE(f.approved - f.frozen - f.occupied, 0), 0), 'UNDER_5', COALESCE(f.occupied, 0) + COALESCE(s.occupied, 0),
    0, 0, 0, 0, false, 0, 0
  FROM institution i JOIN department d ON d.id = i.department_id
  LEFT JOIN establishment_balance f ON f.institution_id = i.id AND f.funding = 'FISCAL'
  LEFT JOIN establishment_balance s ON s.institution_id = i.id AND s.funding = 'SELF_FINANCED'
  WHERE i.status = 'ACTIVE'" >/dev/null
RECORDS=$(sql "SELECT COUNT(*) FROM release_institution WHERE release_id = $WHOLE")
SIGNED=$(curl -fsS -o "${TMPDIR:-/tmp}/release.json" -w '%{time_total}' "$BASE/releases/$WHOLE.json")
AGAIN=$(curl -fsS -o /dev/null -w '%{time_total}' "$BASE/releases/$WHOLE.json")
SIZE=$(python3 -c "import os,sys; print(round(os.path.getsize(sys.argv[1]) / 1048576, 1))" "${TMPDIR:-/tmp}/release.json")
curl -fsS -o "${TMPDIR:-/tmp}/release.json.sig" "$BASE/releases/$WHOLE.json.sig"
curl -fsS -o "${TMPDIR:-/tmp}/release-key.pem" "$BASE/release-signing-key.pem"
VERIFIED=$(openssl pkeyutl -verify -pubin -inkey "${TMPDIR:-/tmp}/release-key.pem" -rawin -in "${TMPDIR:-/tmp}/release.json" \
  -sigfile "${TMPDIR:-/tmp}/release.json.sig" 2>&1 | head -1)
sql "DELETE FROM release_signature WHERE release_id = $WHOLE; DELETE FROM release_institution WHERE release_id = $WHOLE;
  DELETE FROM disclosure_release WHERE id = $WHOLE" >/dev/null
echo "A release of the whole province ($RECORDS institutions, ${SIZE} MB of canonical JSON): signed by its first download in"
echo "$(ms "$SIGNED") ms (goal: under 2 s), served as signed by the next in $(ms "$AGAIN") ms; openssl: $VERIFIED"
