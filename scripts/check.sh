#!/usr/bin/env bash
# Everything CI checks, in order. Called by ./dev.sh test (which sets up .venv first).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export PYTHONDONTWRITEBYTECODE=1
export QT_QPA_PLATFORM=offscreen

cleanup() {
  [ -n "${PG_STARTED:-}" ] && scripts/pg-stop.sh >/dev/null 2>&1 || true
  [ -n "${CUPS_STARTED:-}" ] && scripts/cups-stop.sh >/dev/null 2>&1 || true
}
trap cleanup EXIT

# Every step runs even when an earlier one fails, so one CI run shows every problem; the exit says if any did.
failed=()
step() {
  local name=$1
  shift
  echo "==> $name"
  "$@" || failed+=("$name")
}

step ruff .venv/bin/ruff check .
step "ruff format" .venv/bin/ruff format --check .
step mypy .venv/bin/mypy desktop sync printing
step "import contracts" .venv/bin/lint-imports
step catalog .venv/bin/yishi catalog check resources/catalog

step "core tests with Qt unavailable and no display" \
  env -u DISPLAY -u QT_QPA_PLATFORM YISHI_BLOCK_QT=1 $PY -m pytest -q -m "not gui and not slow" -p no:pytest-qt -W ignore::pytest.PytestConfigWarning -o addopts="-ra --strict-markers" tests "$@"

# Date-sensitive tests as a machine elsewhere would run them: after 16:00 UTC (Beijing's next day) and just before
# UTC midnight, on a UTC machine and on a Los Angeles one. faketime moves the wall clock only: faking the monotonic
# clock too hangs Qt and thread waits.
for zone in UTC America/Los_Angeles; do
  for instant in "2026-11-30 20:00:00" "2026-11-30 23:59:00"; do
    local_time=$(TZ=$zone date -d "@$(date -u -d "$instant" +%s)" "+%Y-%m-%d %H:%M:%S")  # faketime reads local time
    step "date-sensitive tests, TZ=$zone at $instant UTC" \
      env TZ=$zone FAKETIME_DONT_FAKE_MONOTONIC=1 faketime -f "@$local_time" $PY -m pytest -q -m clock -p no:cacheprovider tests
  done
done

# Real services for the tests that need them.
if [ "$(id -u)" = 0 ] && [ -x scripts/pg-start.sh ]; then
  if url=$(scripts/pg-start.sh); then export YISHI_TEST_PG_URL=$url; PG_STARTED=1; fi
fi
if [ "$(id -u)" = 0 ] && [ -x scripts/cups-start.sh ]; then
  if scripts/cups-start.sh >/dev/null; then export YISHI_TEST_PRINTER=yishi-pdf; CUPS_STARTED=1; fi
fi

step "frozen build and its self-test" scripts/build-frozen.sh
# The second pass runs what the first could not: the window's tests, the slow ones, and those needing PostgreSQL or
# CUPS (everything else already ran, with Qt blocked).
step "window, slow and service tests (Qt offscreen, services up)" \
  $PY -m pytest -q -m "gui or slow or postgres or cups" tests "$@"

if [ ${#failed[@]} -gt 0 ]; then
  printf 'FAILED steps: %s\n' "${failed[*]}" >&2
  exit 1
fi
