#!/usr/bin/env bash
# The people directory at scale: builds a database of ROWS employees (default 1,000,000) through
# `tandem import employees`, starts the release server on it, and times the directory routes.
#
#   bash bench/directory.sh                    # 1,000,000 employees, 30 requests per route
#   ROWS=200000 REQUESTS=50 bash bench/directory.sh
#   DATA=/tmp/dir-bench bash bench/directory.sh  # keep (and reuse) the database between runs
#   QUERIES="smith e0000042" bash bench/directory.sh  # other text-search terms
#   DATABASE_URL=postgres://… DATA=/tmp/dir-bench-pg bash bench/directory.sh
#                      # on PostgreSQL (an empty database); DATA then only remembers that the
#                      # import was done, so the next run skips it
#
# Prints the median and p95 of REQUESTS sequential curl requests per route (time to last byte).
# Loopback only. Target: < 100 ms for each route with 1,000,000 employees on SQLite.
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS="${ROWS:-1000000}"
REQUESTS="${REQUESTS:-30}"
PORT="${PORT:-18090}"
BIN="${BIN:-}"
if [[ -z "$BIN" ]]; then
    echo "bench: building release binary…" >&2
    swift build -c release --product tandem >&2
    BIN="$(swift build -c release --show-bin-path)/tandem"
fi
WORK="$(mktemp -d)"
DATA="${DATA:-$WORK/data}"
if [[ -n "${DATABASE_URL:-}" ]]; then STORAGE=(--database-url "$DATABASE_URL"); else STORAGE=(--data-dir "$DATA"); fi
mkdir -p "$DATA"
PASSWORD="bench-password-$RANDOM$RANDOM-long"
cleanup() {
    [[ -n "${SERVER:-}" ]] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

if [[ ! -f "$DATA/.directory-bench-$ROWS" ]]; then
    echo "bench: generating $ROWS employees…" >&2
    python3 - "$ROWS" "$WORK/hris.csv" <<'PY'
import random, sys
rows, path = int(sys.argv[1]), sys.argv[2]
random.seed(11)
countries = [("US","America/Chicago","en-US","+1312555"),("DE","Europe/Berlin","de-DE","+4930555"),("BR","America/Sao_Paulo","pt-BR","+5511955"),
             ("IN","Asia/Kolkata","en-IN","+9198555"),("GB","Europe/London","en-GB","+4420795"),("JP","Asia/Tokyo","ja-JP","+8135555")]
departments = ["Operations","Retail","Logistics","Engineering","Sales","Marketing","Human Resources","Finance"]
with open(path, "w", encoding="utf-8") as f:
    f.write("employee_id,given_name,family_name,work_email,mobile_phone,language,time_zone,country,site,department,team,job_title,manager_id,worker_type,hire_date\n")
    for i in range(1, rows + 1):
        c = random.choice(countries)
        d = random.choice(departments)
        manager = f"E{random.randint(1, i - 1):07d}" if i > 10 else ""
        f.write(f"E{i:07d},Given{i},Family{i % 997},person{i}@example.com,{c[3]}{i % 10000:04d},{c[2]},{c[1]},{c[0]},Site {i % 400},{d},{d} {i % 7},"
                f"Title {i % 50},{manager},{'frontline' if d in ('Operations','Retail','Logistics') else 'desk'},20{10 + i % 15:02d}-{1 + i % 12:02d}-{1 + i % 28:02d}\n")
PY
    echo "bench: importing (progress below)…" >&2
    start=$(date +%s.%N)
    "$BIN" import employees "$WORK/hris.csv" "${STORAGE[@]}" >"$WORK/import.txt"
    end=$(date +%s.%N)
    awk -v r="$ROWS" -v s="$start" -v e="$end" 'BEGIN{t=e-s; printf "bench: imported %d employees in %.1f s (%.0f rows/s)\n", r, t, r/t}' >&2
    rm -f "$WORK/hris.csv"
    touch "$DATA/.directory-bench-$ROWS"
fi

echo "bench: starting $BIN on 127.0.0.1:$PORT" >&2
TANDEM_BCRYPT_COST=4 TANDEM_DEMO_PASSWORD="$PASSWORD" TANDEM_LOG_LEVEL=warning \
    "$BIN" serve --demo --port "$PORT" "${STORAGE[@]}" >"$WORK/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 300); do
    curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break
    sleep 0.2
done
curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null || { cat "$WORK/server.log" >&2; exit 1; }
# A fresh HR user each run, so a kept database (DATA, or DATABASE_URL) can be measured again.
EMAIL="bench-$RANDOM$RANDOM@example.com"
echo "$PASSWORD" | "$BIN" user create "${STORAGE[@]}" --email "$EMAIL" --role hr --password-stdin >/dev/null 2>&1
JAR="$WORK/cookies"
CSRF=$(curl -fs -c "$JAR" "http://127.0.0.1:$PORT/login" | sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p')
curl -fs -b "$JAR" -c "$JAR" -o /dev/null --data-urlencode "_csrf=$CSRF" --data-urlencode "email=$EMAIL" \
    --data-urlencode "password=$PASSWORD" "http://127.0.0.1:$PORT/login"
grep -q tandem_session "$JAR" || { echo "bench: sign-in failed" >&2; exit 1; }
[[ "$(curl -s -o /dev/null -w '%{http_code}' -b "$JAR" "http://127.0.0.1:$PORT/people")" == 200 ]] || { echo "bench: /people is not 200 for $EMAIL" >&2; exit 1; }
TOKEN=$("$BIN" token create "${STORAGE[@]}" --user "$EMAIL" --name "bench-$RANDOM" 2>/dev/null | tail -n 1)

measure() { # label, curl arguments…
    local label="$1"; shift
    local times=()
    curl -fs -o /dev/null "$@"  # warm-up (first request after a write recomputes the cached summary)
    for _ in $(seq 1 "$REQUESTS"); do
        times+=("$(curl -fs -o /dev/null -w '%{time_total}' "$@")")
    done
    printf '%s\n' "${times[@]}" | sort -n | awk -v l="$label" '{a[NR]=$1*1000} END{m=a[int((NR+1)/2)]; p=a[int(NR*0.95+0.999)]; printf "%-52s median %7.1f ms   p95 %7.1f ms\n", l, m, p}'
}

echo
ENGINE=SQLite; [[ -n "${DATABASE_URL:-}" ]] && ENGINE=PostgreSQL
echo "$ROWS employees on $ENGINE, $REQUESTS sequential requests per route"
measure "page /people" -b "$JAR" "http://127.0.0.1:$PORT/people"
measure "page /people?country=BR&worker_type=frontline" -b "$JAR" "http://127.0.0.1:$PORT/people?country=BR&worker_type=frontline"
# Text search terms: an id (one match, the last row), a rare name (~110 matches), a surname that
# 1 row in 997 holds, a term no row holds, a 3-letter term every row holds ("person…@"), and a
# 1-letter term (no index: scans). QUERIES="a b" replaces the list.
for q in ${QUERIES:-e0999999 given4242 family996 zzqx son a}; do
    measure "page /people?q=$q" -b "$JAR" "http://127.0.0.1:$PORT/people?q=$q"
done
measure "api /api/v1/employees?limit=50" -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/v1/employees?limit=50"
measure "api ?country=BR&worker_type=frontline" -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/v1/employees?country=BR&worker_type=frontline&limit=50"
for q in ${QUERIES:-e0999999 given4242 family996 zzqx son a}; do
    measure "api ?q=$q&limit=50" -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/v1/employees?q=$q&limit=50"
done
echo
echo "target: < 100 ms per route with 1,000,000 employees on SQLite (release build)"
