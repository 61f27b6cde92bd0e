#!/usr/bin/env bash
# The Python example (examples/python) needs grpcio and grpc-tools for the system Python.
# PyPI is not reachable here, so they come from Debian's packages. /usr/bin/python3 on purpose:
# a python3 earlier on PATH (pyenv) does not see Debian's modules.
set -euo pipefail

if /usr/bin/python3 -c 'import grpc, grpc_tools' >/dev/null 2>&1; then
  exit 0
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends python3-grpcio python3-grpc-tools >/dev/null
/usr/bin/python3 -c 'import grpc, grpc_tools'
