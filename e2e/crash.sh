#!/usr/bin/env bash
# Crash test: SQLite survives `kill -9` in the middle of writes, and every write the server
# acknowledged (HTTP 201) is still there after a restart.
#
#   bash e2e/crash.sh [path/to/tandem]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${1:-.build/debug/tandem}"
BIN="$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/tandem-crash.XXXXXX")"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
export TANDEM_BCRYPT_COST=4 TANDEM_LOG_LEVEL=warning
SERVER=""
cleanup() { [[ -n "$SERVER" ]] && kill -9 "$SERVER" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
log() { printf 'crash: %s\n' "$*" >&2; }

start() {
    "$BIN" serve --port "$PORT" --data-dir "$WORK/data" >>"$WORK/server.log" 2>&1 &
    SERVER=$!
    for _ in $(seq 1 150); do curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && return 0; sleep 0.2; done
    log "server did not become ready"; cat "$WORK/server.log" >&2; exit 1
}

"$BIN" user create --data-dir "$WORK/data" --email crash@example.com --role admin >/dev/null
TOKEN=$("$BIN" token create --data-dir "$WORK/data" --user crash@example.com | tail -n 1)
start
log "writing teams from 4 clients, then kill -9 after 3 s"
for client in 1 2 3 4; do
    (
        for i in $(seq 1 100000); do
            code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
                -d "{\"name\":\"team-$client-$i\"}" "http://127.0.0.1:$PORT/api/v1/teams" || true)
            [[ "$code" == 201 ]] && echo "team-$client-$i" >>"$WORK/acked-$client"
            [[ "$code" == 000 ]] && break
        done
    ) &
done
sleep 3
kill -9 "$SERVER"
wait "$SERVER" 2>/dev/null || true
SERVER=""
wait || true
ACKED=$(cat "$WORK"/acked-* 2>/dev/null | sort)
log "$(wc -l <<<"$ACKED" | tr -d ' ') writes acknowledged before the kill"

python3 - "$WORK/data/tandem.sqlite" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
result = db.execute("PRAGMA integrity_check").fetchone()[0]
print(f"crash: integrity_check after kill -9: {result}", file=sys.stderr)
sys.exit(0 if result == "ok" else 1)
PY

start
STORED=$(curl -fs -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/v1/teams" | python3 -c 'import json,sys; print("\n".join(sorted(t["name"] for t in json.load(sys.stdin)["data"])))')
MISSING=$(comm -23 <(echo "$ACKED") <(echo "$STORED") | grep -c . || true)
AUDITED=$(curl -fs -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/v1/audit?action=team.create&limit=200" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["data"]))')
log "after restart: $(grep -c . <<<"$STORED") teams stored, $MISSING acknowledged writes missing, audit sample $AUDITED entries"
[[ "$MISSING" == 0 ]] || { log "FAILED: acknowledged writes were lost"; exit 1; }
[[ $(grep -c . <<<"$ACKED") -gt 0 ]] || { log "FAILED: no write was acknowledged; the test proved nothing"; exit 1; }
log "passed"
