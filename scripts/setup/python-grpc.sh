#!/usr/bin/env bash
# The Python example (examples/python) needs grpcio for the system Python, and protoc with the
# gRPC Python plugin to generate its stubs (grpc-tools only for the well-known .proto files).
# PyPI is not reachable here, so they come from Debian's packages. /usr/bin/python3 on purpose:
# a python3 earlier on PATH (pyenv) does not see Debian's modules.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/apt.sh"

if /usr/bin/python3 -c 'import grpc, grpc_tools' >/dev/null 2>&1 \
  && command -v protoc >/dev/null && [ -x /usr/bin/grpc_python_plugin ]; then
  exit 0
fi

apt_install python3-grpcio python3-grpc-tools protobuf-compiler protobuf-compiler-grpc
/usr/bin/python3 -c 'import grpc, grpc_tools'
