#!/usr/bin/env bash
# Backs up the stack's data: the database (pg_dump -Fc), the roles (globals) and the vector_store volume.
# shellcheck source-path=SCRIPTDIR
set -euo pipefail
PROG="${0##*/}"
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib/common.sh
. "$SCRIPT_DIR/lib/common.sh"
# shellcheck source=lib/pg.sh
. "$SCRIPT_DIR/lib/pg.sh"

usage() {
  cat <<EOF2
Usage: $PROG [options]

Writes one backup folder <out>/<UTC timestamp>/ holding:
  chatbot.dump          pg_dump -Fc of the database (restore with restore.sh, or pg_restore)
  globals.sql           pg_dumpall --globals-only: roles and their settings
  vector_store.tar.gz   the AI service's documents and index
  row-counts.tsv        rows per table when the dump was taken (restore-drill.sh compares against it)
  SHA256SUMS            checksums of the above
then deletes all but the newest --keep backups.

Options:
  --out DIR            where backups go (default \$BACKUP_DIR or /var/backups/chatbot)
  --keep N             how many backups to keep (default \$BACKUP_KEEP or 14)
  --compose-dir DIR    the folder with docker-compose.yml and .env (default: $(dirname "$SCRIPT_DIR"))
  --local              use the PostgreSQL tools on PATH with PG* variables instead of the postgres container
  --database NAME      the database (default \$POSTGRES_DB or chatbot)
  --vector-store DIR   with --local: the folder to archive as vector_store (default: skip it)
  -h, --help           this help

Requires: docker with compose (or, with --local, pg_dump/pg_dumpall/psql 17+), tar, gzip, sha256sum.
Run it daily from cron or a systemd timer; see deploy/README.md.
EOF2
}

COMPOSE_DIR="$(dirname "$SCRIPT_DIR")"
OUT="${BACKUP_DIR:-/var/backups/chatbot}" KEEP="${BACKUP_KEEP:-14}" VECTOR_STORE=''
DATABASE="${POSTGRES_DB:-chatbot}"
while (($#)); do
  case "$1" in
    --out) OUT="${2:?}"; shift ;;
    --keep) KEEP="${2:?}"; shift ;;
    --compose-dir) COMPOSE_DIR="${2:?}"; shift ;;
    --local) PG_MODE=local ;;
    --database) DATABASE="${2:?}"; shift ;;
    --vector-store) VECTOR_STORE="${2:?}"; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
  shift
done
[[ "$KEEP" =~ ^[1-9][0-9]*$ ]] || die "--keep must be a positive number"
if [[ "$PG_MODE" == compose ]]; then
  require_tools docker tar gzip sha256sum
else
  require_tools pg_dump pg_dumpall psql tar gzip sha256sum
fi
pg_check_version

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
target="$OUT/$stamp"
mkdir -p "$target"
chmod 700 "$OUT" "$target"
trap 'rm -rf "$target.partial"' EXIT
mv "$target" "$target.partial"
work="$target.partial"

log "dumping database $DATABASE"
pg pg_dump -Fc -d "$DATABASE" >"$work/chatbot.dump"
pg_row_counts "$DATABASE" >"$work/row-counts.tsv"
log "dumping roles"
pg pg_dumpall --globals-only >"$work/globals.sql"

if [[ "$PG_MODE" == compose ]]; then
  log "archiving the vector_store volume"
  compose exec -T ai tar -C /app/data -czf - . >"$work/vector_store.tar.gz"
elif [[ -n "$VECTOR_STORE" ]]; then
  [[ -d "$VECTOR_STORE" ]] || die "no vector store folder at $VECTOR_STORE"
  log "archiving $VECTOR_STORE"
  tar -C "$VECTOR_STORE" -czf "$work/vector_store.tar.gz" .
fi

(cd "$work" && sha256sum -- * >SHA256SUMS)
mv "$work" "$target"
trap - EXIT
log "backup written to $target ($(du -sh "$target" | cut -f1))"

# Rotation: the newest $KEEP timestamped folders stay.
mapfile -t old < <(find "$OUT" -mindepth 1 -maxdepth 1 -type d -name '[0-9]*T[0-9]*Z' | LC_ALL=C sort -r | tail -n +"$((KEEP + 1))")
for folder in "${old[@]}"; do
  log "removing old backup $folder"
  rm -rf -- "$folder"
done
printf '%s\n' "$target"
