#!/usr/bin/env bash
# The console's tests (tests/UserSystem.Server.Tests/Web/Console*Tests.cs) run web/'s build
# check and its Playwright script: install Node.js when missing and web/'s locked packages
# (npm ci) when node_modules does not match package-lock.json.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/apt.sh"
cd "$(dirname "$0")/../../web"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  apt_install nodejs npm
fi

stamp=node_modules/.package-lock.sha256
wanted=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ]; then
  exit 0
fi

npm ci --no-audit --no-fund --loglevel=error
echo "$wanted" > "$stamp"
