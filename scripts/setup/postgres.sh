#!/usr/bin/env bash
# PostgreSQL server binaries (initdb, pg_ctl, postgres) for the tests that run a throwaway
# cluster (tests/UserSystem.Testing/PostgresServer.cs), plus psql for the benchmark.
# Installs the distribution's `postgresql` package only when no initdb is found.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/apt.sh"

if compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
  echo "PostgreSQL present: $(ls -d /usr/lib/postgresql/*/bin/initdb | head -n 1)"
  exit 0
fi

if [ -n "${USERSYSTEM_TEST_POSTGRES:-}" ]; then
  echo "USERSYSTEM_TEST_POSTGRES is set: tests use that server, nothing to install."
  exit 0
fi

# The tests run their own throwaway clusters: tell the package not to create (and start) the
# usual "main" cluster on port 5432. Keep this file if the package asks about it.
if [ "$(id -u)" -eq 0 ]; then
  mkdir -p /etc/postgresql-common
  if [ ! -f /etc/postgresql-common/createcluster.conf ]; then
    echo "create_main_cluster = false" > /etc/postgresql-common/createcluster.conf
  fi
fi
apt_install --hint "set USERSYSTEM_TEST_POSTGRES to a connection string" postgresql postgresql-client
ls -d /usr/lib/postgresql/*/bin/initdb
