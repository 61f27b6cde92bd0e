# shellcheck shell=bash
# Sourced by the scripts in scripts/setup/ (scripts/test.sh runs only the *.sh files directly in
# scripts/setup/, so this one is never a step of its own): the one way they install Debian
# packages, so that each script says only what it needs and how to tell it is already there.
#
#   apt_install [--no-start] [--hint TEXT] PACKAGE...
#
# Installs PACKAGE... non-interactively, without recommended packages, keeping any configuration
# file already on disk, and prints only errors. --no-start keeps the packages' services from
# starting (policy-rc.d answers 101 while they install): the tests start their own servers on
# free loopback ports. When this is not root, it says what is missing (with TEXT, another way to
# provide it) and exits 1.

apt_install() {
  local no_start=false hint=""
  while [ $# -gt 0 ]; do
    case "$1" in
      --no-start) no_start=true; shift ;;
      --hint) hint="$2"; shift 2 ;;
      *) break ;;
    esac
  done

  if [ "$(id -u)" -ne 0 ]; then
    echo "Missing the Debian package(s) $*, and this is not root to install them: install them${hint:+, or $hint}." >&2
    exit 1
  fi

  export DEBIAN_FRONTEND=noninteractive
  local policy=/usr/sbin/policy-rc.d
  local created_policy=false
  if [ "$no_start" = true ] && [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' > "$policy"
    chmod +x "$policy"
    created_policy=true
    # Removed on the way out, even when apt-get fails or the script is interrupted.
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi

  local status=0
  apt-get update -qq \
    && apt-get install -y -qq --no-install-recommends \
         -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
         "$@" >/dev/null \
    || status=$?

  if [ "$created_policy" = true ]; then
    rm -f "$policy"
    trap - EXIT
  fi
  return "$status"
}
