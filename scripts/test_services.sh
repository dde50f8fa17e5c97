#!/usr/bin/env bash
# The scaled-out tests use the machine's services: PostgreSQL at 127.0.0.1:5432 (trust auth
# for the `postgres` user: the triage record and the SQL tracker store), Redis at
# 127.0.0.1:6379 (the lock store shared by replicas) and RabbitMQ at 127.0.0.1:5672 (guest:
# the event broker), and Debian's nginx as the replicas' load balancer. Start a service that is
# installed but stopped, and install nginx (as root); otherwise say what is missing. The default set-up (`make run`) needs none of them.
set -euo pipefail
PY=${PY:-.venv/bin/python}

reachable() {  # service
  "$PY" - "$1" <<'PYEOF' 2>/dev/null
import sys
service = sys.argv[1]
if service == "postgresql":
    import psycopg2
    psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname="postgres", connect_timeout=3).close()
elif service == "redis-server":
    import redis
    redis.Redis(host="127.0.0.1", port=6379, socket_timeout=3).ping()
elif service == "rabbitmq-server":
    import socket
    with socket.create_connection(("127.0.0.1", 5672), timeout=3) as amqp:
        amqp.sendall(b"AMQP\x00\x00\x09\x01")  # AMQP 0-9-1 greeting; the broker answers connection.start
        assert amqp.recv(1) == b"\x01"
PYEOF
}

missing=()
# The scaled-out set-up's load balancer: Debian's nginx (installed, not started: run.sh starts its own).
if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "==> Installing Debian's nginx for the scaled-out tests"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null
  else
    missing+=("nginx-light")
  fi
fi
for service in postgresql redis-server rabbitmq-server; do
  reachable "$service" && continue
  if [ "$(id -u)" = "0" ] && command -v service >/dev/null 2>&1; then
    echo "==> Starting $service for the tests"
    service "$service" start >/dev/null 2>&1 || true
    for _ in $(seq 1 30); do reachable "$service" && continue 2; sleep 1; done
  fi
  missing+=("$service")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "error: make test needs these services on 127.0.0.1 for the scaled-out tests: ${missing[*]}" >&2
  echo "  PostgreSQL :5432 (user postgres, trust auth), Redis :6379, RabbitMQ :5672 (guest)." >&2
  echo "  sudo apt-get install ${missing[*]} && sudo service <name> start" >&2
  exit 1
fi
