#!/usr/bin/env bash
# Benchmark: the write outage of the service per planned switchover and per unplanned failover
# (kill -9 of the primary's whole process tree) on a local pg_auto_failover cluster
# (scripts/ha/cluster.sh), with the monitor's timeouts tuned as the failover test has them and
# with pg_auto_failover's defaults. Beside our probe (one writer through the client library and
# one Release server) runs a plain libpq probe: psql opening a new connection per INSERT with
# target_session_attrs=read-write, which is what the database itself allows. See README.md.
#
#   bench/Failover/run.sh [--rounds N] [--timeouts tuned|default|both]   (defaults: 3, both)
set -euo pipefail
cd "$(dirname "$0")/../.."

rounds=3
timeouts=both
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --timeouts) timeouts="$2"; shift 2 ;;
    *) echo "usage: $0 [--rounds N] [--timeouts tuned|default|both]" >&2; exit 2 ;;
  esac
done
case "$timeouts" in
  both) modes=(tuned default) ;;
  tuned|default) modes=("$timeouts") ;;
  *) echo "--timeouts: tuned, default or both" >&2; exit 2 ;;
esac

bash scripts/setup/pg-auto-failover.sh >/dev/null
PG_PORT="${PG_PORT:-56500}"
GRPC_PORT="${GRPC_PORT:-56051}"
HTTP_PORT="${HTTP_PORT:-56080}"
WORK="$(mktemp -d /tmp/user-system-failover-bench-XXXXXX)"
chmod 755 "$WORK"   # the cluster's folder inside is the postgres user's
CLUSTER=(scripts/ha/cluster.sh --dir "$WORK/cluster" --port "$PG_PORT")
PIDS=()

stop_processes() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  PIDS=()
}
cleanup() {
  stop_processes
  "${CLUSTER[@]}" down >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

now_ms() { date +%s%3N; }

# The longest time without an acknowledged write in [from, to] (ms), from a probe's log of
# acknowledgement times; the first gap counts from the fault's start.
longest_gap() {
  awk -v from="$2" -v to="$3" '
    $1 ~ /^[0-9]+$/ && $1 >= from && $1 <= to { if (last == "") last = from; if ($1 - last > gap) gap = $1 - last; last = $1 }
    END { if (last == "") gap = to - from; printf "%.1f", gap / 1000 }' "$1"
}

# Waits until both probes have acknowledged a write after time $1 (ms).
wait_both_write_after() {
  local after="$1" deadline=$((SECONDS + 300))
  until awk -v t="$after" '$1 ~ /^[0-9]+$/ && $1 > t { found = 1 } END { exit !found }' "$WORK/ours.log" \
     && awk -v t="$after" '$1 ~ /^[0-9]+$/ && $1 > t { found = 1 } END { exit !found }' "$WORK/libpq.log"; do
    [ "$SECONDS" -lt "$deadline" ] || { echo "writes did not resume within 300 s" >&2; exit 1; }
    sleep 0.2
  done
}

echo "== building the Release server and the probe"
dotnet publish -c Release -r linux-x64 -v q -nologo src/UserSystem.Server/UserSystem.Server.csproj -o "$WORK/server" >/dev/null
dotnet build -c Release -v q -nologo bench/Failover/Failover.csproj >/dev/null

for mode in "${modes[@]}"; do
  echo "== pg_auto_failover with ${mode} monitor timeouts"
  if [ "$mode" = tuned ]; then "${CLUSTER[@]}" up >/dev/null; else "${CLUSTER[@]}" up --default-timeouts >/dev/null; fi
  uri="$("${CLUSTER[@]}" libpq-uri)&connect_timeout=2"
  psql -X -q "$uri" -c "CREATE TABLE probe (id bigserial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now());"

  # Development (no token needed), the rate limits out of the probe's way; a connection string
  # that lists both nodes and nothing else.
  dotnet "$WORK/server/UserSystem.Server.dll" --environment=Development --Auth:Mode=None \
    --Server:GrpcPort="$GRPC_PORT" --Server:HttpPort="$HTTP_PORT" --Storage:Provider=Postgres \
    "--ConnectionStrings:Postgres=$("${CLUSTER[@]}" connection-string)" \
    --RateLimit:BurstLimit=1000000 --RateLimit:TokensPerPeriod=1000000 >"$WORK/server-${mode}.log" 2>&1 &
  PIDS+=($!)
  until curl -fsS "http://127.0.0.1:$HTTP_PORT/healthz" >/dev/null 2>&1; do sleep 0.2; done

  : >"$WORK/ours.log"; : >"$WORK/libpq.log"
  dotnet bench/Failover/bin/Release/net10.0/Failover.dll "http://127.0.0.1:$GRPC_PORT" >"$WORK/ours.log" 2>"$WORK/ours-errors.log" &
  PIDS+=($!)
  while true; do
    psql -X -q -At "$uri" -c "INSERT INTO probe DEFAULT VALUES;" >/dev/null 2>&1 && now_ms
    sleep 0.01
  done >"$WORK/libpq.log" &
  PIDS+=($!)
  wait_both_write_after "$(now_ms)"

  for fault in switchover failover; do
    for round in $(seq 1 "$rounds"); do
      sleep 3
      start="$(now_ms)"
      if [ "$fault" = switchover ]; then
        "${CLUSTER[@]}" switchover >/dev/null
        "${CLUSTER[@]}" wait-ready 300
        wait_both_write_after "$(now_ms)"
      else
        killed="$("${CLUSTER[@]}" primary)"
        "${CLUSTER[@]}" kill "$killed" >/dev/null
        wait_both_write_after "$(now_ms)"
        "${CLUSTER[@]}" start "$killed" >/dev/null
        "${CLUSTER[@]}" wait-ready 300
      fi
      sleep 2
      end="$(now_ms)"
      echo "${mode} ${fault} ${round}: ours $(longest_gap "$WORK/ours.log" "$start" "$end") s, libpq $(longest_gap "$WORK/libpq.log" "$start" "$end") s"
    done
  done

  stop_processes
  stored="$(psql -X -q -At "$uri" -c "SELECT count(*) FROM users;")"
  probe_rows="$(psql -X -q -At "$uri" -c "SELECT count(*) FROM probe;")"
  echo "${mode}: $(wc -l <"$WORK/ours.log") creates acknowledged, ${stored} users stored (at most one more: a create in flight when the probe stopped); errors after the client's own retries: $(wc -l <"$WORK/ours-errors.log")"
  # The same check for the database alone: inserts psql saw committed against the rows there now.
  echo "${mode}: libpq: $(grep -c '^[0-9]' "$WORK/libpq.log") inserts acknowledged, ${probe_rows} rows stored"
  "${CLUSTER[@]}" down >/dev/null
done
