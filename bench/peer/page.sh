#!/usr/bin/env bash
# The peer's equivalent of our county page: 50 institutions of one jurisdiction, ordered by
# name (then primary key), with department name, jurisdiction name and the establishment
# balances per funding, plus the total count. Prints the JSON request body for POST /graphql.
#
#   bench/peer/page.sh JURISDICTION_ID          # as a script
#   source bench/peer/page.sh; peer_page_body ID   # as a function

peer_page_body() {
  local jurisdiction=${1:?usage: peer_page_body JURISDICTION_ID}
  [[ $jurisdiction =~ ^[0-9]+$ ]] || { echo "jurisdiction id must be an integer" >&2; return 2; }
  local query='query CountyPage($j: Int!) { allInstitutions(condition: {jurisdictionId: $j}, orderBy: [NAME_ASC, PRIMARY_KEY_ASC], first: 50) { totalCount nodes { id: rowId name creditCode classification sector level departmentByDepartmentId { name } jurisdictionByJurisdictionId { name } establishmentBalancesByInstitutionId { nodes { funding approved frozen occupied deposited borrowed } } } } }'
  printf '{"query":"%s","variables":{"j":%s}}\n' "$query" "$jurisdiction"
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  set -euo pipefail
  peer_page_body "$@"
fi
