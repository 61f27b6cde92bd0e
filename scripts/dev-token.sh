#!/usr/bin/env bash
# Prints a development token (and nothing else) signed with Auth__Jwt__SigningKey, e.g.
#   export Auth__Mode=Jwt Auth__Jwt__SigningKey="$(openssl rand -base64 32)"
#   export USERS_TOKEN="$(scripts/dev-token.sh --subject alice --role admin)"
# Options: --subject NAME (required), --role ROLE (repeatable), --user-id ID, --email EMAIL,
# --minutes 1-1440 (default 60). It runs the server's own `token` command, so the token carries
# exactly what the server checks; --no-launch-profile keeps dotnet's notes out of standard output.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${Auth__Jwt__SigningKey:-}" ]; then
  echo "Auth__Jwt__SigningKey is not set: export the same key the server uses, e.g. export Auth__Jwt__SigningKey=\"\$(openssl rand -base64 32)\"" >&2
  exit 2
fi
# The built server answers in a fraction of a second; build first when the token code changed since.
built=src/UserSystem.Server/bin/Debug/net10.0/UserSystem.Server.dll
if [ -f "$built" ] && [ -z "$(find src/UserSystem.Server/Security -newer "$built" -name '*.cs' -print -quit)" ]; then
  exec dotnet "$built" token "$@"
fi
exec dotnet run --no-launch-profile --project src/UserSystem.Server -v q -- token "$@"
