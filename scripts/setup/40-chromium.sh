#!/usr/bin/env bash
# The admin console's browser test (tests/UserSystem.Server.Tests/Web/ConsoleBrowserTests.cs)
# drives Debian's Chromium through playwright-core: install it when /usr/bin/chromium is missing.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
  exit 0
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
/usr/bin/chromium --version
