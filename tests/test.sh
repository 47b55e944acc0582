#!/usr/bin/env bash
# The README's test command. It installs (by package name, on Debian or Ubuntu) and starts what the tests need —
# PostgreSQL 17 with pgvector on loopback, nginx, Chromium, the linters — then runs every test project with `dotnet test`.
# CI (.ci/run) calls exactly this script.
set -euo pipefail
cd "$(dirname "$0")/.."

# Installing packages needs root; a developer's machine may use sudo for that step alone.
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# System packages the tests use, installed by name when missing.
apt_install() {
  local missing=() package
  for package in "$@"; do dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package"); done
  if ((${#missing[@]})); then
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}
# debootstrap builds the PostgreSQL root; the deployment tests (tests/Chatbot.Deploy.Tests) use real nginx,
# docker-compose v1 as the compose validator, shellcheck, openssl and curl, age (encrypted backups), and the
# Dockerfile linter from npm.
# They fail, not skip, when a tool is missing.
apt_install debootstrap nginx docker-compose shellcheck openssl curl age
# The scale-out test starts its own redis-server (loopback, nothing persisted) as the SignalR backplane; the
# package's own service is not wanted and is stopped if the install started one.
if ! dpkg -s redis-server >/dev/null 2>&1; then
  apt_install redis-server
  as_root service redis-server stop >/dev/null 2>&1 || true
fi
# The widget's browser tests drive Debian's Chromium (never a downloaded browser).
apt_install chromium fonts-noto-cjk
command -v npm >/dev/null 2>&1 || apt_install npm
command -v dockerfile-utils >/dev/null 2>&1 || as_root npm install -g --no-audit --no-fund dockerfile-utils@0.16.3 >/dev/null
# The loader's TypeScript declarations are type-checked with tsc (tests/Chatbot.Widget.E2E.Tests/LoaderApiTests.cs).
command -v tsc >/dev/null 2>&1 || as_root npm install -g --no-audit --no-fund typescript@5.9.3 >/dev/null

# PostgreSQL 17 + pgvector on loopback; the PostgreSQL tests fail without it.
CHATBOT_TEST_POSTGRES=${CHATBOT_TEST_POSTGRES:-$(as_root bash deploy/scripts/postgres-test-server.sh start)}
export CHATBOT_TEST_POSTGRES
# CI leaves nothing running; a developer keeps the server for the next run (stop it with the script's `stop`).
if [ "${CI:-}" = true ]; then
  trap 'bash deploy/scripts/postgres-test-server.sh stop >/dev/null 2>&1 || true' EXIT
fi

log=$(mktemp)
status=0
dotnet test Chatbot.sln 2>&1 | tee "$log" || status=$?

# One plain closing line for the whole run, summed over the test projects.
awk '/(Passed|Failed)! +- +Failed: +[0-9]+, +Passed: +[0-9]+/ {
       for (i = 1; i <= NF; i++) { if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) }
     } END { printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$log"
rm -f "$log"
exit "$status"
