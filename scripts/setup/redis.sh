#!/usr/bin/env bash
# redis-server for the tests that run the user cache with a Redis second level
# (tests/UserSystem.Testing/RedisServer.cs starts its own server on a free loopback port).
# Installs the distribution's `redis-server` package only when no redis-server is found; the
# package's system service is neither needed nor started by the tests.
set -euo pipefail

if command -v redis-server >/dev/null 2>&1; then
  echo "redis-server present: $(redis-server --version)"
  exit 0
fi

if [ -n "${USERSYSTEM_TEST_REDIS:-}" ]; then
  echo "USERSYSTEM_TEST_REDIS is set: tests use that server, nothing to install."
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "redis-server is missing and this is not root: install the 'redis-server' package" \
       "or set USERSYSTEM_TEST_REDIS to a host:port." >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
# policy-rc.d 101 tells the package scripts not to start the service they install (where
# there is an init system at all); the tests start their own redis-server.
policy=/usr/sbin/policy-rc.d
created_policy=false
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' > "$policy"
  chmod +x "$policy"
  created_policy=true
fi
trap '[ "$created_policy" = true ] && rm -f "$policy"' EXIT
apt-get update -q
apt-get install -y -q --no-install-recommends \
  -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
  redis-server
redis-server --version
