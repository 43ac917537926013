#!/usr/bin/env bash
# Client libraries against a real server, as their users set them up: Apollo Client 4 (persisted
# queries over GET, Relay-style pages in its cache, node(id:)), graphql-codegen (types compiled by
# tsc, operations run) and relay-compiler (@connection, @refetchable by global id, its queries
# run). Needs `npm ci` in tests/clients.
#
#   tests/clients/libraries.sh path/to/api
set -euo pipefail
cd "$(dirname "$0")/../.."
api=$(realpath "${1:?usage: tests/clients/libraries.sh path/to/api}")

run() {
  local url=$1
  OFFICE_TOKEN=$("$api" token --role STAFFING_OFFICE --jurisdiction 620700)
  export OFFICE_TOKEN
  node tests/clients/apollo.mjs "$url"
  node tests/clients/codegen.mjs "$url"
  node tests/clients/relay.mjs "$url"
}
export -f run
export api
tests/clients/with-server.sh "$api" bash -c 'run "$0"'
