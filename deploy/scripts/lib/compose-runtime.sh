# shellcheck shell=bash
# The deploy runtime for the docker compose stack on the host. deploy.sh calls only these rt_* functions, so the same
# switch-and-drain logic can run against another runtime (the tests use local processes).

# rt_pull SERVICE: fetch the service's new image.
rt_pull() { compose pull --quiet "$1"; }

# rt_containers SERVICE: the ids of the service's running containers, one per line.
rt_containers() { compose ps -q "$1"; }

# rt_start_new SERVICE COUNT: start one more container of SERVICE from its current image beside the COUNT running
# ones, without recreating them; print the new container's id.
rt_start_new() {
  local service="$1" count="$2" before after id
  before="$(rt_containers "$service" | sort)"
  compose up -d --no-deps --no-recreate --scale "$service=$((count + 1))" "$service" >&2
  after="$(rt_containers "$service" | sort)"
  id="$(comm -13 <(printf '%s\n' "$before") <(printf '%s\n' "$after") | head -n 1)"
  [[ -n "$id" ]] || return 1
  printf '%s\n' "$id"
}

# rt_health ID: healthy, starting or unhealthy (the image's HEALTHCHECK).
rt_health() { docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}' "$1"; }

# rt_address ID SERVICE: host:port nginx reaches the container at.
rt_address() {
  local ip port
  ip="$(docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}' "$1" | awk '{ print $1 }')"
  case "$2" in api) port=8080 ;; ai) port=8000 ;; *) port=80 ;; esac
  printf '%s:%s\n' "$ip" "$port"
}

# rt_upstream_default SERVICE NEW_ADDRESS: what the upstream names at rest (the compose service name).
rt_upstream_default() { case "$1" in api) echo "api:8080" ;; *) echo "$2" ;; esac; }

rt_nginx_test() { compose exec -T nginx nginx -t >&2; }
rt_nginx_reload() { compose exec -T nginx nginx -s reload >&2; }

# rt_stop ID SECONDS: SIGTERM, so the host drains in-flight requests, then SIGKILL after SECONDS.
rt_stop() { docker stop --time "$2" "$1" >/dev/null; }
rt_remove() { docker rm -f "$1" >/dev/null; }

# rt_recreate SERVICE: replace the service's container (used where a second instance makes no sense).
rt_recreate() { compose up -d --no-deps "$1" >&2; }

# rt_gate SERVICE: the health gate after a step, through the public entry point where there is one.
rt_gate() {
  case "$1" in
    api) compose exec -T nginx wget -q -O /dev/null http://127.0.0.1/nginx-health \
           && compose exec -T api dotnet /app/Chatbot.Api.dll --healthcheck >/dev/null \
           && compose exec -T -e HEALTHCHECK_URL=http://127.0.0.1:8080/api/health/ready api dotnet /app/Chatbot.Api.dll --healthcheck >/dev/null ;;
    ai) compose exec -T ai dotnet /app/Chatbot.Ai.dll --healthcheck >/dev/null ;;
    nginx) compose exec -T nginx wget -q -O /dev/null http://127.0.0.1/nginx-health ;;
    *) return 0 ;;
  esac
}
