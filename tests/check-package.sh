#!/usr/bin/env bash
# Publishes the custom-handler package exactly as it is deployed and checks its layout:
#   artifacts/package/  host.json, HhFunctions (self-contained linux-x64 executable), <Function>/function.json
#   artifacts/hhfunctions.zip  the same folder zipped, ready for zip deploy.
set -euo pipefail
cd "$(dirname "$0")/.."
out=artifacts/package
rm -rf "$out" artifacts/hhfunctions.zip
dotnet publish src/HhFunctions/HhFunctions.csproj -c Release -r linux-x64 --self-contained true -o "$out" -p:UseAppHost=true --nologo -v quiet

fail() { echo "[package] ERROR: $*" >&2; exit 1; }
[ -f "$out/host.json" ] || fail "host.json is not at the package root"
[ -x "$out/HhFunctions" ] || fail "the executable HhFunctions is missing or not executable"
head -c 4 "$out/HhFunctions" | grep -q $'\x7fELF' || fail "HhFunctions is not a Linux ELF executable"
exe=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["customHandler"]["description"]["defaultExecutablePath"])' "$out/host.json")
[ "$exe" = "HhFunctions" ] || fail "host.json points at '$exe', not the published executable"
[ -f "$out/libcoreclr.so" ] || fail "the package is not self-contained (libcoreclr.so missing)"
count=0
for dir in src/HhFunctions/functions/*/; do
  name=$(basename "$dir")
  [ -f "$out/$name/function.json" ] || fail "$name/function.json is not in the package"
  count=$((count + 1))
done
[ "$count" -gt 0 ] || fail "no function folders found"
(cd "$out" && python3 -m zipfile -c ../hhfunctions.zip .)
echo "[package] ok: $count functions, self-contained executable, $(du -h artifacts/hhfunctions.zip | cut -f1) zip at artifacts/hhfunctions.zip"
