#!/usr/bin/env bash
# pg_auto_failover (a monitor and PostgreSQL data nodes that fail over by themselves) for the
# failover test and scripts/ha/cluster.sh. Installs Debian's packages only when pg_autoctl or
# the PostgreSQL extension it needs on the monitor is missing.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/apt.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib/postgres-common.sh"

if command -v pg_autoctl >/dev/null 2>&1 && compgen -G "/usr/share/postgresql/*/extension/pgautofailover.control" >/dev/null; then
  echo "pg_auto_failover present: $(pg_autoctl version 2>/dev/null | head -n 1)"
  exit 0
fi

skip_main_postgres_cluster
apt_install --no-start --hint "skip the failover test (it needs pg_autoctl and runs as the postgres user)" \
  postgresql-15-auto-failover pg-auto-failover-cli
pg_autoctl version | head -n 1
