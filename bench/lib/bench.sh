# Sourced by the benchmark scripts right after they change to the repository root; what every one
# of them needs. Call bench_queue "$0" "$@" first, then bench_workdir NAME; source lib/postgres.sh
# after that when a throwaway PostgreSQL is needed (it needs WORK).

# One benchmark at a time on this machine: the script runs again under the shared lock. A
# benchmark started by another (Writes starts BatchImport) runs under its holder's lock.
bench_queue() {
  [ -n "${BENCH_LOCKED:-}" ] || exec env BENCH_LOCKED=1 flock -o /tmp/bench.lock "$@"
}

# WORK, a fresh folder for this run; PIDS, the processes to stop. At exit: those processes, the
# throwaway PostgreSQL when lib/postgres.sh was sourced, and the folder.
bench_workdir() { # NAME
  WORK="$(mktemp -d "/tmp/user-system-$1-XXXXXX")"
  PIDS=()
  trap bench_cleanup EXIT
}

bench_cleanup() {
  stop_servers
  if declare -F postgres_stop >/dev/null; then postgres_stop; fi
  rm -rf "$WORK"
}

# Stops every process in PIDS and empties it.
stop_servers() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; done
  PIDS=()
}

# Our server as shipped: Release, published ReadyToRun for this machine as the Dockerfile ships
# it, into $WORK/server; SERVER runs it.
publish_server() {
  echo "== building (Release; the server published for this machine, ReadyToRun, as the Dockerfile ships it)"
  dotnet publish -c Release -r linux-x64 -v q -nologo src/UserSystem.Server/UserSystem.Server.csproj -o "$WORK/server" >/dev/null
  SERVER=(dotnet "$WORK/server/UserSystem.Server.dll")
}

# KEY, a random signing key, and TOKEN, an admin token signed with it by the server's own
# `token` command.
mint_admin_token() {
  KEY="$(head -c 32 /dev/urandom | base64)"
  TOKEN="$("${SERVER[@]}" token --subject bench --role admin --minutes 600 "--Auth:Jwt:SigningKey=$KEY" | tail -n 1)"
}

# Starts our server in its Production configuration (no environment set: JWT signed with KEY on
# every call, default logging), the rate limiter on every call with its budget raised so the one
# bench token is never refused, logging to $WORK/server-GRPC_PORT.log; adds it to PIDS and waits
# until it is healthy. SERVER_ENV (an array, optional) puts variables in its environment.
start_server() { # GRPC_PORT HTTP_PORT [SETTING...]
  local grpc=$1 http=$2; shift 2
  env -u ASPNETCORE_ENVIRONMENT -u DOTNET_ENVIRONMENT ${SERVER_ENV[@]+"${SERVER_ENV[@]}"} "${SERVER[@]}" \
    --Server:GrpcPort="$grpc" --Server:HttpPort="$http" --Auth:Mode=Jwt "--Auth:Jwt:SigningKey=$KEY" \
    --RateLimit:TokensPerPeriod=1000000 --RateLimit:BurstLimit=1000000 "$@" >"$WORK/server-$grpc.log" 2>&1 &
  local pid=$!
  PIDS+=("$pid")
  until curl -fsS "http://127.0.0.1:$http/healthz" >/dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || { tail -n 3 "$WORK/server-$grpc.log" >&2; echo "the server did not start" >&2; exit 1; }
    sleep 0.2
  done
}

# CPU time from /proc in clock ticks of 10 ms: a process's own utime + stime, and with
# "children" also what its exited children used (cutime + cstime).
proc_ticks() { # PID [children]
  local stat; stat="$(cat "/proc/$1/stat" 2>/dev/null)" || { echo 0; return; }
  local -a f; read -ra f <<<"${stat##*) }"
  if [ "${2:-}" = children ]; then echo $(( f[11] + f[12] + f[13] + f[14] )); else echo $(( f[11] + f[12] )); fi
}

# The median of the numbers on standard input, separated by spaces or lines.
median() {
  tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
