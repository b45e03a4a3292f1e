#!/usr/bin/env bash
# Employee import throughput: a generated 100,000-row HRIS export through `tandem import employees`.
#
#   bash bench/import.sh                      # SQLite, release build, 100,000 rows
#   ROWS=20000 bash bench/import.sh
#   DATABASE_URL=postgres://… bash bench/import.sh   # also on PostgreSQL (an empty database)
#
# Prints rows/s for the first import (all creates) and for the repeat (all unchanged), then the
# same file with three custom-attribute columns (attr.shift list, attr.remote_days number,
# attr.training_due date) into a fresh database, and its ratio to the plain first import.
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS="${ROWS:-100000}"
BIN="${BIN:-}"
if [[ -z "$BIN" ]]; then
    echo "bench: building release binary…" >&2
    swift build -c release --product tandem >&2
    BIN="$(swift build -c release --show-bin-path)/tandem"
fi
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

echo "bench: generating $ROWS rows…" >&2
python3 - "$ROWS" "$WORK/hris.csv" <<'PY'
import random, sys
rows, path = int(sys.argv[1]), sys.argv[2]
random.seed(7)
countries = [("US","America/Chicago","en-US","+1312555"),("DE","Europe/Berlin","de-DE","+4930555"),("BR","America/Sao_Paulo","pt-BR","+5511955"),
             ("IN","Asia/Kolkata","en-IN","+9198555"),("GB","Europe/London","en-GB","+4420795"),("JP","Asia/Tokyo","ja-JP","+8135555")]
departments = ["Operations","Retail","Logistics","Engineering","Sales","Marketing","Human Resources","Finance"]
with open(path, "w", encoding="utf-8") as f:
    f.write("employee_id,given_name,family_name,preferred_name,work_email,mobile_phone,language,time_zone,country,region,site,department,team,job_title,job_level,manager_id,employment_type,worker_type,hire_date,termination_date,pay_band,annual_pay,hce\n")
    for i in range(1, rows + 1):
        c = random.choice(countries)
        d = random.choice(departments)
        frontline = d in ("Operations", "Retail", "Logistics")
        manager = f"E{random.randint(1, i - 1):07d}" if i > 10 else ""
        f.write(f"E{i:07d},Given{i},Family{i % 997},,person{i}@example.com,{c[3]}{i % 10000:04d},{c[2]},{c[1]},{c[0]},,Site {i % 40},{d},{d} {i % 7},"
                f"Title {i % 50},L{1 + i % 8},{manager},{'part_time' if i % 9 == 0 else 'full_time'},{'frontline' if frontline else 'desk'},"
                f"20{10 + i % 15:02d}-{1 + i % 12:02d}-{1 + i % 28:02d},,L{1 + i % 8},{30000 + (i * 37) % 150000},{'true' if i % 23 == 0 else 'false'}\n")
PY
# The same rows with three custom attribute columns (one in 5 cells left empty).
python3 - "$WORK/hris.csv" "$WORK/hris-attrs.csv" <<'PY'
import sys
src, dst = sys.argv[1], sys.argv[2]
shifts = ["day", "evening", "night", "rotating"]
with open(src, encoding="utf-8") as f, open(dst, "w", encoding="utf-8") as out:
    out.write(f.readline().rstrip("\n") + ",attr.shift,attr.remote_days,attr.training_due\n")
    for i, line in enumerate(f, 1):
        cells = [shifts[i % 4], str(i % 6), f"2027-{1 + i % 12:02d}-{1 + i % 28:02d}"]
        if i % 5 == 0: cells[i % 3] = ""
        out.write(line.rstrip("\n") + "," + ",".join(cells) + "\n")
PY
ls -la "$WORK/hris.csv" | awk '{printf "bench: file is %.1f MB\n", $5/1048576}' >&2

run() { # label, file, storage args…
    local label="$1" file="$2"; shift 2
    local start end
    start=$(date +%s.%N)
    "$BIN" import employees "$file" "$@" >"$WORK/out.txt" 2>"$WORK/progress.txt"
    end=$(date +%s.%N)
    awk -v r="$ROWS" -v s="$start" -v e="$end" -v l="$label" 'BEGIN{t=e-s; printf "%-44s %8.2f s %10.0f rows/s\n", l, t, r/t}' | tee -a "$WORK/results.txt"
}

printf '\n%-44s %10s %17s\n' "run" "time" "throughput"
run "SQLite, first import (all create)" "$WORK/hris.csv" --data-dir "$WORK/data"
run "SQLite, same file again (all unchanged)" "$WORK/hris.csv" --data-dir "$WORK/data"
grep -q "Nothing to change" "$WORK/out.txt" || { echo "bench: the repeat import changed something" >&2; cat "$WORK/out.txt" >&2; exit 1; }
"$BIN" migrate --data-dir "$WORK/data-attrs" >/dev/null
"$BIN" attribute define shift --kind list --options day,evening,night,rotating --data-dir "$WORK/data-attrs" >/dev/null
"$BIN" attribute define remote_days --kind number --data-dir "$WORK/data-attrs" >/dev/null
"$BIN" attribute define training_due --kind date --data-dir "$WORK/data-attrs" >/dev/null
run "SQLite, + 3 attribute columns, first import" "$WORK/hris-attrs.csv" --data-dir "$WORK/data-attrs"
run "SQLite, + 3 attribute columns, again" "$WORK/hris-attrs.csv" --data-dir "$WORK/data-attrs"
grep -q "Nothing to change" "$WORK/out.txt" || { echo "bench: the repeat import with attributes changed something" >&2; cat "$WORK/out.txt" >&2; exit 1; }
awk 'NR==1{p=$(NF-1)} NR==3{a=$(NF-1)} END{printf "ratio: first import with attribute columns / plain first import = %.2f\n", a/p}' "$WORK/results.txt"
if [[ -n "${DATABASE_URL:-}" ]]; then
    run "PostgreSQL, first import (all create)" "$WORK/hris.csv" --database-url "$DATABASE_URL"
    run "PostgreSQL, same file again" "$WORK/hris.csv" --database-url "$DATABASE_URL"
fi
echo
echo "target: >= 20,000 rows/s for the first import on SQLite (release build)"
