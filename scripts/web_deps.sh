#!/usr/bin/env bash
# Install the widget's browser libraries (web/package-lock.json: the socket.io client and axe-core)
# from the npm registry into web/node_modules, which assistant/web_server.py serves locally.
# Re-installs only when the lock file changes; never runs package install scripts.
set -euo pipefail
cd "$(dirname "$0")/../web"

stamp=node_modules/.lock.sha256
wanted=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ]; then
  exit 0
fi
if ! command -v npm > /dev/null; then
  echo "error: npm is needed for the web widget's libraries. Install Node.js 18 or newer with npm" >&2
  echo "  (Debian: sudo apt-get install nodejs npm), then run make setup again." >&2
  exit 1
fi
echo "==> Installing the widget's browser libraries from web/package-lock.json"
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
test -f node_modules/socket.io-client/dist/socket.io.min.js \
  || { echo "error: npm ci did not install socket.io-client" >&2; exit 1; }
echo "$wanted" > "$stamp"
