#!/usr/bin/env bash
# Start the assistant: action server, Rasa server and the web chat page.
# Ctrl-C stops all three. Ports: RASA_PORT, ACTION_PORT, WEB_PORT.
set -euo pipefail
cd "$(dirname "$0")/.."

RASA_PORT=${RASA_PORT:-5005}
ACTION_PORT=${ACTION_PORT:-5055}
WEB_PORT=${WEB_PORT:-8080}
HOST=${HOST:-127.0.0.1}
export ACTION_PORT
export TRACKER_DB=${TRACKER_DB:-.rasa-data/conversations.db}
export TRIAGE_DB=${TRIAGE_DB:-.rasa-data/triage.db}
export TF_CPP_MIN_LOG_LEVEL=3 PYTHONPATH=.
PY=.venv/bin/python
mkdir -p .rasa-data logs

for port in "$RASA_PORT" "$ACTION_PORT" "$WEB_PORT"; do
  if ! "$PY" -c "import socket,sys; s=socket.socket(); s.bind(('$HOST', int(sys.argv[1])))" "$port" 2>/dev/null; then
    echo "error: port $port on $HOST is already in use. Stop what uses it, or choose another port:" >&2
    echo "  make run RASA_PORT=5006 ACTION_PORT=5056 WEB_PORT=8081" >&2
    exit 1
  fi
done

"$PY" -m assistant.preflight --endpoints endpoints.yml

api_args=()
if [ "${RASA_ENABLE_API:-0}" = "1" ]; then
  if [ -n "${RASA_JWT_SECRET:-}" ]; then
    api_args=(--enable-api --jwt-secret "$RASA_JWT_SECRET" --jwt-method HS256)
  elif [ -n "${RASA_AUTH_TOKEN:-}" ]; then
    api_args=(--enable-api --auth-token "$RASA_AUTH_TOKEN")
  else
    echo "error: RASA_ENABLE_API=1 needs RASA_AUTH_TOKEN or RASA_JWT_SECRET in the environment." >&2
    exit 1
  fi
fi

pids=()
stop() {
  trap - INT TERM EXIT
  echo
  echo "Stopping..."
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap 'stop; exit 0' INT TERM  # Ctrl-C is the normal way to stop: not an error
trap stop EXIT

echo "==> Starting the action server on $HOST:$ACTION_PORT (log: logs/actions.log)"
"$PY" -m actions --host "$HOST" --port "$ACTION_PORT" > logs/actions.log 2>&1 &
pids+=($!)

echo "==> Starting the Rasa server on $HOST:$RASA_PORT (log: logs/rasa.log)"
.venv/bin/rasa run --model models --endpoints endpoints.yml --credentials credentials.yml \
  --interface "$HOST" --port "$RASA_PORT" \
  --cors "http://$HOST:$WEB_PORT" "http://localhost:$WEB_PORT" \
  "${api_args[@]}" > logs/rasa.log 2>&1 &
pids+=($!)

echo "==> Starting the web chat page on $HOST:$WEB_PORT"
"$PY" -m assistant.web_server --host "$HOST" --port "$WEB_PORT" --rasa-url "http://$HOST:$RASA_PORT" &
pids+=($!)

wait_for() {  # name url seconds
  local deadline=$((SECONDS + $3))
  until "$PY" -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=2)" "$2" 2>/dev/null; do
    for pid in "${pids[@]}"; do
      if ! kill -0 "$pid" 2>/dev/null; then
        echo "error: a server stopped while starting; see logs/rasa.log and logs/actions.log:" >&2
        tail -n 20 logs/rasa.log logs/actions.log >&2
        exit 1
      fi
    done
    if [ $SECONDS -ge $deadline ]; then echo "error: $1 did not start within $3 s" >&2; exit 1; fi
    sleep 1
  done
}
wait_for "the action server" "http://$HOST:$ACTION_PORT/health" 60
wait_for "the Rasa server" "http://$HOST:$RASA_PORT/webhooks/rest/" 180
wait_for "the web page" "http://$HOST:$WEB_PORT/" 30

echo
echo "The assistant is running. Open the web chat at:  http://$HOST:$WEB_PORT/"
echo "REST endpoint: POST http://$HOST:$RASA_PORT/webhooks/rest/webhook  (Ctrl-C to stop)"

# Stop everything as soon as any one process exits.
wait -n "${pids[@]}"
echo "error: one of the servers stopped; see logs/rasa.log and logs/actions.log" >&2
exit 1
