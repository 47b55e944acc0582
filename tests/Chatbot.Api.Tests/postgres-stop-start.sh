#!/usr/bin/env bash
# Stops or starts again, KEEPING ITS DATA, a throwaway PostgreSQL that deploy/scripts/postgres-test-server.sh started
# on the given port: a real database restart for the fault tests. (The provisioning script's own 'stop' deletes the
# data, so it cannot restart.) Never point this at the shared test server's port.
set -euo pipefail
readonly PG_BIN=/usr/lib/postgresql/17/bin
readonly MNT=/var/lib/chatbot-pg/instance

[[ $# == 2 && ( "$1" == stop || "$1" == start ) && "$2" =~ ^[0-9]+$ ]] || { echo "usage: ${0##*/} stop|start PORT" >&2; exit 2; }
cmd=$1 port=$2
state=/tmp/dongyang-chat-pg17-${port}.state
[[ -f "$state" ]] || { echo "${0##*/}: no instance state in $state" >&2; exit 1; }
backend=$(sed -n 's/^backend=//p' "$state")

case "$backend" in
  docker)
    docker "$cmd" "dongyang-chat-pg17-${port}" >/dev/null ;;
  chroot)
    root=$(sed -n 's/^root=//p' "$state")
    data=$(sed -n 's/^data=//p' "$state")
    ids=$(awk -F: '$1 == "postgres" { print $3 ":" $4 }' "$root/etc/passwd")
    as_postgres() {
      # shellcheck disable=SC2016 # expanded by the inner sh
      unshare --mount --propagation private -- /bin/sh -c 'mount --bind "$1" "$2" || exit 1; shift 2; exec "$@"' \
        sh "$data" "$root$MNT" \
        chroot --userspec="$ids" --groups="${ids#*:}" "$root" /usr/bin/env -i PATH="$PG_BIN:/usr/bin:/bin" \
          HOME=/var/lib/postgresql LANG=C.UTF-8 LC_ALL=C.UTF-8 TZ=UTC PGHOST=/var/run/postgresql PGPORT="$port" "$@"
    }
    if [[ "$cmd" == stop ]]; then
      as_postgres pg_ctl stop -D "$MNT/pgdata" -m fast -w -t 60 -s
    else
      as_postgres pg_ctl start -D "$MNT/pgdata" -l "$MNT/server.log" -w -t 60 -s
    fi ;;
  *)
    echo "${0##*/}: unknown backend '$backend' in $state" >&2; exit 1 ;;
esac
