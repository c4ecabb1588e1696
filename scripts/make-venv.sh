#!/usr/bin/env bash
# Creates the virtualenv with a Python >= 3.12, or stops with a clear message.
set -euo pipefail
venv=${1:-.venv}
ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; }
candidates=()
[ -n "${PYTHON:-}" ] && candidates+=("$PYTHON")
if [ -f .python-version ] && command -v pyenv >/dev/null 2>&1; then
  p="$(pyenv root)/versions/$(head -n1 .python-version)/bin/python"
  [ -x "$p" ] && candidates+=("$p")
fi
for v in python3.14 python3.13 python3.12 python3; do
  command -v "$v" >/dev/null 2>&1 && candidates+=("$(command -v "$v")")
done
for c in "${candidates[@]}"; do
  if ok "$c"; then
    if [ ! -x "$venv/bin/python" ] || ! ok "$venv/bin/python"; then
      rm -rf "$venv"
      echo "Creating $venv with $c ($("$c" --version))"
      "$c" -m venv "$venv"
      "$venv/bin/python" -m pip install -q --upgrade pip
    fi
    exit 0
  fi
done
echo "Comptoir needs Python 3.12 or newer, and none was found." >&2
echo "Install one (e.g. 'pyenv install 3.12' or your distribution's python3.12) or set PYTHON=/path/to/python3.12." >&2
exit 1
