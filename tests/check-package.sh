#!/usr/bin/env bash
# Publishes the Functions app exactly as it is deployed (framework-dependent isolated worker) and checks the
# layout the Functions host expects:
#   artifacts/functions/  host.json, functions.metadata, worker.config.json, extensions.json, HhFunctions.Functions.dll
#   artifacts/hhfunctions.zip  the same folder zipped, ready for zip deploy.
set -euo pipefail
cd "$(dirname "$0")/.."
out=artifacts/functions
rm -rf "$out" artifacts/hhfunctions.zip
dotnet publish src/HhFunctions.Functions/HhFunctions.Functions.csproj -c Release -o "$out" --nologo -v quiet

fail() { echo "[package] ERROR: $*" >&2; exit 1; }
for f in host.json functions.metadata worker.config.json extensions.json HhFunctions.Functions.dll HhFunctions.Core.dll; do
  [ -f "$out/$f" ] || fail "$f is not in the package"
done
python3 - "$out" <<'PY' || fail "the package's host files disagree"
import json, sys, os
out = sys.argv[1]
host = json.load(open(os.path.join(out, "host.json")))
assert "customHandler" not in host, "host.json still has a customHandler section"
worker = json.load(open(os.path.join(out, "worker.config.json")))
assert worker["description"]["language"] == "dotnet-isolated", worker
functions = {f["name"] for f in json.load(open(os.path.join(out, "functions.metadata")))}
expected = {"BumpResumes", "BumpOnDemand", "ResumeDue", "WatchVacancies", "Vacancies", "VacanciesCsv", "VacanciesJson", "OAuthStart", "OAuthLink", "OAuthCallback", "Status", "TelegramWebhook"}
assert expected <= functions, f"functions.metadata lacks {sorted(expected - functions)}"
print(f"[package] functions: {', '.join(sorted(functions))}")
PY
[ ! -e "$out/libcoreclr.so" ] || fail "the package is self-contained; the isolated worker runs framework-dependent"
(cd "$out" && python3 -m zipfile -c ../hhfunctions.zip .)
echo "[package] ok: isolated worker, framework-dependent, $(du -h artifacts/hhfunctions.zip | cut -f1) zip at artifacts/hhfunctions.zip"
