#!/usr/bin/env bash
# Blue-green deployment of the api: a second api stack beside the live one, an nginx upstream switch, and rollback.
# shellcheck source-path=SCRIPTDIR
set -euo pipefail
PROG="${0##*/}"
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib/common.sh
. "$SCRIPT_DIR/lib/common.sh"

usage() {
  cat <<EOF2
Usage: $PROG [options] <command>

Commands:
  up <blue|green> [TAG]   start (or update) that colour's api stack, project chatbot-<colour>, from image TAG
                          (default: API_TAG from .env); wait until it is healthy. Live traffic is not touched.
  switch <blue|green>     point nginx's api upstream at that colour (nginx -t, then reload: in-flight requests
                          finish on the old colour). The colour switched away from keeps running for rollback.
  rollback                switch back to the colour that was live before the last switch.
  retire <blue|green>     stop and remove an idle colour (refused for the live one).
  status                  the live colour and the health of both.

A typical release:  $PROG up green 1a2b3c4  &&  $PROG switch green  (watch)  &&  $PROG retire blue
Something wrong:    $PROG rollback

The first switch takes traffic from the main stack's api service; 'docker compose up -d' keeps that one as a
fallback. The live colour is recorded in <compose-dir>/.bluegreen-state.

Options:
  --compose-dir DIR     the folder with docker-compose.yml, docker-compose.api-color.yml and .env
                        (default: $(dirname "$SCRIPT_DIR"))
  --health-timeout SECS how long 'up' waits for the colour to be healthy (default 180)
  -h, --help            this help

Requires: docker with the compose plugin (or docker-compose), and the main stack running (nginx, ai, postgres).
EOF2
}

COMPOSE_DIR="$(dirname "$SCRIPT_DIR")"
HEALTH_TIMEOUT=180
ARGS=()
while (($#)); do
  case "$1" in
    --compose-dir) COMPOSE_DIR="${2:?}"; shift ;;
    --health-timeout) HEALTH_TIMEOUT="${2:?}"; shift ;;
    -h | --help) usage; exit 0 ;;
    *) ARGS+=("$1") ;;
  esac
  shift
done
((${#ARGS[@]} > 0)) || { usage >&2; die "name a command"; }
require_tools docker
STATE_FILE="$COMPOSE_DIR/.bluegreen-state"
UPSTREAM_FILE="$COMPOSE_DIR/nginx/upstreams/api.conf"

colour_compose() { # colour args...
  local colour="$1"
  shift
  COLOR="$colour" docker compose --project-directory "$COMPOSE_DIR" --env-file "$COMPOSE_DIR/.env" \
    -p "chatbot-$colour" -f "$COMPOSE_DIR/docker-compose.api-color.yml" "$@"
}

check_colour() { [[ "$1" == blue || "$1" == green ]] || die "the colour must be blue or green, not '$1'"; }
state() { [[ -f "$STATE_FILE" ]] && sed -n "s/^$1=//p" "$STATE_FILE" | head -n 1; }
colour_health() {
  local id
  id="$(colour_compose "$1" ps -q api 2>/dev/null | head -n 1)"
  [[ -n "$id" ]] || { echo absent; return; }
  docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}' "$id"
}
is_healthy() { [[ "$(colour_health "$1")" == healthy ]]; }

switch_to() { # colour
  local colour="$1" live previous
  is_healthy "$colour" || die "api-$colour is $(colour_health "$colour"), not healthy: not switching"
  live="$(state live || true)"
  previous="$(cat "$UPSTREAM_FILE")"
  write_upstream "$UPSTREAM_FILE" api_backend "api-$colour:8080"
  if ! compose exec -T nginx nginx -t >&2; then
    printf '%s\n' "$previous" >"$UPSTREAM_FILE"
    die "nginx rejected the switch; the upstream file is restored"
  fi
  compose exec -T nginx nginx -s reload >&2
  printf 'live=%s\nprevious=%s\nswitched=%s\n' "$colour" "${live:-main}" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >"$STATE_FILE"
  log "nginx now sends the api traffic to api-$colour (was ${live:-main})"
  wait_until 30 "the api through nginx" compose exec -T nginx wget -q -O /dev/null http://127.0.0.1/nginx-health \
    || die "nginx does not answer after the switch: run '$PROG rollback'"
}

command="${ARGS[0]}"
case "$command" in
  up)
    ((${#ARGS[@]} >= 2)) || die "up needs a colour"
    check_colour "${ARGS[1]}"
    tag="${ARGS[2]:-}"
    log "starting api-${ARGS[1]}${tag:+ from tag $tag}"
    if [[ -n "$tag" ]]; then
      API_TAG="$tag" colour_compose "${ARGS[1]}" up -d --pull always api >&2
    else
      colour_compose "${ARGS[1]}" up -d --pull always api >&2
    fi
    wait_until "$HEALTH_TIMEOUT" "api-${ARGS[1]} to be healthy" is_healthy "${ARGS[1]}" \
      || die "api-${ARGS[1]} did not become healthy; live traffic was not touched (logs: $PROG status)"
    log "api-${ARGS[1]} is healthy; '$PROG switch ${ARGS[1]}' sends traffic to it" ;;
  switch)
    ((${#ARGS[@]} >= 2)) || die "switch needs a colour"
    check_colour "${ARGS[1]}"
    switch_to "${ARGS[1]}" ;;
  rollback)
    previous="$(state previous || true)"
    [[ -n "$previous" ]] || die "nothing to roll back to: no switch was recorded"
    if [[ "$previous" == main ]]; then
      write_upstream "$UPSTREAM_FILE" api_backend "api:8080"
      compose exec -T nginx nginx -t >&2 && compose exec -T nginx nginx -s reload >&2
      printf 'live=main\nprevious=%s\nswitched=%s\n' "$(state live)" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >"$STATE_FILE"
      log "rolled back to the main stack's api"
    else
      switch_to "$previous"
    fi ;;
  retire)
    ((${#ARGS[@]} >= 2)) || die "retire needs a colour"
    check_colour "${ARGS[1]}"
    [[ "$(state live || true)" != "${ARGS[1]}" ]] || die "api-${ARGS[1]} is live: switch away from it first"
    colour_compose "${ARGS[1]}" down >&2
    log "api-${ARGS[1]} retired" ;;
  status)
    printf 'live: %s (previous: %s)\n' "$(state live || echo main)" "$(state previous || echo none)"
    for colour in blue green; do
      printf 'api-%s: %s\n' "$colour" "$(colour_health "$colour")"
    done ;;
  *) usage >&2; die "unknown command: $command" ;;
esac
