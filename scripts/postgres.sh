#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests and benchmarks, from Debian's postgresql package.
#   scripts/postgres.sh start DIR [PORT]   initdb in DIR (if new) and start on 127.0.0.1:PORT;
#                                          prints the server's URL
#   scripts/postgres.sh stop DIR           stop it at once (nothing in it is worth keeping)
#   scripts/postgres.sh restart DIR        start it again after stop, on the same port
# initdb refuses to run as root, so as root the cluster belongs to the `postgres` user the
# package creates. fsync is off: a test cluster trades durability for speed.
set -euo pipefail
cmd=${1:?start, stop or restart}
dir=${2:?a folder for the cluster}
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[[ -x "$PGBIN/initdb" ]] || { echo "PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 1; }
as_owner() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}
free_port() {
  local p=$1
  while (echo >"/dev/tcp/127.0.0.1/$p") 2>/dev/null; do p=$((p + 1)); done
  echo "$p"
}
start() {
  local port=$1
  as_owner "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 30 -o "-c listen_addresses=127.0.0.1 -c port=$port \
    -c unix_socket_directories=$dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
    -c max_connections=300" start >/dev/null
}
case "$cmd" in
  start)
    mkdir -p "$dir"
    [[ $(id -u) -eq 0 ]] && chown postgres "$dir"
    as_owner test -w "$dir" || { echo "$dir: the postgres user cannot write here (are its parent folders private?)" >&2; exit 1; }
    if [[ ! -d "$dir/data" ]]; then
      as_owner "$PGBIN/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-sync >/dev/null
    fi
    # Below the ephemeral range (32768-60999), where an outgoing connection can hold the port we want.
    port=$(free_port "${3:-25432}")
    echo "$port" >"$dir/port"
    start "$port"
    echo "postgres://postgres@127.0.0.1:$port/postgres"
    ;;
  restart)
    start "$(cat "$dir/port")"
    ;;
  stop)
    if [[ -f "$dir/data/postmaster.pid" ]]; then
      as_owner "$PGBIN/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null
    fi
    ;;
  *) echo "unknown command $cmd" >&2; exit 2 ;;
esac
