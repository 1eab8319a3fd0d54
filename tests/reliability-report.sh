#!/usr/bin/env bash
# One-command reliability report: runs the reliability suite (fault matrix + bad-input corpus, the same
# tests the normal run includes) and prints what they measured:
#   cases run, faults survived, bad inputs rejected, secret checks, tokens lost (must be 0), and a recruiting
#   section (hh.ru responses into Bitrix24): each fault with its duplicates and responses lost (must be 0), and
#   sync back (moves in Bitrix24 sent to hh.ru): hh.ru actions sent twice and moves lost (must be 0).
set -euo pipefail
cd "$(dirname "$0")/.."
ledger="$(pwd)/artifacts/reliability-ledger.jsonl"
mkdir -p artifacts && rm -f "$ledger"
export HH_RELIABILITY_LEDGER="$ledger"
set +e
bash tests/run.sh --filter "FullyQualifiedName~HhFunctions.Tests.Reliability|FullyQualifiedName~SecretLeakScenarioTests|FullyQualifiedName~ApplyFaultMatrixTests" > artifacts/reliability-tests.log 2>&1
status=$?
set -e
tail -n 1 artifacts/reliability-tests.log
if [ "$status" -ne 0 ]; then
  # Say why: the failed tests (or, when the build or set-up broke, the end of the log).
  echo "reliability-report: the reliability tests failed (exit $status); full log: artifacts/reliability-tests.log" >&2
  if grep -qE '^\s*Failed ' artifacts/reliability-tests.log; then
    grep -E -A 8 '^\s*Failed ' artifacts/reliability-tests.log | head -n 80 >&2
  else
    tail -n 40 artifacts/reliability-tests.log >&2
  fi
fi
[ -s "$ledger" ] || { echo "reliability-report: no reliability case reported anything; last lines of artifacts/reliability-tests.log:" >&2; tail -n 40 artifacts/reliability-tests.log >&2; exit 1; }
python3 - "$ledger" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
faults = [r for r in rows if r["kind"] == "Fault"]
bad = [r for r in rows if r["kind"] == "BadInput"]
secret = [r for r in rows if r["kind"] == "Secrets"]
apply = [r for r in rows if r["kind"] == "Apply"]
import re
def figure(r, key):
    m = re.search(key + r" (\d+)", r["detail"])
    return int(m.group(1)) if m else 0
lost = sum(r["tokensLost"] for r in rows)
print()
print("Reliability report")
print(f"  cases run             {len(rows)}")
print(f"  faults survived       {sum(r['survived'] for r in faults)} / {len(faults)}")
print(f"  bad inputs rejected   {sum(r['survived'] for r in bad)} / {len(bad)}")
print(f"  secret checks clean   {sum(r['survived'] for r in secret)} / {len(secret)}")
print(f"  tokens lost           {lost}")
print(f"  apply faults tried    {len(apply)}")
print(f"  applications sent twice {sum(figure(r, 'sent twice') for r in apply)}")
print(f"  applications lost     {sum(figure(r, 'lost') for r in apply)}")
recruiting = [r for r in rows if r["kind"] == "Recruiting"]
webhook = [r for r in bad if r["name"].startswith("hh webhook:")]
clean = [r for r in secret if r["name"].startswith("recruiting logs:")]
print()
print("Recruiting (hh.ru responses into Bitrix24)")
print(f"  faults tried          {len(recruiting)}")
print(f"  duplicates            {sum(figure(r, 'duplicates') for r in recruiting)}")
print(f"  responses lost        {sum(figure(r, 'lost') for r in recruiting)}")
syncback = [r for r in rows if r["kind"] == "SyncBack"]
print(f"  hh.ru actions sent twice {sum(figure(r, 'sent twice') for r in syncback)} (sync back: {len(syncback)} faults; redeliveries, retries, lost answers, two instances)")
print(f"  moves lost            {sum(figure(r, 'lost') for r in syncback)}")
invites = [r for r in rows if r["kind"] == "Invitation"]
print(f"  invitations sent twice {sum(figure(r, 'sent twice') for r in invites)} (invite by link: {len(invites)} faults; repeated commands, lost answers, two instances)")
print(f"  invitations lost      {sum(figure(r, 'lost') for r in invites)}")
print(f"  webhook bad inputs    {sum(r['survived'] for r in webhook)} / {len(webhook)} rejected")
print(f"  logs clean            {sum(r['survived'] for r in clean)} / {len(clean)} (no secret, no candidate data in logs, messages, pages)")
print("  per fault (rounds: fake minutes until every response was in the CRM; a reconcile run every 5th):")
width = max([len(r["name"]) for r in recruiting] + [0]) - len("recruiting: ")
for r in sorted(recruiting, key=lambda r: r["name"]):
    print(f"    {r['name'][len('recruiting: '):]:<{width}}  duplicates {figure(r, 'duplicates')}, lost {figure(r, 'lost')}, written {figure(r, 'written')} of {figure(r, 'responses')}, rounds {figure(r, 'rounds')}")
if syncback:
    print("  sync back per fault (moves in Bitrix24 that hh.ru must perform once):")
    width = max(len(r["name"]) for r in syncback) - len("sync back: ")
    for r in sorted(syncback, key=lambda r: r["name"]):
        print(f"    {r['name'][len('sync back: '):]:<{width}}  sent twice {figure(r, 'sent twice')}, lost {figure(r, 'lost')}, performed {figure(r, 'performed')} of {figure(r, 'moves')}, hh.ru action calls {figure(r, 'hh.ru action calls')}")
for r in rows:
    if not r["survived"] or r["tokensLost"]:
        print(f"  FAILED: [{r['kind']}] {r['name']}: {r['detail']}")
sys.exit(0 if lost == 0 and all(r["survived"] for r in rows) else 1)
PY
exit "$status"
