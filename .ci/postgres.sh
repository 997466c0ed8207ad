#!/usr/bin/env bash
# Install (Debian's packages) and start a PostgreSQL server on loopback for the API tests, then print the
# URL the tests read from CARBONKIT_TEST_POSTGRES_URL. Idempotent; needs root (CI runs as root).
set -euo pipefail
exec 3>&1 1>&2  # everything but the URL goes to stderr; the URL is written to the original stdout
if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq postgresql >/dev/null
fi
version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -q "^$version main$"; then
  pg_createcluster "$version" main >/dev/null
fi
# The server must not inherit this script's descriptors: a daemon holding the pipe of `$(bash .ci/postgres.sh)`
# (or CI's own output pipe) keeps the caller waiting for end-of-file forever. Python's subprocess closes every
# descriptor above 2; its output goes to a log file that is printed if the start fails.
start_log=$(mktemp)
if ! python3 -c 'import subprocess, sys
with open(sys.argv[1], "ab") as log:
    sys.exit(subprocess.call(sys.argv[2:], stdin=subprocess.DEVNULL, stdout=log, stderr=log, close_fds=True))' \
    "$start_log" pg_ctlcluster "$version" main start; then
  cat "$start_log"  # "already running" is not an error here; pg_isready below decides
fi
rm -f "$start_log"
for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 && break; sleep 1; done
pg_isready -h 127.0.0.1 || { echo "PostgreSQL did not start on 127.0.0.1:5432" ; exit 1; }
su postgres -c "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='carbonkit'\"" | grep -q 1 \
  || su postgres -c "psql -qc \"CREATE ROLE carbonkit LOGIN PASSWORD 'carbonkit'\""
for db in carbonkit_test carbonkit_bench; do
  su postgres -c "psql -qtAc \"SELECT 1 FROM pg_database WHERE datname='$db'\"" | grep -q 1 \
    || su postgres -c "createdb -O carbonkit $db"
done
echo "postgresql+psycopg://carbonkit:carbonkit@127.0.0.1:5432/carbonkit_test" >&3
