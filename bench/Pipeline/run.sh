#!/usr/bin/env bash
# bench/Pipeline: our server (Production configuration: JWT on every call, metrics, default logging)
# against bench/ReferenceServer, on SQLite and on PostgreSQL, alternating, medians, ratios.
# Usage: bench/Pipeline/run.sh [--stores sqlite,postgres] [--rounds 3] [--seconds 10] [--warmup-seconds 20]
# Trials (our server changed, in the reference's place; repeatable; see README.md):
#        bench/Pipeline/run.sh --workloads getuser --trial NAME=ref:GIT_REF --trial NAME="env:NAME=value ..." --trial NAME="args:--Key=value ..."
# The measuring part holds /tmp/bench.lock, so concurrent benchmark runs queue. See README.md.
set -euo pipefail
cd "$(dirname "$0")/../.."

PG_PORT="${PG_PORT:-55433}"
command -v h2load >/dev/null || { apt-get install -y nghttp2-client >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y nghttp2-client >/dev/null; }; }
WORK="$(mktemp -d /tmp/user-system-pipeline-XXXXXX)"
source bench/lib/postgres.sh

cleanup() {
  postgres_stop
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "== publishing (Release)"
dotnet publish -c Release -r linux-x64 -v q -nologo src/UserSystem.Server/UserSystem.Server.csproj -o "$WORK/server"
# A trial on a git ref: that build of the server, published beside ours.
args=()
while [ $# -gt 0 ]; do
  if [ "$1" = --trial ] && [[ "$2" == *=ref:* ]]; then
    name="${2%%=*}"; ref="${2#*=ref:}"
    git worktree add --detach "$WORK/src-$name" "$ref" >/dev/null
    dotnet publish -c Release -r linux-x64 -v q -nologo "$WORK/src-$name/src/UserSystem.Server/UserSystem.Server.csproj" -o "$WORK/trial-$name"
    git worktree remove --force "$WORK/src-$name"
    args+=(--trial "$name=dll:$WORK/trial-$name/UserSystem.Server.dll"); shift 2
  else
    args+=("$1"); shift
  fi
done
dotnet publish -c Release -v q -nologo bench/ReferenceServer/ReferenceServer.csproj -o "$WORK/reference"
dotnet build -c Release -v q -nologo bench/Pipeline/Pipeline.csproj

# A throwaway cluster with PostgreSQL's default settings (fsync on).
postgres_start
psql -X -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -c "CREATE DATABASE bench_users"

mkdir -p "$WORK/run" && chmod 777 "$WORK/run"
flock -o /tmp/bench.lock dotnet bench/Pipeline/bin/Release/net10.0/Pipeline.dll \
  --server "$WORK/server/UserSystem.Server.dll" --reference "$WORK/reference/ReferenceServer.dll" --work "$WORK/run" \
  --postgres "Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=bench_users" "${args[@]}"
