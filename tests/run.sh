#!/usr/bin/env bash
# Runs every test of the solution, with the real parts they need:
#   - npm tools from package-lock.json (Azurite),
#   - Azurite's Table (127.0.0.1:10002) and Queue (127.0.0.1:10001) services, in memory; each reused if
#     something already listens on its port,
#   - a throw-away PostgreSQL server (tests/postgres.sh: Debian's postgresql, a temporary folder, a free loopback
#     port) exported as HH_TEST_POSTGRES, unless HH_TEST_POSTGRES is already set; stopped on exit,
#   - Debian's headless Chromium for the browser tests (tests/install-browser.sh, only if missing),
#   - dotnet test over HhFunctions.sln (unit, app and Azurite-backed tests).
# Ends with a plain "N passed, N failed" line. Exit code: non-zero on any failure or set-up problem.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
results="$root/artifacts/test-results"
rm -rf "$results" && mkdir -p "$results"

log() { printf '[tests] %s\n' "$*"; }
die() { printf '[tests] ERROR: %s\n' "$*" >&2; exit 1; }

if [ ! -x node_modules/.bin/azurite-table ] || [ ! -x node_modules/.bin/azurite-queue ]; then
  log "installing npm tools (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error || die "npm ci failed"
fi

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pids=()
source tests/postgres.sh
cleanup() {
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  postgres_stop
}
trap cleanup EXIT

# start_azurite SERVICE PORT: Azurite's SERVICE (table|queue) on 127.0.0.1:PORT, in memory.
start_azurite() {
  local service=$1 port=$2
  if port_open "$port"; then
    log "reusing the Azurite $service endpoint already listening on 127.0.0.1:$port"
    return
  fi
  log "starting Azurite $service service on 127.0.0.1:$port"
  "node_modules/.bin/azurite-$service" "--${service}Host" 127.0.0.1 "--${service}Port" "$port" --inMemoryPersistence \
    --skipApiVersionCheck --disableTelemetry >"$results/azurite-$service.log" 2>&1 &
  local pid=$!
  pids+=("$pid")
  for _ in $(seq 1 100); do
    port_open "$port" && return
    kill -0 "$pid" 2>/dev/null || die "Azurite $service exited at start; see $results/azurite-$service.log"
    sleep 0.2
  done
  die "Azurite $service did not start listening on $port within 20 s; see $results/azurite-$service.log"
}

if [ -z "${HH_TEST_TABLES:-}" ]; then
  start_azurite table 10002
  export HH_TEST_TABLES="UseDevelopmentStorage=true"
fi
if [ -z "${HH_TEST_QUEUES:-}" ]; then
  start_azurite queue 10001
  export HH_TEST_QUEUES="UseDevelopmentStorage=true"
fi

if [ -z "${HH_TEST_POSTGRES:-}" ]; then
  postgres_start || die "PostgreSQL could not be started (tests/postgres.sh)"
fi

bash tests/install-browser.sh || die "tests/install-browser.sh could not install /usr/bin/chromium"

log "dotnet test"
set +e
dotnet test HhFunctions.sln -c Release --logger "console;verbosity=normal" --logger "trx;LogFilePrefix=results" \
  --results-directory "$results" "$@" 2>&1 | tee "$results/dotnet-test.log"
status=${PIPESTATUS[0]}
set -e

# Sum the counters of every test assembly's TRX report.
read -r passed failed skipped < <(cat "$results"/*.trx 2>/dev/null | grep -o '<Counters [^>]*>' \
  | sed -E 's/.*passed="([0-9]+)".*failed="([0-9]+)".*notExecuted="([0-9]+)".*/\1 \2 \3/' \
  | awk '{p+=$1; f+=$2; s+=$3} END {print p+0, f+0, s+0}')
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1 # the build or the runner failed before any test result
fi
# The failures again, last: a long run's log is often read from its end (CI shows only its tail).
if grep -qE '^  Failed ' "$results/dotnet-test.log"; then
  echo
  echo "[tests] failed tests (each with the first lines of its message; the whole log: $results/dotnet-test.log):"
  awk '/^  Failed /{on=1; n=0; f++; if (f > 20) exit} /^  (Passed|Skipped) |^\[xUnit|^Test Run|^Total tests/{on=0} on && n++ < 25' \
    "$results/dotnet-test.log"
fi
echo "tests: $passed passed, $failed failed, $skipped skipped"
exit "$status"
