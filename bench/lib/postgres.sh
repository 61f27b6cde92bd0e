# Sourced by benchmark scripts: a throwaway PostgreSQL cluster with PostgreSQL's default
# settings, in a folder of the caller's, listening on 127.0.0.1 only. Runs as the postgres user
# when called as root. (bench/Writes, bench/BatchImport and bench/Pipeline still set up their
# own the same way.)
#
#   bench_postgres_start DIR PORT [-c name=value ...]   installs PostgreSQL if needed, initdb, start
#   bench_postgres_stop DIR                             stops it (fast); safe when it never started

bench_as_postgres() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

bench_postgres_bin() { ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1; }

bench_postgres_start() {
  local dir="$1" port="$2"; shift 2
  bash scripts/setup/postgres.sh >/dev/null
  mkdir -p "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$dir"
  bench_as_postgres "$(bench_postgres_bin)/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-locale >/dev/null
  bench_as_postgres "$(bench_postgres_bin)/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w \
    -o "-c port=$port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$dir $*" start >/dev/null
}

bench_postgres_stop() {
  [ -d "$1/data" ] && bench_as_postgres "$(bench_postgres_bin)/pg_ctl" -D "$1/data" -m fast stop >/dev/null 2>&1 || true
}
