#!/usr/bin/env bash
# bench/Scale: read latencies as the users table grows, on PostgreSQL, through our server (gRPC,
# Production configuration: JWT on every call, default logging). Fills the store to each size in
# turn (CreateBatchUsers), times every read one call at a time, and prints a table per size and
# the ratio of the largest size to the smallest. See README.md.
# Usage: bench/Scale/run.sh [SIZES ("10000 1000000")] [CALLS per read (500)]
set -euo pipefail
cd "$(dirname "$0")/../.."
# One benchmark at a time on this machine: queue on the shared lock.
[ -z "${SCALE_BENCH_LOCKED:-}" ] && exec env SCALE_BENCH_LOCKED=1 flock -o /tmp/bench.lock "$0" "$@"

SIZES="${1:-10000 1000000}"
CALLS="${2:-500}"
PG_PORT="${PG_PORT:-55435}"
GRPC=55081; HTTP=55082

WORK="$(mktemp -d /tmp/user-system-scale-XXXXXX)"
source bench/lib/postgres.sh
SERVER_PID=""
cleanup() {
  [ -n "$SERVER_PID" ] && { kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true; }
  postgres_stop
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "== building (Release; the server published for this machine, ReadyToRun, as the Dockerfile ships it)"
dotnet publish -c Release -r linux-x64 -v q -nologo src/UserSystem.Server/UserSystem.Server.csproj -o "$WORK/server" >/dev/null
dotnet build -c Release -v q -nologo bench/Scale/Scale.csproj >/dev/null
SERVER=(dotnet "$WORK/server/UserSystem.Server.dll")
SCALE=(dotnet bench/Scale/bin/Release/net10.0/Scale.dll)

# A collation other than C (C.UTF-8), as production databases usually have: prefix filters must
# not depend on it.
postgres_start --locale=C.UTF-8
psql -X -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -c "CREATE DATABASE bench_scale"
CONNECTION="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=bench_scale"

KEY="$(head -c 32 /dev/urandom | base64)"
TOKEN="$("${SERVER[@]}" token --subject bench --role admin --minutes 600 "--Auth:Jwt:SigningKey=$KEY" | tail -n 1)"
env -u ASPNETCORE_ENVIRONMENT -u DOTNET_ENVIRONMENT "${SERVER[@]}" \
  --Server:GrpcPort=$GRPC --Server:HttpPort=$HTTP --Storage:Provider=Postgres "--ConnectionStrings:Postgres=$CONNECTION" \
  --Auth:Mode=Jwt "--Auth:Jwt:SigningKey=$KEY" \
  --RateLimit:TokensPerPeriod=1000000 --RateLimit:BurstLimit=1000000 >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
until curl -fsS "http://127.0.0.1:$HTTP/healthz" >/dev/null 2>&1; do
  kill -0 "$SERVER_PID" 2>/dev/null || { tail -n 3 "$WORK/server.log" >&2; echo "the server did not start" >&2; exit 1; }
  sleep 0.2
done

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
