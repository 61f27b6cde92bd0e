#!/usr/bin/env bash
# bench/Writes, SQLite part: CreateUser at 50 callers through our server on SQLite (durable:
# synchronous=FULL, group commit) in the Production configuration (Auth:Mode=Jwt with a bearer
# token, default logging), against bench/ReferenceServer (grpc-dotnet alone, users in memory) of
# the same contract. Alternates the sides, takes medians, prints the ratio. See README.md.
# Usage: bench/Writes/sqlite.sh [ROUNDS (3)] [SECONDS (10)] [CALLERS (50)]
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/lib/bench.sh
bench_queue "$0" "$@"

ROUNDS="${1:-3}"
SECONDS_PER_RUN="${2:-10}"
CALLERS="${3:-50}"
# Seconds of load on each side before the first round (see run.sh: the JIT's tier-up under load).
WARMUP="${WARMUP:-30}"
S_GRPC=55171; S_HTTP=55172; R_GRPC=55173
bench_workdir writes-sqlite
publish_server
dotnet build -c Release -v q -nologo bench/ReferenceServer/ReferenceServer.csproj >/dev/null
dotnet build -c Release -v q -nologo bench/LoadTool/LoadTool.csproj >/dev/null
LOAD=(dotnet bench/LoadTool/bin/Release/net10.0/LoadTool.dll)

mint_admin_token
# A SQLite file with synchronous=FULL.
start_server $S_GRPC $S_HTTP "--Storage:Sqlite:Path=$WORK/users.db"
dotnet bench/ReferenceServer/bin/Release/net10.0/ReferenceServer.dll --port $R_GRPC --users 1000 >"$WORK/reference.log" 2>&1 &
PIDS+=($!)
until "${LOAD[@]}" --address "http://127.0.0.1:$R_GRPC" --rpc get --ids 1-1 --count 1 --warmup 0 --callers 1 >/dev/null 2>&1; do sleep 0.2; done

echo "== warm-up: ${WARMUP} s of CreateUser at $CALLERS callers on each side (not measured)"
"${LOAD[@]}" --address "http://127.0.0.1:$S_GRPC" --rpc create --callers "$CALLERS" --duration "$WARMUP" --warmup 0 --token "$TOKEN" >/dev/null
"${LOAD[@]}" --address "http://127.0.0.1:$R_GRPC" --rpc create --callers "$CALLERS" --duration "$WARMUP" --warmup 0 >/dev/null

rate() { # ADDRESS [TOKEN]
  local token=(); [ -n "${2:-}" ] && token=(--token "$2")
  "${LOAD[@]}" --address "$1" --rpc create --callers "$CALLERS" --duration "$SECONDS_PER_RUN" --warmup 2 "${token[@]}" --label "$1" \
    | tee -a "$WORK/load.log" | tail -n 1 | jq -e -r 'if .ok then .callsPerSecond else error("unexpected statuses: \(.statuses)") end'
}

declare -A RESULTS
record() { RESULTS[$1]="${RESULTS[$1]:-} $2"; printf '  %-24s %10.0f /s\n' "$1" "$2"; }
for round in $(seq 1 "$ROUNDS"); do
  echo "== round $round of $ROUNDS (${SECONDS_PER_RUN} s each, $CALLERS callers)"
  # Alternate which side goes first, so drift on the shared machine hits both alike.
  if (( round % 2 )); then order="server reference"; else order="reference server"; fi
  for side in $order; do
    if [ "$side" = server ]; then record sqlite-server "$(rate "http://127.0.0.1:$S_GRPC" "$TOKEN")"
    else record reference "$(rate "http://127.0.0.1:$R_GRPC")"; fi
  done
done

server="$(echo "${RESULTS[sqlite-server]}" | median)"
reference="$(echo "${RESULTS[reference]}" | median)"
echo
echo "== medians over $ROUNDS rounds (creates per second)"
printf '%-58s %8s %8s %6s\n' "workload" "server" "ref" "ratio"
printf '%-58s %8.0f %8.0f %6s\n' "CreateUser, $CALLERS callers, SQLite (durable) vs in-memory reference" "$server" "$reference" \
  "$(awk -v a="$server" -v b="$reference" 'BEGIN { printf "%.2f", a / b }')"
jq -c '{label: .label, callsPerSecond, p50Ms, p90Ms, p99Ms, statuses}' < <(grep -h '"label"' "$WORK/load.log") | sed 's/^/  load tool: /'
