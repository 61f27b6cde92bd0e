#!/usr/bin/env bash
# The admin console's browser test (tests/UserSystem.Server.Tests/Web/ConsoleBrowserTests.cs)
# drives Debian's Chromium through playwright-core: install it when /usr/bin/chromium is missing.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/apt.sh"

if [ -x /usr/bin/chromium ]; then
  exit 0
fi

apt_install chromium fonts-dejavu-core
/usr/bin/chromium --version
