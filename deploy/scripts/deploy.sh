#!/usr/bin/env bash
# Zero-downtime rolling update of one service of the compose stack.
# shellcheck source-path=SCRIPTDIR
set -euo pipefail
PROG="${0##*/}"
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib/common.sh
. "$SCRIPT_DIR/lib/common.sh"

usage() {
  cat <<EOF2
Usage: $PROG [options] <api|ai|nginx>

Rolls one service to the image its tag in .env names, without dropping requests:

  api    start a new api container beside the old one; wait until it is healthy; point nginx's api upstream
         at it and reload nginx (old workers finish their requests); drain the old container for --drain seconds,
         then stop it with SIGTERM (the host finishes in-flight requests) and remove it; point the upstream back at
         the service name; health gate: nginx answers and the api is ready, including its connection to ai.
  ai     the same start-beside, health wait and drain for the AI service (the api reaches it by service name and
         retries a refused connection); health gate: ai answers.
  nginx  validate and reload the configuration (--reload-only), or replace the container with the new image
         (a frontend or nginx change); health gate: nginx answers.

A new container that does not become healthy is removed and the old one keeps serving (exit 1).
(Plain 'docker compose up -d --no-deps api' recreates the container and drops requests: this script does not.)

Options:
  --compose-dir DIR     the folder with docker-compose.yml and .env (default: $(dirname "$SCRIPT_DIR"))
  --upstream-file FILE  nginx's api upstream file (default: <compose-dir>/nginx/upstreams/api.conf)
  --drain SECONDS       how long the old container keeps serving after the switch (default 15)
  --stop-timeout SECS   SIGTERM grace before SIGKILL (default 30)
  --health-timeout SECS how long to wait for the new container to be healthy (default 180)
  --no-pull             use the image already on the host
  --reload-only         nginx: only 'nginx -t' and reload
  --runtime FILE        source another runtime instead of lib/compose-runtime.sh (it defines the rt_* functions)
  -h, --help            this help

Requires: docker with the compose plugin (or docker-compose), and a running stack.
EOF2
}

COMPOSE_DIR="$(dirname "$SCRIPT_DIR")"
UPSTREAM_FILE=''
DRAIN=15 STOP_TIMEOUT=30 HEALTH_TIMEOUT=180 PULL=1 RELOAD_ONLY=0
RUNTIME="$SCRIPT_DIR/lib/compose-runtime.sh"
SERVICE=''
while (($#)); do
  case "$1" in
    --compose-dir) COMPOSE_DIR="${2:?}"; shift ;;
    --upstream-file) UPSTREAM_FILE="${2:?}"; shift ;;
    --drain) DRAIN="${2:?}"; shift ;;
    --stop-timeout) STOP_TIMEOUT="${2:?}"; shift ;;
    --health-timeout) HEALTH_TIMEOUT="${2:?}"; shift ;;
    --no-pull) PULL=0 ;;
    --reload-only) RELOAD_ONLY=1 ;;
    --runtime) RUNTIME="${2:?}"; shift ;;
    -h | --help) usage; exit 0 ;;
    api | ai | nginx) SERVICE="$1" ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
  shift
done
[[ -n "$SERVICE" ]] || { usage >&2; die "name the service to roll: api, ai or nginx"; }
for number in "$DRAIN" "$STOP_TIMEOUT" "$HEALTH_TIMEOUT"; do
  [[ "$number" =~ ^[0-9]+$ ]] || die "not a number of seconds: $number"
done
UPSTREAM_FILE="${UPSTREAM_FILE:-$COMPOSE_DIR/nginx/upstreams/api.conf}"

[[ -r "$RUNTIME" ]] || die "no runtime at $RUNTIME"
if [[ "$RUNTIME" == "$SCRIPT_DIR/lib/compose-runtime.sh" ]]; then
  require_tools docker awk comm sort
  [[ -f "$COMPOSE_DIR/docker-compose.yml" ]] || die "no docker-compose.yml in $COMPOSE_DIR"
fi
# shellcheck source=lib/compose-runtime.sh
. "$RUNTIME"

is_healthy() { [[ "$(rt_health "$1")" == healthy ]]; }

# Start a new instance beside the old ones, switch to it and drain the old ones.
roll() {
  local service="$1" old=() new address previous=''
  mapfile -t old < <(rt_containers "$service")
  ((${#old[@]} > 0)) || die "no running $service container to replace: start the stack first (docker compose up -d)"
  log "$service: ${#old[@]} running (${old[*]})"

  if ((PULL)); then
    log "$service: pulling the new image"
    rt_pull "$service"
  fi

  new="$(rt_start_new "$service" "${#old[@]}")" || die "$service: could not start a new container"
  log "$service: started $new; waiting until it is healthy (at most ${HEALTH_TIMEOUT}s)"
  if ! wait_until "$HEALTH_TIMEOUT" "$service $new to be healthy" is_healthy "$new"; then
    log "$service: $new is $(rt_health "$new" || true); removing it, the old container keeps serving"
    rt_stop "$new" 5 || true
    rt_remove "$new" || true
    exit 1
  fi
  address="$(rt_address "$new" "$service")"
  log "$service: $new is healthy at $address"

  if [[ "$service" == api ]]; then
    previous="$(cat "$UPSTREAM_FILE")"
    write_upstream "$UPSTREAM_FILE" api_backend "$address"
    if ! rt_nginx_test; then
      printf '%s\n' "$previous" >"$UPSTREAM_FILE"
      rt_stop "$new" 5 || true
      rt_remove "$new" || true
      die "nginx rejected the switched configuration; restored it and removed $new"
    fi
    rt_nginx_reload
    log "$service: nginx now sends new requests to $address; draining the old container(s) for ${DRAIN}s"
  else
    log "$service: draining the old container(s) for ${DRAIN}s"
  fi
  sleep "$DRAIN"

  local id
  for id in "${old[@]}"; do
    log "$service: stopping $id (SIGTERM, ${STOP_TIMEOUT}s to finish in-flight requests)"
    rt_stop "$id" "$STOP_TIMEOUT"
    rt_remove "$id"
  done

  if [[ "$service" == api ]]; then
    write_upstream "$UPSTREAM_FILE" api_backend "$(rt_upstream_default api "$address")"
    rt_nginx_test
    rt_nginx_reload
  fi
}

gate() {
  log "$1: health gate"
  wait_until 60 "the $1 health gate" rt_gate "$1" || die "$1: the health gate failed after the update"
  log "$1: healthy"
}

case "$SERVICE" in
  api | ai)
    roll "$SERVICE"
    gate "$SERVICE" ;;
  nginx)
    if ((RELOAD_ONLY)); then
      rt_nginx_test || die "nginx rejected its configuration; nothing was reloaded"
      rt_nginx_reload
    else
      ((PULL)) && rt_pull nginx
      # nginx holds the public ports, so it cannot run twice: the restart takes about a second.
      rt_recreate nginx
    fi
    gate nginx ;;
esac
log "$SERVICE: done"
