#!/usr/bin/env bash
# End-to-end run against a real server: browser tests (selenium + headless chromium) and
# API fuzzing of the OpenAPI document (schemathesis).
#
#   bash e2e/run.sh [path/to/tandem]        (default .build/debug/tandem)
#
# Starts `tandem serve --demo` on a free port with a temporary data folder, waits for
# /readyz, creates an admin API token with `tandem token create`, runs
# `pytest e2e/test_browser.py`, then schemathesis, and always stops the server.
# Exits non-zero if either part fails (both always run).
#
# Environment (all optional):
#   TANDEM_E2E_DATABASE_URL     run against this PostgreSQL (postgres://...) instead of SQLite.
#                               A fresh database is created next to it for the run and dropped
#                               afterwards (needs psql and a role allowed to CREATE DATABASE);
#                               set TANDEM_E2E_FRESH_DB=0 to use the given database as it is.
#   TANDEM_DEMO_PASSWORD        password for the demo users (random if unset)
#   TANDEM_E2E_CHECKS           schemathesis checks (default not_a_server_error)
#   TANDEM_E2E_MAX_EXAMPLES     schemathesis examples per operation (default 30)
#   TANDEM_E2E_SCHEMATHESIS_ARGS  extra schemathesis arguments, split on spaces (e.g. "--seed 1")
#   TANDEM_E2E_SKIP_BROWSER=1 / TANDEM_E2E_SKIP_API=1   leave out one part
#   TANDEM_E2E_KEEP=1           keep the temporary folder (server log, SQLite db)
# Artifacts (screenshots, server log, schemathesis JUnit report) go to e2e/artifacts/.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

BIN="${1:-.build/debug/tandem}"
[[ -x "$BIN" ]] || { echo "e2e: no executable at $BIN (build first: swift build)" >&2; exit 2; }
BIN="$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")"

ARTIFACTS="$ROOT/e2e/artifacts"
mkdir -p "$ARTIFACTS"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/tandem-e2e.XXXXXX")"
DATA_DIR="$WORK/data"
LOG="$WORK/server.log"
mkdir -p "$DATA_DIR"

ADMIN_EMAIL="admin@demo.tandem.local"
CHECKS="${TANDEM_E2E_CHECKS:-not_a_server_error}"
MAX_EXAMPLES="${TANDEM_E2E_MAX_EXAMPLES:-30}"
export TANDEM_BCRYPT_COST="${TANDEM_BCRYPT_COST:-4}"
if [[ -z "${TANDEM_DEMO_PASSWORD:-}" ]]; then
    TANDEM_DEMO_PASSWORD="e2e-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
fi
export TANDEM_DEMO_PASSWORD
# Channel secrets (the SMS gateway's token) are sealed with this key; PostgreSQL needs one.
export TANDEM_SECRET_KEY="${TANDEM_SECRET_KEY:-$(python3 -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())')}"

log() { printf 'e2e: %s\n' "$*" >&2; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# --- database -------------------------------------------------------------------------------
DB_ARGS=()
DB_LABEL="SQLite in $DATA_DIR"
FRESH_DB=""
ADMIN_DB_URL=""
if [[ -n "${TANDEM_E2E_DATABASE_URL:-}" ]]; then
    DB_URL="$TANDEM_E2E_DATABASE_URL"
    if [[ "${TANDEM_E2E_FRESH_DB:-1}" != 0 ]]; then
        command -v psql >/dev/null || { log "psql is needed for a fresh database (or set TANDEM_E2E_FRESH_DB=0)"; exit 2; }
        FRESH_DB="tandem_e2e_$(date +%s)_$$"
        # Same server and credentials, another database name; keep any ?query part.
        DB_URL="$(python3 - "$TANDEM_E2E_DATABASE_URL" "$FRESH_DB" <<'PY'
import sys, urllib.parse as u
url, name = sys.argv[1], sys.argv[2]
parts = u.urlsplit(url)
print(u.urlunsplit(parts._replace(path="/" + name)))
PY
)"
        ADMIN_DB_URL="$TANDEM_E2E_DATABASE_URL"
        psql -X -q -v ON_ERROR_STOP=1 "$ADMIN_DB_URL" -c "CREATE DATABASE $FRESH_DB" >/dev/null
    fi
    DB_ARGS=(--database-url "$DB_URL")
    DB_LABEL="PostgreSQL ${DB_URL%%://*}://…@${DB_URL#*@}"
fi

# --- server ---------------------------------------------------------------------------------
SERVER_PID=""
PORT=""
CHILD_PID=""

# Run a test tool in its own process group and wait for it, so that a signal to this script
# is handled at once (bash runs traps only between foreground commands) and the tool, with
# any browser it started, can be stopped as a group.
run_child() {
    setsid "$@" &
    CHILD_PID=$!
    local rc=0
    wait "$CHILD_PID" || rc=$?
    CHILD_PID=""
    return "$rc"
}

stop_server() {
    [[ -n "$SERVER_PID" ]] || return 0
    if kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        local i
        for i in $(seq 1 100); do
            port_open "$PORT" || break
            sleep 0.2
        done
        if port_open "$PORT"; then
            log "server still listening after 20 s; killing it"
            kill -KILL "$SERVER_PID" 2>/dev/null || true
        fi
    fi
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
}

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if [[ -n "$CHILD_PID" ]]; then
        kill -TERM -- "-$CHILD_PID" 2>/dev/null || true
        sleep 1
        kill -KILL -- "-$CHILD_PID" 2>/dev/null || true
    fi
    stop_server
    [[ -n "${SINK_PID:-}" ]] && kill "$SINK_PID" 2>/dev/null || true
    [[ -n "${GATEWAY_PID:-}" ]] && kill "$GATEWAY_PID" 2>/dev/null || true
    [[ -f "$LOG" ]] && cp "$LOG" "$ARTIFACTS/server.log" 2>/dev/null || true
    if [[ -n "$FRESH_DB" ]]; then
        psql -X -q "$ADMIN_DB_URL" -c "DROP DATABASE IF EXISTS $FRESH_DB WITH (FORCE)" >/dev/null 2>&1 \
            || log "could not drop database $FRESH_DB"
    fi
    if [[ "${TANDEM_E2E_KEEP:-0}" == 1 ]]; then
        log "kept $WORK"
    else
        rm -rf "$WORK"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A real SMTP server (aiosmtpd) that the demo's email goes to; the browser tests read its log.
SINK_PID=""
MAIL_LOG="$WORK/mail.jsonl"
python3 "$ROOT/scripts/smtp-sink.py" --port 0 --log "$MAIL_LOG" --ready "$WORK/sink-port" 2>"$WORK/sink.log" &
SINK_PID=$!
for _ in $(seq 1 100); do [[ -s "$WORK/sink-port" ]] && break; sleep 0.1; done
[[ -s "$WORK/sink-port" ]] || { log "the SMTP sink did not start (python3 -m pip install -r e2e/requirements.txt):"; cat "$WORK/sink.log" >&2; exit 1; }
export TANDEM_SMTP_URL="smtp://127.0.0.1:$(cat "$WORK/sink-port")?starttls=off" TANDEM_MAIL_FROM="Demo News <news@demo.tandem.local>"
export TANDEM_E2E_MAIL_LOG="$MAIL_LOG"
# And an HTTP server standing in for an SMS gateway, which a browser test sets up.
GATEWAY_PID=""
python3 "$ROOT/scripts/gateway-sink.py" --port 0 --token e2e-token --log "$WORK/gateway.jsonl" --ready "$WORK/gateway-port" 2>"$WORK/gateway.log" &
GATEWAY_PID=$!
for _ in $(seq 1 100); do [[ -s "$WORK/gateway-port" ]] && break; sleep 0.1; done
[[ -s "$WORK/gateway-port" ]] || { log "the gateway sink did not start:"; cat "$WORK/gateway.log" >&2; exit 1; }
export TANDEM_E2E_GATEWAY_URL="http://127.0.0.1:$(cat "$WORK/gateway-port")/2010-04-01/Accounts/ACe2e/Messages.json"
export TANDEM_E2E_GATEWAY_LOG="$WORK/gateway.jsonl"

PORT="$(free_port)"
BASE="http://127.0.0.1:$PORT"
log "starting $BIN serve --demo on $BASE ($DB_LABEL), email to the SMTP sink on port $(cat "$WORK/sink-port")"
"$BIN" serve --host 127.0.0.1 --port "$PORT" --data-dir "$DATA_DIR" --demo "${DB_ARGS[@]}" >"$LOG" 2>&1 &
SERVER_PID=$!

ready=""
for _ in $(seq 1 120); do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
        log "server exited before it was ready; its log:"
        tail -n 50 "$LOG" >&2
        exit 1
    fi
    if curl -fsS --max-time 2 "$BASE/readyz" >/dev/null 2>&1; then ready=1; break; fi
    sleep 0.5
done
if [[ -z "$ready" ]]; then
    log "server not ready after 60 s; its log:"
    tail -n 50 "$LOG" >&2
    exit 1
fi
log "ready: $(curl -fsS "$BASE/readyz")"

new_token() {
    local out
    out="$("$BIN" token create --data-dir "$DATA_DIR" "${DB_ARGS[@]}" --user "$ADMIN_EMAIL" --name "$1" 2>>"$WORK/token.log")"
    out="$(printf '%s\n' "$out" | grep -E '^tdm_' | tail -n 1)"
    [[ -n "$out" ]] || { log "tandem token create printed no token:"; cat "$WORK/token.log" >&2; return 1; }
    printf '%s' "$out"
}

browser_rc=0
api_rc=0

# --- browser tests --------------------------------------------------------------------------
if [[ "${TANDEM_E2E_SKIP_BROWSER:-0}" != 1 ]]; then
    log "browser tests (pytest e2e/test_browser.py)"
    TANDEM_E2E_URL="$BASE" run_child python3 -m pytest -q -rxXs -p no:cacheprovider -p no:benchmark e2e/test_browser.py || browser_rc=$?
fi

# --- API fuzzing ----------------------------------------------------------------------------
run_schemathesis() {
    local name="$1" token="$2" rc=0
    shift 2
    # Run from the work folder: schemathesis keeps .hypothesis/ and .schemathesis/ in the
    # current directory.
    cd "$WORK"
    run_child python3 -m schemathesis.cli run "$BASE/api/openapi.json" \
        -H "Authorization: Bearer $token" \
        --checks "$CHECKS" \
        --max-examples "$MAX_EXAMPLES" \
        --request-timeout 20 \
        --report junit --report-junit-path "$ARTIFACTS/schemathesis-$name.xml" \
        ${TANDEM_E2E_SCHEMATHESIS_ARGS:-} "$@" || rc=$?
    cd "$ROOT"
    return "$rc"
}

if [[ "${TANDEM_E2E_SKIP_API:-0}" != 1 ]]; then
    # Three runs, each with a token made just before it, so that fuzzing one operation does
    # not leave the others testing nothing but 401s:
    #   1. everything except revokeToken and updateUser;
    #   2. revokeToken (it soon revokes the token it runs with);
    #   3. updateUser, last: once run 1 has created other admins it may deactivate or
    #      demote the demo admin, after which that admin's tokens stop working.
    api_status=()
    fuzz() {
        local name="$1"
        shift
        log "API fuzzing ($name): schemathesis, checks=$CHECKS, max-examples=$MAX_EXAMPLES"
        local token rc=0
        token="$(new_token "schemathesis-$name")" || { api_rc=1; api_status+=("$name: no token"); return; }
        run_schemathesis "$name" "$token" "$@" || rc=$?
        api_status+=("$name: $([[ $rc == 0 ]] && echo ok || echo "FAILED ($rc)")")
        [[ $rc == 0 || $api_rc != 0 ]] || api_rc=$rc
    }
    fuzz main --exclude-operation-id revokeToken --exclude-operation-id updateUser
    fuzz revoke-token --include-operation-id revokeToken
    fuzz update-user --include-operation-id updateUser
    log "API fuzzing: ${api_status[*]}"
fi

stop_server

summary="browser tests: $([[ $browser_rc == 0 ]] && echo passed || echo "FAILED ($browser_rc)"), API fuzzing: $([[ $api_rc == 0 ]] && echo passed || echo "FAILED ($api_rc)")"
log "$summary"
[[ $browser_rc == 0 && $api_rc == 0 ]]
