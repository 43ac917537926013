#!/usr/bin/env bash
# Payroll reconciliation and the staffing norms' sector view at province scale (BENCHMARKS.md).
#
#   bench/reconciliation.sh BIN DATABASE_URL BASE_URL      (bench/run.sh calls it on its server)
#
# The list is built through the product: each jurisdiction's own office exports its roster
# (GET /exports/staff.csv, full ID numbers for its own people), and everyone the units employ (in
# establishment, fiscal or self-financed, and temporary staff) becomes the HR bureau's list, with
# known differences: every 997th left out, every 1,009th paid by another unit, every 50th retired
# person still listed, and made-up numbers up to ROWS_WANTED rows (600,000: a province's list; the
# synthetic province employs about 575,000).
# The province's office then reconciles the whole file (POST /reconciliations/payroll.csv with
# include_descendants=true) ROUNDS times; the sector view (staffingNorms' sectors over the whole
# province) is asked for ROUNDS x 5 times. Prints markdown lines.
set -euo pipefail
BIN=$1
DB=$2
BASE=$3
ROUNDS=${ROUNDS:-3}
ROWS_WANTED=${ROWS_WANTED:-600000}
sql() { psql -X -q -tA "$DB" -c "$1"; }
token_of() { "$BIN" token --role STAFFING_OFFICE --jurisdiction "$1" --ttl 1h --subject bench-reconciliation; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

PROVINCE=$(sql "SELECT code FROM jurisdiction WHERE parent_id IS NULL ORDER BY id LIMIT 1")
for code in $(sql "SELECT code FROM jurisdiction WHERE parent_id IS NOT NULL ORDER BY code"); do
  curl -fsS -H "Authorization: Bearer $(token_of "$code")" "$BASE/exports/staff.csv?jurisdiction=$code" >"$WORK/roster-$code.csv"
done
python3 - "$WORK" "$ROWS_WANTED" >"$WORK/payroll.csv" <<'PY'
import csv, glob, sys

def complete(first17):
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights)) % 11]

out = csv.writer(sys.stdout)
out.writerow(["national_id", "name", "institution_credit_code"])
codes, paid, retired, rows = [], 0, 0, 0
for path in sorted(glob.glob(sys.argv[1] + "/roster-*.csv")):
    with open(path, encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            number, code = row["national_id"].strip(), row["institution_credit_code"].strip()
            codes.append(code)
            if row["status"] == "RETIRED":
                retired += 1
                if retired % 50 == 0:
                    out.writerow([number, row["name"], code])
                    rows += 1
                continue
            if row["status"] not in ("ACTIVE", "SECONDED_OUT"):
                continue
            paid += 1
            if paid % 997 == 0:
                continue
            if paid % 1009 == 0:
                code = codes[len(codes) // 2]
            out.writerow([number, row["name"], code])
            rows += 1
for k in range(max(100, int(sys.argv[2]) - rows)):
    out.writerow([complete(f"990101{19500101 + (k // 999) % 40 * 10000 + k // 39960:08d}{k % 999 + 1:03d}"[:17]), f"查无此人{k}", codes[0]])
PY
ROWS=$(($(wc -l <"$WORK/payroll.csv") - 1))
[[ -n ${KEEP:-} ]] && cp "$WORK/payroll.csv" "$KEEP"
TOKEN=$(token_of "$PROVINCE")
times=()
for _ in $(seq "$ROUNDS"); do
  times+=("$(curl -fsS -o "$WORK/answer.json" -w '%{time_total}' -H "Authorization: Bearer $TOKEN" \
    --data-binary "@$WORK/payroll.csv" "$BASE/reconciliations/payroll.csv?jurisdiction=$PROVINCE&include_descendants=true")")
done
COUNTS=$(python3 -c 'import json,sys; a=json.load(open(sys.argv[1])); print("rows %d, paid %d, fiscal supported %d; not paid %d, not in establishment %d, paid elsewhere %d, past retirement %d, unreadable %d" % (a["rows"], a["payrollPeople"], a["fiscalSupported"], *(a["counts"][k] for k in ("inEstablishmentNotPaid", "paidNotInEstablishment", "paidElsewhere", "paidPastRetirement", "unreadable"))))' "$WORK/answer.json")
spread() { printf '%s\n' "$@" | sort -n | awk '{ t[NR] = $1 } END { printf "%.2f s (of %s: %.2f to %.2f s)", t[int((NR + 1) / 2)], NR, t[1], t[NR] }'; }
echo "| what | time |"
echo "| --- | --- |"
echo "| payroll of $ROWS rows reconciled against the province's roster ($COUNTS) | $(spread "${times[@]}") |"
QUERY="{\"query\": \"{ staffingNorms(jurisdiction: \\\"$PROVINCE\\\", includeDescendants: true) { sectors { sector units profiledUnits norm approvedProfiled approved vacant shortfall } } }\"}"
curl -fsS -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' --data-binary "$QUERY" "$BASE/graphql" >"$WORK/sectors.json"
EDUCATION=$(python3 -c 'import json,sys; s=[x for x in json.load(open(sys.argv[1]))["data"]["staffingNorms"]["sectors"] if x["sector"]=="EDUCATION"][0]; print("education: %d units, %d profiled, norm %d against %d approved" % (s["units"], s["profiledUnits"], s["norm"], s["approvedProfiled"]))' "$WORK/sectors.json")
times=()
for _ in $(seq $((ROUNDS * 5))); do
  times+=("$(curl -fsS -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' --data-binary "$QUERY" "$BASE/graphql")")
done
echo "| the staffing norms' sector view of the whole province ($EDUCATION) | $(spread "${times[@]}") |"
