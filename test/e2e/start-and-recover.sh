#!/usr/bin/env bash
# The README's path end to end: `npm start` (built) on a fresh DATA_DIR with the embedded PostgreSQL serves the demo
# tree; a second server on the same PORT exits non-zero with a clear message (stopping the PostgreSQL it started)
# while the first keeps serving, and so does one on the same DATA_DIR (without touching the first's PostgreSQL); a second start reuses the data; after `kill -9` of the service the next start
# recovers; SIGTERM and SIGINT to `npm start` itself stop node and PostgreSQL and free both ports.
# Access: every /graphql request carries the demo ADMIN token the start printed (`daihoi: demo ADMIN token:  dh_…`);
# without a token the answer is 401; the demo VIEWER token is a VIEWER; a restart issues new demo tokens and the old
# ones answer 401.
set -euo pipefail
cd "$(dirname "$0")/../.."
PORT=${E2E_PORT:-4799}
PG_PORT=${E2E_PG_PORT:-25459} # below the ephemeral range (32768–60999): a client socket cannot hold it
DATA_DIR=$(mktemp -d "${TMPDIR:-/tmp}/daihoi-e2e-XXXXXX")
chmod 755 "$DATA_DIR" # reachable by the postgres user when run as root
DATA_DIR2=$(mktemp -d "${TMPDIR:-/tmp}/daihoi-e2e2-XXXXXX")
chmod 755 "$DATA_DIR2"
LOG="$DATA_DIR/server.log"
PID=""
cleanup() {
  [ -n "$PID" ] && kill "$PID" 2>/dev/null || true
  # a server left by kill -9 is shut down by the next start; make sure none outlives the check
  for d in "$DATA_DIR" "$DATA_DIR2"; do
    if [ -f "$d/pgdata/postmaster.pid" ]; then kill -INT "$(head -1 "$d/pgdata/postmaster.pid")" 2>/dev/null || true; fi
  done
  sleep 1; rm -rf "$DATA_DIR" "$DATA_DIR2"
}
trap cleanup EXIT

fail() { echo "e2e FAIL: $*"; tail -30 "$LOG"; exit 1; }

wait_ready() { # PID of the process that must stay alive meanwhile
  for _ in $(seq 1 240); do
    if curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1; then return 0; fi
    if ! kill -0 "$1" 2>/dev/null; then echo "server exited:"; tail -30 "$LOG"; return 1; fi
    sleep 0.5
  done
  echo "server did not become ready:"; tail -30 "$LOG"; return 1
}

ADMIN_TOKEN=""
VIEWER_TOKEN=""
EDITOR_TOKEN=""
# The demo tokens of the start that printed its tokens after the first $1 ADMIN lines of the log (stdout lands
# there too; it is printed just after /readyz starts answering, so wait for it).
read_tokens() {
  local before=$1
  for _ in $(seq 1 60); do
    if [ "$(grep -c '^daihoi: demo ADMIN token:' "$LOG" || true)" -gt "$before" ]; then
      ADMIN_TOKEN=$(grep '^daihoi: demo ADMIN token:' "$LOG" | tail -1 | grep -o 'dh_[A-Za-z0-9_-]*')
      VIEWER_TOKEN=$(grep '^daihoi: demo VIEWER token' "$LOG" | tail -1 | grep -o 'dh_[A-Za-z0-9_-]*$')
      EDITOR_TOKEN=$(grep '^daihoi: demo EDITOR token' "$LOG" | tail -1 | grep -o 'dh_[A-Za-z0-9_-]*$')
      [ ${#ADMIN_TOKEN} -eq 46 ] && [ ${#VIEWER_TOKEN} -eq 46 ] && [ ${#EDITOR_TOKEN} -eq 46 ] && return 0
    fi
    sleep 0.5
  done
  echo "the start printed no demo tokens:"; tail -30 "$LOG"; return 1
}
token_lines() { local n; n=$(grep -c '^daihoi: demo ADMIN token:' "$LOG" 2>/dev/null) || true; echo "${n:-0}"; }

start() {
  local before; before=$(token_lines)
  PORT=$PORT EMBEDDED_PG_PORT=$PG_PORT DATA_DIR=$DATA_DIR node dist/src/main.js >>"$LOG" 2>&1 &
  PID=$!
  wait_ready "$PID" && read_tokens "$before"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Whether a process runs PostgreSQL on this data directory (its command line names it).
postgres_on() { pgrep -f -- "-D $1/pgdata" >/dev/null 2>&1; }

query() {
  curl -sf "http://127.0.0.1:$PORT/graphql" -H 'content-type: application/json' -H "Authorization: Bearer $ADMIN_TOKEN" \
    -d '{"query":"{ organization(code: \"KCQTW\", asOf: \"2024-12-04\") { name children(first: 50) { totalCount nodes { name level } } } }"}'
}

# HTTP status of `{ viewer { role } }` sent with the token $1 (none when empty); the body in $DATA_DIR/viewer.json.
viewer_status() {
  local auth=()
  [ -n "$1" ] && auth=(-H "Authorization: Bearer $1")
  curl -s -o "$DATA_DIR/viewer.json" -w '%{http_code}' "http://127.0.0.1:$PORT/graphql" -H 'content-type: application/json' ${auth[@]+"${auth[@]}"} \
    -d '{"query":"{ viewer { role } }"}'
}

check_access() {
  local status
  status=$(viewer_status "")
  [ "$status" = 401 ] && grep -q '"code":"UNAUTHENTICATED"' "$DATA_DIR/viewer.json" || { echo "no token: HTTP $status $(cat "$DATA_DIR/viewer.json")"; return 1; }
  status=$(viewer_status "$ADMIN_TOKEN")
  [ "$status" = 200 ] && grep -q '"role":"ADMIN"' "$DATA_DIR/viewer.json" || { echo "demo ADMIN token: HTTP $status $(cat "$DATA_DIR/viewer.json")"; return 1; }
  status=$(viewer_status "$VIEWER_TOKEN")
  [ "$status" = 200 ] && grep -q '"role":"VIEWER"' "$DATA_DIR/viewer.json" || { echo "demo VIEWER token: HTTP $status $(cat "$DATA_DIR/viewer.json")"; return 1; }
  status=$(viewer_status "$EDITOR_TOKEN")
  [ "$status" = 200 ] && grep -q '"role":"EDITOR"' "$DATA_DIR/viewer.json" || { echo "demo EDITOR token: HTTP $status $(cat "$DATA_DIR/viewer.json")"; return 1; }
}

check_tree() {
  local out; out=$(query)
  echo "$out" | grep -q '"name":"Đảng ủy Bộ Tài chính","level":"ABOVE_BASE"' || { echo "unexpected answer: $out"; return 1; }
  echo "$out" | grep -q '"totalCount":12' || { echo "unexpected count: $out"; return 1; }
}

echo "e2e: first start (initdb, migrate, seed)"
start; check_tree

echo "e2e: no token → 401; the demo tokens are an ADMIN, a VIEWER and an EDITOR"
check_access || fail "access"

echo "e2e: the dashboard at / and GraphiQL at /graphiql are served (built by npm run build)"
for page in / /graphiql; do
  status=$(curl -s -o "$DATA_DIR/page.html" -w '%{http_code}' "http://127.0.0.1:$PORT$page")
  [ "$status" = 200 ] && grep -qi '<html' "$DATA_DIR/page.html" || fail "GET $page: HTTP $status $(head -c 300 "$DATA_DIR/page.html")"
done

echo "e2e: a second server on the same PORT exits non-zero with a clear message; the first keeps serving"
SECOND_LOG="$DATA_DIR2/second.log"
set +e
PORT=$PORT EMBEDDED_PG_PORT=$((PG_PORT + 1)) DATA_DIR=$DATA_DIR2 SEED_DEMO=false timeout 180 node dist/src/main.js >"$SECOND_LOG" 2>&1
rc=$?
set -e
[ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] || { cat "$SECOND_LOG"; fail "second server: exit code $rc (expected a failure, not 0 or a timeout)"; }
grep -q "daihoi: cannot listen on .*:$PORT: the port is already in use (EADDRINUSE)" "$SECOND_LOG" || { cat "$SECOND_LOG"; fail "second server: no clear message"; }
if grep -q '"msg":"daihoi is serving"' "$SECOND_LOG"; then cat "$SECOND_LOG"; fail "second server claimed to serve"; fi
grep -q 'starting embedded PostgreSQL' "$SECOND_LOG" || { cat "$SECOND_LOG"; fail "second server: did not get as far as its database"; }
if postgres_on "$DATA_DIR2" || port_open $((PG_PORT + 1)); then fail "second server left its embedded PostgreSQL running"; fi
kill -0 "$PID" 2>/dev/null || fail "the first server died"
check_tree

echo "e2e: a second server on the same PORT and DATA_DIR refuses, leaving the first's PostgreSQL alone"
set +e
PORT=$PORT EMBEDDED_PG_PORT=$PG_PORT DATA_DIR=$DATA_DIR timeout 180 node dist/src/main.js >"$SECOND_LOG" 2>&1
rc=$?
set -e
[ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] || { cat "$SECOND_LOG"; fail "second server on the same data: exit code $rc"; }
grep -q "daihoi: failed to start: another server (node pid $PID) is running on this data directory" "$SECOND_LOG" || { cat "$SECOND_LOG"; fail "second server on the same data: no clear message"; }
kill -0 "$PID" 2>/dev/null || fail "the first server died"
check_tree
kill -TERM "$PID"; wait "$PID" || true; PID=""
grep -q '"msg":"stopped"' "$LOG" || { echo "no clean stop on SIGTERM"; tail -20 "$LOG"; exit 1; }

echo "e2e: second start reuses the data, with new demo tokens (the old ones → 401)"
OLD_ADMIN_TOKEN=$ADMIN_TOKEN; OLD_VIEWER_TOKEN=$VIEWER_TOKEN
start; check_tree; check_access || fail "access after a restart"
[ "$ADMIN_TOKEN" != "$OLD_ADMIN_TOKEN" ] && [ "$VIEWER_TOKEN" != "$OLD_VIEWER_TOKEN" ] || fail "the demo tokens did not change across a restart"
status=$(viewer_status "$OLD_ADMIN_TOKEN")
[ "$status" = 401 ] || fail "the previous start's ADMIN token still answers (HTTP $status): $(cat "$DATA_DIR/viewer.json")"
status=$(viewer_status "$OLD_VIEWER_TOKEN")
[ "$status" = 401 ] || fail "the previous start's VIEWER token still answers (HTTP $status): $(cat "$DATA_DIR/viewer.json")"
if grep -c 'initialising a new embedded PostgreSQL cluster' "$LOG" | grep -qv '^1$'; then echo "data was not reused"; exit 1; fi
if grep -c 'demo seed loaded' "$LOG" | grep -qv '^1$'; then echo "seed ran twice"; exit 1; fi

echo "e2e: kill -9, then a start recovers"
kill -9 "$PID"; wait "$PID" 2>/dev/null || true; PID=""
start; check_tree
grep -q 'still running on this data directory\|stale postmaster.pid' "$LOG" || { echo "recovery was not exercised"; exit 1; }
kill -INT "$PID"; wait "$PID" || true; PID=""

# `npm start` = prestart (build) then `exec node …`: npm forwards SIGINT/SIGTERM to its child, which must be node
# itself (dash does not exec the last command of `sh -c` on its own), so the signal reaches the process that stops
# PostgreSQL.
for SIG in TERM INT; do
  echo "e2e: SIG$SIG to npm start stops node and PostgreSQL and frees both ports"
  BEFORE=$(token_lines)
  PORT=$PORT EMBEDDED_PG_PORT=$PG_PORT DATA_DIR=$DATA_DIR npm start >>"$LOG" 2>&1 &
  PID=$!
  wait_ready "$PID" || fail "npm start did not serve"
  read_tokens "$BEFORE" || fail "npm start printed no demo tokens"
  check_tree
  NODE_PID=$(pgrep -P "$PID" | head -1)
  grep -q 'dist/src/main.js' "/proc/$NODE_PID/cmdline" 2>/dev/null || fail "npm's child is not node: $(tr '\0' ' ' <"/proc/$NODE_PID/cmdline")"
  PG_PID=$(head -1 "$DATA_DIR/pgdata/postmaster.pid")
  STOPS=$(grep -c '"msg":"stopped"' "$LOG" || true)
  kill -"$SIG" "$PID"; wait "$PID" || true; PID=""
  for _ in $(seq 1 20); do
    if ! kill -0 "$NODE_PID" 2>/dev/null && ! kill -0 "$PG_PID" 2>/dev/null; then break; fi
    sleep 0.5
  done
  if kill -0 "$NODE_PID" 2>/dev/null; then fail "node ($NODE_PID) outlived npm start after SIG$SIG"; fi
  if kill -0 "$PG_PID" 2>/dev/null || postgres_on "$DATA_DIR"; then fail "PostgreSQL outlived npm start after SIG$SIG"; fi
  if port_open "$PORT"; then fail "port $PORT still taken after SIG$SIG"; fi
  if port_open "$PG_PORT"; then fail "port $PG_PORT still taken after SIG$SIG"; fi
  [ "$(grep -c '"msg":"stopped"' "$LOG")" -eq $((STOPS + 1)) ] || fail "no clean stop logged after SIG$SIG"
done
echo "e2e: ok"
