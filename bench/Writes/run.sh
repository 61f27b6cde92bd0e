#!/usr/bin/env bash
# bench/Writes: CreateUser through the server (Production configuration: Auth:Mode=Jwt with a
# bearer token, default logging) on a throwaway PostgreSQL, against pgbench -M prepared running the
# same rows (create-user.sql) at the same concurrency: 1 and 50 callers, one instance and two
# instances on one database; then CreateBatchUsers of 1,000,000 users against psql \copy
# (bench/BatchImport). Alternates the sides, takes medians, prints ratios. See README.md.
# Usage: bench/Writes/run.sh [ROUNDS (3)] [SECONDS (10)] [BATCH (1000000, 0 to skip)]
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/lib/bench.sh
bench_queue "$0" "$@"

ROUNDS="${1:-3}"
SECONDS_PER_RUN="${2:-10}"
BATCH="${3:-1000000}"
# Seconds of load on each instance before the first round: under load the JIT recompiles the hot
# paths (tiered PGO) for about half a minute, taking up to a third of a core meanwhile. The
# warm-up curve is bench/Pipeline's business; this benchmark measures steady state.
WARMUP="${WARMUP:-30}"
PG_PORT="${PG_PORT:-55434}"
A_GRPC=55071; A_HTTP=55072; B_GRPC=55073; B_HTTP=55074

bench_workdir writes
source bench/lib/postgres.sh

publish_server
dotnet build -c Release -v q -nologo bench/LoadTool/LoadTool.csproj >/dev/null
LOAD=(dotnet bench/LoadTool/bin/Release/net10.0/LoadTool.dll)

# A throwaway cluster with PostgreSQL's default settings (fsync on, synchronous_commit on), except
# max_connections: two server instances (a write pool and a read pool each) plus 50 pgbench clients.
postgres_start --no-locale "-c max_connections=300"
PSQL=(psql -X -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1)
"${PSQL[@]}" -d postgres -c "CREATE DATABASE bench_server" -c "CREATE DATABASE bench_pgbench"
CONNECTION="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=bench_server"

mint_admin_token
start_server $A_GRPC $A_HTTP --Storage:Provider=Postgres "--ConnectionStrings:Postgres=$CONNECTION"
start_server $B_GRPC $B_HTTP --Storage:Provider=Postgres "--ConnectionStrings:Postgres=$CONNECTION"
# pgbench writes into a copy of the schema the server migrated.
pg_dump -h 127.0.0.1 -p "$PG_PORT" -U postgres --schema-only bench_server | "${PSQL[@]}" -d bench_pgbench >/dev/null

rows() { "${PSQL[@]}" -d "$1" -tA -c "SELECT count(*) FROM users"; }
# Appends "server-us pg-us" per create of one run to $WORK/cpu-KEY (the server's column is 0 for pgbench).
cpu_per_create() { # KEY DATABASE SERVER_PID|- COMMAND...
  local key=$1 database=$2 server_pid=$3; shift 3
  local rows0 pg0 server0=0 rows1 pg1 server1=0
  rows0="$(rows "$database")"; pg0="$(pg_ticks)"; [ "$server_pid" != - ] && server0="$(proc_ticks "$server_pid")"
  "$@"
  rows1="$(rows "$database")"; pg1="$(pg_ticks)"; [ "$server_pid" != - ] && server1="$(proc_ticks "$server_pid")"
  awk -v n=$(( rows1 - rows0 )) -v s=$(( server1 - server0 )) -v p=$(( pg1 - pg0 )) \
    'BEGIN { printf "%.1f %.1f\n", s * 10000 / n, p * 10000 / n }' >>"$WORK/cpu-$key"
}
server_rate() { # CALLERS ADDRESS...
  local callers=$1; shift
  local addresses=(); for address in "$@"; do addresses+=(--address "$address"); done
  local measure=(); [ $# -eq 1 ] && measure=(cpu_per_create "server-$callers" bench_server "${PIDS[0]}")
  "${measure[@]}" "${LOAD[@]}" "${addresses[@]}" --rpc create --callers "$callers" --duration "$SECONDS_PER_RUN" --warmup 2 --token "$TOKEN" \
    >"$WORK/load-last.log"
  cat "$WORK/load-last.log" >>"$WORK/load.log"
  tail -n 1 "$WORK/load-last.log" | jq -e -r 'if .ok then .callsPerSecond else error("unexpected statuses: \(.statuses)") end'
}
pgbench_rate() { # CLIENTS
  local threads=$(( $1 < 2 ? 1 : 2 ))
  rm -f "$WORK"/pgb.*
  cpu_per_create "pgbench-$1" bench_pgbench - pgbench -n -M prepared -h 127.0.0.1 -p "$PG_PORT" -U postgres -c "$1" -j "$threads" \
    -T "$SECONDS_PER_RUN" -l --log-prefix="$WORK/pgb" -f bench/Writes/create-user.sql bench_pgbench >"$WORK/pgbench-last.log" 2>&1 || true
  cat "$WORK/pgbench-last.log" >>"$WORK/pgbench.log"
  # Each transaction's latency (us, the third column of pgbench's log): the median, as the load tool's p50.
  cat "$WORK"/pgb.* | awk '{ print $3 }' | sort -n | awk '{ v[NR] = $1 } END { printf "%.3f\n", v[int((NR + 1) / 2)] / 1000 }' >>"$WORK/p50-pgbench-$1"
  local tps; tps="$(sed -nE 's/^tps = ([0-9.]+) .*without initial connection time.*/\1/p' "$WORK/pgbench-last.log")"
  [ -n "$tps" ] || { tail -n 5 "$WORK/pgbench-last.log" >&2; echo "pgbench failed" >&2; exit 1; }
  echo "$tps"
}

A="http://127.0.0.1:$A_GRPC"; B="http://127.0.0.1:$B_GRPC"
echo "== warm-up: ${WARMUP} s of CreateUser at 50 callers on each instance (not measured)"
"${LOAD[@]}" --address "$A" --address "$B" --rpc create --callers 50 --duration "$WARMUP" --warmup 0 --token "$TOKEN" >/dev/null
declare -A RESULTS
record() { RESULTS[$1]="${RESULTS[$1]:-} $2"; printf '  %-28s %10.0f /s\n' "$1" "$2"; }
for round in $(seq 1 "$ROUNDS"); do
  echo "== round $round of $ROUNDS (${SECONDS_PER_RUN} s each)"
  # Alternate which side goes first, so drift on the shared machine hits both alike.
  if (( round % 2 )); then order="server pgbench"; else order="pgbench server"; fi
  for callers in 1 50; do
    for side in $order; do
      if [ "$side" = server ]; then record "server-$callers" "$(server_rate "$callers" "$A")"
      else record "pgbench-$callers" "$(pgbench_rate "$callers")"; fi
    done
  done
  record "two-instances-50" "$(server_rate 50 "$A" "$B")"
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
echo
echo "== medians over $ROUNDS rounds (creates per second)"
for key in server-1 pgbench-1 server-50 pgbench-50 two-instances-50; do
  eval "M_${key//-/_}=$(echo "${RESULTS[$key]}" | median)"
done
printf '%-58s %8s %8s %6s\n' "workload" "server" "pgbench" "ratio"
printf '%-58s %8.0f %8.0f %6s\n' "CreateUser, 1 caller" "$M_server_1" "$M_pgbench_1" "$(ratio "$M_server_1" "$M_pgbench_1")"
printf '%-58s %8.0f %8.0f %6s\n' "CreateUser, 50 callers, one instance" "$M_server_50" "$M_pgbench_50" "$(ratio "$M_server_50" "$M_pgbench_50")"
printf '%-58s %8.0f %8.0f %6s\n' "CreateUser, 50 callers, two instances (25 each)" "$M_two_instances_50" "$M_pgbench_50" "$(ratio "$M_two_instances_50" "$M_pgbench_50")"
grep -h '"label"' "$WORK/load.log" | jq -c '{callers, callsPerSecond, p50Ms, p99Ms, statuses}' | sed 's/^/  load tool: /'

# What issue 22 judges writes by: latency at one caller, and CPU per create from /proc (PostgreSQL's
# for both sides; the server's own, one instance). Medians over the rounds.
column_median() { awk -v c="$2" '{ print $c }' "$WORK/cpu-$1" | median; }
server_p50="$(grep -h '"label"' "$WORK/load.log" | jq -r 'select(.callers == 1) | .p50Ms' | median)"
echo
printf '%-58s %8s %8s %6s\n' "per create (medians)" "server" "pgbench" "ratio"
printf '%-58s %8.2f %8.2f %6s\n' "CreateUser p50 at 1 caller (ms)" "$server_p50" "$(median <"$WORK/p50-pgbench-1")" \
  "$(ratio "$server_p50" "$(median <"$WORK/p50-pgbench-1")")"
for callers in 1 50; do
  pg_server="$(column_median "server-$callers" 2)"; pg_bench="$(column_median "pgbench-$callers" 2)"
  printf '%-58s %8.1f %8.1f %6s\n' "PostgreSQL CPU per create, $callers caller(s) (us)" "$pg_server" "$pg_bench" "$(ratio "$pg_server" "$pg_bench")"
  printf '%-58s %8.1f %8s %6s\n' "server CPU per create, $callers caller(s) (us)" "$(column_median "server-$callers" 1)" "-" ""
done

stop_servers
if [ "$BATCH" -gt 0 ]; then
  echo
  echo "== CreateBatchUsers of $BATCH users vs psql \\copy (bench/BatchImport)"
  bench/BatchImport/run.sh "$BATCH" | tee "$WORK/batch.log"
  batch_s="$(sed -nE '/CreateBatchUsers of/,/psql/ s/^wall time: ([0-9.]+) s.*/\1/p' "$WORK/batch.log" | tail -n 1)"
  copy_s="$(sed -nE 's/^psql \\copy wall time: ([0-9.]+) s/\1/p' "$WORK/batch.log")"
  printf '%-58s %7.1fs %7.1fs %6s\n' "CreateBatchUsers $BATCH (server vs psql \\copy; ratio = rate)" "$batch_s" "$copy_s" "$(ratio "$copy_s" "$batch_s")"
fi
