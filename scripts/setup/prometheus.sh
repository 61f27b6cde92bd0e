#!/usr/bin/env bash
# Prometheus and promtool for the monitoring tests (tests/UserSystem.Server.Tests/Monitoring):
# promtool checks and unit-tests deploy/prometheus/alerts.yml, and a real Prometheus scrapes a
# real server to evaluate every query of deploy/grafana/dashboards. Installs Debian's
# `prometheus` package (both binaries) only when either is missing. The package's own service
# is not needed by the tests, which start their own Prometheus on a free loopback port.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/apt.sh"

if command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1; then
  echo "Prometheus present: $(prometheus --version 2>&1 | head -n 1)"
  exit 0
fi

# --no-start: the packaged service would take port 9090 for nothing.
apt_install --no-start prometheus
prometheus --version 2>&1 | head -n 1
promtool --version 2>&1 | head -n 1
