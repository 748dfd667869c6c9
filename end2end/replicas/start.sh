#!/usr/bin/env bash
# Two replicas started at the same moment on one new, empty PostgreSQL database, behind nginx
# (round-robin, port 3463). Needs MEETING_ADMIN_BIN, REPLICAS_DATABASE_URL (a database this
# creates on the server that MEETING_ADMIN_TEST_POSTGRES names) and RUN_DIR.
set -euo pipefail
: "${MEETING_ADMIN_TEST_POSTGRES:?} ${REPLICAS_DATABASE_URL:?} ${MEETING_ADMIN_BIN:?} ${RUN_DIR:?}"
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$RUN_DIR"
psql "$MEETING_ADMIN_TEST_POSTGRES" -qX -c "CREATE DATABASE ${REPLICAS_DATABASE_URL##*/}"
export DATABASE_URL=$REPLICAS_DATABASE_URL
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT
for r in a:3461 b:3462; do
  LEPTOS_SITE_ADDR=127.0.0.1:${r#*:} "$MEETING_ADMIN_BIN" serve >"$RUN_DIR/replica-${r%:*}.log" 2>&1 &
  pids+=($!)
done
for port in 3461 3462; do
  for _ in $(seq 100); do
    LEPTOS_SITE_ADDR=127.0.0.1:$port "$MEETING_ADMIN_BIN" healthcheck 2>/dev/null && break
    kill -0 "${pids[@]}" || { echo "a replica exited at start" >&2; exit 1; }
    sleep 0.1
  done
done
gateway=$(mktemp -d)
mkdir -p "$gateway/tmp"
/usr/sbin/nginx -p "$gateway/" -c "$here/nginx.conf" -e stderr &
pids+=($!)
wait -n
