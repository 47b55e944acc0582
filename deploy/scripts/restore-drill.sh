#!/usr/bin/env bash
# Proves a backup restores: into a scratch database and folder, compared with what was backed up.
# shellcheck source-path=SCRIPTDIR
set -euo pipefail
PROG="${0##*/}"
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib/common.sh
. "$SCRIPT_DIR/lib/common.sh"
# shellcheck source=lib/pg.sh
. "$SCRIPT_DIR/lib/pg.sh"
# shellcheck source=lib/backup-crypto.sh
. "$SCRIPT_DIR/lib/backup-crypto.sh"

usage() {
  cat <<EOF2
Usage: $PROG [options] [backup-folder]

Restores the backup (default: the newest under \$BACKUP_DIR) into a scratch database restore_drill_<time> with
restore.sh, counts the rows of every table there and compares them with row-counts.tsv, recorded when the backup
was taken; also unpacks vector_store.tar.gz into a scratch folder and compares its file list. Prints every table
with both counts, drops the scratch database and exits 0 only when everything matches. Any mismatch, a damaged
backup or a failed restore is an alert (stderr, the system log, and BACKUP_ALERT_COMMAND / BACKUP_ALERT_WEBHOOK
from .env) and a non-zero exit. Settings come from <compose-dir>/.env as for backup.sh.

Options:
  --keep-scratch       leave the scratch database for inspection
  --compose-dir DIR    the folder with docker-compose.yml and .env (default: $(dirname "$SCRIPT_DIR"))
  --local              use the PostgreSQL tools on PATH with PG* variables instead of the postgres container
  -h, --help           this help

Requires: what restore.sh requires, plus diff.
EOF2
}

COMPOSE_DIR="$(dirname "$SCRIPT_DIR")"
KEEP_SCRATCH=0 BACKUP='' LOCAL_ARGS=()
while (($#)); do
  case "$1" in
    --keep-scratch) KEEP_SCRATCH=1 ;;
    --compose-dir) COMPOSE_DIR="${2:?}"; shift ;;
    --local) PG_MODE=local; LOCAL_ARGS=(--local) ;;
    -h | --help) usage; exit 0 ;;
    -*) usage >&2; die "unknown option: $1" ;;
    *) BACKUP="$1" ;;
  esac
  shift
done
load_dotenv "$COMPOSE_DIR/.env"
trap 'alert "restore drill FAILED (line $LINENO) for ${BACKUP:-the newest backup}: this backup may not restore"' ERR
if [[ -z "$BACKUP" ]]; then
  backups="$(resolve_path "${BACKUP_DIR:-/var/backups/chatbot}" "$COMPOSE_DIR")"
  BACKUP="$(find "$backups" -mindepth 1 -maxdepth 1 -type d -name '[0-9]*T[0-9]*Z' 2>/dev/null | LC_ALL=C sort | tail -n 1)"
  [[ -n "$BACKUP" ]] || { alert "restore drill FAILED: no backup found under $backups"; exit 1; }
fi
[[ -f "$BACKUP/row-counts.tsv" ]] || { alert "restore drill FAILED: no row-counts.tsv in $BACKUP"; exit 1; }
require_tools diff tar
export PG_MODE

scratch="restore_drill_$(date -u +%Y%m%d%H%M%S)"
scratch_dir="$(mktemp -d)"
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
  rm -rf "$scratch_dir"
  if ((!KEEP_SCRATCH)); then
    pg psql -X -q -d postgres -c "DROP DATABASE IF EXISTS \"$scratch\" WITH (FORCE)" >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT

log "restoring $BACKUP into the scratch database $scratch"
if ! "$SCRIPT_DIR/restore.sh" "${LOCAL_ARGS[@]}" --compose-dir "$COMPOSE_DIR" --database "$scratch" --no-vector-store "$BACKUP"; then
  trap - ERR
  alert "restore drill FAILED: $BACKUP did not restore (damaged, or cannot be decrypted: see above)"
  exit 1
fi

pg_row_counts "$scratch" >"$scratch_dir/restored.tsv"
status=0
printf '%-50s %12s %12s\n' table backed-up restored
join -t $'\t' -a 1 -a 2 -e missing -o 0,1.2,2.2 <(LC_ALL=C sort "$BACKUP/row-counts.tsv") "$scratch_dir/restored.tsv" |
  while IFS=$'\t' read -r table before after; do
    mark=''
    [[ "$before" == "$after" ]] || mark='  <-- differs'
    printf '%-50s %12s %12s%s\n' "$table" "$before" "$after" "$mark"
  done
diff -q <(LC_ALL=C sort "$BACKUP/row-counts.tsv") "$scratch_dir/restored.tsv" >/dev/null || status=1

plain="$(plain_backup "$BACKUP" "$scratch_dir/plain")"
if [[ -f "$plain/vector_store.tar.gz" ]]; then
  mkdir -p "$scratch_dir/vector_store"
  tar -C "$scratch_dir/vector_store" -xzf "$plain/vector_store.tar.gz"
  files="$(tar -tzf "$plain/vector_store.tar.gz" | grep -vc '/$' || true)"
  restored="$(find "$scratch_dir/vector_store" -type f | wc -l)"
  printf '%-50s %12s %12s\n' "vector_store files" "$files" "$restored"
  [[ "$files" == "$restored" ]] || status=1
fi

trap - ERR
if ((status == 0)); then
  log "drill passed: every count is equal"
else
  alert "restore drill FAILED for $BACKUP: restored counts differ from the backed-up ones (see the table above)"
fi
exit "$status"
