#!/usr/bin/env bash
# Installs Debian's headless Chromium for the browser tests (Playwright drives it; no browser download).
# Idempotent: does nothing when /usr/bin/chromium is already there.
set -euo pipefail

# HH_CHROMIUM names another Chromium-based browser (e.g. /usr/bin/google-chrome on GitHub's Ubuntu runners).
if [ -n "${HH_CHROMIUM:-}" ]; then
  [ -x "$HH_CHROMIUM" ] || { echo "[install-browser] ERROR: HH_CHROMIUM=$HH_CHROMIUM is not executable" >&2; exit 1; }
  exit 0
fi
if [ -x /usr/bin/chromium ]; then
  exit 0
fi

log() { printf '[install-browser] %s\n' "$*"; }
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "[install-browser] ERROR: not root and no sudo; install chromium with apt-get" >&2; exit 1; }
  sudo_cmd=(sudo)
fi

log "installing chromium with apt-get"
export DEBIAN_FRONTEND=noninteractive
apt_log=$(mktemp)
trap 'rm -f "$apt_log"' EXIT
# apt_get ARGS...: apt-get with its output kept; on failure the log's last lines say why.
apt_get() {
  "${sudo_cmd[@]}" apt-get "$@" >"$apt_log" 2>&1 || {
    local code=$?
    echo "[install-browser] ERROR: apt-get $* failed (exit $code); last lines:" >&2
    tail -n 30 "$apt_log" >&2
    exit 1
  }
}
apt_get update -qq
apt_get install -y -qq --no-install-recommends chromium fonts-dejavu-core
[ -x /usr/bin/chromium ] || { echo "[install-browser] ERROR: /usr/bin/chromium missing after apt-get install" >&2; exit 1; }
log "$(/usr/bin/chromium --version 2>/dev/null || echo chromium installed)"
