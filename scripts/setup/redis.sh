#!/usr/bin/env bash
# redis-server for the tests that run the user cache with a Redis second level
# (tests/UserSystem.Testing/RedisServer.cs starts its own server on a free loopback port).
# Installs the distribution's `redis-server` package only when no redis-server is found; the
# package's system service is neither needed nor started by the tests.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/apt.sh"

if command -v redis-server >/dev/null 2>&1; then
  echo "redis-server present: $(redis-server --version)"
  exit 0
fi

if [ -n "${USERSYSTEM_TEST_REDIS:-}" ]; then
  echo "USERSYSTEM_TEST_REDIS is set: tests use that server, nothing to install."
  exit 0
fi

# --no-start: the package's system service is not wanted; the tests start their own redis-server.
apt_install --no-start --hint "set USERSYSTEM_TEST_REDIS to a host:port" redis-server
redis-server --version
