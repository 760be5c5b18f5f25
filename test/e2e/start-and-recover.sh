#!/usr/bin/env bash
# The README's path end to end: `npm start` (built) on a fresh DATA_DIR with the embedded PostgreSQL serves the demo
# tree; a second start reuses the data; after `kill -9` of the service the next start recovers.
set -euo pipefail
cd "$(dirname "$0")/../.."
PORT=${E2E_PORT:-4799}
PG_PORT=${E2E_PG_PORT:-54359}
DATA_DIR=$(mktemp -d "${TMPDIR:-/tmp}/daihoi-e2e-XXXXXX")
chmod 755 "$DATA_DIR" # reachable by the postgres user when run as root
LOG="$DATA_DIR/server.log"
PID=""
cleanup() {
  [ -n "$PID" ] && kill "$PID" 2>/dev/null || true
  # a server left by kill -9 is shut down by the next start; make sure none outlives the check
  if [ -f "$DATA_DIR/pgdata/postmaster.pid" ]; then kill -INT "$(head -1 "$DATA_DIR/pgdata/postmaster.pid")" 2>/dev/null || true; fi
  sleep 1; rm -rf "$DATA_DIR"
}
trap cleanup EXIT

start() {
  PORT=$PORT EMBEDDED_PG_PORT=$PG_PORT DATA_DIR=$DATA_DIR node dist/src/main.js >>"$LOG" 2>&1 &
  PID=$!
  for _ in $(seq 1 120); do
    if curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1; then return 0; fi
    if ! kill -0 "$PID" 2>/dev/null; then echo "server exited:"; tail -30 "$LOG"; return 1; fi
    sleep 0.5
  done
  echo "server did not become ready:"; tail -30 "$LOG"; return 1
}

query() {
  curl -sf "http://127.0.0.1:$PORT/graphql" -H 'content-type: application/json' \
    -d '{"query":"{ organization(code: \"KCQTW\", asOf: \"2024-12-04\") { name children(first: 50) { totalCount nodes { name level } } } }"}'
}

check_tree() {
  local out; out=$(query)
  echo "$out" | grep -q '"name":"Đảng ủy Bộ Tài chính","level":"ABOVE_BASE"' || { echo "unexpected answer: $out"; return 1; }
  echo "$out" | grep -q '"totalCount":12' || { echo "unexpected count: $out"; return 1; }
}

echo "e2e: first start (initdb, migrate, seed)"
start; check_tree
kill -TERM "$PID"; wait "$PID" || true; PID=""
grep -q '"msg":"stopped"' "$LOG" || { echo "no clean stop on SIGTERM"; tail -20 "$LOG"; exit 1; }

echo "e2e: second start reuses the data"
start; check_tree
if grep -c 'initialising a new embedded PostgreSQL cluster' "$LOG" | grep -qv '^1$'; then echo "data was not reused"; exit 1; fi
if grep -c 'demo seed loaded' "$LOG" | grep -qv '^1$'; then echo "seed ran twice"; exit 1; fi

echo "e2e: kill -9, then a start recovers"
kill -9 "$PID"; wait "$PID" 2>/dev/null || true; PID=""
start; check_tree
grep -q 'still running on this data directory\|stale postmaster.pid' "$LOG" || { echo "recovery was not exercised"; exit 1; }
kill -INT "$PID"; wait "$PID" || true; PID=""
echo "e2e: ok"
