#!/usr/bin/env bash
# Build the PyInstaller one-folder app and run its self-test offscreen on a throwaway store.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/pyinstaller --noconfirm --log-level WARN --distpath dist --workpath build/pyinstaller build.spec
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
QT_QPA_PLATFORM=offscreen YISHI_CONFIG=$tmp/settings.json dist/yishi/yishi --db "$tmp/cases.sqlite3" selftest
