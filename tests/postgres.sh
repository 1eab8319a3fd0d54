#!/usr/bin/env bash
# A throw-away PostgreSQL server for tests and benchmarks: Debian's `postgresql` package (installed with apt-get
# only when missing; through `sudo -n` when not root, failing loudly when neither works), a cluster in a temporary
# folder, listening on a free 127.0.0.1 port, password login
# (scram-sha-256) for the user "hh". Source this file, then:
#   postgres_start   -> exports HH_TEST_POSTGRES (an Npgsql connection string) and POSTGRES_DIR
#   postgres_stop    -> stops the server and removes the folder (call it from an EXIT trap)
# As root the server runs as the "postgres" system user (initdb refuses root), in a folder that user owns.

postgres_log() { printf '[postgres] %s\n' "$*"; }

# postgres_install: Debian's postgresql package with apt-get; as root directly, otherwise through password-less
# sudo. Says plainly why when it cannot, and shows apt-get's output when apt-get fails.
postgres_install() {
  local sudo=() log
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo=(sudo -n)
    else
      postgres_log "ERROR: Debian's postgresql package is not installed and installing it needs root: run as root, allow this user password-less sudo, or install it first (sudo apt-get install postgresql)" >&2
      return 1
    fi
  fi
  postgres_log "installing Debian's postgresql package (${sudo[*]:+${sudo[*]} }apt-get install postgresql)" >&2
  log=$(mktemp /tmp/hh-postgres-apt.XXXXXX)
  if ! { "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive timeout 600 apt-get update -q \
         && "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -q postgresql; } >"$log" 2>&1; then
    postgres_log "ERROR: apt-get could not install postgresql; its output:" >&2
    tail -n 30 "$log" >&2
    rm -f "$log"
    return 1
  fi
  rm -f "$log"
}

postgres_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$dir" ] || [ ! -x "$dir/initdb" ]; then
    postgres_install || return 1
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  fi
  [ -n "$dir" ] && [ -x "$dir/initdb" ] || { postgres_log "ERROR: postgresql is installed but /usr/lib/postgresql/*/bin/initdb is missing" >&2; return 1; }
  printf '%s' "$dir"
}

# postgres_as CMD...: runs CMD as the server's user (postgres when we are root, ourselves otherwise).
postgres_as() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

postgres_free_port() {
  if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
    return
  fi
  local port
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 40000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { printf '%s\n' "$port"; return; }
  done
  return 1
}

postgres_start() {
  local bin port password
  bin=$(postgres_bin) || { postgres_log "ERROR: no PostgreSQL server binaries (see above)" >&2; return 1; }
  POSTGRES_DIR=$(mktemp -d /tmp/hh-postgres.XXXXXX)
  chmod 755 "$POSTGRES_DIR"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$POSTGRES_DIR"
  password="hh-test-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
  postgres_as bash -c "printf '%s\n' '$password' > '$POSTGRES_DIR/pw' && chmod 600 '$POSTGRES_DIR/pw'"
  timeout 120 bash -c "$(declare -f postgres_as); postgres_as '$bin/initdb' -D '$POSTGRES_DIR/data' -U hh --pwfile='$POSTGRES_DIR/pw' --auth=scram-sha-256 -E UTF8 --locale=C.UTF-8 >'$POSTGRES_DIR/initdb.log' 2>&1" \
    || { postgres_log "ERROR: initdb failed; see $POSTGRES_DIR/initdb.log"; cat "$POSTGRES_DIR/initdb.log" >&2; return 1; }
  port=$(postgres_free_port)
  timeout 60 bash -c "$(declare -f postgres_as); postgres_as '$bin/pg_ctl' -D '$POSTGRES_DIR/data' -l '$POSTGRES_DIR/server.log' -w -t 50 \
    -o \"-c listen_addresses=127.0.0.1 -p $port -k $POSTGRES_DIR -c max_connections=200 -c fsync=off -c synchronous_commit=off -c full_page_writes=off\" start >/dev/null" \
    || { postgres_log "ERROR: the server did not start; see $POSTGRES_DIR/server.log"; cat "$POSTGRES_DIR/server.log" >&2; return 1; }
  POSTGRES_BIN=$bin
  export POSTGRES_DIR POSTGRES_BIN
  export HH_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=hh;Password=$password;Database=postgres"
  postgres_log "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') listening on 127.0.0.1:$port ($POSTGRES_DIR)"
}

postgres_stop() {
  if [ -n "${POSTGRES_DIR:-}" ] && [ -d "$POSTGRES_DIR/data" ]; then
    timeout 60 bash -c "$(declare -f postgres_as); postgres_as '$POSTGRES_BIN/pg_ctl' -D '$POSTGRES_DIR/data' -m immediate -w -t 50 stop >/dev/null 2>&1" || true
  fi
  if [ -n "${POSTGRES_DIR:-}" ]; then
    rm -rf "$POSTGRES_DIR"
  fi
  POSTGRES_DIR=
}
