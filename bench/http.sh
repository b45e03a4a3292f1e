#!/usr/bin/env bash
# HTTP throughput and latency of Tandem, as ratios to a hello-world route in the same binary.
#
#   bash bench/http.sh                 # builds release if needed, 10 s per route
#   DURATION=20s CONNECTIONS=64 bash bench/http.sh
#   BIN=/path/to/tandem bash bench/http.sh
#
# Loopback only, bounded in time. Needs wrk (apt-get install wrk) and curl.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION="${DURATION:-10s}"
CONNECTIONS="${CONNECTIONS:-64}"
THREADS="${THREADS:-2}"
PORT="${PORT:-18080}"
BIN="${BIN:-}"
command -v wrk >/dev/null || { echo "bench: wrk is missing; apt-get install wrk" >&2; exit 1; }

if [[ -z "$BIN" ]]; then
    echo "bench: building release binary (swift build -c release)…" >&2
    swift build -c release --product tandem >&2
    BIN="$(swift build -c release --show-bin-path)/tandem"
fi

WORK="$(mktemp -d)"
PASSWORD="bench-password-$RANDOM$RANDOM"
cleanup() {
    [[ -n "${SERVER:-}" ]] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

echo "bench: starting $BIN on 127.0.0.1:$PORT (SQLite in $WORK)" >&2
TANDEM_BENCH_ROUTES=true TANDEM_BCRYPT_COST=4 TANDEM_DEMO_PASSWORD="$PASSWORD" TANDEM_LOG_LEVEL=warning \
    "$BIN" serve --demo --port "$PORT" --data-dir "$WORK/data" >"$WORK/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 100); do
    curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break
    sleep 0.2
done
curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null || { cat "$WORK/server.log" >&2; exit 1; }

# A browser session for the HTML page (CSRF cookie + field, then the session cookie).
JAR="$WORK/cookies"
CSRF=$(curl -fs -c "$JAR" "http://127.0.0.1:$PORT/login" | sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p')
curl -fs -b "$JAR" -c "$JAR" -o /dev/null --data-urlencode "_csrf=$CSRF" --data-urlencode "email=admin@demo.tandem.local" \
    --data-urlencode "password=$PASSWORD" "http://127.0.0.1:$PORT/login"
SESSION=$(awk '$6=="tandem_session"{print $7}' "$JAR")
[[ -n "$SESSION" ]] || { echo "bench: sign-in failed" >&2; exit 1; }
TOKEN=$("$BIN" token create --data-dir "$WORK/data" --user admin@demo.tandem.local --name bench 2>/dev/null | tail -n 1)

# Enough users that the API list returns a full page of 50.
echo "bench: adding 60 users for the 50-row list…" >&2
for i in $(seq 1 60); do
    curl -fs -o /dev/null -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" \
        -d "{\"email\":\"bench$i@example.com\",\"display_name\":\"Bench User $i\",\"roles\":[\"comms\"],\"password\":\"bench password $i\"}" \
        "http://127.0.0.1:$PORT/api/v1/users"
done

rss_kb() { awk '/VmRSS/{print $2}' "/proc/$SERVER/status"; }
sleep 1
IDLE_RSS=$(rss_kb)

# wrk prints latencies like 512.00us, 1.20ms, 1.01s; normalise to milliseconds.
to_ms() { awk -v v="$1" 'BEGIN{ if (v ~ /us$/) {sub(/us$/,"",v); print v/1000} else if (v ~ /ms$/) {sub(/ms$/,"",v); print v+0} else if (v ~ /s$/) {sub(/s$/,"",v); print v*1000} else print v }'; }

run() { # name path [header]
    local name="$1" path="$2" header="${3:-}"
    local args=(-t "$THREADS" -c "$CONNECTIONS" -d "$DURATION" --latency)
    [[ -n "$header" ]] && args+=(-H "$header")
    wrk "${args[@]}" -d 2s "http://127.0.0.1:$PORT$path" >/dev/null 2>&1   # warm-up
    local out
    out=$(wrk "${args[@]}" "http://127.0.0.1:$PORT$path")
    local rps p50 p99 non2xx
    rps=$(awk '/Requests\/sec/{print $2}' <<<"$out")
    p50=$(to_ms "$(awk '$1=="50%"{print $2}' <<<"$out")")
    p99=$(to_ms "$(awk '$1=="99%"{print $2}' <<<"$out")")
    non2xx=$(awk '/Non-2xx/{print $NF}' <<<"$out")
    echo "$name|$path|$rps|$p50|$p99|${non2xx:-0}"
}

echo "bench: measuring ($DURATION per route, $CONNECTIONS connections, $THREADS wrk threads)…" >&2
RESULTS=()
RESULTS+=("$(run "hello-world baseline" "/_hello")")
RESULTS+=("$(run "health check" "/healthz")")
RESULTS+=("$(run "authenticated HTML page" "/" "Cookie: tandem_session=$SESSION")")
RESULTS+=("$(run "JSON API list (50 users)" "/api/v1/users?limit=50" "Authorization: Bearer $TOKEN")")
LOADED_RSS=$(rss_kb)

BASE=$(cut -d'|' -f3 <<<"${RESULTS[0]}")
printf '\n%-28s %-24s %12s %8s %9s %9s %8s\n' "route" "path" "req/s" "ratio" "p50 ms" "p99 ms" "non-2xx"
for row in "${RESULTS[@]}"; do
    IFS='|' read -r name path rps p50 p99 bad <<<"$row"
    ratio=$(awk -v a="$rps" -v b="$BASE" 'BEGIN{printf "%.2f", a/b}')
    printf '%-28s %-24s %12.0f %8s %9.2f %9.2f %8s\n' "$name" "$path" "$rps" "$ratio" "$p50" "$p99" "$bad"
done
printf '\nidle RSS after start-up and seeding: %.1f MB; after the load: %.1f MB\n' "$(awk -v k="$IDLE_RSS" 'BEGIN{print k/1024}')" "$(awk -v k="$LOADED_RSS" 'BEGIN{print k/1024}')"
PAGE=$(cut -d'|' -f3 <<<"${RESULTS[2]}")
PAGE_P99=$(cut -d'|' -f5 <<<"${RESULTS[2]}")
awk -v p="$PAGE" -v b="$BASE" -v q="$PAGE_P99" -v r="$IDLE_RSS" 'BEGIN{
    printf "targets: page/hello >= 0.40: %s (%.2f); page p99 < 20 ms: %s (%.2f ms); idle RSS < 60 MB: %s (%.1f MB)\n",
        (p/b >= 0.40 ? "met" : "MISSED"), p/b, (q < 20 ? "met" : "MISSED"), q, (r/1024 < 60 ? "met" : "MISSED"), r/1024 }'
