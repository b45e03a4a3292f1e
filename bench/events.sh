#!/usr/bin/env bash
# Engagement event ingest under load (issue 6): feed-page beacons POSTed to /api/v1/events, each
# carrying the views of EVENTS_PER_BEACON cards (what a feed page sends), every event with a new
# id, against the hello-world route of the same server in the same run. Then how long one event
# takes to show on the post's dashboard.
#
#   bash bench/events.sh                               # SQLite, 20,000 people, 64 connections
#   DATABASE_URL=postgres://… bash bench/events.sh     # on PostgreSQL (an empty database)
#   BIN=… BENCH_BIN=… bash bench/events.sh             # use these release binaries
#
# Target: >= 20,000 events/s sustained, through the server, on loopback. Needs wrk and curl.
set -euo pipefail
cd "$(dirname "$0")/.."
EMPLOYEES="${EMPLOYEES:-20000}"
READERS="${READERS:-5000}"
EVENTS_PER_BEACON="${EVENTS_PER_BEACON:-10}"  # a feed page reports its cards together (20 per page at most)
DURATION="${DURATION:-20s}"
CONNECTIONS="${CONNECTIONS:-64}"
THREADS="${THREADS:-2}"
PORT="${PORT:-18083}"
command -v wrk >/dev/null || { echo "bench: wrk is missing; apt-get install wrk" >&2; exit 1; }
if [[ -z "${BIN:-}" || -z "${BENCH_BIN:-}" ]]; then
    echo "bench: building release binaries (swift build -c release)…" >&2
    swift build -c release --product tandem >&2
    swift build -c release --product tandem-bench >&2
    BIN="$(swift build -c release --show-bin-path)/tandem"
    BENCH_BIN="$(swift build -c release --show-bin-path)/tandem-bench"
fi
WORK="$(mktemp -d)"
cleanup() {
    [[ -n "${SERVER:-}" ]] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null || true
    [[ -n "${KEEP_LOG:-}" && -f "$WORK/server.log" ]] && cp "$WORK/server.log" "$KEEP_LOG"
    rm -rf "$WORK"
}
trap cleanup EXIT
if [[ -n "${DATABASE_URL:-}" ]]; then STORAGE=(--database-url "$DATABASE_URL"); else STORAGE=(--data-dir "$WORK/data"); fi

echo "bench: seeding $EMPLOYEES employees and $EVENTS_PER_BEACON posts…" >&2
"$BENCH_BIN" feed-seed "${STORAGE[@]}" --data-dir "$WORK/data" --employees "$EMPLOYEES" --posts "$EVENTS_PER_BEACON" --readers 1 \
    --others-per-post 100 --sessions-file "$WORK/sessions" --send-in 0 >&2
"$BENCH_BIN" event-tokens "${STORAGE[@]}" --data-dir "$WORK/data" --readers "$READERS" --posts "$EVENTS_PER_BEACON" --out "$WORK/tokens" >&2

TANDEM_BENCH_ROUTES=true TANDEM_LOG_LEVEL=warning "$BIN" serve "${STORAGE[@]}" --port "$PORT" >>"$WORK/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 150); do curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break; sleep 0.2; done
curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null || { cat "$WORK/server.log" >&2; exit 1; }

# Each request is one reader's page: a view of each card, each with a fresh id.
cat >"$WORK/beacons.lua" <<LUA
local readers = {}
for line in io.lines("$WORK/tokens") do
    local tokens = {}
    for token in line:gmatch("%S+") do tokens[#tokens + 1] = token end
    readers[#readers + 1] = tokens
end
local counter = 0

function setup(thread)
    counter = counter + 1
    thread:set("thread_id", counter)
end
local n = 0
request = function()
    n = n + 1
    local tokens = readers[(n % #readers) + 1]
    local parts = {}
    for i, token in ipairs(tokens) do
        parts[#parts + 1] = string.format('{"token":"%s","type":"view","id":"b%02dx%09dx%02d"}', token, thread_id, n, i)
    end
    return wrk.format("POST", "/api/v1/events", { ["Content-Type"] = "application/json" }, '{"events":[' .. table.concat(parts, ",") .. ']}')
end
LUA

to_ms() { awk -v v="$1" 'BEGIN{ if (v ~ /us$/) {sub(/us$/,"",v); print v/1000} else if (v ~ /ms$/) {sub(/ms$/,"",v); print v+0} else if (v ~ /s$/) {sub(/s$/,"",v); print v*1000} else print v }'; }
run() { # name path duration [script]
    local args=(-t "$THREADS" -c "$CONNECTIONS" --latency)
    [[ -n "${4:-}" ]] && args+=(-s "$4")
    local out; out=$(wrk "${args[@]}" -d "$3" "http://127.0.0.1:$PORT$2")
    echo "$1|$(awk '/Requests\/sec/{print $2}' <<<"$out")|$(to_ms "$(awk '$1=="50%"{print $2}' <<<"$out")")|$(to_ms "$(awk '$1=="99%"{print $2}' <<<"$out")")|$(awk '/Non-2xx/{print $NF}' <<<"$out")|$(awk '/requests in/{print $1}' <<<"$out")"
}
echo "bench: measuring ($DURATION of beacons, $CONNECTIONS connections, $EVENTS_PER_BEACON events each)…" >&2
HELLO=$(run "hello-world" "/_hello" 5s)
BEACONS=$(run "POST /api/v1/events" "/api/v1/events" "$DURATION" "$WORK/beacons.lua")
IFS='|' read -r _ BASE _ _ _ _ <<<"$HELLO"
IFS='|' read -r _ RPS P50 P99 BAD TOTAL <<<"$BEACONS"
printf '\n%-20s %10s %12s %8s %9s %9s %8s\n' "route" "req/s" "events/s" "ratio" "p50 ms" "p99 ms" "non-2xx"
printf '%-20s %10.0f %12s %8.2f %9s %9s %8s\n' "hello-world" "$BASE" "" 1 "" "" ""
printf '%-20s %10.0f %12.0f %8.2f %9.2f %9.2f %8s\n' "POST /api/v1/events" "$RPS" "$(awk -v r="$RPS" -v e="$EVENTS_PER_BEACON" 'BEGIN{print r*e}')" \
    "$(awk -v a="$RPS" -v b="$BASE" 'BEGIN{print a/b}')" "$P50" "$P99" "${BAD:-0}"

# Every beacon acknowledged was stored: the rollups count one view per event sent.
TOKEN=$("$BIN" token create "${STORAGE[@]}" --user author@bench.example --name bench 2>/dev/null | tail -n 1)
views() { curl -fs -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/v1/analytics/posts/$1" \
    | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d.get("totals",{}).get("feed",{}).get("viewed",{}).get("events",0))'; }
STORED=0
for post in $(seq 1 "$EVENTS_PER_BEACON"); do STORED=$((STORED + $(views "$post"))); done
echo "stored: $STORED view events for $TOTAL beacons × $EVENTS_PER_BEACON = $((TOTAL * EVENTS_PER_BEACON)) sent (non-2xx: ${BAD:-0})"

# Event to dashboard: one more view, then the dashboard until it shows it.
BEFORE=$(views 1)
FIRST=$(head -n 1 "$WORK/tokens" | cut -d' ' -f1)
START=$(date +%s%N)
curl -fs -o /dev/null -H 'Content-Type: application/json' -d "{\"events\":[{\"token\":\"$FIRST\",\"type\":\"view\",\"id\":\"latency$RANDOM$RANDOM\"}]}" "http://127.0.0.1:$PORT/api/v1/events"
while (( $(views 1) <= BEFORE )); do
    sleep 0.01
    (( ($(date +%s%N) - START) / 1000000 < 10000 )) || { echo "bench: the event did not show on the dashboard within 10 s" >&2; break; }
done
LATENCY=$(( ($(date +%s%N) - START) / 1000000 ))
echo "event to dashboard: ${LATENCY} ms"
awk -v r="$RPS" -v e="$EVENTS_PER_BEACON" -v l="$LATENCY" -v s="$STORED" -v t="$((TOTAL * EVENTS_PER_BEACON))" 'BEGIN{
    printf "targets: ingest >= 20,000 events/s: %s (%.0f); event to dashboard < 5 s: %s (%d ms); nothing lost: %s\n",
        (r*e >= 20000 ? "met" : "MISSED"), r*e, (l < 5000 ? "met" : "MISSED"), l, (s >= t ? "yes" : "NO") }'
