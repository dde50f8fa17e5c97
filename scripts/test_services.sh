#!/usr/bin/env bash
# The tests of the scaled-out storage (the triage record on PostgreSQL) use the machine's
# PostgreSQL at 127.0.0.1:5432 with trust auth for the `postgres` user. Start it when it is
# installed but stopped (as root); otherwise say what is missing. The default set-up
# (`make run`) never needs it.
set -euo pipefail
PY=${PY:-.venv/bin/python}
reachable() {
  "$PY" - <<'PYEOF' 2>/dev/null
import psycopg2
psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname="postgres", connect_timeout=3).close()
PYEOF
}
if reachable; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v service >/dev/null 2>&1; then
  echo "==> Starting PostgreSQL for the tests"
  service postgresql start >/dev/null 2>&1 || true
  for _ in $(seq 1 20); do reachable && exit 0; sleep 1; done
fi
echo "error: make test needs PostgreSQL at 127.0.0.1:5432 (user postgres, trust auth) for the" >&2
echo "  scaled-out storage tests: sudo apt-get install postgresql && sudo service postgresql start" >&2
exit 1
