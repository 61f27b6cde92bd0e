#!/usr/bin/env bash
# bench/Writes/one-caller-trial.sh: our server at one caller on PostgreSQL, as shipped against a variant
# environment (a runtime knob): CreateUser p50, the server's and PostgreSQL's CPU per create (from /proc),
# and GetUser p50 (users cached), each side restarted per round, the first side alternating. See README.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
# Usage: bench/Writes/one-caller-trial.sh [ROUNDS (3)] [SECONDS (10)] [VARIANT_ENV (DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0)]
ROUNDS=${1:-3}; SECS=${2:-10}; VARIANT_ENV=${3:-DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0}
[ -z "${AB_LOCKED:-}" ] && exec env AB_LOCKED=1 flock -o /tmp/bench.lock "$0" "$@"
PG_PORT=55482
WORK=$(mktemp -d /tmp/one-caller-trial-XXXX)
source bench/lib/postgres.sh
SPID=""
trap '[ -n "$SPID" ] && kill $SPID 2>/dev/null; postgres_stop; rm -rf $WORK' EXIT
dotnet publish -c Release -r linux-x64 -v q -nologo src/UserSystem.Server/UserSystem.Server.csproj -o "$WORK/server" >/dev/null
dotnet build -c Release -v q -nologo bench/LoadTool/LoadTool.csproj >/dev/null
postgres_start --no-locale
PSQL=(psql -X -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1)
"${PSQL[@]}" -d postgres -c "CREATE DATABASE b"
KEY="$(head -c 32 /dev/urandom | base64)"
SERVER=(dotnet "$WORK/server/UserSystem.Server.dll")
TOKEN="$("${SERVER[@]}" token --subject bench --role admin --minutes 600 "--Auth:Jwt:SigningKey=$KEY" | tail -n 1)"
LOAD=(dotnet bench/LoadTool/bin/Release/net10.0/LoadTool.dll --address http://127.0.0.1:55493 --token "$TOKEN")
ticks() { local -a f; read -ra f <<<"$(cut -d')' -f2- /proc/$1/stat)"; echo $(( f[11] + f[12] + ${2:-0} * (f[13] + f[14]) )); }
pg_ticks() { local pm t c; pm=$(head -n1 $WORK/pg/postmaster.pid); t=$(ticks $pm 1); for c in $(pgrep -P $pm); do t=$((t + $(ticks $c))); done; echo $t; }
rows() { "${PSQL[@]}" -d b -tA -c "SELECT count(*) FROM users"; }
run_variant() { # NAME ENV...
  local name=$1; shift
  env -u ASPNETCORE_ENVIRONMENT -u DOTNET_ENVIRONMENT "$@" "${SERVER[@]}" --Server:GrpcPort=55493 --Server:HttpPort=55494 --Storage:Provider=Postgres \
    "--ConnectionStrings:Postgres=Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=b" --Auth:Mode=Jwt "--Auth:Jwt:SigningKey=$KEY" \
    --RateLimit:TokensPerPeriod=1000000 --RateLimit:BurstLimit=1000000 >$WORK/server.log 2>&1 &
  SPID=$!
  until curl -fsS http://127.0.0.1:55494/healthz >/dev/null 2>&1; do sleep 0.2; done
  "${LOAD[@]}" --rpc create --callers 1 --duration 15 --warmup 0 >/dev/null
  local r0 p0 s0 r1 p1 s1 out
  r0=$(rows); p0=$(pg_ticks); s0=$(ticks $SPID)
  out=$("${LOAD[@]}" --rpc create --callers 1 --duration $SECS --warmup 0 | tail -n1)
  r1=$(rows); p1=$(pg_ticks); s1=$(ticks $SPID)
  local g; g=$("${LOAD[@]}" --rpc get --callers 1 --duration $SECS --warmup 1 | tail -n1 | jq -r .p50Ms)
  kill $SPID; wait $SPID 2>/dev/null || true; SPID=""
  echo "$name $(jq -r .p50Ms <<<"$out") $(awk -v n=$((r1-r0)) -v s=$((s1-s0)) -v p=$((p1-p0)) 'BEGIN{printf "%.0f %.0f", s*10000/n, p*10000/n}') $g" | tee -a $WORK/results
}
for round in $(seq 1 $ROUNDS); do
  if (( round % 2 )); then run_variant default env; run_variant variant env $VARIANT_ENV
  else run_variant variant env $VARIANT_ENV; run_variant default env; fi
done
echo "variant: $VARIANT_ENV"
echo "name create_p50_ms server_us_per_create pg_us_per_create getuser_p50_ms (medians)"
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
for n in default variant; do
  line=$n; for c in 2 3 4 5; do line="$line $(awk -v n=$n -v c=$c '$1==n { print $c }' $WORK/results | median)"; done; echo "$line"
done
