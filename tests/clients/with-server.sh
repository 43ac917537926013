#!/usr/bin/env bash
# Runs a command against a throw-away server:
#
#   tests/clients/with-server.sh path/to/api COMMAND [ARGS...]
#
# Starts `api serve --demo` on a temporary SQLite database, a free loopback port (API_PORT
# when set) and random 48-character secrets, waits for /readyz, runs COMMAND ARGS... GRAPHQL_URL (the endpoint is
# appended as the last argument and also exported as GRAPHQL_URL), stops the server and exits
# with the command's status. E.g. `tests/clients/with-server.sh target/debug/api node tests/clients/introspect.mjs`.
set -euo pipefail

if [[ $# -lt 2 || ! -x $1 ]]; then
  echo "usage: $0 PATH_TO_API_BINARY COMMAND [ARGS...]" >&2
  exit 2
fi
api=$(realpath "$1")
shift
tmp=$(mktemp -d "${TMPDIR:-/tmp}/api-client.XXXXXX")
server=
cleanup() {
  local rc=$?
  if [[ -n $server ]] && kill -0 "$server" 2>/dev/null; then
    kill "$server" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$server" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

secret() { python3 -c 'import secrets; print(secrets.token_urlsafe(36))'; } # 48 characters
port=${API_PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
# CLIENT_DATABASE_URL: an empty PostgreSQL database to run on instead of a new SQLite file.
export DATA_DIR=$tmp/data DATABASE_URL="${CLIENT_DATABASE_URL:-sqlite://$tmp/client.db?mode=rwc}" BIND=127.0.0.1:$port
JWT_SECRET=$(secret)
PII_KEY=$(secret)
export JWT_SECRET PII_KEY
mkdir -p "$DATA_DIR"

(cd "$tmp" && exec "$api" serve --demo) >"$tmp/server.log" 2>&1 &
server=$!
ready=
for _ in $(seq 240); do
  if ! kill -0 "$server" 2>/dev/null; then
    echo "the server exited before it was ready:" >&2
    tail -n 40 "$tmp/server.log" >&2
    exit 1
  fi
  if [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://$BIND/readyz" || true) == 200 ]]; then
    ready=1 && break
  fi
  sleep 0.5
done
if [[ -z $ready ]]; then
  echo "the server was not ready within 2 minutes:" >&2
  tail -n 40 "$tmp/server.log" >&2
  exit 1
fi
export GRAPHQL_URL=http://$BIND/graphql
rc=0
"$@" "$GRAPHQL_URL" || rc=$?
exit "$rc"
