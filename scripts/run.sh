#!/usr/bin/env bash
# Start the assistant under supervisord (deploy/supervisord.conf): action server,
# Rasa server, the web chat page and the staff console. A process that dies is
# restarted (with back-off when it keeps failing); the Rasa server stays up without
# the action server. Ctrl-C stops all four. Ports: RASA_PORT, ACTION_PORT, WEB_PORT,
# STAFF_PORT.
#
# DEPLOYMENT=scaled (`make run-scaled`) starts the scaled-out set-up instead
# (deploy/scaled/): two Rasa replicas on RASA_PORT+1 and RASA_PORT+2 behind nginx on
# RASA_PORT, conversations in the machine's PostgreSQL, the conversation lock and the
# widget's cross-replica messages in its Redis, every event through its RabbitMQ into the staff
# analytics' feed. Only the environment differs.
set -euo pipefail
cd "$(dirname "$0")/.."

export RASA_PORT=${RASA_PORT:-5005}
export ACTION_PORT=${ACTION_PORT:-5055}
export WEB_PORT=${WEB_PORT:-8080}
export STAFF_PORT=${STAFF_PORT:-8090}
export HOST=${HOST:-127.0.0.1}
export TRACKER_DB=${TRACKER_DB:-.rasa-data/conversations.db}
# The triage record lives in the tracker store's database (TRIAGE_DATABASE_URL to override);
# the staff console's accounts and audit log in their own (STAFF_DATABASE_URL to override).
export STAFF_DATABASE_URL=${STAFF_DATABASE_URL:-sqlite:///.rasa-data/staff.db}
export LOG_DIR=${LOG_DIR:-$PWD/logs}
export RUN_DIR=${RUN_DIR:-$PWD/.rasa-data/run}
# The sites that may open the widget's live connection (the demo page by default), and its session key.
export WIDGET_ALLOWED_ORIGINS=${WIDGET_ALLOWED_ORIGINS:-"http://$HOST:$WEB_PORT http://localhost:$WEB_PORT"}
export WIDGET_SESSION_KEY_FILE=${WIDGET_SESSION_KEY_FILE:-$PWD/.rasa-data/widget-session.key}
# The key that signs the REST channel's senders (every replica must have the same one).
export REST_SENDER_KEY_FILE=${REST_SENDER_KEY_FILE:-$PWD/.rasa-data/rest-sender.key}
export PROJECT_DIR=$PWD
export TF_CPP_MIN_LOG_LEVEL=3 PYTHONPATH=. RASA_TELEMETRY_ENABLED=false
export PY=$PWD/.venv/bin/python
mkdir -p .rasa-data "$LOG_DIR" "$RUN_DIR"

export DEPLOYMENT=${DEPLOYMENT:-single}
case "$DEPLOYMENT" in
  single)
    export ENDPOINTS=endpoints.yml SUPERVISOR_CONF=deploy/supervisord.conf
    ports=("$RASA_PORT" "$ACTION_PORT" "$WEB_PORT" "$STAFF_PORT")
    ;;
  scaled)
    export ENDPOINTS=deploy/scaled/endpoints.yml SUPERVISOR_CONF=deploy/scaled/supervisord.conf
    export RASA_PORT_A=${RASA_PORT_A:-$((RASA_PORT + 1))} RASA_PORT_B=${RASA_PORT_B:-$((RASA_PORT + 2))}
    export ACTION_URL=${ACTION_URL:-http://$HOST:$ACTION_PORT/webhook}
    export POSTGRES_HOST=${POSTGRES_HOST:-127.0.0.1} POSTGRES_PORT=${POSTGRES_PORT:-5432}
    export POSTGRES_USER=${POSTGRES_USER:-postgres} POSTGRES_PASSWORD=${POSTGRES_PASSWORD:-}
    export POSTGRES_DB=${POSTGRES_DB:-spine_assistant} POSTGRES_LOGIN_DB=${POSTGRES_LOGIN_DB:-postgres}
    export REDIS_HOST=${REDIS_HOST:-127.0.0.1} REDIS_PORT=${REDIS_PORT:-6379} REDIS_LOCK_DB=${REDIS_LOCK_DB:-1}
    export SOCKETIO_REDIS_URL=${SOCKETIO_REDIS_URL:-redis://$REDIS_HOST:$REDIS_PORT/2}
    # The per-sender rate limit, counted once for all replicas (its keys beside the lock's).
    export RATE_LIMIT_REDIS_URL=${RATE_LIMIT_REDIS_URL:-redis://$REDIS_HOST:$REDIS_PORT/$REDIS_LOCK_DB}
    export RABBITMQ_HOST=${RABBITMQ_HOST:-127.0.0.1} RABBITMQ_PORT=${RABBITMQ_PORT:-5672} RABBITMQ_QUEUE=${RABBITMQ_QUEUE:-rasa_events}
    export RABBITMQ_USERNAME=${RABBITMQ_USERNAME:-guest} RABBITMQ_PASSWORD=${RABBITMQ_PASSWORD:-guest}
    export RABBITMQ_EXCHANGE=${RABBITMQ_EXCHANGE:-rasa-exchange}
    export ANALYTICS_SOURCE=${ANALYTICS_SOURCE:-event_feed}  # the console counts messages from the broker's feed
    password_part=${POSTGRES_PASSWORD:+:$POSTGRES_PASSWORD}
    export TRIAGE_DATABASE_URL=${TRIAGE_DATABASE_URL:-postgresql://$POSTGRES_USER$password_part@$POSTGRES_HOST:$POSTGRES_PORT/$POSTGRES_DB}
    export NGINX=${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}
    if [ ! -x "$NGINX" ]; then
      echo "error: the scaled-out set-up needs Debian's nginx as its load balancer: sudo apt-get install nginx-light" >&2
      exit 1
    fi
    ports=("$RASA_PORT" "$RASA_PORT_A" "$RASA_PORT_B" "$ACTION_PORT" "$WEB_PORT" "$STAFF_PORT")
    sed -e "s|@LISTEN@|$HOST:$RASA_PORT|g" -e "s|@REPLICA_A@|$HOST:$RASA_PORT_A|g" -e "s|@REPLICA_B@|$HOST:$RASA_PORT_B|g" \
        -e "s|@RUN_DIR@|$RUN_DIR|g" -e "s|@LOG_DIR@|$LOG_DIR|g" deploy/scaled/nginx.conf.template > "$RUN_DIR/nginx.conf"
    ;;
  *)
    echo "error: DEPLOYMENT must be single or scaled, not '$DEPLOYMENT'" >&2
    exit 2
    ;;
esac

# A port another program listens on is reported; one left in TIME_WAIT by the
# previous run is not (SO_REUSEADDR), so a restart right after Ctrl-C works.
for port in "${ports[@]}"; do
  if ! "$PY" -c "import socket,sys; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('$HOST', int(sys.argv[1])))" "$port" 2>/dev/null; then
    echo "error: port $port on $HOST is already in use. Stop what uses it, or choose another port:" >&2
    echo "  make run RASA_PORT=5006 ACTION_PORT=5056 WEB_PORT=8081 STAFF_PORT=8091" >&2
    exit 1
  fi
done

"$PY" -m assistant.preflight --endpoints "$ENDPOINTS"

read -r -a widget_origins <<< "$WIDGET_ALLOWED_ORIGINS"
extra=(--cors "${widget_origins[@]}")
# Rasa's HTTP API is on, guarded by a token: the staff console writes its replies into
# conversations through it. RASA_AUTH_TOKEN, else a token made once in RASA_AUTH_TOKEN_FILE;
# both servers read it from there (assistant/api_token.py), never from a command line.
# RASA_JWT_SECRET (read by assistant/rasa_server.py) also admits HS256 JWTs signed with it.
export RASA_AUTH_TOKEN_FILE=${RASA_AUTH_TOKEN_FILE:-$PWD/.rasa-data/rasa-api.token}
if [ -z "${RASA_AUTH_TOKEN:-}" ]; then
  "$PY" -m assistant.api_token "$RASA_AUTH_TOKEN_FILE"
fi
export RASA_URL=${RASA_URL:-http://$HOST:$RASA_PORT}
export RASA_EXTRA_ARGS="${extra[*]}"

supervisor_pid=""
stop() {
  trap - INT TERM EXIT
  if [ -n "$supervisor_pid" ] && kill -0 "$supervisor_pid" 2>/dev/null; then
    echo
    echo "Stopping..."
    kill -TERM "$supervisor_pid" 2>/dev/null || true
    wait "$supervisor_pid" 2>/dev/null || true
  fi
}
trap 'stop; exit 0' INT TERM  # Ctrl-C is the normal way to stop: not an error
trap stop EXIT

[ "$DEPLOYMENT" = scaled ] && echo "==> Scaled-out: Rasa replicas on $RASA_PORT_A and $RASA_PORT_B behind nginx on $RASA_PORT; PostgreSQL $POSTGRES_HOST:$POSTGRES_PORT/$POSTGRES_DB, Redis $REDIS_HOST:$REDIS_PORT, RabbitMQ $RABBITMQ_HOST:$RABBITMQ_PORT ($RABBITMQ_QUEUE)"
echo "==> Starting the action server ($HOST:$ACTION_PORT), the Rasa server ($HOST:$RASA_PORT), the web page"
echo "    ($HOST:$WEB_PORT) and the staff console ($HOST:$STAFF_PORT) under supervisord; logs in $LOG_DIR"
echo "    (actions.log, rasa*.log, web.log, console.log, supervisord.log)"
.venv/bin/supervisord -c "$SUPERVISOR_CONF" &
supervisor_pid=$!

wait_for() {  # name url seconds
  local deadline=$((SECONDS + $3))
  until "$PY" -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=2)" "$2" 2>/dev/null; do
    if ! kill -0 "$supervisor_pid" 2>/dev/null; then
      echo "error: supervisord stopped while starting; see $LOG_DIR/supervisord.log:" >&2
      tail -n 20 "$LOG_DIR/supervisord.log" "$LOG_DIR"/rasa*.log "$LOG_DIR/actions.log" >&2 || true
      exit 1
    fi
    if [ $SECONDS -ge $deadline ]; then
      echo "error: $1 did not start within $3 s; see $LOG_DIR:" >&2
      tail -n 20 "$LOG_DIR"/rasa*.log "$LOG_DIR/actions.log" >&2 || true
      exit 1
    fi
    sleep 1
  done
}
wait_for "the action server" "http://$HOST:$ACTION_PORT/health" 60
if [ "$DEPLOYMENT" = scaled ]; then
  wait_for "Rasa replica A" "http://$HOST:$RASA_PORT_A/webhooks/rest/" 240
  wait_for "Rasa replica B" "http://$HOST:$RASA_PORT_B/webhooks/rest/" 240
fi
wait_for "the Rasa server" "http://$HOST:$RASA_PORT/webhooks/rest/" 240
wait_for "the web page" "http://$HOST:$WEB_PORT/" 30
wait_for "the staff console" "http://$HOST:$STAFF_PORT/healthz" 30

echo
echo "The assistant is running. Open the web chat at:  http://$HOST:$WEB_PORT/"
echo "Staff console:  http://$HOST:$STAFF_PORT/  (create an account: make staff-user NAME=yourname)"
echo "REST: POST http://$HOST:$RASA_PORT/webhooks/rest/session for a sender and its token, then"
echo "      POST http://$HOST:$RASA_PORT/webhooks/rest/webhook with it (README, Configuration)  (Ctrl-C to stop)"
echo "Embed the widget on another site:  <script src=\"http://$HOST:$WEB_PORT/widget.js\" data-server=\"http://$HOST:$RASA_PORT\" defer></script>"

wait "$supervisor_pid"
echo "error: supervisord stopped; see $LOG_DIR/supervisord.log" >&2
exit 1
