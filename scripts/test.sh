#!/usr/bin/env bash
# The whole test suite on a fresh machine: first each scripts/setup/*.sh installs what some
# tests need (database binaries, npm packages, ...), then `dotnet test` runs every test project,
# then the failover tests run as a step of their own (pg_auto_failover clusters, at most 5 min).
# Extra arguments go to both `dotnet test` runs (CI passes a TRX logger and a results folder,
# and counts every TRX file there).
set -euo pipefail
cd "$(dirname "$0")/.."

shopt -s nullglob
for step in scripts/setup/*.sh; do
  echo "==> ${step}"
  bash "${step}"
done

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
status=0
dotnet test --filter "Category!=Failover" "$@" || status=$?

# The failover tests (tests/UserSystem.Server.Tests/HighAvailability, Category=Failover) alone:
# they take PostgreSQL away from running instances, which nothing else should share the machine
# with. PostgresFailoverTests prints the write outage per fault, StandbyReadTests (reads from the
# standby with consistency tokens, one cluster for its class) how many reads the standby served
# (the detailed console logger shows a passing test's output); a hang is cut after 5 minutes.
echo "==> failover tests"
dotnet test tests/UserSystem.Server.Tests --filter "Category=Failover" --blame-hang-timeout 5m \
  --logger "console;verbosity=detailed" "$@" || status=$?
exit "$status"
