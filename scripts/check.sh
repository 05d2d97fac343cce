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

echo "==> ruff";          .venv/bin/ruff check .
echo "==> mypy";          .venv/bin/mypy desktop sync printing
echo "==> import contracts"; .venv/bin/lint-imports
echo "==> catalog";       .venv/bin/yishi catalog check resources/catalog

echo "==> core tests with Qt unavailable and no display"
env -u DISPLAY -u QT_QPA_PLATFORM YISHI_BLOCK_QT=1 $PY -m pytest -q -m "not gui" -p no:pytest-qt -W ignore::pytest.PytestConfigWarning -o addopts="-ra --strict-markers" tests "$@"

# Real services for the tests that need them.
if [ "$(id -u)" = 0 ] && [ -x scripts/pg-start.sh ]; then
  if url=$(scripts/pg-start.sh); then export YISHI_TEST_PG_URL=$url; PG_STARTED=1; fi
fi
if [ "$(id -u)" = 0 ] && [ -x scripts/cups-start.sh ]; then
  if scripts/cups-start.sh >/dev/null; then export YISHI_TEST_PRINTER=yishi-pdf; CUPS_STARTED=1; fi
fi

echo "==> frozen build and its self-test"
scripts/build-frozen.sh

echo "==> all tests (Qt offscreen, services up)"
$PY -m pytest -q tests "$@"
