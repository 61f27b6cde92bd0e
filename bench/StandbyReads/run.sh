#!/usr/bin/env bash
# Benchmark: reads from the hot standby with a consistency token against reads from the primary,
# on a local pg_auto_failover cluster (scripts/ha/cluster.sh) and one Release server whose
# connection string lists both nodes. GetUser cache misses and ListUsers pages, p50/p99 at one
# caller; then ListUsers right after each create with the create's token, and how often a read
# meant for the standby fell back to the primary (the server's /metrics). See README.md.
#
#   bench/StandbyReads/run.sh [CALLS]   (calls per kind, default 2000)
set -euo pipefail
cd "$(dirname "$0")/../.."

calls="${1:-2000}"
bash scripts/setup/pg-auto-failover.sh >/dev/null
PG_PORT="${PG_PORT:-56600}"
GRPC_PORT="${GRPC_PORT:-56151}"
HTTP_PORT="${HTTP_PORT:-56180}"
WORK="$(mktemp -d /tmp/user-system-standby-bench-XXXXXX)"
chmod 755 "$WORK"   # the cluster's folder inside is the postgres user's
CLUSTER=(scripts/ha/cluster.sh --dir "$WORK/cluster" --port "$PG_PORT")
SERVER_PID=""

cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  "${CLUSTER[@]}" down >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "== building the Release server and the probe"
dotnet publish -c Release -r linux-x64 -v q -nologo src/UserSystem.Server/UserSystem.Server.csproj -o "$WORK/server" >/dev/null
dotnet build -c Release -v q -nologo bench/StandbyReads/StandbyReads.csproj >/dev/null

echo "== pg_auto_failover cluster (a primary and a synchronous standby)"
"${CLUSTER[@]}" up >/dev/null

# Development (no token needed), no cache (every GetUser reads the database), the rate limits
# out of the probe's way, the default replay wait (100 ms).
dotnet "$WORK/server/UserSystem.Server.dll" --environment=Development --Auth:Mode=None \
  --Server:GrpcPort="$GRPC_PORT" --Server:HttpPort="$HTTP_PORT" --Storage:Provider=Postgres \
  "--ConnectionStrings:Postgres=$("${CLUSTER[@]}" connection-string)" --Cache:Enabled=false \
  --RateLimit:BurstLimit=1000000 --RateLimit:TokensPerPeriod=1000000 >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
until curl -fsS "http://127.0.0.1:$HTTP_PORT/healthz" >/dev/null 2>&1; do sleep 0.2; done

echo "== ${calls} calls per kind, one caller"
dotnet bench/StandbyReads/bin/Release/net10.0/StandbyReads.dll "http://127.0.0.1:$GRPC_PORT" "$calls"

metric() {
  curl -fsS "http://127.0.0.1:$HTTP_PORT/metrics" | awk -v name="$1" -v label="$2" \
    'index($0, name) == 1 && index($0, label) > 0 { sum += $NF } END { printf "%d", sum }'
}
served="$(metric user_system_standby_reads_served_total '')"
fallbacks="$(metric user_system_standby_reads_fallbacks_total '')"
echo "reads meant for the standby: ${served} served there, ${fallbacks} fell back to the primary" \
  "(replay_wait $(metric user_system_standby_reads_fallbacks_total 'reason="replay_wait"'), no_standby $(metric user_system_standby_reads_fallbacks_total 'reason="no_standby"'))"
