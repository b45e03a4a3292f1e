#!/usr/bin/env bash
# The employee feed under load (issue 5): GET /feed for readers who each received every one of
# POSTS posts, among EMPLOYEES people, against the hello-world route of the same server in the
# same run; then the server's memory while it freezes and sends a post to all EMPLOYEES people.
#
#   bash bench/feed.sh                               # 100,000 people, 10,000 posts, 64 connections
#   EMPLOYEES=20000 POSTS=2000 DURATION=5s bash bench/feed.sh
#   DATABASE_URL=postgres://… bash bench/feed.sh     # on PostgreSQL (an empty database)
#   BIN=… BENCH_BIN=… bash bench/feed.sh             # use these release binaries
#   SURVEY=1 bash bench/feed.sh                      # with a survey open to everyone: each feed shows its card
#
# "/feed no cache" is the same load on a server started with TANDEM_FEED_CACHE=false: every
# request reads the database. GET /feed is the default server, where each reader's first page
# is kept in memory until their feed changes.
# Targets: GET /feed p99 < 25 ms at 64 connections and >= 40% of the hello-world rate;
# server RSS < 150 MB during the 100,000-person send. Loopback only. Needs wrk and curl.
set -euo pipefail
cd "$(dirname "$0")/.."
EMPLOYEES="${EMPLOYEES:-100000}"
POSTS="${POSTS:-10000}"
READERS="${READERS:-64}"
DURATION="${DURATION:-10s}"
CONNECTIONS="${CONNECTIONS:-64}"
THREADS="${THREADS:-2}"
PORT="${PORT:-18082}"
SEND_IN="${SEND_IN:-90}"
SURVEY="${SURVEY:-0}"
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
    rm -rf "$WORK"
}
trap cleanup EXIT
if [[ -n "${DATABASE_URL:-}" ]]; then STORAGE=(--database-url "$DATABASE_URL"); else STORAGE=(--data-dir "$WORK/data"); fi

echo "bench: seeding $EMPLOYEES employees and $POSTS posts (each to $READERS readers and 100 others)…" >&2
"$BENCH_BIN" feed-seed "${STORAGE[@]}" --data-dir "$WORK/data" --employees "$EMPLOYEES" --posts "$POSTS" --readers "$READERS" \
    --sessions-file "$WORK/sessions" --send-in "$SEND_IN" $([[ $SURVEY == 1 ]] && echo --survey) >&2
SEND_POST=$((POSTS + 1))

start_server() { # cache on|off
    if [[ -n "${SERVER:-}" ]]; then kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; fi
    TANDEM_FEED_CACHE=$([[ $1 == on ]] && echo true || echo false) TANDEM_BENCH_ROUTES=true TANDEM_LOG_LEVEL=warning \
        "$BIN" serve "${STORAGE[@]}" --port "$PORT" >>"$WORK/server.log" 2>&1 &
    SERVER=$!
    for _ in $(seq 1 150); do curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break; sleep 0.2; done
    curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null || { cat "$WORK/server.log" >&2; exit 1; }
}
# First without the page cache (every request reads the database), then with it.
start_server off
SESSION=$(head -n 1 "$WORK/sessions")
curl -fs -o "$WORK/feed.html" -H "Cookie: tandem_session=$SESSION" "http://127.0.0.1:$PORT/feed"
CARDS=$(grep -o '<article' "$WORK/feed.html" | wc -l)
echo "bench: /feed answers with $CARDS cards ($(wc -c <"$WORK/feed.html") bytes)" >&2
(( CARDS >= 20 )) || { echo "bench: the feed page is not full" >&2; exit 1; }
if [[ $SURVEY == 1 ]]; then grep -q 'feed-prompts' "$WORK/feed.html" || { echo "bench: the survey card is missing from the feed" >&2; exit 1; }; fi

# Each request is a different reader (round robin over the sessions).
cat >"$WORK/readers.lua" <<LUA
local sessions = {}
for line in io.lines("$WORK/sessions") do sessions[#sessions + 1] = line end
local n = 0
request = function()
    n = n + 1
    return wrk.format("GET", "/feed", { ["Cookie"] = "tandem_session=" .. sessions[(n % #sessions) + 1] })
end
LUA

to_ms() { awk -v v="$1" 'BEGIN{ if (v ~ /us$/) {sub(/us$/,"",v); print v/1000} else if (v ~ /ms$/) {sub(/ms$/,"",v); print v+0} else if (v ~ /s$/) {sub(/s$/,"",v); print v*1000} else print v }'; }
run() { # name path [script]
    local args=(-t "$THREADS" -c "$CONNECTIONS" --latency)
    [[ -n "${3:-}" ]] && args+=(-s "$3")
    wrk "${args[@]}" -d 3s "http://127.0.0.1:$PORT$2" >/dev/null 2>&1
    local out; out=$(wrk "${args[@]}" -d "$DURATION" "http://127.0.0.1:$PORT$2")
    echo "$1|$(awk '/Requests\/sec/{print $2}' <<<"$out")|$(to_ms "$(awk '$1=="50%"{print $2}' <<<"$out")")|$(to_ms "$(awk '$1=="99%"{print $2}' <<<"$out")")|$(awk '/Non-2xx/{print $NF}' <<<"$out")"
}
rss_mb() { awk '/VmRSS/{printf "%.1f", $2/1024}' "/proc/$SERVER/status"; }

echo "bench: measuring ($DURATION per route, $CONNECTIONS connections)…" >&2
UNCACHED=$(run "/feed no cache" "/feed" "$WORK/readers.lua")
start_server on
HELLO=$(run "hello-world" "/_hello")
FEED=$(run "GET /feed" "/feed" "$WORK/readers.lua")
printf '\n%-14s %10s %8s %9s %9s %8s\n' "route" "req/s" "ratio" "p50 ms" "p99 ms" "non-2xx"
BASE=$(cut -d'|' -f2 <<<"$HELLO")
for row in "$HELLO" "$FEED" "$UNCACHED"; do
    IFS='|' read -r name rps p50 p99 bad <<<"$row"
    printf '%-14s %10.0f %8.2f %9.2f %9.2f %8s\n' "$name" "$rps" "$(awk -v a="$rps" -v b="$BASE" 'BEGIN{print a/b}')" "$p50" "$p99" "${bad:-0}"
done
IFS='|' read -r _ FEED_RPS _ FEED_P99 _ <<<"$FEED"

# The send to everyone: the scheduler publishes it SEND_IN seconds after seeding.
TOKEN=$("$BIN" token create "${STORAGE[@]}" --user author@bench.example --name bench 2>/dev/null | tail -n 1)
echo "bench: waiting for post $SEND_POST to reach $EMPLOYEES feeds, sampling RSS every 0.5 s…" >&2
PEAK=0; START=$(date +%s); SENT=0
while (( $(date +%s) - START < 600 )); do
    RSS=$(rss_mb); PEAK=$(awk -v a="$RSS" -v b="$PEAK" 'BEGIN{print (a > b ? a : b)}')
    SENT=$(curl -fs -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/v1/posts/$SEND_POST/deliveries" \
        | python3 -c 'import json,sys; d=json.load(sys.stdin); print(sum(c["counts"].get("sent",0) for c in d.get("channels",[]) if c["channel"]=="feed"))' 2>/dev/null || echo 0)
    (( SENT >= EMPLOYEES )) && break
    sleep 0.5
done
printf '\nsend to %d people: %d feed deliveries sent; peak server RSS %.1f MB\n' "$EMPLOYEES" "$SENT" "$PEAK"
awk -v r="$FEED_RPS" -v b="$BASE" -v q="$FEED_P99" -v m="$PEAK" 'BEGIN{
    printf "targets: /feed p99 < 25 ms: %s (%.2f ms); /feed/hello >= 0.40: %s (%.2f); RSS during the send < 150 MB: %s (%.1f MB)\n",
        (q < 25 ? "met" : "MISSED"), q, (r/b >= 0.40 ? "met" : "MISSED"), r/b, (m < 150 ? "met" : "MISSED"), m }'
