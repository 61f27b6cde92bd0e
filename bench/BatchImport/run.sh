#!/usr/bin/env bash
# Benchmark: COUNT users (default 1,000,000) in one CreateBatchUsers against the Release server on
# PostgreSQL (a separate process), with the server's memory from /proc/PID/status; then psql
# \copy of the same rows into the same table on the same cluster. See README.md for the figures.
set -euo pipefail
cd "$(dirname "$0")/../.."

COUNT="${1:-1000000}"
PG_PORT="${PG_PORT:-55432}"
GRPC_PORT="${GRPC_PORT:-55051}"
HTTP_PORT="${HTTP_PORT:-55080}"

WORK="$(mktemp -d /tmp/user-system-bench-XXXXXX)"
source bench/lib/postgres.sh

SERVER_PID=""
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  postgres_stop
  rm -rf "$WORK"
}
trap cleanup EXIT

# A throwaway cluster with PostgreSQL's default settings (fsync on).
postgres_start --no-locale "-c log_min_duration_statement=500"
PSQL=(psql -X -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1)
"${PSQL[@]}" -d postgres -c "CREATE DATABASE bench_grpc" -c "CREATE DATABASE bench_copy"

# Published for this machine's runtime identifier, so precompiled (ReadyToRun) as the Dockerfile ships it.
dotnet publish -c Release -r linux-x64 -v q -nologo src/UserSystem.Server/UserSystem.Server.csproj -o "$WORK/server" >/dev/null
dotnet build -c Release -v q -nologo bench/BatchImport/BatchImport.csproj
BENCH=(dotnet bench/BatchImport/bin/Release/net10.0/BatchImport.dll)
SERVER=(dotnet "$WORK/server/UserSystem.Server.dll")

# Production (no environment variable set): JWT on every call, default logging, audit line.
KEY="$(head -c 32 /dev/urandom | base64)"
TOKEN="$("${SERVER[@]}" token --subject bench --role admin --minutes 600 "--Auth:Jwt:SigningKey=$KEY" | tail -n 1)"
env -u ASPNETCORE_ENVIRONMENT -u DOTNET_ENVIRONMENT "${SERVER[@]}" \
  --Server:GrpcPort="$GRPC_PORT" --Server:HttpPort="$HTTP_PORT" --Storage:Provider=Postgres \
  "--ConnectionStrings:Postgres=Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=bench_grpc" \
  --Auth:Mode=Jwt "--Auth:Jwt:SigningKey=$KEY" "--Limits:MaxBatchSize=$(( COUNT > 100000 ? COUNT : 100000 ))" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
until curl -fsS "http://127.0.0.1:$HTTP_PORT/healthz" >/dev/null 2>&1; do sleep 0.2; done

echo "== warm-up batch of 100,000 (memory after it is the baseline)"
"${BENCH[@]}" grpc "http://127.0.0.1:$GRPC_PORT" 100000 "$SERVER_PID" "$TOKEN"
echo "== CreateBatchUsers of $COUNT through the server"
"${BENCH[@]}" grpc "http://127.0.0.1:$GRPC_PORT" "$COUNT" "$SERVER_PID" "$TOKEN"

echo "== psql \\copy of the same $COUNT rows into the same users table (no server, no events)"
pg_dump -h 127.0.0.1 -p "$PG_PORT" -U postgres --schema-only -t users bench_grpc | "${PSQL[@]}" -d bench_copy >/dev/null
"${BENCH[@]}" csv "$WORK/users.csv" "$COUNT"
start=$(date +%s.%N)
"${PSQL[@]}" -d bench_copy -c "\\copy users (name, email, email_key, age, hobbies, status, created_at, updated_at) FROM '$WORK/users.csv' WITH (FORMAT csv)"
end=$(date +%s.%N)
echo "psql \\copy wall time: $(echo "$end - $start" | bc) s"
"${PSQL[@]}" -d bench_copy -At -c "SELECT 'rows in bench_copy.users: ' || count(*) FROM users"
"${PSQL[@]}" -d bench_grpc -At -c "SELECT 'rows in bench_grpc.users: ' || count(*) || ', events: ' || (SELECT count(*) FROM user_events) FROM users"
echo "== statements over 500 ms (PostgreSQL log): where the server's time went"
grep -E "duration: [0-9.]+ ms" "$PG_LOG" | sed -E 's/^.*duration: ([0-9.]+) ms +(statement|execute [^:]*): */\1 ms  /' | cut -c1-150
