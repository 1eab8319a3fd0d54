#!/usr/bin/env bash
# Start-up time of the standalone host against a bare ASP.NET Core app answering one route: process start to
# the first 200 on /api/status, median of N runs each, alternating the apps. Both are published the same
# way (Release, ReadyToRun unless R2R=0). One untimed start of each comes first: it fills the disk cache for
# both and makes the standalone host's start-up JIT profile (src/HhFunctions.Standalone/JitProfile.cs), kept
# in this run's own folder, as every start of an installed app but its very first has one. The standalone host
# is also timed without the profile, side by side. Usage: bash tests/startup-bench.sh [runs]   (not part of .ci/run)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-15}
out=artifacts/startup-bench
r2r=${R2R:-1}
ready_to_run=$([ "$r2r" = 1 ] && echo true || echo false)
rm -rf "$out" && mkdir -p "$out/logs"
command -v curl >/dev/null || { echo "startup-bench: curl is not installed (it polls /api/status)" >&2; exit 2; }

# quietly NAME COMMAND...: runs COMMAND with its output in $out/logs/NAME.log; on failure says which step failed,
# with its exit code and the log's last lines, and stops.
quietly() {
  local name=$1 log="$out/logs/$1.log" code=0
  shift
  "$@" >"$log" 2>&1 || code=$?
  if [ "$code" -ne 0 ]; then
    echo "startup-bench: step '$name' failed (exit $code): $*" >&2
    echo "----- last 40 lines of $log -----" >&2
    tail -n 40 "$log" >&2
    exit 1
  fi
}

# A clean RID-specific build first: an incremental one can hand the ReadyToRun step stale intermediates. The build
# (and the restore it runs) is told about ReadyToRun too: only then does restore fetch the linux-x64 runtime and
# crossgen packs that the ReadyToRun publish needs (without them, a fresh machine fails with NETSDK1112/NETSDK1094).
publish() {
  quietly "build-$2" dotnet build "$1" -c Release -r linux-x64 --self-contained false --no-incremental \
    -p:PublishReadyToRun="$ready_to_run" -nologo
  quietly "publish-$2" dotnet publish "$1" -c Release -o "$out/$2" -r linux-x64 --self-contained false --no-build \
    -p:PublishReadyToRun="$ready_to_run" -nologo
}
publish src/HhFunctions.Standalone standalone
publish tests/StartupBench.Bare bare

# time_one DLL PORT [JIT_PROFILE]: milliseconds from process start to the first HTTP 200 on /api/status;
# JIT_PROFILE is the standalone host's profile folder, or "off" (the default).
time_one() {
  local dll=$1 port=$2 profile=${3:-off} data
  data=$(mktemp -d)
  local start end pid
  start=$(date +%s%N)
  # Each app runs from its own publish folder (its content root), as an installed app does: from the repository
  # root, the configuration file watcher would cost both apps time in proportion to the checkout's size.
  (cd "$(dirname "$dll")" && ASPNETCORE_URLS="http://127.0.0.1:$port" Data__Path="$data" Bump__StandaloneScheduler=false \
    Telegram__Polling=false HHFUNCTIONS_JIT_PROFILE="$profile" exec dotnet "$(basename "$dll")" >"$data/out.log" 2>&1) &
  pid=$!
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/api/status" 2>/dev/null)" = 200 ]; do
    kill -0 "$pid" 2>/dev/null || { echo "startup-bench: $dll exited before answering; its output:" >&2; tail -n 40 "$data/out.log" >&2; exit 1; }
    sleep 0.01
  done
  end=$(date +%s%N)
  kill "$pid"; wait "$pid" 2>/dev/null || true
  rm -rf "$data"
  echo $(( (end - start) / 1000000 ))
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

: >"$out/bare.txt"; : >"$out/standalone.txt"; : >"$out/no-profile.txt"
bare_dll="$PWD/$out/bare/StartupBench.Bare.dll"; standalone_dll="$PWD/$out/standalone/HhFunctions.Standalone.dll"
profile="$PWD/$out/jit-profile"
time_one "$bare_dll" 7301 >/dev/null
time_one "$standalone_dll" 7302 "$profile" >/dev/null
[ -n "$(ls -A "$profile" 2>/dev/null)" ] || { echo "startup-bench: the standalone host wrote no JIT profile to $profile" >&2; exit 1; }
for i in $(seq 1 "$runs"); do
  time_one "$bare_dll" 7301 >>"$out/bare.txt"
  time_one "$standalone_dll" 7302 "$profile" >>"$out/standalone.txt"
  time_one "$standalone_dll" 7303 off >>"$out/no-profile.txt"
done
bare=$(median <"$out/bare.txt"); standalone=$(median <"$out/standalone.txt"); no_profile=$(median <"$out/no-profile.txt")
echo "bare ASP.NET Core app:  median ${bare} ms  (runs: $(tr '\n' ' ' <"$out/bare.txt"))"
echo "standalone host:        median ${standalone} ms  (runs: $(tr '\n' ' ' <"$out/standalone.txt"))"
echo "  without JIT profile:  median ${no_profile} ms  (runs: $(tr '\n' ' ' <"$out/no-profile.txt"))"
awk -v s="$no_profile" -v b="$bare" 'BEGIN {printf "ratio without the JIT profile (as at the first start of an install): %.2f\n", s/b}'
# The verdict, on the host as it starts every time but an install's first (with its profile); exit 1 on FAIL.
awk -v s="$standalone" -v b="$bare" 'BEGIN {r = sprintf("%.2f", s/b); ok = (r + 0 <= 1.30); printf "ratio standalone/bare: %s (target <= 1.30): %s\n", r, ok ? "PASS" : "FAIL"; exit !ok}'
