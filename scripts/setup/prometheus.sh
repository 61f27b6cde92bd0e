#!/usr/bin/env bash
# Prometheus and promtool for the monitoring tests (tests/UserSystem.Server.Tests/Monitoring):
# promtool checks and unit-tests deploy/prometheus/alerts.yml, and a real Prometheus scrapes a
# real server to evaluate every query of deploy/grafana/dashboards. Installs Debian's
# `prometheus` package (both binaries) only when either is missing. The package's own service
# is not needed by the tests, which start their own Prometheus on a free loopback port.
set -euo pipefail

if command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1; then
  echo "Prometheus present: $(prometheus --version 2>&1 | head -n 1)"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "prometheus/promtool are missing and this is not root: install the 'prometheus' package." >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# policy-rc.d 101: do not start the packaged service (it would take port 9090 for nothing).
policy=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' > "$policy"
  chmod +x "$policy"
  created_policy=1
fi
trap 'if [ "$created_policy" = 1 ]; then rm -f "$policy"; fi' EXIT
apt-get install -y -q --no-install-recommends \
  -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
  prometheus
prometheus --version 2>&1 | head -n 1
promtool --version 2>&1 | head -n 1
