#!/usr/bin/env bash
# Start a throwaway PostgreSQL cluster on a free loopback port; print its SQLAlchemy URL.
# Usage: eval "$(scripts/test-postgres.sh start)"   ...   scripts/test-postgres.sh stop DIR
set -euo pipefail

pgbin() { ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1; }

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start() {
  local bin dir port
  bin=$(pgbin)
  dir=$(mktemp -d /tmp/threadline-pg.XXXXXX)
  port=$(free_port)
  chown postgres:postgres "$dir"
  su postgres -s /bin/bash -c "$bin/initdb -D $dir/data -U postgres --auth=trust -E UTF8 --locale=C.UTF-8" >"$dir/initdb.log"
  su postgres -s /bin/bash -c "$bin/pg_ctl -D $dir/data -l $dir/server.log -w -o \"-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off\" start" >/dev/null
  psql -h 127.0.0.1 -p "$port" -U postgres -qc "CREATE DATABASE threadline_test" >/dev/null
  echo "export THREADLINE_TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:$port/threadline_test"
  echo "export THREADLINE_TEST_PG_DIR=$dir"
}

stop() {
  su postgres -s /bin/bash -c "$(pgbin)/pg_ctl -D $1/data -m fast -w stop" >/dev/null || true
  rm -rf "$1"
}

case "${1:-}" in
  start) start ;;
  stop) stop "$2" ;;
  *) echo "usage: $0 start | stop DIR" >&2; exit 2 ;;
esac
