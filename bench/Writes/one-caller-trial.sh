#!/usr/bin/env bash
# bench/Writes/one-caller-trial.sh: our server at one caller on PostgreSQL, as shipped against a variant
# environment (a runtime knob): CreateUser p50, the server's and PostgreSQL's CPU per create (from /proc),
# and GetUser p50 (users cached), each side restarted per round, the first side alternating. See README.md.
# Usage: bench/Writes/one-caller-trial.sh [ROUNDS (3)] [SECONDS (10)] [VARIANT_ENV (DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0)]
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/lib/bench.sh
bench_queue "$0" "$@"

ROUNDS=${1:-3}; SECS=${2:-10}; VARIANT_ENV=${3:-DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0}
PG_PORT=${PG_PORT:-55482}
GRPC=55493; HTTP=55494
bench_workdir one-caller-trial
source bench/lib/postgres.sh

publish_server
dotnet build -c Release -v q -nologo bench/LoadTool/LoadTool.csproj >/dev/null
postgres_start
PSQL=(psql -X -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1)
"${PSQL[@]}" -d postgres -c "CREATE DATABASE bench_trial"
CONNECTION="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=bench_trial"
mint_admin_token
LOAD=(dotnet bench/LoadTool/bin/Release/net10.0/LoadTool.dll --address "http://127.0.0.1:$GRPC" --token "$TOKEN")
rows() { "${PSQL[@]}" -d bench_trial -tA -c "SELECT count(*) FROM users"; }

# Appends "NAME create-p50-ms server-us-per-create pg-us-per-create getuser-p50-ms" to $WORK/results.
run_side() { # NAME ENV...
  local name=$1; shift
  SERVER_ENV=("$@")
  start_server $GRPC $HTTP --Storage:Provider=Postgres "--ConnectionStrings:Postgres=$CONNECTION"
  "${LOAD[@]}" --rpc create --callers 1 --duration 15 --warmup 0 >/dev/null
  local rows0 pg0 server0 rows1 pg1 server1 out get
  rows0=$(rows); pg0=$(pg_ticks); server0=$(proc_ticks "${PIDS[0]}")
  out=$("${LOAD[@]}" --rpc create --callers 1 --duration "$SECS" --warmup 0 | tail -n 1)
  rows1=$(rows); pg1=$(pg_ticks); server1=$(proc_ticks "${PIDS[0]}")
  get=$("${LOAD[@]}" --rpc get --callers 1 --duration "$SECS" --warmup 1 | tail -n 1 | jq -r .p50Ms)
  stop_servers
  echo "$name $(jq -r .p50Ms <<<"$out") $(awk -v n=$(( rows1 - rows0 )) -v s=$(( server1 - server0 )) -v p=$(( pg1 - pg0 )) \
    'BEGIN { printf "%.0f %.0f", s * 10000 / n, p * 10000 / n }') $get" | tee -a "$WORK/results"
}

for round in $(seq 1 "$ROUNDS"); do
  # Alternate which side goes first, so drift on the shared machine hits both alike.
  if (( round % 2 )); then run_side default; run_side variant $VARIANT_ENV
  else run_side variant $VARIANT_ENV; run_side default; fi
done

echo "variant: $VARIANT_ENV"
echo "side create_p50_ms server_us_per_create pg_us_per_create getuser_p50_ms (medians of $ROUNDS)"
for side in default variant; do
  line=$side
  for column in 2 3 4 5; do line="$line $(awk -v s=$side -v c=$column '$1 == s { print $c }' "$WORK/results" | median)"; done
  echo "$line"
done
