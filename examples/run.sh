#!/usr/bin/env bash
# Runs README's "Your own jurisdiction" on an empty database and checks the county's overview
# against its files:
#
#   examples/run.sh path/to/api            # a new SQLite file
#   DATABASE_URL=postgres://… examples/run.sh path/to/api   # an empty PostgreSQL database
#
# The county is 清水县 (620521); its files under examples/county/ are made up, in the shape an
# old real-name system exports.
set -euo pipefail
api=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/county.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export DATA_DIR=$tmp/data
export DATABASE_URL=${DATABASE_URL:-sqlite://$tmp/county.db?mode=rwc}
cd "$tmp"

# The commands as README.md gives them.
"$api" init --jurisdiction 620521
echo 'a passphrase of 12 or more' | "$api" user add qingshui.office --role STAFFING_OFFICE --jurisdiction 620521
"$api" import departments "$here/county/departments.csv"
"$api" import institutions "$here/county/institutions.csv" | tee institutions.out
"$api" import staff "$here/county/staff.csv"
"$api" export overview --jurisdiction 620521 --format csv >overview.csv

# The institutions found their departments in the department list: none was made up.
if grep -q "created departments" institutions.out; then
  echo "the institutions file created departments the list already had" >&2
  exit 1
fi

# Running init again changes nothing; a code outside the national table is refused.
"$api" init --jurisdiction 620521 | grep -c "already there" | grep -qx 3
# Several codes in one run (a province's counties): the neighbour 秦安县 is made, the rest is there.
made=$("$api" init --jurisdiction 620521,620522 | grep -c "(created)")
if [[ $made != 1 ]]; then
  echo "init of two codes, one new: $made made" >&2
  exit 1
fi
if "$api" init --jurisdiction 620599 2>/dev/null; then
  echo "620599 is in no table, yet init accepted it" >&2
  exit 1
fi

# The overview equals the files: 12 institutions, 71 approved slots (56 fiscal, 15
# self-financed), 58 people in establishment and 4 temporary staff.
expect() { # TABLE KEY VALUE
  local got
  got=$(grep "^620521,$1,$2," overview.csv | cut -d, -f4)
  if [[ $got != "$3" ]]; then
    echo "overview $1 $2: expected $3, got ${got:-nothing}" >&2
    exit 1
  fi
}
expect institutions total 12
expect establishment approved 71
expect establishment fiscal 56
expect establishment self_financed 15
expect staff in_establishment 58
expect staff temporary 4
institutions=$(($(wc -l <"$here/county/institutions.csv") - 1))
people=$(grep -c ',ACTIVE,' "$here/county/staff.csv")
temporary=$(grep -c ',TEMPORARY,' "$here/county/staff.csv")
expect institutions total "$institutions"
expect staff in_establishment $((people - temporary))
echo "county: OK (${DATABASE_URL%%:*})"
