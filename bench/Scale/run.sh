#!/usr/bin/env bash
# bench/Scale: read latencies as the users table grows, on PostgreSQL, through our server (gRPC,
# Production configuration: JWT on every call, default logging). Fills the store to each size in
# turn (CreateBatchUsers), times every read one call at a time, and prints a table per size and
# the ratio of the largest size to the smallest. See README.md.
# Usage: bench/Scale/run.sh [SIZES ("10000 1000000")] [CALLS per read (500)]
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/lib/bench.sh
bench_queue "$0" "$@"

SIZES="${1:-10000 1000000}"
CALLS="${2:-500}"
PG_PORT="${PG_PORT:-55435}"
GRPC=55081; HTTP=55082

bench_workdir scale
source bench/lib/postgres.sh

publish_server
dotnet build -c Release -v q -nologo bench/Scale/Scale.csproj >/dev/null
SCALE=(dotnet bench/Scale/bin/Release/net10.0/Scale.dll)

# A collation other than C (C.UTF-8), as production databases usually have: prefix filters must
# not depend on it.
postgres_start --locale=C.UTF-8
psql -X -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -c "CREATE DATABASE bench_scale"
CONNECTION="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=bench_scale"

mint_admin_token
start_server $GRPC $HTTP --Storage:Provider=Postgres "--ConnectionStrings:Postgres=$CONNECTION"

for size in $SIZES; do
  echo "== $size users"
  "${SCALE[@]}" "http://127.0.0.1:$GRPC" "$TOKEN" "$size" 0
  # Autovacuum's pace, not the reads', decides when a fresh fill's visibility map is set (what the
  # deep seed page's index-only scan needs); set it now so every size is measured settled.
  psql -X -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d bench_scale -c "VACUUM ANALYZE"
  "${SCALE[@]}" "http://127.0.0.1:$GRPC" "$TOKEN" "$size" "$CALLS" | tee "$WORK/scale-$size.out" | grep -v '^{'
  tail -n 1 "$WORK/scale-$size.out" > "$WORK/scale-$size.json"
done

read -r -a sizes <<<"$SIZES"
if [ "${#sizes[@]}" -ge 2 ]; then
  small="${sizes[0]}"; large="${sizes[-1]}"
  echo "== p99 at $large users / p99 at $small users"
  jq -r -n --slurpfile s "$WORK/scale-$small.json" --slurpfile l "$WORK/scale-$large.json" '
    [$s[0].reads, $l[0].reads] | transpose[] | "\(.[1].name | .[0:44] | . + " " * (44 - length)) \(.[0].p99) -> \(.[1].p99) ms  x\((.[1].p99 / .[0].p99 * 100 | round) / 100)"'
fi
