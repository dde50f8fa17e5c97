#!/usr/bin/env bash
# Print the path of a Python interpreter that Rasa 3.6 supports (3.10, 3.9 or 3.8).
# Looks on PATH first, then in pyenv's versions; exits 1 with advice when none works.
set -euo pipefail

supported() {
  "$1" -c 'import sys; sys.exit(0 if (3, 8) <= sys.version_info[:2] <= (3, 10) else 1)' >/dev/null 2>&1
}

candidates=()
for name in python3.10 python3.9 python3.8 python3; do
  if path=$(command -v "$name" 2>/dev/null); then candidates+=("$path"); fi
done
pyenv_root=${PYENV_ROOT:-$HOME/.pyenv}
for minor in 10 9 8; do
  for path in "$pyenv_root"/versions/3."$minor".*/bin/python3."$minor"; do
    [ -x "$path" ] && candidates+=("$path")
  done
done

for path in "${candidates[@]}"; do
  # pyenv shims exist for versions that are not active; running them is the only real check.
  if supported "$path"; then
    echo "$path"
    exit 0
  fi
done

cat >&2 <<'MSG'
error: no Python 3.8-3.10 interpreter found (Rasa 3.6.21 does not run on 3.11+).
Install one, then re-run this command. For example:
  Debian/Ubuntu:  sudo apt-get install python3.10 python3.10-venv
  pyenv:          pyenv install 3.10.13
  or point to one: make run PYTHON=/path/to/python3.10
MSG
exit 1
