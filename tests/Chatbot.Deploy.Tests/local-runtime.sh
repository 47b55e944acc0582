# shellcheck shell=bash
# A deploy.sh runtime of local processes instead of containers, for DeployScriptTests: the same rt_* functions as
# deploy/scripts/lib/compose-runtime.sh. An instance's id is its loopback port; LOCAL_STATE/<port>.pid holds its pid.
# Environment: LOCAL_STATE, LOCAL_API_DLL, LOCAL_API_CONTENT_ROOT, LOCAL_NEXT_PORT, NGINX_TEST_CMD, NGINX_RELOAD_CMD,
# LOCAL_GATE_URL; the api's own settings (database, AI_SERVER_URL, ...) are inherited.

rt_pull() { :; }

rt_containers() {
  local pidfile
  for pidfile in "$LOCAL_STATE"/*.pid; do
    [[ -e "$pidfile" ]] || continue
    basename "$pidfile" .pid
  done
}

rt_start_new() {
  local port="$LOCAL_NEXT_PORT"
  nohup dotnet "$LOCAL_API_DLL" --urls "http://127.0.0.1:$port" --contentRoot "$LOCAL_API_CONTENT_ROOT" \
    >"$LOCAL_STATE/$port.log" 2>&1 </dev/null &
  printf '%s\n' "$!" >"$LOCAL_STATE/$port.pid"
  printf '%s\n' "$port"
}

rt_health() {
  if curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$1/api/health"; then echo healthy; else echo starting; fi
}

rt_address() { printf '127.0.0.1:%s\n' "$1"; }
rt_upstream_default() { printf '%s\n' "$2"; }

rt_nginx_test() { $NGINX_TEST_CMD >&2; }
rt_nginx_reload() { $NGINX_RELOAD_CMD >&2; }

rt_stop() {
  local pid waited=0
  pid="$(cat "$LOCAL_STATE/$1.pid")"
  kill -TERM "$pid" 2>/dev/null || return 0
  while kill -0 "$pid" 2>/dev/null && ((waited < $2 * 10)); do
    sleep 0.1
    waited=$((waited + 1))
  done
  kill -KILL "$pid" 2>/dev/null || true
}

rt_remove() { rm -f "$LOCAL_STATE/$1.pid"; }
rt_recreate() { :; }
rt_gate() { curl -fsS -o /dev/null --max-time 5 -k "$LOCAL_GATE_URL"; }
