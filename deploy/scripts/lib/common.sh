# shellcheck shell=bash
# Helpers shared by the deploy scripts: logging, prerequisites, the compose runtime and the nginx upstream switch.

log() { printf '%s %s: %s\n' "$(date -u +%H:%M:%S)" "${PROG:-deploy}" "$*" >&2; }
die() { printf '%s: error: %s\n' "${PROG:-deploy}" "$*" >&2; exit 1; }

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
    printf '# Written by %s at %s. At rest this names the compose service.\n' "${PROG:-deploy}" "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
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
