#!/usr/bin/env bash
# bench/Watch: WatchUsers at many watchers: the server's memory per watcher and the fan-out latency
# of writes to every watcher. Our server published in Release, Production configuration (JWT,
# the rate limits as shipped), on SQLite or on a throwaway PostgreSQL. See README.md.
# Usage: bench/Watch/run.sh [--store sqlite|postgres] [--watchers 1000,10000] [--writes 20] [--spacing-ms 200] [--settle-seconds 5]
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/lib/bench.sh
bench_queue "$0" "$@"

PG_PORT="${PG_PORT:-55455}"
bench_workdir watch
STORE=sqlite
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --store) STORE="$2"; shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done

# 10,000 watchers hold 10,000 sockets' worth of streams on ~100 connections; the client's and
# the server's descriptors both live in this shell's limit.
ulimit -n 65536 2>/dev/null || true

publish_server
dotnet build -c Release -v q -nologo bench/Watch/Watch.csproj >/dev/null

store_args=(--store "$STORE")
if [ "$STORE" = postgres ]; then
  source bench/lib/postgres.sh
  postgres_start
  psql -X -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -c "CREATE DATABASE bench_watch"
  store_args+=(--postgres "Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=bench_watch")
fi

mkdir -p "$WORK/run"
dotnet bench/Watch/bin/Release/net10.0/Watch.dll --server "$WORK/server/UserSystem.Server.dll" --work "$WORK/run" "${store_args[@]}" "${args[@]}"
