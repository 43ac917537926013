#!/usr/bin/env bash
# Onboarding a whole province: Gansu's 88 counties and districts from the national table, then
# its inventory (bench/province_files.py: departments, 30,000 institutions, 600,000 people) by
# `api import`, each step timed, on an empty database, and the overview checked against the
# files. Peak memory of each import from /usr/bin/time.
#
#   bench/province.sh target/release/api                      # a new SQLite file
#   DATABASE_URL=postgres://…/empty bench/province.sh target/release/api
#   UNITS=3000 PEOPLE=60000 bench/province.sh target/release/api   # a smaller run
set -euo pipefail
api=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
units=${UNITS:-30000}
people=${PEOPLE:-600000}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/province.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export DATA_DIR=$tmp/data
export DATABASE_URL=${DATABASE_URL:-sqlite://$tmp/province.db?mode=rwc}
cd "$tmp"
python3 "$here/province_files.py" "$tmp" "$units" "$people" >counties.txt
echo "files: $(wc -l <counties.txt) counties, $units institutions, $people people (${DATABASE_URL%%:*})"

timed() { # LABEL COMMAND...: runs it, prints seconds and peak memory
  local label=$1 start end
  shift
  start=$(date +%s.%N)
  /usr/bin/time -f "%M" -o "$tmp/rss" "$@" >"$tmp/out" 2>"$tmp/err" || { cat "$tmp/err" >&2; exit 1; }
  end=$(date +%s.%N)
  printf '%-28s %8.2f s  %6d MB  %s\n' "$label" "$(echo "$end - $start" | bc)" "$(($(cat "$tmp/rss") / 1024))" \
    "$(head -1 "$tmp/out" | cut -d";" -f1)"
}

start=$(date +%s.%N)
"$api" init --jurisdiction "$(paste -sd, counties.txt)" >/dev/null
printf '%-28s %8.2f s\n' "api init (88 counties, one run)" "$(echo "$(date +%s.%N) - $start" | bc)"
all=$(date +%s.%N)
timed "import departments" "$api" import departments departments.csv
timed "import institutions" "$api" import institutions institutions.csv
timed "import staff" "$api" import staff staff.csv
printf '%-28s %8.2f s\n' "the inventory, in all" "$(echo "$(date +%s.%N) - $all" | bc)"

"$api" export overview --jurisdiction 620000 --include-descendants --format csv >overview.csv
got() { grep "^620000,$1,$2," overview.csv | cut -d, -f4; }
[[ $(got institutions total) == "$units" ]] || { echo "overview: institutions $(got institutions total)" >&2; exit 1; }
[[ $(got staff in_establishment) == "$people" ]] || { echo "overview: people $(got staff in_establishment)" >&2; exit 1; }
echo "overview: $units institutions, $people people in establishment: OK"
