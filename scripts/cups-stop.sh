#!/usr/bin/env bash
# Remove the yishi-pdf queue and stop the cupsd that cups-start.sh started (by its pid file).
set -uo pipefail
QUEUE=${YISHI_CUPS_QUEUE:-yishi-pdf}
lpadmin -x "$QUEUE" 2>/dev/null || true
PID=$(cat /run/cups/cupsd.pid 2>/dev/null || cat /var/run/cups/cupsd.pid 2>/dev/null || true)
if [ -n "$PID" ]; then
  kill "$PID" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
fi
echo "cups stopped"
