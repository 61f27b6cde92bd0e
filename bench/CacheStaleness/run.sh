#!/usr/bin/env bash
# bench/CacheStaleness: the longest time another instance serves a user as it was before an
# acknowledged change, while a CreateBatchUsers is held open (which holds the ordered change feed
# back). Two Release instances on a throwaway PostgreSQL; Program.cs runs the rounds. See README.md.
# Usage: bench/CacheStaleness/run.sh [ROUNDS (200)] [USERS (20)] [WARMUP ROUNDS (20)]
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/lib/bench.sh
bench_queue "$0" "$@"

ROUNDS="${1:-200}"
USERS="${2:-20}"
WARMUP="${3:-20}"
PG_PORT="${PG_PORT:-55444}"
A_GRPC=55181; A_HTTP=55182; B_GRPC=55183; B_HTTP=55184

bench_workdir staleness
source bench/lib/postgres.sh

publish_server
dotnet build -c Release -v q -nologo bench/CacheStaleness/CacheStaleness.csproj >/dev/null

postgres_start
psql -X -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -c "CREATE DATABASE bench_staleness"
CONNECTION="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=bench_staleness"

start_server() { # GRPC_PORT HTTP_PORT
  # Development without authentication (the probe measures invalidation, not auth), the rate
  # limits out of the probe's tight read loop; the cache as shipped (in process, no Redis).
  "${SERVER[@]}" --environment=Development --Auth:Mode=None \
    --Server:GrpcPort="$1" --Server:HttpPort="$2" --Storage:Provider=Postgres "--ConnectionStrings:Postgres=$CONNECTION" \
    --RateLimit:TokensPerPeriod=1000000 --RateLimit:BurstLimit=1000000 >"$WORK/server-$1.log" 2>&1 &
  PIDS+=($!)
  until curl -fsS "http://127.0.0.1:$2/healthz" >/dev/null 2>&1; do sleep 0.2; done
}
# One after the other: the first start creates the schema.
start_server $A_GRPC $A_HTTP
start_server $B_GRPC $B_HTTP

echo "== $WARMUP warm-up rounds, then $ROUNDS rounds over $USERS users, a CreateBatchUsers held open on A throughout"
dotnet bench/CacheStaleness/bin/Release/net10.0/CacheStaleness.dll \
  "http://127.0.0.1:$A_GRPC" "http://127.0.0.1:$B_GRPC" "$CONNECTION" "$ROUNDS" "$USERS" "$WARMUP" 2>"$WORK/rounds.log"
tail -n 3 "$WORK/rounds.log" | sed 's/^/  last rounds: /'
