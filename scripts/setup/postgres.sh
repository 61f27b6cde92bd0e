#!/usr/bin/env bash
# PostgreSQL server binaries (initdb, pg_ctl, postgres) for the tests that run a throwaway
# cluster (tests/UserSystem.Testing/PostgresServer.cs), plus psql for the benchmark.
# Installs the distribution's `postgresql` package only when no initdb is found.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/apt.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib/postgres-common.sh"

if compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
  echo "PostgreSQL present: $(ls -d /usr/lib/postgresql/*/bin/initdb | head -n 1)"
  exit 0
fi

if [ -n "${USERSYSTEM_TEST_POSTGRES:-}" ]; then
  echo "USERSYSTEM_TEST_POSTGRES is set: tests use that server, nothing to install."
  exit 0
fi

skip_main_postgres_cluster
apt_install --hint "set USERSYSTEM_TEST_POSTGRES to a connection string" postgresql postgresql-client
ls -d /usr/lib/postgresql/*/bin/initdb
