#!/usr/bin/env bash
# The Node example (examples/node) needs Node.js and its locked npm packages
# (@grpc/grpc-js, @grpc/proto-loader), installed with `npm ci` from package-lock.json.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/apt.sh"
cd "$(dirname "$0")/../../examples/node"

if ! command -v npm >/dev/null 2>&1; then
  apt_install nodejs npm
fi

# npm ci rewrites node_modules/.package-lock.json; newer than the lock file means already installed.
if [ node_modules/.package-lock.json -nt package-lock.json ]; then
  exit 0
fi
npm ci --no-audit --no-fund --loglevel=error
