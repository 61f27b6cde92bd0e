#!/usr/bin/env bash
# The whole test suite on a fresh machine: first each scripts/setup/*.sh installs what some
# tests need (database binaries, npm packages, ...), then `dotnet test` runs every test project.
# Extra arguments go to `dotnet test` (CI passes a TRX logger).
set -euo pipefail
cd "$(dirname "$0")/.."

shopt -s nullglob
for step in scripts/setup/*.sh; do
  echo "==> ${step}"
  bash "${step}"
done

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet test "$@"
