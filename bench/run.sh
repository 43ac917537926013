#!/usr/bin/env bash
# The province-scale benchmarks (BENCHMARKS.md), in one command:
#
#   bench/run.sh
#
# Builds the release binary, loads the synthetic province into PostgreSQL (once; RESEED=1 to
# load again), starts the API on it and loads every listed request with wrk at fixed
# concurrency for a fixed time, next to the same data fetched by hand-written SQL with
# pgbench (the floor). Then times a 100,000-person `api import`, and finally starts a
# streaming replica and a second API instance reading from it. Results go to stdout and to
# target/bench/results.md. Needs a local PostgreSQL with trust auth (as in CI), python3,
# pgbench, and wrk (installed from Debian's packages when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/queries.sh

PG_HOST=${PG_HOST:-127.0.0.1}
PG_PORT=${PG_PORT:-5432}
REPLICA_PORT=${REPLICA_PORT:-5433}
DB=${BENCH_DB:-bench_province}
CITIES=${CITIES:-12}
COUNTIES=${COUNTIES:-9}
SCALE=${SCALE:-2.9}
DURATION=${DURATION:-10}
# Seconds of the same load before each measured read, not counted: the peer's Node JIT and
# every server's caches and prepared statements start warm, so neither side is measured cold.
WARMUP=${WARMUP:-5}
CONNECTIONS=${CONNECTIONS:-8}
THREADS=${THREADS:-2}
IMPORT_PEOPLE=${IMPORT_PEOPLE:-100000}
OUT=${OUT:-target/bench}
PORT_A=${PORT_A:-18081}
PORT_B=${PORT_B:-18082}

SERVER=postgres://postgres@$PG_HOST:$PG_PORT
# Every client here reaches the database the same way: without TLS on the loopback. The
# server may run with `ssl = on` (this machine's does); then libpq's and sqlx's default
# `prefer` encrypts every byte of every read on both sides, while node-postgres (the peer)
# connects in clear unless told otherwise. PGSSLMODE is read by psql, pgbench, the API (sqlx)
# and the peer (node-postgres) alike.
export PGSSLMODE=${SSLMODE:-disable}
PRIMARY=$SERVER/$DB
BIN=target/release/api
export JWT_SECRET=${JWT_SECRET:-bench-only-secret-not-for-production-0123456789}
export PII_KEY=${PII_KEY:-bench-only-pii-key-not-for-production-0123456789}
# The benchmark measures throughput from one address: no rate limits.
export RATE_LIMIT_PUBLIC=0 RATE_LIMIT_TOKEN=0
export METRICS_TOKEN=${METRICS_TOKEN:-bench-only-metrics-token-0123456789abcdef}
export RUST_LOG=${RUST_LOG:-warn}
export DATA_DIR=$OUT/data
mkdir -p "$OUT" "$DATA_DIR"
RESULTS=$OUT/results.md
PIDS=()
REPLICA_DIR=""

cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  if [[ -n $REPLICA_DIR && -d $REPLICA_DIR ]]; then
    runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$REPLICA_DIR" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$REPLICA_DIR"
  fi
}
trap cleanup EXIT

say() { echo "== $*" >&2; }
# Every step is bounded in time and stops itself: a statement after 10 minutes, a command
# after its limit (then killed 15 s later if it ignores the signal). A step that runs out says
# so in the results instead of hanging the run.
export PGOPTIONS="-c statement_timeout=600000"
bounded() { # $1 seconds, rest: command
  local limit=$1
  shift
  timeout --kill-after=15 "$limit" "$@"
}
sql() { bounded 660 psql -X -q -tA "$PRIMARY" -c "$1"; }
curl() { command curl --max-time 60 "$@"; }

# --- tools and binary -------------------------------------------------------------------------
if ! command -v wrk >/dev/null; then
  say "installing wrk"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
say "building the release binary"
bounded 3600 cargo build --release -q -p api

# --- the synthetic province -------------------------------------------------------------------
if [[ ${RESEED:-0} == 1 ]] || ! psql -X -tA "$SERVER/postgres" -c "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1; then
  say "loading the synthetic province ($CITIES cities x $COUNTIES counties, scale $SCALE) into $DB"
  dropdb -h "$PG_HOST" -p "$PG_PORT" -U postgres --if-exists "$DB"
  createdb -h "$PG_HOST" -p "$PG_PORT" -U postgres "$DB"
  DATABASE_URL=$PRIMARY bounded 1200 /usr/bin/time -f "%e %M" -o "$OUT/seed.time" \
    "$BIN" seed --synthetic --cities "$CITIES" --counties-per-city "$COUNTIES" --scale "$SCALE" >/dev/null
fi
# Production runs PostgreSQL with autovacuum on; this machine's cluster may have it off (it
# does on rust-svc machines), and then every earlier run's writes stay as dead rows: the
# totals' mark queue (one mark written and removed per write) reached 190,000 dead rows, and
# each overview's check for marks walked them (province overview p50 10.8 -> 142 ms). So the
# run vacuums first, as autovacuum would have.
AUTOVACUUM=$(sql "SHOW autovacuum")
if [[ $AUTOVACUUM != on ]]; then
  say "autovacuum is $AUTOVACUUM on this server: vacuuming $DB first"
  bounded 900 psql -X -q "$PRIMARY" -c "VACUUM (ANALYZE)"
fi
INSTITUTIONS=$(sql "SELECT COUNT(*) FROM institution")
PEOPLE=$(sql "SELECT COUNT(*) FROM staff")
JURISDICTIONS=$(sql "SELECT COUNT(*) FROM jurisdiction")

# --- the server -------------------------------------------------------------------------------
start_api() { # $1 port, then extra environment assignments
  local port=$1
  shift
  env "$@" DATABASE_URL="$PRIMARY" BIND="127.0.0.1:$port" "$BIN" serve >"$OUT/api-$port.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 100); do
    curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  echo "the API on port $port did not start; see $OUT/api-$port.log" >&2
  exit 1
}
say "starting the API on $PRIMARY"
start_api "$PORT_A"
PID_A=${PIDS[-1]}

PROVINCE=990000
CITY=990100
PROVINCE_TOKEN=$("$BIN" token --role STAFFING_OFFICE --jurisdiction "$PROVINCE" --ttl 2h --subject bench)
CITY_TOKEN=$("$BIN" token --role STAFFING_OFFICE --jurisdiction "$CITY" --ttl 2h --subject bench)
CITY_ID=$(sql "SELECT id FROM jurisdiction WHERE code = '$CITY'")
RECORD_ID=$(sql "SELECT id FROM institution WHERE jurisdiction_id = $CITY_ID AND status = 'ACTIVE' ORDER BY id LIMIT 1")
SEARCH=$(sql "SELECT substr(name, 1, 1) FROM staff WHERE jurisdiction_id = $CITY_ID ORDER BY id LIMIT 1")

post() { # $1 port, $2 token ('' for the public), $3 body
  local auth=()
  [[ -n $2 ]] && auth=(-H "Authorization: Bearer $2")
  curl -fsS "http://127.0.0.1:$1/graphql" -H 'Content-Type: application/json' "${auth[@]}" --data-binary "$3"
}

# The public page needs a release of the city.
if [[ -z $(sql "SELECT r.id FROM disclosure_release r WHERE r.jurisdiction_id = $CITY_ID LIMIT 1") ]]; then
  say "publishing a disclosure release of $CITY"
  post "$PORT_A" "$CITY_TOKEN" '{"query": "mutation { publishRelease(suppressionThreshold: 5, note: \"bench\") { id } }"}' >/dev/null
fi
RELEASE_ID=$(sql "SELECT MAX(id) FROM disclosure_release WHERE jurisdiction_id = $CITY_ID")

# --- load ------------------------------------------------------------------------------------
statements_and_requests() { # $1 port -> "statements requests" so far
  { curl -fs -H "Authorization: Bearer $METRICS_TOKEN" "http://127.0.0.1:$1/metrics" || true; } | awk '
    /^db_statements_total/ { s += $2 }
    /^http_requests_total\{endpoint="\/graphql"/ { r += $2 }
    END { printf "%d %d\n", s, r }'
}

# A wrk script posting $bodies in turn (several bodies = a page that makes several requests).
wrk_script() { # $1 file, $2 token, rest: bodies
  local file=$1 token=$2
  shift 2
  {
    echo 'local bodies = {'
    for body in "$@"; do printf '[==[%s]==],\n' "$body"; done
    echo '}'
    echo 'local headers = { ["Content-Type"] = "application/json" }'
    [[ -n $token ]] && echo "headers[\"Authorization\"] = \"Bearer $token\""
    cat <<'LUA'
local n = 0
request = function()
  n = n + 1
  return wrk.format("POST", "/graphql", headers, bodies[(n % #bodies) + 1])
end
LUA
  } >"$file"
}

# Errors are counted from the bodies, so a fast stream of refusals cannot pass for speed.
ERROR_COUNTER='
errors = 0
local threads = {}
setup = function(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end
response = function(status, headers, body)
  if status ~= 200 or string.find(body, "\"errors\"", 1, true) then errors = errors + 1 end
end
done = function(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads) do total = total + (t:get("errors") or 0) end
  io.write(string.format("ERRORS %d\n", total))
end
'

run_wrk() { # $1 name, $2 port, $3 script -> "rps p50 p99 errors statements/request"
  local name=$1 port=$2 script=$3 before after
  before=$(statements_and_requests "$port")
  if ! bounded $((DURATION + 30)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$script" \
    "http://127.0.0.1:$port" >"$OUT/wrk-$name.txt"; then
    echo "$name: wrk did not end within $((DURATION + 30)) s" >&2
    echo "- - - timed-out -"
    return 0
  fi
  after=$(statements_and_requests "$port")
  python3 - "$OUT/wrk-$name.txt" "$before" "$after" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
def ms(v):
    n, unit = re.match(r"([\d.]+)(us|ms|s)", v).groups()
    return float(n) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
p50 = ms(re.search(r"\s50%\s+(\S+)", text).group(1))
p99 = ms(re.search(r"\s99%\s+(\S+)", text).group(1))
errors = int(re.search(r"ERRORS (\d+)", text).group(1)) if "ERRORS" in text else 0
# Requests wrk gave up on (its 2 s timeout) count as errors too.
timeouts = re.search(r"timeout (\d+)", text)
errors += int(timeouts.group(1)) if timeouts else 0
s0, r0 = map(int, sys.argv[2].split()); s1, r1 = map(int, sys.argv[3].split())
per = f"{(s1 - s0) / (r1 - r0):.1f}" if r1 > r0 else "-"
print(f"{rps:.0f} {p50:.2f} {p99:.2f} {errors} {per}")
PY
}

# pgbench with a hand-written SQL script -> "tps p50 p99" (per-transaction latencies logged).
run_floor() { # $1 name, $2 sql file, rest: pgbench -D assignments
  local name=$1 file=$2
  shift 2
  local defines=()
  for d in "$@"; do defines+=(-D "$d"); done
  rm -f "$OUT"/pgbench_log.*
  (cd "$OUT" && bounded $((DURATION + 60)) pgbench -n -h "$PG_HOST" -p "$PG_PORT" -U postgres -c "$CONNECTIONS" -j "$THREADS" -T "$DURATION" \
    -l --log-prefix=pgbench_log "${defines[@]}" -f "$OLDPWD/$file" "$DB" >"pgbench-$name.txt" 2>&1)
  python3 - "$OUT" <<'PY'
import glob, sys
lat = sorted(int(line.split()[2]) for f in glob.glob(sys.argv[1] + "/pgbench_log.*") for line in open(f))
q = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))] / 1000
print(f"{len(lat)} {q(0.5):.2f} {q(0.99):.2f}")
PY
}

ROWS=()
measure() { # $1 label, $2 name, $3 port, $4 token, $5 floor sql ('' for none), $6 floor defines (space separated), rest: bodies
  local label=$1 name=$2 port=$3 token=$4 floor=$5 defines=$6
  shift 6
  local script="$OUT/$name.lua"
  wrk_script "$script" "$token" "$@"
  echo "$ERROR_COUNTER" >>"$script"
  # One request by hand first: it must be data, not an error.
  if post "$port" "$token" "$1" | grep -q '"errors"'; then
    echo "$label: the request fails:" >&2
    post "$port" "$token" "$1" >&2
    exit 1
  fi
  say "$label"
  if ((WARMUP > 0)); then
    bounded $((WARMUP + 30)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" -s "$script" "http://127.0.0.1:$port" >/dev/null || true
  fi
  read -r rps p50 p99 errors per <<<"$(run_wrk "$name" "$port" "$script")"
  if [[ $rps == - ]]; then
    ROWS+=("| $label | timed out | - | - | - | - | - | - | - |")
    LAST_RPS=0
    P50[$name]=0
    return 0
  fi
  local floor_p50="-" floor_tps="-" ratio="-"
  if [[ -n $floor ]]; then
    # shellcheck disable=SC2086
    read -r count f50 f99 <<<"$(run_floor "$name" "$floor" $defines)"
    floor_tps=$((count / DURATION))
    floor_p50=$f50
    ratio=$(python3 -c "print(f'{$p50 / max($f50, 0.001):.2f}x')")
  fi
  ROWS+=("| $label | $rps | $p50 | $p99 | $errors | $per | $floor_tps | $floor_p50 | $ratio |")
  LAST_RPS=$rps
  P50[$name]=$p50
}
declare -A P50

# The peer: PostGraphile 5 on the same database (bench/peer), asked for the same county page.
PEER_PORT=${PEER_PORT:-18090}
COUNTY=${COUNTY:-990101}
COUNTY_ID=$(sql "SELECT id FROM jurisdiction WHERE code = '$COUNTY'")
say "starting the peer (PostGraphile 5) on port $PEER_PORT"
[[ -d bench/peer/node_modules ]] || bounded 600 npm ci --prefix bench/peer --no-audit --no-fund --loglevel=error >/dev/null
DATABASE_URL=$PRIMARY PORT=$PEER_PORT node bench/peer/server.mjs >"$OUT/peer.log" 2>&1 &
PIDS+=($!)
PID_PEER=${PIDS[-1]}
for _ in $(seq 150); do grep -q "listening on" "$OUT/peer.log" 2>/dev/null && break; sleep 0.2; done
grep -q "listening on" "$OUT/peer.log" || { echo "the peer did not start; see $OUT/peer.log" >&2; exit 1; }
# shellcheck source=bench/peer/page.sh
source bench/peer/page.sh

CITY_OVERVIEW=$(q_overview "$CITY" true)
measure "city overview ($CITY with its counties)" city-overview "$PORT_A" "$PROVINCE_TOKEN" bench/floor/overview.sql "code=$CITY" "$CITY_OVERVIEW"
measure "province overview ($PROVINCE, all $JURISDICTIONS jurisdictions)" province-overview "$PORT_A" "$PROVINCE_TOKEN" bench/floor/overview.sql "code=$PROVINCE" "$(q_overview "$PROVINCE" true)"
measure "page of 50 institutions ($CITY with counties)" page "$PORT_A" "$PROVINCE_TOKEN" bench/floor/page.sql "code=$CITY" "$(q_page "$CITY")"
measure "county page: 50 institutions of $COUNTY with department, jurisdiction, establishment (the peer's query)" county-page "$PORT_A" "$PROVINCE_TOKEN" bench/floor/county_page.sql "code=$COUNTY" "$(q_county_page "$COUNTY")"
API_PAGE_RPS=$LAST_RPS
measure "the same page from the peer (PostGraphile 5.1 on the same database)" peer-page "$PEER_PORT" "" "" "" "$(peer_page_body "$COUNTY_ID")"
PEER_PAGE_RPS=$LAST_RPS
PEAK_PEER=$(awk '/VmHWM/ { print int($2 / 1024) }' "/proc/$PID_PEER/status")
kill "$PID_PEER" 2>/dev/null || true
# Findings and the public page are answered from memory (findings after one check of the
# subtree's totals versions, the portal's repeats with no statement at all): no hand-written
# SQL computes the same answer faster, so they have no floor (a floor slower than the API is
# not a floor).
measure "findings ($CITY with its counties)" findings "$PORT_A" "$PROVINCE_TOKEN" "" "" "$(q_findings "$CITY")"
measure "one institution's full record" record "$PORT_A" "$PROVINCE_TOKEN" bench/floor/record.sql "id=$RECORD_ID" "$(q_record "$RECORD_ID")"
# The API keeps the jurisdiction tree in memory and sends the subtree's ids; so does the floor.
CITY_SUBTREE=$(sql "SELECT string_agg(j.id::text, ',') FROM jurisdiction top JOIN jurisdiction j ON j.path LIKE top.path || '%' WHERE top.code = '$CITY'")
measure "staff search (\"$SEARCH\" in $CITY with counties)" staff-search "$PORT_A" "$PROVINCE_TOKEN" bench/floor/staff_search.sql "ids=$CITY_SUBTREE search=$SEARCH" "$(q_staff_search "$CITY" "$SEARCH")"
measure "public disclosure page (release overview + first page)" public "$PORT_A" "" "" "" \
  "$(q_public_release "$CITY")" "$(q_public_list "$CITY" "$RELEASE_ID")"

# Hires: each request a new person (a valid, unused national ID) into a vacancy, each with its
# own staffing office's token (an office writes only its own jurisdiction's records). The
# targets list every vacant fiscal slot of the province once, shuffled; wrk's threads take
# alternate entries, so no slot is asked for twice.
sql "DROP TABLE IF EXISTS bench_hire_target;
  CREATE TABLE bench_hire_target AS
  SELECT row_number() OVER (ORDER BY md5(institution_id::text || '-' || slot)) AS k, institution_id, jurisdiction_id, code
  FROM (SELECT b.institution_id, i.jurisdiction_id, j.code,
               generate_series(1, b.approved + b.borrowed - b.frozen - b.deposited - b.occupied) AS slot
        FROM establishment_balance b JOIN institution i ON i.id = b.institution_id JOIN jurisdiction j ON j.id = i.jurisdiction_id
        WHERE i.status = 'ACTIVE' AND b.funding = 'FISCAL') t;
  ALTER TABLE bench_hire_target ADD PRIMARY KEY (k)" >/dev/null
TARGET_COUNT=$(sql "SELECT COUNT(DISTINCT institution_id) FROM bench_hire_target")
VACANT=$(sql "SELECT COUNT(*) FROM bench_hire_target")
HIRE_SCRIPT=$OUT/hire.lua
{
  echo 'local tokens = {'
  for code in $(sql "SELECT DISTINCT code FROM bench_hire_target ORDER BY code"); do
    echo "[\"$code\"] = \"$("$BIN" token --role STAFFING_OFFICE --jurisdiction "$code" --ttl 2h --subject bench)\","
  done
  echo '}'
  # A thread may start before the next one is set up: the thread count is written in.
  echo "local wrk_threads = $THREADS"
  echo 'local targets = {'
  sql "SELECT format('{ %s, \"%s\" },', institution_id, code) FROM bench_hire_target ORDER BY k"
  echo '}'
  cat <<'LUA'
local weights = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 }
local checks = { "1", "0", "X", "9", "8", "7", "6", "5", "4", "3", "2" }
local n, step = 0, 1
local region
init = function(args)
  n, step = tid - 1, wrk_threads
  math.randomseed(os.time())
  region = string.format("8%05d", math.random(0, 99999))
end
local function national_id()
  local day = os.date("!%Y%m%d", 86400 * (3650 + math.floor(n / 1000)))
  local body = region .. day .. string.format("%03d", n % 1000)
  local sum = 0
  for i = 1, 17 do sum = sum + tonumber(body:sub(i, i)) * weights[i] end
  return body .. checks[(sum % 11) + 1]
end
request = function()
  n = n + step
  local target = targets[(n % #targets) + 1]
  local headers = { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. tokens[target[2]] }
  local body = string.format(
    '{"query": "mutation($i: HireInput!) { hireStaff(input: $i) { id } }", "variables": {"i": {"institutionId": "%d", "name": "压测人员", "nationalId": "%s", "category": "PROFESSIONAL_TECHNICAL", "basis": "FISCAL", "hireDate": "2020-01-01", "ownPlan": {"recruitment": "OPEN_EXAM", "posts": "压测岗位", "documentNo": "张编办〔2026〕1号"}}}}',
    target[1], national_id())
  return wrk.format("POST", "/graphql", headers, body)
end
LUA
  echo "$ERROR_COUNTER"
} >"$HIRE_SCRIPT"
say "hire mutation (into $VACANT vacant fiscal slots of $TARGET_COUNT institutions)"
read -r rps p50 p99 errors per <<<"$(run_wrk hire "$PORT_A" "$HIRE_SCRIPT")"
read -r count f50 f99 <<<"$(run_floor hire bench/floor/hire.sql "targets=$VACANT")"
if [[ $rps == - ]]; then
  ROWS+=("| hire mutation | timed out | - | - | - | - | $((count / DURATION)) | $f50 | - |")
else
  ROWS+=("| hire mutation (a person into a vacancy, with movement, audit rows and the jurisdiction's totals) | $rps | $p50 | $p99 | $errors | $per | $((count / DURATION)) | $f50 | $(python3 -c "print(f'{$p50 / max($f50, 0.001):.2f}x')") |")
fi
# Sessions left inside a transaction by the hires (none, unless a request was cut off mid-way).
IDLE_IN_TX=$(sql "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = '$DB' AND state LIKE 'idle in transaction%'")
# The floor's people are not real: take them off again, and their slots back.
sql "UPDATE establishment_balance b SET occupied = b.occupied - n.n FROM (SELECT institution_id, COUNT(*) AS n FROM staff
       WHERE name = 'pgbench' GROUP BY institution_id) n WHERE b.institution_id = n.institution_id AND b.funding = 'FISCAL';
     DELETE FROM staff_movement WHERE actor = 'pgbench'; DELETE FROM audit_log WHERE actor = 'pgbench';
     DELETE FROM staff WHERE name = 'pgbench'; DROP TABLE bench_hire_target" >/dev/null
# The floor wrote around the API: its jurisdictions' totals are marked; store their recount.
DATABASE_URL=$PRIMARY bounded 600 "$BIN" migrate >/dev/null

# --- import --------------------------------------------------------------------------------
IMPORT_DB=${DB}_import
say "importing $IMPORT_PEOPLE people into $IMPORT_DB"
dropdb -h "$PG_HOST" -p "$PG_PORT" -U postgres --if-exists "$IMPORT_DB"
createdb -h "$PG_HOST" -p "$PG_PORT" -U postgres "$IMPORT_DB"
# A small synthetic city (no control ceiling) to import into.
DATABASE_URL=$SERVER/$IMPORT_DB bounded 600 "$BIN" seed --synthetic --cities 1 --counties-per-city 0 --scale 0.2 >/dev/null
python3 bench/import_files.py "$OUT" "$IMPORT_PEOPLE"
DATABASE_URL=$SERVER/$IMPORT_DB bounded 600 "$BIN" import institutions "$OUT/import-institutions.csv" >/dev/null
DATABASE_URL=$SERVER/$IMPORT_DB bounded 600 /usr/bin/time -f "%e %M" -o "$OUT/import.time" \
  "$BIN" import staff "$OUT/import-staff.csv" >"$OUT/import.log"
read -r IMPORT_SECONDS IMPORT_KB <"$OUT/import.time"
IMPORTED=$(psql -X -tA "$SERVER/$IMPORT_DB" -c "SELECT COUNT(*) FROM staff WHERE name LIKE '导入%'")

# --- official outputs ------------------------------------------------------------------------
say "documents and the province's signed release"
bounded 600 bench/documents.sh "$BIN" "$PRIMARY" "http://127.0.0.1:$PORT_A" >"$OUT/documents.md"
say "payroll reconciliation and the staffing norms' sector view"
bounded 900 bench/reconciliation.sh "$BIN" "$PRIMARY" "http://127.0.0.1:$PORT_A" >"$OUT/reconciliation.md"

# --- replica and a second instance ---------------------------------------------------------
say "starting a streaming replica on port $REPLICA_PORT"
HBA=$(psql -X -tA "$SERVER/postgres" -c "SHOW hba_file")
if ! grep -Eq '^host\s+replication\s+all\s+127.0.0.1/32' "$HBA"; then
  echo "host replication all 127.0.0.1/32 trust" >>"$HBA"
  psql -X -q "$SERVER/postgres" -c "SELECT pg_reload_conf()" >/dev/null
fi
REPLICA_DIR=$(mktemp -d /tmp/bench-replica.XXXXXX)
chown postgres: "$REPLICA_DIR"
chmod 700 "$REPLICA_DIR"
bounded 900 runuser -u postgres -- pg_basebackup -h "$PG_HOST" -p "$PG_PORT" -U postgres -D "$REPLICA_DIR" -R -X stream -c fast
# Debian keeps the configuration outside the data folder: the replica gets its own, small one.
cat >"$REPLICA_DIR/postgresql.conf" <<CONF
port = $REPLICA_PORT
listen_addresses = '$PG_HOST'
unix_socket_directories = '/tmp'
hot_standby = on
hba_file = '$HBA'
ident_file = '$(psql -X -tA "$SERVER/postgres" -c "SHOW ident_file")'
CONF
chown postgres: "$REPLICA_DIR/postgresql.conf"
runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$REPLICA_DIR" -l "$REPLICA_DIR/replica.log" -w start >/dev/null
REPLICA=postgres://postgres@$PG_HOST:$REPLICA_PORT/$DB
psql -X -tA "$REPLICA" -c "SELECT pg_is_in_recovery()" | grep -q t
start_api "$PORT_B" DATABASE_READ_URL="$REPLICA"

# A write through the second instance lands on the primary and reaches the replica.
HIRED=$(post "$PORT_B" "$CITY_TOKEN" "{\"query\": \"mutation { hireStaff(input: {institutionId: \\\"$RECORD_ID\\\", name: \\\"复制检查\\\", nationalId: \\\"110101199003070011\\\", category: MANAGEMENT, basis: TEMPORARY, hireDate: \\\"2020-01-01\\\"}) { id } }\"}")
HIRED_ID=$(echo "$HIRED" | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["hireStaff"]["id"])')
LAG_MS=""
for i in $(seq 50); do
  if [[ $(psql -X -tA "$REPLICA" -c "SELECT COUNT(*) FROM staff WHERE id = $HIRED_ID") == 1 ]]; then
    LAG_MS=$((i * 20))
    break
  fi
  sleep 0.02
done
sql "DELETE FROM staff_movement WHERE staff_id = $HIRED_ID; DELETE FROM staff WHERE id = $HIRED_ID" >/dev/null
# That delete went around the API: store its jurisdiction's totals (reads would recount it).
DATABASE_URL=$PRIMARY bounded 600 "$BIN" migrate >/dev/null

say "read throughput: one instance on the primary, then two instances (one reading the replica) at once"
HALF=$((CONNECTIONS / 2))
scale_out() { # $1 name; loads both instances at once with half the connections each
  local script="$OUT/city-overview.lua"
  bounded $((DURATION + 30)) wrk -t1 -c"$HALF" -d"${DURATION}s" --latency -s "$script" "http://127.0.0.1:$PORT_A" >"$OUT/wrk-$1-a.txt" &
  local a=$!
  bounded $((DURATION + 30)) wrk -t1 -c"$HALF" -d"${DURATION}s" --latency -s "$script" "http://127.0.0.1:$PORT_B" >"$OUT/wrk-$1-b.txt" || true
  wait "$a" || true
  awk '/Requests\/sec/ { s += $2 } END { printf "%.0f", s }' "$OUT/wrk-$1-a.txt" "$OUT/wrk-$1-b.txt"
}
read -r ONE _ <<<"$(run_wrk city-overview-one "$PORT_A" "$OUT/city-overview.lua")"
TWO=$(scale_out city-overview-two)
REPLICA_READS=$(psql -X -tA "$REPLICA" -c "SELECT SUM(xact_commit) FROM pg_stat_database WHERE datname = '$DB'")

PEAK_A=$(awk '/VmHWM/ { print int($2 / 1024) }' "/proc/$PID_A/status")
ratio() { python3 -c "import sys; a, b = map(float, sys.argv[1:]); print(f'{a / b:.2f}x' if b else '-')" "$1" "$2"; }

# --- report --------------------------------------------------------------------------------
{
  echo "Run: $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem/ { print $2 }') GiB;"
  echo "$($PG_BIN/postgres --version); wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s; pgbench -c$CONNECTIONS -j$THREADS -T$DURATION."
  echo "Connections to the database: PGSSLMODE=$PGSSLMODE for the API, the peer and pgbench alike."
  echo "Data: $JURISDICTIONS jurisdictions, $INSTITUTIONS institutions, $PEOPLE people; autovacuum $AUTOVACUUM (vacuumed before the reads when off)."
  if [[ -f $OUT/seed.time ]]; then
    read -r seed_s seed_kb <"$OUT/seed.time"
    echo "Seeding it: ${seed_s} s wall, $((seed_kb / 1024)) MB peak RSS (last load with this OUT folder)."
  fi
  echo
  echo "| request | req/s | p50 ms | p99 ms | errors | SQL statements / request | floor tx/s | floor p50 ms | p50 / floor |"
  echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
  printf '%s\n' "${ROWS[@]}"
  echo
  echo "The page against the peer: ${API_PAGE_RPS} / ${PEER_PAGE_RPS} req/s = $(ratio "$API_PAGE_RPS" "$PEER_PAGE_RPS") (goal: 2x)."
  echo "Province overview p50 against a record's: ${P50[province-overview]} / ${P50[record]} ms = $(ratio "${P50[province-overview]}" "${P50[record]}") (goal: within 3x);"
  echo "every read against a record's p50: city overview $(ratio "${P50[city-overview]}" "${P50[record]}"), page $(ratio "${P50[page]}" "${P50[record]}"),"
  echo "staff search $(ratio "${P50[staff-search]}" "${P50[record]}"), findings $(ratio "${P50[findings]}" "${P50[record]}")."
  echo "Sessions idle inside a transaction right after the hires: $IDLE_IN_TX."
  echo "Peak memory of the API process over the whole run (every read, the hires, the replica's load): ${PEAK_A} MB (VmHWM); the peer's: ${PEAK_PEER} MB."
  echo "Import: $IMPORTED of $IMPORT_PEOPLE people through \`api import staff\` in ${IMPORT_SECONDS} s, $((IMPORT_KB / 1024)) MB peak RSS."
  echo
  cat "$OUT/documents.md"
  echo
  cat "$OUT/reconciliation.md"
  echo
  echo "Replica: a hire through instance B was readable on the replica after ~${LAG_MS:-?} ms;"
  echo "city overview, $CONNECTIONS connections: one instance on the primary $ONE req/s;"
  echo "two instances at once (A on the primary, B reading the replica, $HALF connections each) $TWO req/s in all;"
  echo "transactions the replica served: $REPLICA_READS."
} | tee "$RESULTS"
