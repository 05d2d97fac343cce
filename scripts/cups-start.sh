#!/usr/bin/env bash
# Start a local CUPS with a "yishi-pdf" queue that prints to PDF files (cups-pdf); run as root.
# Prints the directory where cups-pdf writes its PDFs. Used by scripts/check.sh for the `cups` tests:
#   YISHI_TEST_PRINTER=yishi-pdf .venv/bin/python -m pytest -m cups tests/printing
set -euo pipefail
QUEUE=${YISHI_CUPS_QUEUE:-yishi-pdf}

if [ "$(id -u)" != 0 ]; then echo "cups-start.sh must run as root" >&2; exit 1; fi

if ! command -v cupsd >/dev/null || [ ! -e /usr/lib/cups/backend/cups-pdf ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq cups printer-driver-cups-pdf >&2
fi

if ! lpstat -r 2>/dev/null | grep -q "is running"; then
  # No systemd in containers: run the daemon directly (it forks into the background).
  /usr/sbin/cupsd
  for _ in $(seq 50); do lpstat -r 2>/dev/null | grep -q "is running" && break; sleep 0.2; done
  lpstat -r | grep -q "is running" || { echo "cupsd did not start" >&2; exit 1; }
fi

PPD=$(ls /usr/share/ppd/cups-pdf/CUPS-PDF_noopt.ppd /usr/share/ppd/cups-pdf/CUPS-PDF*.ppd 2>/dev/null | head -n1)
[ -n "$PPD" ] || { echo "no cups-pdf PPD found" >&2; exit 1; }
if ! lpstat -p "$QUEUE" >/dev/null 2>&1; then
  lpadmin -p "$QUEUE" -E -v cups-pdf:/ -P "$PPD"
fi
cupsenable "$QUEUE"
cupsaccept "$QUEUE"

# Where cups-pdf writes: "Out" (default ${HOME}/PDF) for local users such as root, AnonDirName for the rest.
OUT=$(sed -n 's/^[[:space:]]*Out[[:space:]]\+//p' /etc/cups/cups-pdf.conf 2>/dev/null | tail -n1)
OUT=${OUT:-'${HOME}/PDF'}
echo "${OUT//\$\{HOME\}/$HOME}"
