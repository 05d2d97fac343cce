#!/bin/sh
# Start a throwaway PostgreSQL 15 on a loopback port for the `postgres` tests and print its URL.
#   export YISHI_TEST_PG_URL=$(scripts/pg-start.sh)
# Installs postgresql-15 with apt when missing (needs root). Stop it with scripts/pg-stop.sh.
set -eu

PORT="${YISHI_PG_PORT:-55432}"
BASE="${YISHI_PG_DIR:-/tmp/yishi-pg}"
DB="${YISHI_PG_DB:-yishi_test}"

find_bin() {
    for dir in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
        if [ -x "$dir/pg_ctl" ]; then echo "$dir"; return 0; fi
    done
    return 1
}

if ! BIN=$(find_bin); then
    if [ "$(id -u)" -ne 0 ]; then
        echo "postgresql-15 is not installed; run this script as root to install it" >&2
        exit 1
    fi
    echo "installing postgresql-15 ..." >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql-15 >&2
    BIN=$(find_bin)
fi

# initdb refuses to run as root: run the server as the postgres user (or the caller when not root).
if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir "$BASE" postgres
    AS="runuser -u postgres --"
else
    AS=""
fi

mkdir -p "$BASE"
[ -z "$AS" ] || chown postgres "$BASE"
DATA="$BASE/data"
if [ ! -f "$DATA/PG_VERSION" ]; then
    $AS "$BIN/initdb" -D "$DATA" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
fi
if ! $AS "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
    $AS "$BIN/pg_ctl" -D "$DATA" -l "$BASE/server.log" -w \
        -o "-c listen_addresses=127.0.0.1 -p $PORT -k $BASE -c fsync=on" start >/dev/null
fi
if ! $AS "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$DB'" postgres | grep -q 1; then
    $AS "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres "$DB"
fi
echo "postgresql+psycopg://postgres@127.0.0.1:$PORT/$DB"
