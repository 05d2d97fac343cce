#!/bin/sh
# Stop the PostgreSQL started by scripts/pg-start.sh; with --purge also delete its data directory.
set -eu
BASE="${YISHI_PG_DIR:-/tmp/yishi-pg}"
DATA="$BASE/data"
BIN=""
for dir in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
    if [ -x "$dir/pg_ctl" ]; then BIN="$dir"; break; fi
done
[ -n "$BIN" ] || { echo "pg_ctl not found" >&2; exit 1; }
[ -f "$DATA/PG_VERSION" ] || { echo "no cluster in $DATA" >&2; exit 0; }
if [ "$(id -u)" -eq 0 ]; then AS="runuser -u postgres --"; else AS=""; fi
$AS "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null 2>&1 || true
if [ "${1:-}" = "--purge" ]; then rm -rf "$BASE"; fi
echo "stopped"
