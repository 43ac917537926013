#!/usr/bin/env bash
# Outside-client fuzzing of the GraphQL API with Schemathesis.
#
#   tests/clients/fuzz.sh path/to/api
#
# Starts `api serve --demo` on a fresh temporary database and a free loopback port, then runs
# Schemathesis over every query and mutation of api/schema.graphql once for each role: as a
# staffing office, a supervising department, an institution's own account and an evaluation
# committee member (tokens minted with `api token`), and as the public (no token). Only the custom check
# `server_fault` (tests/clients/fuzz_checks.py) is on: a case fails on HTTP 5xx, on an
# `INTERNAL` error code, or on an answer slower than 5 s. Exit 0 only when no case failed;
# the failing cases (query and answer) are printed, grouped, at the end.
# tests/clients/schemathesis.toml feeds demo-city codes and ids to the generator, and the
# server's per-minute rate limits are lifted (RATE_LIMIT_PUBLIC/RATE_LIMIT_TOKEN) for the run.
#
# Environment (all optional):
#   FUZZ_MAX_EXAMPLES  cases generated per operation and run (default 250: both runs ~4 min on 2 cores)
#   FUZZ_WORKERS       concurrent Schemathesis workers (default 2)
#   FUZZ_TIMEOUT       seconds for the whole script, server start included (default 900)
#   FUZZ_SEED          Hypothesis seed, to repeat a run (default: random, printed)
#   FUZZ_SCHEMA        the SDL to generate from (default api/schema.graphql; `introspect` makes
#                      Schemathesis introspect the running server instead)
#   FUZZ_MAX_SECONDS   the slow-answer limit of the check (default 5)
#   FUZZ_ROLES         the runs, in order (default "staffing-office department institution evaluator
#                      public")
set -euo pipefail

if [[ $# -ne 1 || ! -x $1 ]]; then
  echo "usage: $0 PATH_TO_API_BINARY" >&2
  exit 2
fi
api=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
max_examples=${FUZZ_MAX_EXAMPLES:-250}
workers=${FUZZ_WORKERS:-2}
budget=${FUZZ_TIMEOUT:-900}
seed=${FUZZ_SEED:-$RANDOM$RANDOM}
schema=${FUZZ_SCHEMA:-$root/api/schema.graphql}
[[ $schema == introspect ]] || schema=$(realpath "$schema")
started=$SECONDS
remaining() { echo $((budget - (SECONDS - started))); }

# Schemathesis in its own virtualenv, reinstalled only when requirements.txt changes.
venv=$root/target/fuzz-venv
stamp=$venv/.requirements.sha256
want=$(sha256sum "$here/requirements.txt" | cut -d' ' -f1)
if [[ ! -x $venv/bin/schemathesis || ! -f $stamp || $(cat "$stamp") != "$want" ]]; then
  echo "== installing Schemathesis into $venv"
  [[ -x $venv/bin/python ]] || python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt"
  echo "$want" >"$stamp"
fi
echo "== $("$venv/bin/schemathesis" --version)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/api-fuzz.XXXXXX")
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

secret() { "$venv/bin/python" -c 'import secrets; print(secrets.token_urlsafe(36))'; } # 48 characters
port=$("$venv/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export DATA_DIR=$tmp/data
export DATABASE_URL="sqlite://$tmp/fuzz.db?mode=rwc"
export BIND=127.0.0.1:$port
JWT_SECRET=$(secret)
PII_KEY=$(secret)
export JWT_SECRET PII_KEY
# The fuzzer looks for faults, not for the rate limiter: lift the per-minute limits unless given.
export RATE_LIMIT_PUBLIC=${RATE_LIMIT_PUBLIC:-1000000} RATE_LIMIT_TOKEN=${RATE_LIMIT_TOKEN:-1000000}
mkdir -p "$DATA_DIR"
base=http://127.0.0.1:$port
[[ $schema != introspect ]] || schema=$base/graphql

echo "== starting $api serve --demo on $BIND"
(cd "$tmp" && exec "$api" serve --demo) >"$tmp/server.log" 2>&1 &
server=$!
ready=
while (($(remaining) > 0)); do
  if ! kill -0 "$server" 2>/dev/null; then
    echo "the server exited before it was ready:" >&2
    tail -n 40 "$tmp/server.log" >&2
    exit 1
  fi
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$base/readyz" || true)
  if [[ $code == 200 ]]; then ready=1 && break; fi
  sleep 0.5
done
if [[ -z $ready ]]; then
  echo "the server was not ready within ${budget}s" >&2
  tail -n 40 "$tmp/server.log" >&2
  exit 1
fi
echo "== ready after $((SECONDS - started))s"
mint() { (cd "$tmp" && timeout 60 "$api" token --jurisdiction 620700 "$@"); }
token=$(mint --role STAFFING_OFFICE)
# The demo's first supervising department, and a member of the demo's evaluation round.
department_token=$(mint --role DEPARTMENT --department 1 --subject fuzz-department)
evaluator_token=$(mint --role EVALUATOR --subject expert-li)
# The demo's first institution's own account.
institution_token=$(mint --role INSTITUTION --institution 1 --subject fuzz-institution)

failures=$tmp/failures.jsonl
: >"$failures"
status=0
run_schemathesis() { # NAME [schemathesis options...]
  local name=$1 left rc=0
  shift
  left=$(remaining)
  if ((left < 10)); then
    echo "== $name: no time left (FUZZ_TIMEOUT=${budget}s)" >&2
    status=1
    return
  fi
  echo "== $name: at most $max_examples cases per operation, seed $seed, ${left}s left"
  local t0=$SECONDS
  # From the temporary folder, so that Schemathesis's and Hypothesis's caches land there.
  (cd "$tmp" && SCHEMATHESIS_HOOKS=$here/fuzz_checks.py FUZZ_RUN=$name FUZZ_FAILURES=$failures \
    timeout --kill-after=10 "$left" "$venv/bin/schemathesis" --config-file "$here/schemathesis.toml" run "$schema" \
    --url "$base/graphql" \
    --checks server_fault \
    --phases fuzzing \
    --max-examples "$max_examples" \
    --continue-on-failure \
    --seed "$seed" \
    --workers "$workers" \
    --request-timeout 15 \
    --suppress-health-check all \
    --generation-database none \
    --output-sanitize false \
    --no-color \
    "$@") || rc=$?
  echo "== $name: exit $rc after $((SECONDS - t0))s"
  if ((rc == 124 || rc == 137)); then echo "== $name: stopped by the time limit" >&2; fi
  ((rc == 0)) || status=1
}

for role in ${FUZZ_ROLES:-staffing-office department institution evaluator public}; do
  case $role in
    staffing-office) run_schemathesis "$role" --header "Authorization: Bearer $token" ;;
    department) run_schemathesis "$role" --header "Authorization: Bearer $department_token" ;;
    evaluator) run_schemathesis "$role" --header "Authorization: Bearer $evaluator_token" ;;
    institution) run_schemathesis "$role" --header "Authorization: Bearer $institution_token" ;;
    public) run_schemathesis "$role" ;;
    *) echo "unknown FUZZ_ROLES entry: $role" >&2 && status=1 ;;
  esac
done

if [[ -s $failures ]]; then
  echo
  echo "== failing cases, grouped (shortest query of each group):"
  "$venv/bin/python" "$here/fuzz_checks.py" summarize "$failures" || true
  status=1
fi
# A panic drops the connection: Schemathesis reports it under ERRORS ("Connection failed"), and the
# server's log says where it happened.
if grep -q 'panicked at' "$tmp/server.log"; then
  echo
  echo "== the server panicked (count, place and message):"
  grep -A1 'panicked at' "$tmp/server.log" | grep -v '^--$' | sed -E 's/^thread .* panicked at/panicked at/' |
    paste -d' ' - - | sort | uniq -c | sort -rn | head -n 20
  status=1
fi
cp "$tmp/server.log" "$root/target/fuzz-server.log" 2>/dev/null && echo "== server log: target/fuzz-server.log"
if ! kill -0 "$server" 2>/dev/null; then
  echo "== the server died during the run:" >&2
  tail -n 40 "$tmp/server.log" >&2
  status=1
fi
if ((status == 0)); then
  echo "fuzz: OK in $((SECONDS - started))s"
else
  echo "fuzz: FAILED after $((SECONDS - started))s (seed $seed)"
fi
exit "$status"
