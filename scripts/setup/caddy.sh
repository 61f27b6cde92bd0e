#!/usr/bin/env bash
# Caddy for the deploy proxy test (tests/UserSystem.Server.Tests/Security/DeployProxyTests.cs):
# the real deploy/Caddyfile, pointed at a test server, answers over real sockets. Installs
# Debian's `caddy` package only when the binary is missing; its service is not needed (the test
# starts its own Caddy on free loopback ports).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/apt.sh"

if command -v caddy >/dev/null 2>&1; then
  echo "Caddy present: $(caddy version 2>&1 | head -n 1)"
  exit 0
fi

# --no-start: the packaged service would take ports 80 and 443 for nothing.
apt_install --no-start caddy
caddy version 2>&1 | head -n 1
