#!/usr/bin/env bash
# The whole test suite on a fresh machine: first each scripts/setup/*.sh installs what some
# tests need (database binaries, npm packages, ...), then `dotnet test` runs every test project,
# then the failover test runs as a step of its own (a pg_auto_failover cluster, at most 5 min).
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

# The failover test (tests/UserSystem.Server.Tests/HighAvailability) alone: it takes PostgreSQL
# away from two running instances, which nothing else should share the machine with. It prints
# the write outage per fault (the detailed console logger shows a passing test's output); a
# hang is cut after 5 minutes.
echo "==> failover test"
dotnet test tests/UserSystem.Server.Tests --filter "Category=Failover" --blame-hang-timeout 5m \
  --logger "console;verbosity=detailed" "$@" || status=$?
exit "$status"
