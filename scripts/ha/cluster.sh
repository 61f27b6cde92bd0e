#!/usr/bin/env bash
# A local pg_auto_failover cluster on loopback: one monitor and two data nodes (node1, node2)
# with synchronous replication, each in its own folder under --dir. The failover test
# (tests/UserSystem.Server.Tests/HighAvailability) and bench/Failover drive it through this
# script; docs/operations/high-availability.md shows how to try failover with it by hand.
#
#   cluster.sh [--dir DIR] [--port PORT] COMMAND [ARGS]
#
#   up [--default-timeouts]  create and start the cluster; wait for a primary and a secondary
#   down                     stop every process of the cluster and delete DIR
#   status                   pg_autoctl show state
#   wait-ready [SECONDS]     wait for one primary and one secondary (default 120 s)
#   primary | secondary      print the name of the node in that role
#   connection-string        an Npgsql connection string listing both nodes
#   libpq-uri                the same as a libpq URI (for psql)
#   switchover               planned switchover, through the monitor
#   kill NODE | kill-primary | kill-secondary
#                            SIGKILL a node's whole process tree (supervisor, services, postmaster)
#   start NODE               run a killed node again (it rejoins, through pg_rewind if needed)
#   monitor-sql SQL          run SQL on the monitor's pg_auto_failover database
#
# PORT is the monitor's; the nodes take PORT+1 and PORT+2. Defaults: /tmp/usersystem-ha, 6500.
# PostgreSQL refuses to run as root: as root, every pg_autoctl runs as the `postgres` OS user.
# Needs scripts/setup/pg-auto-failover.sh. The database is `users`, user `postgres`, trust on
# loopback: a cluster to try things on, not to keep data in.
set -euo pipefail

dir=/tmp/usersystem-ha
port=6500
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) dir="$2"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    *) break ;;
  esac
done
command="${1:-}"
[ $# -gt 0 ] && shift

readonly database=users
readonly os_user=postgres
bin_dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"

die() { echo "cluster.sh: $*" >&2; exit 1; }

node_port() {
  case "$1" in
    monitor) echo "$port" ;;
    node1) echo $((port + 1)) ;;
    node2) echo $((port + 2)) ;;
    *) die "unknown node '$1' (monitor, node1 or node2)" ;;
  esac
}

# Runs a command as the postgres OS user (as it is, when this already is that user), with this
# cluster's own XDG folders: pg_autoctl keeps its configuration and state there, so two clusters
# on one machine never share any.
as_pg() {
  local env=(env "PATH=${bin_dir}:/usr/bin:/bin" "HOME=${dir}" "XDG_CONFIG_HOME=${dir}/xdg/config"
             "XDG_DATA_HOME=${dir}/xdg/data" "XDG_RUNTIME_DIR=${dir}/xdg/run" "PG_CONFIG=${bin_dir}/pg_config")
  if [ "$(id -u)" -eq 0 ]; then
    setpriv --reuid="$os_user" --regid="$os_user" --init-groups "${env[@]}" "$@"
  elif [ "$(id -un)" = "$os_user" ]; then
    "${env[@]}" "$@"
  else
    die "run as root or as the ${os_user} user"
  fi
}

monitor_uri() { echo "postgres://autoctl_node@127.0.0.1:$(node_port monitor)/pg_auto_failover?sslmode=disable"; }

# Starts `pg_autoctl run` for a node in the background, detached, and records its pid.
run_node() {
  local node="$1"
  as_pg setsid pg_autoctl run --pgdata "${dir}/${node}" >>"${dir}/logs/${node}.log" 2>&1 < /dev/null &
  echo $! > "${dir}/run/${node}.pid"
}

monitor_sql() {
  as_pg psql -X -q -At -h 127.0.0.1 -p "$(node_port monitor)" -d pg_auto_failover -c "$1"
}

node_sql() {
  as_pg psql -X -q -At -h 127.0.0.1 -p "$(node_port "$1")" -d postgres -c "$2"
}

# The node (node1/node2) the monitor reports in a state, or nothing.
node_in() {
  monitor_sql "SELECT nodename FROM pgautofailover.node WHERE reportedstate = '$1' AND goalstate = '$1' ORDER BY nodeid LIMIT 1;" 2>/dev/null || true
}

wait_until() {
  local seconds="$1" what="$2"; shift 2
  local deadline=$((SECONDS + seconds))
  until "$@"; do
    [ "$SECONDS" -lt "$deadline" ] || die "timed out after ${seconds} s waiting for ${what}; see ${dir}/logs"
    sleep 0.5
  done
}

ready() { [ -n "$(node_in primary)" ] && [ -n "$(node_in secondary)" ]; }

# A primary other than $1, and a secondary beside it.
moved_from() { local now; now="$(node_in primary)"; [ -n "$now" ] && [ "$now" != "$1" ] && [ -n "$(node_in secondary)" ]; }

monitor_answers() { monitor_sql "SELECT 1" >/dev/null 2>&1; }

single_up() { [ -n "$(node_in single)" ]; }

node_answers() { as_pg pg_isready -q -h 127.0.0.1 -p "$(node_port "$1")"; }

# Tuned for tests: an unplanned failover in seconds instead of about a minute. These reload on
# SIGHUP, so they apply without a restart.
tune_monitor() {
  local setting
  for setting in health_check_period=1000 health_check_timeout=1000 health_check_retry_delay=500 \
                 health_check_max_retries=1 node_considered_unhealthy_timeout=4000 primary_demote_timeout=8000; do
    monitor_sql "ALTER SYSTEM SET pgautofailover.${setting%%=*} = ${setting#*=};" >/dev/null
  done
  monitor_sql "SELECT pg_reload_conf();" >/dev/null
}

create_node() {
  local node="$1"
  as_pg pg_autoctl create postgres --pgdata "${dir}/${node}" --pgport "$(node_port "$node")" \
    --pghost 127.0.0.1 --listen 127.0.0.1 --hostname 127.0.0.1 --name "$node" \
    --dbname "$database" --monitor "$(monitor_uri)" --auth trust --no-ssl \
    >>"${dir}/logs/${node}.log" 2>&1 || die "creating ${node} failed; see ${dir}/logs/${node}.log"
  run_node "$node"
}

up() {
  local tuned=true
  [ "${1:-}" = "--default-timeouts" ] && tuned=false
  [ -n "$bin_dir" ] && command -v pg_autoctl >/dev/null || die "pg_autoctl is missing: run scripts/setup/pg-auto-failover.sh"
  [ ! -e "${dir}/monitor" ] || die "${dir} holds a cluster already: run down first"
  mkdir -p "${dir}"/{logs,run,xdg/config,xdg/data,xdg/run}
  chmod 700 "${dir}/xdg/run"
  [ "$(id -u)" -ne 0 ] || chown -R "$os_user:$os_user" "$dir"
  as_pg test -w "$dir" || die "the ${os_user} user cannot write to ${dir} (is a parent folder closed to it?)"

  as_pg pg_autoctl create monitor --pgdata "${dir}/monitor" --pgport "$(node_port monitor)" \
    --hostname 127.0.0.1 --auth trust --no-ssl >>"${dir}/logs/monitor.log" 2>&1 \
    || die "creating the monitor failed; see ${dir}/logs/monitor.log"
  # The monitor listens on every address unless told otherwise before it first starts.
  as_pg pg_autoctl config set --pgdata "${dir}/monitor" postgresql.listen_addresses 127.0.0.1 >/dev/null
  run_node monitor
  wait_until 60 "the monitor" monitor_answers
  [ "$tuned" = false ] || tune_monitor

  create_node node1
  wait_until 60 "node1 to be primary" single_up
  wait_until 30 "node1 to answer" node_answers node1
  # pg_basebackup (the second node's copy) waits for a checkpoint, spread over
  # checkpoint_completion_target of the interval: with 0 it takes about a second, not 90.
  node_sql node1 "ALTER SYSTEM SET checkpoint_completion_target = 0;" >/dev/null
  node_sql node1 "SELECT pg_reload_conf();" >/dev/null
  create_node node2
  wait_until 120 "a primary and a secondary" ready
  # Every commit waits for the standby's flush: a failover loses no acknowledged write.
  [ "$(node_sql "$(node_in primary)" "SHOW synchronous_standby_names;")" != "" ] \
    || die "the primary has no synchronous standby"
  echo "up: $(node_in primary) primary, $(node_in secondary) secondary; $(connection_string)"
}

# Every process in the trees of the recorded supervisors (or of one node), from one ps snapshot.
tree_of() {
  local roots=() pid
  for node in "$@"; do
    [ -f "${dir}/run/${node}.pid" ] && roots+=("$(cat "${dir}/run/${node}.pid")")
  done
  [ ${#roots[@]} -gt 0 ] || return 0
  ps -eo pid=,ppid= | awk -v roots="${roots[*]}" '
    BEGIN { n = split(roots, r, " "); for (i = 1; i <= n; i++) keep[r[i]] = 1 }
    { parent[$1] = $2 }
    END {
      do { grew = 0; for (p in parent) if (!(p in keep) && (parent[p] in keep)) { keep[p] = 1; grew = 1 } } while (grew)
      for (p in keep) if (p in parent) print p
    }'
}

# SIGSTOP first, so no supervisor restarts a child between the kills; then SIGKILL.
kill_tree() {
  local pids
  pids="$(tree_of "$@")"
  [ -n "$pids" ] || return 0
  # shellcheck disable=SC2086
  kill -STOP $pids 2>/dev/null || true
  # shellcheck disable=SC2086
  kill -KILL $pids 2>/dev/null || true
  for node in "$@"; do rm -f "${dir}/run/${node}.pid"; done
}

kill_node() {
  local node="$1"
  node_port "$node" >/dev/null
  kill_tree "$node"
  # The postmaster leaves its pid file behind; `pg_autoctl run` copes with it on the next start.
  echo "killed ${node}"
}

down() {
  if [ -d "$dir" ]; then
    kill_tree node1 node2 monitor
    rm -rf "$dir"
  fi
  echo "down"
}

connection_string() {
  echo "Host=127.0.0.1:$(node_port node1),127.0.0.1:$(node_port node2);Database=${database};Username=postgres"
}

case "$command" in
  up) up "$@" ;;
  down) down ;;
  status) as_pg pg_autoctl show state --pgdata "${dir}/monitor" ;;
  wait-ready) wait_until "${1:-120}" "a primary and a secondary" ready ;;
  primary) node_in primary ;;
  secondary) node_in secondary ;;
  connection-string) connection_string ;;
  libpq-uri) echo "postgresql://postgres@127.0.0.1:$(node_port node1),127.0.0.1:$(node_port node2)/${database}?target_session_attrs=read-write" ;;
  switchover)
    primary="$(node_in primary)"
    [ -n "$primary" ] || die "no primary to switch over from"
    as_pg pg_autoctl perform switchover --pgdata "${dir}/${primary}" >>"${dir}/logs/switchover.log" 2>&1 \
      || die "the switchover failed; see ${dir}/logs/switchover.log"
    # pg_autoctl can return while the old primary is still primary: a caller that went on (to a
    # kill, say) would act in the middle of the switchover. Done means the other node is primary.
    wait_until 120 "the switchover from ${primary}" moved_from "$primary"
    echo "switched over from ${primary} to $(node_in primary)" ;;
  kill) kill_node "${1:?kill NODE}" ;;
  kill-primary) node="$(node_in primary)"; [ -n "$node" ] || die "no primary"; kill_node "$node" ;;
  kill-secondary) node="$(node_in secondary)"; [ -n "$node" ] || die "no secondary"; kill_node "$node" ;;
  start)
    node="${1:?start NODE}"
    node_port "$node" >/dev/null
    [ -z "$(tree_of "$node")" ] || die "${node} is running"
    run_node "$node"
    wait_until 60 "${node} to answer" node_answers "$node"
    echo "started ${node}" ;;
  monitor-sql) monitor_sql "${1:?monitor-sql SQL}" ;;
  *) sed -n '2,25p' "$0" >&2; exit 2 ;;
esac
