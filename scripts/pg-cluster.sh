#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for tests, CI and e2e runs.
#
#   scripts/pg-cluster.sh start    start it (creating it first if needed) and print its URL
#   scripts/pg-cluster.sh stop     stop it (fast shutdown); fine if it is not running
#   scripts/pg-cluster.sh url      print the URL of the running cluster
#   scripts/pg-cluster.sh status   say whether it runs
#   scripts/pg-cluster.sh reset    stop it and delete its folder
#
# Everything lives in ${TANDEM_PG_DIR:-/tmp/tandem-pg}: data/ (the cluster), log, port,
# password and url (postgres://tandem:PASSWORD@127.0.0.1:PORT/tandem). The cluster listens on
# 127.0.0.1 only, on ${TANDEM_PG_PORT:-55432} or the next free port. Role `tandem` is a
# superuser (the tests create and drop schemas). Run as root, the server runs as the
# `postgres` user through runuser; run as anyone else, it runs as that user.
# The binaries come from $PG_BIN, else the newest /usr/lib/postgresql/*/bin, else $PATH.
set -euo pipefail

DIR="${TANDEM_PG_DIR:-/tmp/tandem-pg}"
DATA="$DIR/data"
DEFAULT_PORT="${TANDEM_PG_PORT:-55432}"

die() { echo "pg-cluster: $*" >&2; exit 1; }
note() { echo "pg-cluster: $*" >&2; }

find_bin() {
    if [[ -n "${PG_BIN:-}" ]]; then echo "$PG_BIN"; return; fi
    local newest=""
    newest=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    if [[ -n "$newest" && -x "$newest/initdb" ]]; then echo "$newest"; return; fi
    if command -v pg_config >/dev/null 2>&1 && [[ -x "$(pg_config --bindir)/initdb" ]]; then pg_config --bindir; return; fi
    if command -v initdb >/dev/null 2>&1; then dirname "$(command -v initdb)"; return; fi
    die "no PostgreSQL server binaries found (install the postgresql package, or set PG_BIN)"
}

BIN="$(find_bin)"

# Run a command as the cluster's owner.
if [[ "$(id -u)" == 0 ]]; then
    id postgres >/dev/null 2>&1 || die "user 'postgres' does not exist (install the postgresql package)"
    OWNER=postgres
    as_owner() { runuser -u postgres -- "$@"; }
else
    OWNER="$(id -un)"
    as_owner() { "$@"; }
fi

is_running() {
    [[ -f "$DATA/PG_VERSION" ]] && as_owner "$BIN/pg_ctl" status -D "$DATA" >/dev/null 2>&1
}

# True when something accepts TCP connections on 127.0.0.1:$1.
port_busy() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

free_port() {
    local port="$1" last=$(( $1 + 200 ))
    while (( port <= last )); do
        if ! port_busy "$port"; then echo "$port"; return; fi
        port=$(( port + 1 ))
    done
    die "no free port in $1..$last"
}

psql_admin() {
    as_owner "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$DIR" -p "$(cat "$DIR/port")" -U postgres -d postgres "$@"
}

write_url() {
    local url="postgres://tandem:$(cat "$DIR/password")@127.0.0.1:$(cat "$DIR/port")/tandem"
    printf '%s\n' "$url" > "$DIR/url"
    chmod 0644 "$DIR/url"
}

cmd_start() {
    if is_running; then
        [[ -f "$DIR/url" ]] || write_url
        cat "$DIR/url"
        return
    fi
    mkdir -p "$DIR"
    chmod 0755 "$DIR"
    chown "$OWNER" "$DIR"
    as_owner test -w "$DIR" -a -x "$DIR" \
        || die "user $OWNER cannot use $DIR (is a parent folder private?); choose another TANDEM_PG_DIR"
    if [[ ! -f "$DIR/password" ]]; then
        # Hex keeps the URL free of characters that would need escaping.
        (umask 077; od -An -N16 -tx1 /dev/urandom | tr -d ' \n' > "$DIR/password")
        chown "$OWNER" "$DIR/password"
    fi
    if [[ ! -f "$DATA/PG_VERSION" ]]; then
        rm -rf "$DATA"
        note "creating cluster in $DATA with $BIN"
        as_owner "$BIN/initdb" -D "$DATA" -U postgres -E UTF8 --locale=C \
            --auth-local=trust --auth-host=scram-sha-256 >"$DIR/initdb.log" 2>&1 \
            || { cat "$DIR/initdb.log" >&2; die "initdb failed"; }
    fi
    local port
    port="$(cat "$DIR/port" 2>/dev/null || echo "$DEFAULT_PORT")"
    if port_busy "$port"; then
        local wanted="$port"
        port="$(free_port "$port")"
        note "port $wanted is busy, using $port"
    fi
    echo "$port" > "$DIR/port"
    note "starting PostgreSQL on 127.0.0.1:$port"
    touch "$DIR/log" && chown "$OWNER" "$DIR/log"
    as_owner "$BIN/pg_ctl" -D "$DATA" -l "$DIR/log" -w -t 60 start \
        -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=500" \
        >/dev/null || { tail -n 30 "$DIR/log" >&2; die "pg_ctl start failed"; }

    # Role and database, created once and reused (the password is re-applied every start).
    psql_admin <<SQL
DO \$\$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'tandem') THEN
        CREATE ROLE tandem LOGIN SUPERUSER;
    END IF;
END
\$\$;
ALTER ROLE tandem WITH LOGIN SUPERUSER PASSWORD '$(cat "$DIR/password")';
SELECT 'CREATE DATABASE tandem OWNER tandem ENCODING ''UTF8'''
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'tandem') \gexec
SQL
    write_url
    cat "$DIR/url"
}

cmd_stop() {
    if is_running; then
        note "stopping PostgreSQL in $DATA"
        as_owner "$BIN/pg_ctl" -D "$DATA" -m fast -w -t 60 stop >/dev/null
    else
        note "not running"
    fi
}

cmd_url() {
    is_running || die "not running (start it with: $0 start)"
    [[ -f "$DIR/url" ]] || write_url
    cat "$DIR/url"
}

case "${1:-}" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    url) cmd_url ;;
    status) if is_running; then echo "running: $(cat "$DIR/url" 2>/dev/null)"; else echo "stopped"; exit 3; fi ;;
    reset) cmd_stop; rm -rf "$DIR"; note "removed $DIR" ;;
    *) echo "usage: $0 start|stop|url|status|reset" >&2; exit 2 ;;
esac
