#!/usr/bin/env bash
# One entry point for a fresh Debian/Ubuntu machine. Idempotent.
#   ./dev.sh app     set up, then launch the app on a local SQLite store with demo data
#   ./dev.sh test    set up, then run every check CI runs (lint, types, contracts, tests, frozen build)
#   ./dev.sh setup   only set up (.venv/ in the repo root, system packages when root)
#   ./dev.sh fuzz    a longer, randomized fuzz run (YISHI_FUZZ_EXAMPLES per target, default 5000)
set -euo pipefail
cd "$(dirname "$0")"

SYSTEM_PACKAGES=(
  python3-venv libzbar0 poppler-utils xvfb xauth
  libegl1 libgl1 libfontconfig1 libdbus-1-3 libxkbcommon0 libxkbcommon-x11-0
  libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-xkb1 libxcb-cursor0
  libxcb-shape0 libxcb-randr0 libxcb-xinerama0 libxcb-xfixes0
)
TEST_PACKAGES=(cups printer-driver-cups-pdf postgresql-15 imagemagick faketime)

missing_packages() {
  local p
  for p in "$@"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || echo "$p"; done
}

install_system() {
  local missing
  missing=$(missing_packages "$@")
  [ -z "$missing" ] && return 0
  if [ "$(id -u)" = 0 ]; then
    echo "==> apt-get install:" $missing
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q $missing >/dev/null
  else
    echo "These system packages are missing; install them as root, then run again:" >&2
    echo "  sudo apt-get install -y $missing" >&2
    exit 1
  fi
}

setup_python() {
  local py=${PYTHON:-python3}
  [ -x .venv/bin/python ] || "$py" -m venv .venv
  local stamp=.venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)
  if [ ! -f "$stamp" ]; then
    echo "==> installing Python packages into .venv/"
    # pip -q still lists every local index it skips: keep the log readable
    .venv/bin/python -m pip install -q --upgrade pip 2>&1 | grep -v "^WARNING: Location" || true
    .venv/bin/python -m pip install -q -e ".[dev,platform]" 2>&1 | grep -v "^WARNING: Location" || true
    .venv/bin/python -c "import desktop, PySide6, sqlmodel, reportlab, pyzbar" || { echo "Python set-up failed" >&2; exit 1; }
    rm -f .venv/.installed-*
    touch "$stamp"
  fi
}

case "${1:-}" in
  setup)
    install_system "${SYSTEM_PACKAGES[@]}"
    setup_python
    ;;
  app)
    install_system "${SYSTEM_PACKAGES[@]}"
    setup_python
    export YISHI_DB=${YISHI_DB:-$PWD/.venv/demo/cases.sqlite3}
    export YISHI_CONFIG=${YISHI_CONFIG:-$PWD/.venv/demo/settings.json}
    .venv/bin/yishi demo-data --if-empty
    exec .venv/bin/yishi "${@:2}"
    ;;
  test)
    install_system "${SYSTEM_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
    setup_python
    exec scripts/check.sh "${@:2}"
    ;;
  fuzz)
    setup_python
    export YISHI_FUZZ_EXAMPLES=${YISHI_FUZZ_EXAMPLES:-5000} YISHI_FUZZ_RANDOM=1 YISHI_BLOCK_QT=1
    exec .venv/bin/python -m pytest -q -m fuzz -p no:pytest-qt -W ignore::pytest.PytestConfigWarning -o addopts="-ra --strict-markers" tests/fuzz "${@:2}"
    ;;
  *)
    sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
