# Sourced by the PostgreSQL benchmarks: a throwaway cluster in $WORK/pg with PostgreSQL's default
# settings (fsync on, synchronous_commit on), run as the postgres user when we are root.
# Before sourcing: WORK (a fresh folder) and PG_PORT. Then postgres_start [INITDB_LOCALE] [OPTIONS]
# (INITDB_LOCALE defaults to --no-locale; OPTIONS are more "-c name=value" server settings), and
# postgres_stop in the script's exit trap.
bash scripts/setup/postgres.sh >/dev/null
PG_BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
PG_DATA="$WORK/pg"
PG_LOG="$PG_DATA/postgres.log"
as_postgres() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" -eq 0 ] && chown postgres:postgres "$WORK"

postgres_start() {
  as_postgres "$PG_BIN/initdb" -D "$PG_DATA" -U postgres -A trust -E UTF8 "${1:---no-locale}" >/dev/null
  as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w \
    -o "-c port=$PG_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$PG_DATA ${2:-}" start >/dev/null
}

postgres_stop() {
  as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast stop >/dev/null 2>&1 || true
}

# PostgreSQL's CPU so far, in clock ticks (proc_ticks, lib/bench.sh): the postmaster's own and
# its exited children's (backends that ended with their client, pgbench's), plus every live child.
pg_ticks() {
  local postmaster total child; postmaster="$(head -n 1 "$PG_DATA/postmaster.pid")"
  total="$(proc_ticks "$postmaster" children)"
  for child in $(pgrep -P "$postmaster"); do total=$(( total + $(proc_ticks "$child") )); done
  echo "$total"
}
