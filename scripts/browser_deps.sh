#!/usr/bin/env bash
# The browser test drives Debian's chromium; never a browser downloaded by a test tool.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "==> Installing Debian's chromium for the browser test"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  exit 0
fi
echo "error: the browser test needs Debian's chromium: sudo apt-get install chromium" >&2
exit 1
