#!/usr/bin/env bash
# The console's sign-in at an OpenID Connect provider, in a real browser: oidc-provider (from
# tests/clients/node_modules: run `npm ci` there first) as the province's unified identity on
# http://localhost, the API on http://127.0.0.1 (another site, as in production), Selenium with
# Debian's chromium (the venv console.sh makes).
#
#   tests/clients/oidc.sh target/debug/api PATH_TO_PYTHON_WITH_SELENIUM
set -euo pipefail

if [[ $# -ne 2 || ! -x $1 ]]; then
  echo "usage: $0 PATH_TO_API_BINARY PYTHON" >&2
  exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
api=$(realpath "$1")
python=$2
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
provider_port=$(free_port)
API_PORT=$(free_port)
secret=$(python3 -c 'import secrets; print(secrets.token_urlsafe(36))')
log=$(mktemp "${TMPDIR:-/tmp}/oidc-provider.XXXXXX")
node "$here/oidc-provider.mjs" "$provider_port" "http://127.0.0.1:$API_PORT/auth/oidc/callback" "$secret" >"$log" 2>&1 &
provider=$!
trap 'kill $provider 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 60); do
  curl -sf -o /dev/null --max-time 2 "http://127.0.0.1:$provider_port/.well-known/openid-configuration" && break
  kill -0 "$provider" 2>/dev/null || { cat "$log" >&2; exit 1; }
  sleep 0.5
done
export API_PORT OIDC_ISSUER=http://localhost:$provider_port OIDC_CLIENT_ID=establishment OIDC_CLIENT_SECRET=$secret
export OIDC_REDIRECT_URL=http://127.0.0.1:$API_PORT/auth/oidc/callback SESSION_COOKIE_SECURE=false
"$here/with-server.sh" "$api" "$python" "$here/oidc.py" "$api"
