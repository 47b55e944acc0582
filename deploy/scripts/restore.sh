#!/usr/bin/env bash
# Restores a backup made by backup.sh.
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
Usage: $PROG [options] <backup-folder>

Checks the backup's SHA256SUMS, then restores chatbot.dump into the database (pg_restore --clean --if-exists,
so the database ends up as it was when the backup was taken), optionally the roles, and the vector_store archive.
Stop the api and ai first in production (docker compose stop api ai) so nothing writes meanwhile. An encrypted
backup is decrypted into a private temporary folder first: set BACKUP_AGE_IDENTITY_FILE (age), or have the gpg
secret key in this user's keyring. Settings (POSTGRES_DB, POSTGRES_USER, BACKUP_AGE_IDENTITY_FILE) come from
<compose-dir>/.env as for backup.sh.

Options:
  --database NAME      the database to restore into (default \$POSTGRES_DB or chatbot); created if missing
  --with-globals       also replay globals.sql (roles); existing roles make harmless errors
  --vector-store DIR   with --local: extract vector_store.tar.gz into DIR (emptied first)
  --no-vector-store    leave the vector store alone
  --compose-dir DIR    the folder with docker-compose.yml and .env (default: $(dirname "$SCRIPT_DIR"))
  --local              use the PostgreSQL tools on PATH with PG* variables instead of the postgres container
  -h, --help           this help

Requires: docker with compose (or, with --local, pg_restore/psql 17+), tar, gzip, sha256sum.
EOF2
}

COMPOSE_DIR="$(dirname "$SCRIPT_DIR")"
DATABASE='' GLOBALS=0 VECTOR_STORE='' SKIP_VECTORS=0 BACKUP=''
while (($#)); do
  case "$1" in
    --database) DATABASE="${2:?}"; shift ;;
    --with-globals) GLOBALS=1 ;;
    --vector-store) VECTOR_STORE="${2:?}"; shift ;;
    --no-vector-store) SKIP_VECTORS=1 ;;
    --compose-dir) COMPOSE_DIR="${2:?}"; shift ;;
    --local) PG_MODE=local ;;
    -h | --help) usage; exit 0 ;;
    -*) usage >&2; die "unknown option: $1" ;;
    *) BACKUP="$1" ;;
  esac
  shift
done
[[ -n "$BACKUP" ]] || { usage >&2; die "name the backup folder to restore"; }
load_dotenv "$COMPOSE_DIR/.env"
DATABASE="${DATABASE:-${POSTGRES_DB:-chatbot}}"
[[ -f "$BACKUP/chatbot.dump" || -f "$BACKUP/chatbot.dump.age" || -f "$BACKUP/chatbot.dump.gpg" ]] || die "no chatbot.dump in $BACKUP"
if [[ "$PG_MODE" == compose ]]; then
  require_tools docker tar gzip sha256sum
else
  require_tools pg_restore psql tar gzip sha256sum
fi
pg_check_version
(cd "$BACKUP" && sha256sum --quiet -c SHA256SUMS) || die "checksums of $BACKUP do not match: the backup is damaged"
plain_dir="$(mktemp -d)"
trap 'rm -rf "$plain_dir"' EXIT
chmod 700 "$plain_dir"
BACKUP="$(plain_backup "$BACKUP" "$plain_dir/backup")"

if ((GLOBALS)); then
  log "replaying roles"
  pg psql -X -q -d postgres -f - <"$BACKUP/globals.sql" || log "some roles already existed (kept as they are)"
fi

exists="$(pg psql -X -At -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '${DATABASE//\'/\'\'}'")"
if [[ "$exists" != 1 ]]; then
  log "creating database $DATABASE"
  pg psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE \"${DATABASE//\"/\"\"}\""
fi
log "restoring the database into $DATABASE"
pg pg_restore --clean --if-exists --no-owner --exit-on-error -d "$DATABASE" <"$BACKUP/chatbot.dump"

if ((!SKIP_VECTORS)) && [[ -f "$BACKUP/vector_store.tar.gz" ]]; then
  if [[ "$PG_MODE" == compose ]]; then
    log "restoring the vector_store volume (ai is stopped meanwhile)"
    compose stop ai >&2
    compose run --rm --no-deps -T --entrypoint sh ai -c 'find /app/data -mindepth 1 -delete && tar -C /app/data -xzf -' \
      <"$BACKUP/vector_store.tar.gz"
    compose start ai >&2
  elif [[ -n "$VECTOR_STORE" ]]; then
    log "restoring the vector store into $VECTOR_STORE"
    mkdir -p "$VECTOR_STORE"
    find "$VECTOR_STORE" -mindepth 1 -delete
    tar -C "$VECTOR_STORE" -xzf "$BACKUP/vector_store.tar.gz"
  fi
fi
log "restored $BACKUP"
