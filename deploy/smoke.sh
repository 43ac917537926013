#!/usr/bin/env bash
# Stands in for `docker compose up` where no container engine runs: validates the compose file,
# then runs the container's command line (`api serve`, the compose file's environment, a fresh
# data volume) against the local PostgreSQL, loads the demo city as the compose comment says,
# mints a token and asks for the overview, and checks the image's health probe (GET and HEAD
# /healthz) and the refusal of missing or weak secrets.
#
#   deploy/smoke.sh path/to/api
set -euo pipefail
api=$(realpath "${1:?usage: deploy/smoke.sh path/to/api}")
root=$(cd "$(dirname "$0")/.." && pwd)
pg=${SMOKE_PG:-postgres://postgres@127.0.0.1:5432}
db=establishment_smoke
tmp=$(mktemp -d)
server=
cleanup() {
  [[ -n $server ]] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
  psql "$pg/postgres" -qc "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT

if command -v docker-compose >/dev/null; then
  (cd "$root" && JWT_SECRET=x PII_KEY=y docker-compose config -q) && echo "compose file: valid"
  if (cd "$root" && env -u JWT_SECRET -u PII_KEY docker-compose config -q) 2>/dev/null; then
    echo "compose file: accepted missing secrets" >&2; exit 1
  fi
  echo "compose file: refuses to start without JWT_SECRET and PII_KEY"
else
  echo "compose file: not validated (no docker-compose here)"
fi

psql "$pg/postgres" -qc "DROP DATABASE IF EXISTS $db" >/dev/null
psql "$pg/postgres" -qc "CREATE DATABASE $db" >/dev/null
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export DATABASE_URL="$pg/$db" BIND="127.0.0.1:$port" DATA_DIR="$tmp/data" RUST_LOG=warn LOG_FORMAT=json
export JWT_SECRET=$(head -c 36 /dev/urandom | base64) PII_KEY=$(head -c 36 /dev/urandom | base64)

if JWT_SECRET=change-me-in-production "$api" serve >"$tmp/weak.log" 2>&1; then
  echo "a placeholder JWT_SECRET was accepted" >&2; exit 1
fi
echo "serve: refuses a placeholder secret ($(grep -o 'placeholder[^"]*' "$tmp/weak.log" | head -1))"

(cd "$tmp" && exec "$api" serve) >"$tmp/serve.log" 2>&1 &
server=$!
for _ in $(seq 60); do curl -fs "http://$BIND/healthz" >/dev/null 2>&1 && break; sleep 0.5; done
curl -fsS "http://$BIND/healthz" >/dev/null && curl -fsSI "http://$BIND/healthz" >/dev/null
curl -fsS "http://$BIND/readyz" >/dev/null
echo "serve: healthy (GET and HEAD /healthz), ready"
"$api" seed --demo
token=$("$api" token --role STAFFING_OFFICE --jurisdiction 620700)
answer=$(curl -fsS "http://$BIND/graphql" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
  -d '{"query":"{ overview(jurisdiction: \"620700\") { institutionCount establishment { approved } } }"}')
echo "overview: $answer"
grep -q '"approved":4158' <<<"$answer"
page=$(curl -fsS "http://$BIND/")
grep -q '<html' <<<"$page" && echo "portal: served"
# A release as a citizen checks it offline: downloaded with its signature and the office's key,
# verified by `api verify-release` and by openssl, and refused once a byte is changed.
release=$(curl -fsS "http://$BIND/graphql" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
  -d '{"query":"mutation { publishRelease { id } }"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["publishRelease"]["id"])')
curl -fsS -o "$tmp/r.json" "http://$BIND/releases/$release.json"
curl -fsS -o "$tmp/r.json.sig" "http://$BIND/releases/$release.json.sig"
curl -fsS -o "$tmp/key.pem" "http://$BIND/release-signing-key.pem"
"$api" verify-release "$tmp/r.json" "$tmp/r.json.sig" --key "$tmp/key.pem"
(cd "$tmp" && "$api" verify-release r.json r.json.sig) >/dev/null # the server's own key, from its data folder
openssl pkeyutl -verify -pubin -inkey "$tmp/key.pem" -rawin -in "$tmp/r.json" -sigfile "$tmp/r.json.sig"
sed -i 's/"releaseId":/"releaseId":1/' "$tmp/r.json"
if "$api" verify-release "$tmp/r.json" "$tmp/r.json.sig" --key "$tmp/key.pem" 2>/dev/null; then
  echo "a changed release was accepted" >&2; exit 1
fi
echo "release $release: signature verified by api verify-release and openssl; a changed byte refused"
echo "smoke: passed"
