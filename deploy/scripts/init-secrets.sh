#!/usr/bin/env bash
# Creates the secret files docker-compose.yml mounts, once, with a fresh random database password.
set -euo pipefail
PROG="${0##*/}"
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

usage() {
  cat <<EOF2
Usage: $PROG [--compose-dir DIR] [--openai-key-file FILE]

Writes, in <compose-dir>/secrets/ (a folder only root can open; the files inside are readable so that the
containers' non-root users can read their bind-mounted copies), only the files that do not exist yet:
  postgres_password.txt           a random 32-character password
  chatbot_connection_string.txt   the api's connection string with that password
  openai_api_key.txt              the OpenAI key read from --openai-key-file, or empty (offline engine)
  admin_api_key.txt               a random 40-character bearer token for /api/admin/ (partner sites, ingestion)
  grafana_admin_password.txt      a random 24-character password for Grafana's admin (observability profile)
  user_id_key.txt                 a random 48-character key partner user ids are hashed with (keep it: a new
                                  key cuts customers off from their earlier conversations)
  ai_service_key.txt              a random 48-character key the api sends the ai on every call (Ai:ServiceKey);
                                  to rotate it, replace the file and restart both api and ai
Existing files are never overwritten: the database keeps the password it was created with.

Options:
  --compose-dir DIR       default: $(dirname "$SCRIPT_DIR")
  --openai-key-file FILE  a file holding the OpenAI API key
  -h, --help              this help

Requires: openssl (or /dev/urandom and tr).
EOF2
}

COMPOSE_DIR="$(dirname "$SCRIPT_DIR")" KEY_FILE=''
while (($#)); do
  case "$1" in
    --compose-dir) COMPOSE_DIR="${2:?}"; shift ;;
    --openai-key-file) KEY_FILE="${2:?}"; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; echo "$PROG: unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done

dir="$COMPOSE_DIR/secrets"
mkdir -p "$dir"
chmod 700 "$dir"
umask 022
db="$(sed -n 's/^POSTGRES_DB=//p' "$COMPOSE_DIR/.env" 2>/dev/null || true)"
user="$(sed -n 's/^POSTGRES_USER=//p' "$COMPOSE_DIR/.env" 2>/dev/null || true)"

# random_token LENGTH: letters and digits only, so the token is safe in a connection string and a header.
random_token() {
  if command -v openssl >/dev/null 2>&1; then
    openssl rand -base64 $(($1 * 2)) | tr -dc 'A-Za-z0-9' | head -c "$1"
  else
    tr -dc 'A-Za-z0-9' </dev/urandom | head -c "$1"
  fi
}

if [[ ! -s "$dir/postgres_password.txt" ]]; then
  random_token 32 >"$dir/postgres_password.txt"
  echo "$PROG: wrote $dir/postgres_password.txt" >&2
fi
if [[ ! -s "$dir/chatbot_connection_string.txt" ]]; then
  printf 'Host=postgres;Port=5432;Database=%s;Username=%s;Password=%s' \
    "${db:-chatbot}" "${user:-chatbot}" "$(cat "$dir/postgres_password.txt")" >"$dir/chatbot_connection_string.txt"
  echo "$PROG: wrote $dir/chatbot_connection_string.txt" >&2
fi
if [[ ! -e "$dir/openai_api_key.txt" ]]; then
  if [[ -n "$KEY_FILE" ]]; then tr -d '\r\n' <"$KEY_FILE" >"$dir/openai_api_key.txt"; else : >"$dir/openai_api_key.txt"; fi
  echo "$PROG: wrote $dir/openai_api_key.txt" >&2
fi
if [[ ! -s "$dir/admin_api_key.txt" ]]; then
  random_token 40 >"$dir/admin_api_key.txt"
  echo "$PROG: wrote $dir/admin_api_key.txt" >&2
fi
if [[ ! -s "$dir/grafana_admin_password.txt" ]]; then
  random_token 24 >"$dir/grafana_admin_password.txt"
  echo "$PROG: wrote $dir/grafana_admin_password.txt" >&2
fi
if [[ ! -s "$dir/user_id_key.txt" ]]; then
  random_token 48 >"$dir/user_id_key.txt"
  echo "$PROG: wrote $dir/user_id_key.txt" >&2
fi
if [[ ! -s "$dir/ai_service_key.txt" ]]; then
  random_token 48 >"$dir/ai_service_key.txt"
  echo "$PROG: wrote $dir/ai_service_key.txt" >&2
fi
