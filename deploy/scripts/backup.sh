#!/usr/bin/env bash
# Backs up the stack's data: the database (pg_dump -Fc, the knowledge index in pgvector included), the roles (globals)
# and the vector_store volume (knowledge files and uploads). Settings come from deploy/.env, so it runs as is from
# the deploying user's crontab.
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
Usage: $PROG [options]

Writes one backup folder <out>/<UTC timestamp>/ holding:
  chatbot.dump          pg_dump -Fc of the database (restore with restore.sh, or pg_restore)
  globals.sql           pg_dumpall --globals-only: roles and their settings
  vector_store.tar.gz   the AI service's knowledge files and uploads
  row-counts.tsv        rows per table when the dump was taken (restore-drill.sh compares against it)
  SHA256SUMS            checksums of the above
then deletes all but the newest --keep backups. With encryption configured, the first three are stored as .age or
.gpg files; with BACKUP_S3_URI set, the folder is then copied to S3.

Settings are read from <compose-dir>/.env (the environment wins over the file, options over both):
  BACKUP_DIR                   where backups go (default /var/backups/chatbot; relative = under the compose dir)
  BACKUP_KEEP                  how many to keep (default 14)
  POSTGRES_DB, POSTGRES_USER   the database and the role to dump it as (default chatbot, chatbot)
  BACKUP_AGE_RECIPIENTS_FILE   encrypt with age to these public keys, or
  BACKUP_GPG_RECIPIENT         encrypt with gpg to this key
  BACKUP_S3_URI                s3://bucket/prefix: copy each backup there with 'aws s3 cp' (the instance role's rights)
  BACKUP_ALERT_COMMAND, BACKUP_ALERT_WEBHOOK
                               told when a backup fails (see deploy/README.md)

Options:
  --out DIR            overrides BACKUP_DIR
  --keep N             overrides BACKUP_KEEP
  --compose-dir DIR    the folder with docker-compose.yml and .env (default: $(dirname "$SCRIPT_DIR"))
  --local              use the PostgreSQL tools on PATH with PG* variables instead of the postgres container
  --database NAME      overrides POSTGRES_DB
  --vector-store DIR   with --local: the folder to archive as vector_store (default: skip it)
  -h, --help           this help

Requires: docker with compose (or, with --local, pg_dump/pg_dumpall/psql 17+), tar, gzip, sha256sum; age or gpg
when encrypting; the aws CLI with BACKUP_S3_URI.
EOF2
}

COMPOSE_DIR="$(dirname "$SCRIPT_DIR")"
OUT='' KEEP='' VECTOR_STORE='' DATABASE=''
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
load_dotenv "$COMPOSE_DIR/.env"
OUT="$(resolve_path "${OUT:-${BACKUP_DIR:-/var/backups/chatbot}}" "$COMPOSE_DIR")"
KEEP="${KEEP:-${BACKUP_KEEP:-14}}"
DATABASE="${DATABASE:-${POSTGRES_DB:-chatbot}}"
[[ "$KEEP" =~ ^[1-9][0-9]*$ ]] || die "the number of backups to keep (BACKUP_KEEP or --keep) must be a positive number, not '$KEEP'"
trap 'alert "backup FAILED (line $LINENO); the newest good backup is the last one listed in $OUT"' ERR

if [[ "$PG_MODE" == compose ]]; then
  require_tools docker tar gzip sha256sum
else
  require_tools pg_dump pg_dumpall psql tar gzip sha256sum
fi
cipher="$(backup_cipher)"
[[ -z "$cipher" ]] || require_tools "$cipher"
[[ -z "${BACKUP_S3_URI:-}" ]] || require_tools aws
if ! mkdir -p "$OUT" 2>/dev/null || [[ ! -w "$OUT" ]]; then
  alert "backup FAILED: $(id -un) cannot write to $OUT. Create it once with: sudo install -d -m 700 -o $(id -un) $OUT (or set BACKUP_DIR in $COMPOSE_DIR/.env)"
  exit 1
fi
pg_check_version

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
target="$OUT/$stamp"
work="$target.partial"
mkdir -p "$work"
chmod 700 "$OUT" "$work"
trap 'rm -rf "$work"' EXIT

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

if [[ -n "$cipher" ]]; then
  log "encrypting with $cipher"
  for file in "$work/chatbot.dump" "$work/globals.sql" "$work/vector_store.tar.gz"; do
    [[ ! -f "$file" ]] || encrypt_file "$cipher" "$file"
  done
fi

# Checksums are of the stored files (encrypted ones included), so damage shows without the key.
(cd "$work" && sha256sum -- * >SHA256SUMS)
mv "$work" "$target"
trap - EXIT
log "backup written to $target ($(du -sh "$target" | cut -f1))"

if [[ -n "${BACKUP_S3_URI:-}" ]]; then
  log "copying to ${BACKUP_S3_URI%/}/$stamp/"
  aws s3 cp --recursive --only-show-errors "$target" "${BACKUP_S3_URI%/}/$stamp/"
fi

# Rotation: the newest $KEEP timestamped folders stay (S3 keeps its own copies: give the bucket a lifecycle rule).
mapfile -t old < <(find "$OUT" -mindepth 1 -maxdepth 1 -type d -name '[0-9]*T[0-9]*Z' | LC_ALL=C sort -r | tail -n +"$((KEEP + 1))")
for folder in "${old[@]}"; do
  log "removing old backup $folder"
  rm -rf -- "$folder"
done
printf '%s\n' "$target"
