#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on loopback for the tests and the benchmark.
#   scripts/postgres.sh start DIR PORT   installs PostgreSQL where missing (Debian's package),
#                                        creates a cluster in DIR, starts it on 127.0.0.1:PORT
#                                        and prints its URL (postgres://postgres@127.0.0.1:PORT/postgres)
#   scripts/postgres.sh stop DIR         stops it (immediately: nothing in it is kept)
# Trust authentication on loopback only: the cluster lives as long as one test or bench run.
set -euo pipefail

say() { printf '==> %s\n' "$*" >&2; }

pg_bin() {
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [[ -x "$dir/initdb" && -x "$dir/pg_ctl" && -x "$dir/postgres" ]]; then
      echo "$dir"
      return 0
    fi
  done
  return 1
}

# Runs a PostgreSQL program as the cluster's owner: initdb and postgres refuse to run as root.
as_owner() {
  if [[ $(id -u) == 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

cmd="${1:-}"
dir="${2:-}"
[[ -n "$cmd" && -n "$dir" ]] || { echo "usage: $0 start DIR PORT | stop DIR" >&2; exit 2; }

case "$cmd" in
  start)
    port="${3:?usage: $0 start DIR PORT}"
    if ! bin=$(pg_bin); then
      say "installing PostgreSQL from Debian (postgresql)"
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
      bin=$(pg_bin) || { echo "PostgreSQL is still missing after apt-get install postgresql" >&2; exit 1; }
    fi
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    if [[ $(id -u) == 0 ]]; then
      chown postgres: "$dir"
      chmod 700 "$dir"
      # The owner must be able to reach the folder: not under a folder only root may enter
      # (e.g. inside another `mktemp -d` folder).
      runuser -u postgres -- test -w "$dir" \
        || { echo "$0: the postgres user cannot reach $dir (a parent folder is closed to it): use a folder directly under /tmp" >&2; exit 1; }
    fi
    if [[ ! -f "$dir/data/PG_VERSION" ]]; then
      as_owner "$bin/initdb" -D "$dir/data" -A trust -U postgres --no-sync >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; exit 1; }
    fi
    # fsync stays on (the default): the benchmark measures what a production server would do.
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 60 \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null \
      || { tail -n 30 "$dir/log" >&2; exit 1; }
    echo "postgres://postgres@127.0.0.1:$port/postgres"
    ;;
  stop)
    bin=$(pg_bin) || exit 0
    if [[ -f "$dir/data/postmaster.pid" ]]; then
      as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null || true
    fi
    ;;
  *)
    echo "usage: $0 start DIR PORT | stop DIR" >&2
    exit 2
    ;;
esac
