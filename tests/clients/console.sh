#!/usr/bin/env bash
# The office console and the public portal driven in a real browser. The console as an office
# uses it: sign in (a wrong password first), the overview, an institution's record, an
# establishment event previewed by a dry run and then confirmed, sign out. The finished console
# (finish.py): a session renewed in place, records that add up, role fit, publishing, printing,
# GraphiQL signed in, axe on every screen on a desktop and a phone. An institution's changes
# sent, passed or returned by its department and approved by the office (submissions.py). The portal as a
# citizen uses it, on a desktop and a phone, with axe-core's accessibility rules (from
# tests/clients/node_modules: run `npm ci` there first). Selenium with Debian's chromium and
# chromium-driver, against throw-away servers (with-server.sh) on the demo city. Then the
# console signing in at an OpenID Connect provider instead of passwords (oidc.sh).
#
#   tests/clients/console.sh target/debug/api
set -euo pipefail

if [[ $# -ne 1 || ! -x $1 ]]; then
  echo "usage: $0 PATH_TO_API_BINARY" >&2
  exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
api=$(realpath "$1")
if ! command -v chromedriver >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
fi
venv=$root/target/browser-venv
stamp=$venv/.requirements.sha256
want=$(sha256sum "$here/browser-requirements.txt" | cut -d' ' -f1)
if [[ ! -x $venv/bin/python || ! -f $stamp || $(cat "$stamp") != "$want" ]]; then
  echo "== installing Selenium into $venv"
  [[ -x $venv/bin/python ]] || python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/browser-requirements.txt"
  echo "$want" > "$stamp"
fi
"$here/with-server.sh" "$api" "$venv/bin/python" "$here/console.py" "$api"
"$here/with-server.sh" "$api" "$venv/bin/python" "$here/submissions.py" "$api"
"$here/with-server.sh" "$api" "$venv/bin/python" "$here/finish.py" "$api"
"$here/with-server.sh" "$api" "$venv/bin/python" "$here/portal.py"
"$here/oidc.sh" "$api" "$venv/bin/python"
