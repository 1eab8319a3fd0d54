#!/usr/bin/env bash
# Smoke test of HhFunctions running in a real Azure Functions host (`func start`), with hh.ru and Telegram
# pointed at tests/HhFunctions.FakeServer. Run by the `functions-host` job of .github/workflows/functions-host.yml
# (called by ci.yml and deploy.yml), which starts Azurite, the fake server and the host first (see docs/deploy.md,
# "Where the real-host test runs").
# It cannot run in .ci/run: Azure Functions Core Tools cannot be installed there.
#
#   HOST_URL=http://127.0.0.1:7071 FAKE_URL=http://127.0.0.1:5080 HOST_LOG=func.log bash tests/functions-host-smoke.sh
#
# Environment (all optional):
#   HOST_URL        the Functions host                          (default http://127.0.0.1:7071)
#   FAKE_URL        the fake hh.ru + Telegram server             (default http://127.0.0.1:5080)
#   HOST_LOG        host output file, printed when a check fails
#   FAKE_LOG        fake server output file, printed when a check fails
#   HOST_PID        the host's process id: stop waiting at once if it exits
#   HOST_DIR        the folder the host runs in (its host.json is looked at when functions are missing)
#   START_TIMEOUT   seconds to wait for the host to start        (default 180)
#   RUN_TIMEOUT     seconds to wait for the run to be recorded   (default 120)
#   EXPECTED_FUNCTIONS  functions the host must have indexed
#   TELEGRAM_WEBHOOK_SECRET, TELEGRAM_CHAT_ID: as given to the host (default: the FakeTelegramApi test values)
#
# The app must run with App__PublicBaseUrl=$HOST_URL, HeadHunter__OAuthBaseUrl/ApiBaseUrl and
# Telegram__ApiBaseUrl=$FAKE_URL and the fakes' client id/secret and bot token (the workflow sets them).
#
# Checks, in order; the first failure stops the script with a message saying what was expected and what came
# back, followed by the host's and the fake's logs:
#   1. the fake server answers; the host reaches state Running and has indexed the expected functions;
#   2. GET /api/status with Accept: application/json answers 200 JSON with a `runs` array (and the HTML page);
#   3. GET /api/oauth/start redirects to $FAKE_URL/oauth/authorize (the OAuthBaseUrl) with code flow parameters;
#   4. following that redirect (the fake approves at once) to /api/oauth/callback connects the account;
#   5. POST /api/telegram/webhook: 401 without the secret header; 200 with it, and a /status command is answered;
#   6. POST /admin/functions/BumpResumes {"input":""} (the host's admin API; no key locally) answers 202;
#   7. GET /api/status (JSON) then lists a new run (from the timer function), and the fake saw both resumes raised.
# Values that must stay private (OAuth code and state, setup links, the webhook secret) are never printed.
set -euo pipefail

HOST_URL=${HOST_URL:-http://127.0.0.1:7071}
FAKE_URL=${FAKE_URL:-http://127.0.0.1:5080}
HOST_URL=${HOST_URL%/}
FAKE_URL=${FAKE_URL%/}
HOST_LOG=${HOST_LOG:-}
FAKE_LOG=${FAKE_LOG:-}
HOST_PID=${HOST_PID:-}
START_TIMEOUT=${START_TIMEOUT:-180}
RUN_TIMEOUT=${RUN_TIMEOUT:-120}
EXPECTED_FUNCTIONS=${EXPECTED_FUNCTIONS:-BumpResumes BumpOnDemand ResumeDue WatchVacancies OAuthStart OAuthLink OAuthCallback Status TelegramWebhook Vacancies VacanciesCsv VacanciesJson Applications ApplicationsCsv ApplicationsJson TrackApplications HhWebhook RecruitingEvents RecruitingWrites ReconcileResponses BitrixEvents CrmStageEvents RecruitingInvite RecruitingSummary RecruitingDesk RecruitingCsv RecruitingJson}
WEBHOOK_SECRET=${TELEGRAM_WEBHOOK_SECRET:-fake-webhook-secret_DO-NOT-LOG_0123456789}
CHAT_ID=${TELEGRAM_CHAT_ID:-424242}

command -v curl >/dev/null || { echo "functions-host smoke: curl is not installed" >&2; exit 2; }
command -v node >/dev/null || { echo "functions-host smoke: node is not installed (used to read JSON)" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0

# Hides one-time values in anything printed: OAuth code/state, setup-link tokens, function keys.
redact() {
  sed -E 's/\b((code|state|t|sig)=)[^&"<>[:space:]]+/\1***/g'
}

show_logs() {
  local name file
  for name in HOST_LOG FAKE_LOG; do
    file=${!name}
    if [[ -n "$file" && -f "$file" ]]; then
      echo "----- last 150 lines of $name ($file) -----"
      tail -n 150 "$file" | redact
      echo "----- end of $name -----"
    fi
  done
}

fail() {
  echo "FAIL: $*" >&2
  if [[ -s "$work/body" ]]; then
    echo "----- last response body (first 2000 bytes) -----" >&2
    head -c 2000 "$work/body" | redact >&2
    echo >&2
  fi
  show_logs >&2
  echo "functions-host smoke: FAILED after $passed passed checks" >&2
  exit 1
}

pass() {
  passed=$((passed + 1))
  echo "ok  $*"
}

# request METHOD URL [curl options...]: sets $status, body in $work/body, headers in $work/headers.
request() {
  local method=$1 url=$2
  shift 2
  : >"$work/body"
  : >"$work/headers"
  status=$(curl --silent --show-error --max-time 30 --request "$method" --output "$work/body" \
    --dump-header "$work/headers" --write-out '%{http_code}' "$@" "$url" 2>"$work/curl.err") || true
  [[ -n "$status" ]] || status=000
}

# header NAME: the last value of a response header (the last response's, if curl saw several).
header() {
  grep -i "^$1:" "$work/headers" | tail -n 1 | sed -E 's/^[^:]+:[[:space:]]*//' | tr -d '\r'
}

# json EXPRESSION [FILE]: evaluates a JavaScript expression over the parsed JSON (as j); prints the result.
json() {
  node -e '
    const fs = require("fs");
    let j;
    try { j = JSON.parse(fs.readFileSync(process.argv[2], "utf8")); } catch (e) { console.error("not JSON: " + e.message); process.exit(3); }
    const key = (o, name) => o && typeof o === "object" ? Object.keys(o).find(k => k.toLowerCase() === name.toLowerCase()) : undefined;
    const get = (o, name) => { const k = key(o, name); return k === undefined ? undefined : o[k]; };
    const r = eval(process.argv[1]);
    console.log(typeof r === "string" ? r : JSON.stringify(r));
  ' "$1" "${2:-$work/body}"
}

without_query() {
  printf '%s' "${1%%\?*}"
}

host_alive() {
  [[ -z "$HOST_PID" ]] || kill -0 "$HOST_PID" 2>/dev/null
}

echo "functions-host smoke: host $HOST_URL, fakes $FAKE_URL"

# ---- 1. the fake, the host, the indexed functions ----
request GET "$FAKE_URL/_fake/health"
[[ "$status" == 200 ]] || fail "the fake server does not answer GET $FAKE_URL/_fake/health (HTTP $status: $(cat "$work/curl.err"))"
pass "fake hh.ru + Telegram answer at $FAKE_URL"

deadline=$((SECONDS + START_TIMEOUT))
state=""
while :; do
  host_alive || fail "the Functions host (pid $HOST_PID) exited while starting"
  request GET "$HOST_URL/admin/host/status"
  if [[ "$status" == 200 ]]; then
    new_state=$(json 'get(j, "state") ?? "unknown"' 2>/dev/null || echo unknown)
    if [[ "$new_state" != "$state" ]]; then
      echo "    host state: $new_state"
      state=$new_state
    fi
    if [[ "$state" == Running ]]; then
      request GET "$HOST_URL/api/status" -H 'Accept: application/json'
      [[ "$status" == 200 ]] && break
    fi
  fi
  ((SECONDS < deadline)) || fail "the Functions host did not reach state Running with /api/status answering 200 within ${START_TIMEOUT}s (host state '${state:-no answer}', last HTTP $status)"
  sleep 2
done
pass "the Functions host is Running (GET /admin/host/status)"

request GET "$HOST_URL/admin/functions"
[[ "$status" == 200 ]] || fail "GET /admin/functions answered HTTP $status, expected 200 with the indexed functions"
indexed=$(json 'Array.isArray(j) ? j.map(f => get(f, "name")).sort().join(" ") : "(not a list)"')
echo "    indexed functions: ${indexed:-none}"
for name in $EXPECTED_FUNCTIONS; do
  if ! tr ' ' '\n' <<<"$indexed" | grep -qx "$name"; then
    hint=""
    if grep -q '"extensionBundle"' "${HOST_DIR:-.}/host.json" 2>/dev/null; then
      hint=" (host.json configures an extensionBundle: an isolated worker app must not, the host may then load no functions)"
    fi
    fail "the host did not index the function $name$hint"
  fi
done
pass "the host indexed: $EXPECTED_FUNCTIONS"

# ---- 2. status page ----
request GET "$HOST_URL/api/status" -H 'Accept: application/json'
[[ "$status" == 200 ]] || fail "GET /api/status (Accept: application/json) answered HTTP $status, expected 200"
content_type=$(header Content-Type)
[[ "$content_type" == *application/json* ]] || fail "GET /api/status (Accept: application/json) answered Content-Type '$content_type', expected application/json"
runs_before=$(json 'Array.isArray(get(j, "runs")) ? get(j, "runs").length : "missing"') \
  || fail "GET /api/status (Accept: application/json) did not answer valid JSON"
[[ "$runs_before" =~ ^[0-9]+$ ]] || fail "the status JSON has no 'runs' array (top-level keys: $(json 'Object.keys(j).join(", ")'))"
json '(get(j, "runs") || []).map(r => get(r, "id")).filter(x => x)' >"$work/runs-before.json"
pass "GET /api/status answers JSON ($content_type) with $runs_before runs"

request GET "$HOST_URL/api/status" -H 'Accept: text/html'
[[ "$status" == 200 ]] || fail "GET /api/status (Accept: text/html) answered HTTP $status, expected 200"
[[ "$(header Content-Type)" == *text/html* ]] || fail "GET /api/status (Accept: text/html) answered Content-Type '$(header Content-Type)', expected text/html"
grep -q '<h1>HhFunctions</h1>' "$work/body" || fail "the status page has no <h1>HhFunctions</h1>"
pass "GET /api/status answers the HTML status page"

# ---- 3. OAuth start ----
request GET "$HOST_URL/api/oauth/start"
location=$(header Location)
[[ "$status" =~ ^30[1278]$ ]] || fail "GET /api/oauth/start answered HTTP $status, expected a redirect (302)"
[[ "$location" == "$FAKE_URL/oauth/authorize"* ]] \
  || fail "GET /api/oauth/start redirects to '$(without_query "$location")', expected $FAKE_URL/oauth/authorize (HeadHunter__OAuthBaseUrl)"
for parameter in response_type=code client_id= state= redirect_uri=; do
  [[ "$location" == *[?\&]"$parameter"* ]] || fail "the authorize URL lacks the parameter ${parameter%=}"
done
pass "GET /api/oauth/start redirects (HTTP $status) to $(without_query "$location") with response_type, client_id, state, redirect_uri"

# ---- 4. connect: the fake approves at once and sends the browser back to the callback ----
request GET "$location"
callback=$(header Location)
[[ "$status" == 302 ]] || fail "the fake's authorize page answered HTTP $status, expected 302 back to the app"
[[ "$callback" == "$HOST_URL/api/oauth/callback?"* ]] \
  || fail "the app's redirect_uri is '$(without_query "$callback")', expected $HOST_URL/api/oauth/callback (is App__PublicBaseUrl $HOST_URL?)"
request GET "$callback"
[[ "$status" == 200 ]] || fail "GET /api/oauth/callback answered HTTP $status, expected 200 (the code exchange at the fake's POST /token)"
grep -q 'Connected to hh.ru' "$work/body" || fail "the callback page does not say 'Connected to hh.ru'"
pass "GET /api/oauth/callback exchanged the code and connected the account"

# ---- 5. Telegram webhook ----
# A fresh update id each run: the app ignores an update id it has already handled.
update=$(printf '{"update_id":%s,"message":{"message_id":1,"date":1772438430,"chat":{"id":%s,"type":"private"},"from":{"id":%s,"is_bot":false,"first_name":"Smoke"},"text":"/status","entities":[{"offset":0,"length":7,"type":"bot_command"}]}}' "$(date +%s)" "$CHAT_ID" "$CHAT_ID")
request POST "$HOST_URL/api/telegram/webhook" -H 'Content-Type: application/json' --data "$update"
[[ "$status" == 401 ]] || fail "POST /api/telegram/webhook without the secret header answered HTTP $status, expected 401"
request GET "$FAKE_URL/_fake/state"
messages_before=$(json 'j.telegram.messagesSent')
request POST "$HOST_URL/api/telegram/webhook" -H 'Content-Type: application/json' \
  -H @<(printf 'X-Telegram-Bot-Api-Secret-Token: %s\n' "$WEBHOOK_SECRET") --data "$update"
[[ "$status" == 200 ]] || fail "POST /api/telegram/webhook with the secret header answered HTTP $status, expected 200"
deadline=$((SECONDS + 30))
while :; do
  request GET "$FAKE_URL/_fake/state"
  messages=$(json 'j.telegram.messagesSent')
  ((messages > messages_before)) && break
  ((SECONDS < deadline)) || fail "the /status command sent through the webhook got no answer in Telegram (fake sendMessage count stayed $messages_before for 30s)"
  sleep 1
done
pass "POST /api/telegram/webhook: 401 without the secret; with it, /status was answered through Telegram"

# ---- 6. run the timer function through the host's admin API ----
request POST "$HOST_URL/admin/functions/BumpResumes" -H 'Content-Type: application/json' --data '{"input":""}'
[[ "$status" == 202 ]] || fail "POST /admin/functions/BumpResumes answered HTTP $status, expected 202 Accepted"
pass "POST /admin/functions/BumpResumes was accepted (202)"

# ---- 7. the run shows in the status JSON, and hh.ru saw the raises ----
deadline=$((SECONDS + RUN_TIMEOUT))
while :; do
  host_alive || fail "the Functions host (pid $HOST_PID) exited while the run was expected"
  request GET "$HOST_URL/api/status" -H 'Accept: application/json'
  if [[ "$status" == 200 ]]; then
    cp "$work/body" "$work/status.json"
    new_run=$(json "
      const before = new Set(JSON.parse(require('fs').readFileSync('$work/runs-before.json', 'utf8')));
      const runs = get(j, 'runs') || [];
      const fresh = runs.filter(r => !before.has(get(r, 'id')));
      fresh.length === 0 ? '' : JSON.stringify(fresh[0])" 2>/dev/null || true)
    [[ -n "$new_run" ]] && break
  fi
  ((SECONDS < deadline)) || fail "no new run appeared in GET /api/status (JSON 'runs') within ${RUN_TIMEOUT}s of invoking BumpResumes (last HTTP $status)"
  sleep 2
done
printf '%s' "$new_run" >"$work/run.json"
trigger=$(json 'get(j, "trigger") ?? ""' "$work/run.json")
run_status=$(json 'get(j, "status") ?? ""' "$work/run.json")
summary=$(json 'get(j, "summary") ?? ""' "$work/run.json" | redact)
echo "    new run: trigger '$trigger', status '$run_status', summary: $summary"
shopt -s nocasematch
[[ "$trigger" == *timer* ]] || echo "::warning::the new run's trigger is '$trigger'; expected it to name the timer"
shopt -u nocasematch
pass "GET /api/status lists the new run"

request GET "$FAKE_URL/_fake/state"
unraised=$(json 'j.hh.resumes.filter(r => r.raises < 1).map(r => r.id).join(" ")')
raises=$(json 'j.hh.resumes.map(r => r.id + ": " + r.raises).join(", ")')
[[ -z "$unraised" ]] || fail "the run did not raise every seeded resume at the fake hh.ru (raises: $raises; run status '$run_status': $summary)"
pass "the fake hh.ru saw every resume raised ($raises)"

echo "functions-host smoke: all $passed checks passed"
