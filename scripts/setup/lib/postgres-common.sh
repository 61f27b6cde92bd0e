# shellcheck shell=bash
# Sourced by the scripts in scripts/setup/ that install PostgreSQL packages.
#
#   skip_main_postgres_cluster
#
# The tests run their own throwaway clusters: tells Debian's postgresql-common not to create
# (and start) the usual "main" cluster on port 5432 when a server package is installed. Keeps
# the file if it is there already; does nothing unless root.
skip_main_postgres_cluster() {
  if [ "$(id -u)" -eq 0 ]; then
    mkdir -p /etc/postgresql-common
    if [ ! -f /etc/postgresql-common/createcluster.conf ]; then
      echo "create_main_cluster = false" > /etc/postgresql-common/createcluster.conf
    fi
  fi
}
