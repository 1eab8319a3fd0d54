#!/usr/bin/env bash
# Start-up time of the standalone host against a bare ASP.NET Core app answering one route: process start to
# the first 200 on /api/status, median of N runs each, alternating the two apps. Both are published the same
# way (Release, ReadyToRun unless R2R=0). Usage: bash tests/startup-bench.sh [runs]   (not part of .ci/run)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-15}
out=artifacts/startup-bench
r2r=${R2R:-1}
rm -rf "$out" && mkdir -p "$out"
# A clean RID-specific build first: an incremental one can hand the ReadyToRun step stale intermediates.
publish() {
  dotnet build "$1" -c Release -r linux-x64 --self-contained false --no-incremental -v q -nologo >/dev/null
  dotnet publish "$1" -c Release -o "$out/$2" -r linux-x64 --self-contained false --no-build \
    -p:PublishReadyToRun=$([ "$r2r" = 1 ] && echo true || echo false) -v q -nologo >/dev/null
}
publish src/HhFunctions.Standalone standalone
publish tests/StartupBench.Bare bare

# time_one DLL PORT: milliseconds from process start to the first HTTP 200 on /api/status.
time_one() {
  local dll=$1 port=$2 data
  data=$(mktemp -d)
  local start end pid
  start=$(date +%s%N)
  # Each app runs from its own publish folder (its content root), as an installed app does: from the repository
  # root, the configuration file watcher would cost both apps time in proportion to the checkout's size.
  (cd "$(dirname "$dll")" && ASPNETCORE_URLS="http://127.0.0.1:$port" Data__Path="$data" Bump__StandaloneScheduler=false \
    Telegram__Polling=false exec dotnet "$(basename "$dll")" >"$data/out.log" 2>&1) &
  pid=$!
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/api/status" 2>/dev/null)" = 200 ]; do
    kill -0 "$pid" 2>/dev/null || { echo "$dll exited early:" >&2; cat "$data/out.log" >&2; exit 1; }
    sleep 0.01
  done
  end=$(date +%s%N)
  kill "$pid"; wait "$pid" 2>/dev/null || true
  rm -rf "$data"
  echo $(( (end - start) / 1000000 ))
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

: >"$out/bare.txt"; : >"$out/standalone.txt"
for i in $(seq 1 "$runs"); do
  time_one "$PWD/$out/bare/StartupBench.Bare.dll" 7301 >>"$out/bare.txt"
  time_one "$PWD/$out/standalone/HhFunctions.Standalone.dll" 7302 >>"$out/standalone.txt"
done
bare=$(median <"$out/bare.txt"); standalone=$(median <"$out/standalone.txt")
echo "bare ASP.NET Core app:  median ${bare} ms  (runs: $(tr '\n' ' ' <"$out/bare.txt"))"
echo "standalone host:        median ${standalone} ms  (runs: $(tr '\n' ' ' <"$out/standalone.txt"))"
awk -v s="$standalone" -v b="$bare" 'BEGIN {printf "ratio standalone/bare: %.2f (target <= 1.30)\n", s/b}'
