# shellcheck shell=bash
# Helpers shared by the deploy scripts: logging, prerequisites, the compose runtime and the nginx upstream switch.

log() { printf '%s %s: %s\n' "$(date -u +%H:%M:%S)" "${PROG:-deploy}" "$*" >&2; }
die() { printf '%s: error: %s\n' "${PROG:-deploy}" "$*" >&2; exit 1; }

# load_dotenv FILE: export the KEY=VALUE settings of a compose .env file that the environment does not set already,
# read the way compose reads them (surrounding quotes removed, a " #" comment after an unquoted value dropped), so
# a cron job sees the same BACKUP_DIR, POSTGRES_USER, ... as docker compose does. Nothing in the file is executed.
load_dotenv() {
  local file="$1" line key value
  [[ -f "$file" ]] || return 0
  while IFS= read -r line || [[ -n "$line" ]]; do
    [[ "$line" =~ ^[[:space:]]*(export[[:space:]]+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$ ]] || continue
    key="${BASH_REMATCH[2]}" value="${BASH_REMATCH[3]}"
    if [[ "$value" =~ ^\"(.*)\"[[:space:]]*$ || "$value" =~ ^\'(.*)\'[[:space:]]*$ ]]; then
      value="${BASH_REMATCH[1]}"
    else
      value="${value%%[[:space:]]#*}"
      value="${value%"${value##*[![:space:]]}"}"
    fi
    [[ -v "$key" ]] || export "$key=$value"
  done <"$file"
}

# resolve_path PATH BASE: PATH itself when absolute, else PATH under BASE (how .env paths are meant).
resolve_path() {
  case "$1" in
    /*) printf '%s\n' "$1" ;;
    *) printf '%s/%s\n' "$2" "${1#./}" ;;
  esac
}

# alert MESSAGE: make a failure heard, not just logged: stderr, the system log (logger), and the operator's own
# channel when BACKUP_ALERT_COMMAND (run with the message on stdin, e.g. an 'aws sns publish' wrapper) or
# BACKUP_ALERT_WEBHOOK (a Slack-style incoming webhook: POST {"text": MESSAGE}) is set in .env.
alert() {
  local message
  message="$1 (host ${HOSTNAME:-$(uname -n)}, $(date -u +%FT%TZ))"
  printf '\n!!! %s: %s\n\n' "${PROG:-deploy}" "$message" >&2
  if command -v logger >/dev/null 2>&1; then
    logger -t "chatbot-${PROG%.sh}" -p user.err -- "$message" 2>/dev/null || true
  fi
  if [[ -n "${BACKUP_ALERT_COMMAND:-}" ]]; then
    printf '%s\n' "$message" | bash -c "$BACKUP_ALERT_COMMAND" >&2 || log "BACKUP_ALERT_COMMAND failed"
  fi
  if [[ -n "${BACKUP_ALERT_WEBHOOK:-}" ]]; then
    local body
    body="$(printf '%s' "$message" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g')"
    curl -fsS -m 10 -H 'Content-Type: application/json' -d "{\"text\": \"$body\"}" "$BACKUP_ALERT_WEBHOOK" >/dev/null ||
      log "BACKUP_ALERT_WEBHOOK did not accept the alert"
  fi
}

# require_tools TOOL... : fail with the list of what is missing.
require_tools() {
  local missing=() tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
  done
  ((${#missing[@]} == 0)) || die "missing prerequisites: ${missing[*]}"
}

# The docker compose command of this host: the v2 plugin, else the v1 binary.
compose() {
  if docker compose version >/dev/null 2>&1; then
    docker compose --project-directory "$COMPOSE_DIR" -f "$COMPOSE_DIR/docker-compose.yml" "$@"
  else
    docker-compose --project-directory "$COMPOSE_DIR" -f "$COMPOSE_DIR/docker-compose.yml" "$@"
  fi
}

# write_upstream FILE NAME SERVER... : rewrite an nginx upstream block atomically (temp file, then rename), so nginx
# never reads half a file. Keeps the same options as the shipped file.
write_upstream() {
  local file="$1" name="$2"
  shift 2
  local tmp="${file}.tmp.$$" server
  {
    # The same header as the shipped file, so that at rest the file equals the committed one (git stays clean).
    printf '# The Api instances nginx sends /api/ and /hubs/ to. deploy.sh and blue-green.sh rewrite the server line during a\n'
    printf '# rolling or blue-green switch and reload nginx; at rest it names the compose service.\n'
    printf 'upstream %s {\n' "$name"
    for server in "$@"; do
      printf '    server %s max_fails=3 fail_timeout=10s;\n' "$server"
    done
    printf '    keepalive 32;\n}\n'
  } >"$tmp"
  mv -f "$tmp" "$file"
}

# wait_until SECONDS DESCRIPTION COMMAND... : poll COMMAND every second until it succeeds or time runs out.
wait_until() {
  local timeout="$1" what="$2"
  shift 2
  local deadline=$((SECONDS + timeout))
  until "$@"; do
    ((SECONDS < deadline)) || { log "timed out after ${timeout}s waiting for $what"; return 1; }
    sleep 1
  done
}
