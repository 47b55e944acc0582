#!/usr/bin/env bash
# Start/stop a throwaway PostgreSQL 17 + pgvector server on loopback for tests.
# Run with --help for usage. Only the connection string goes to stdout;
# progress and logs go to stderr.
set -euo pipefail
umask 022

readonly PROG="${0##*/}"
readonly PG_MAJOR=17
readonly DOCKER_IMAGE="pgvector/pgvector:pg${PG_MAJOR}"
readonly SUITE=trixie
readonly PG_BIN="/usr/lib/postgresql/${PG_MAJOR}/bin"
readonly CHROOT_PATH="${PG_BIN}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
readonly SOCKET_DIR=/var/run/postgresql      # inside the root
readonly INSTANCE_MNT=/var/lib/chatbot-pg/instance   # bind target inside the root
readonly ROOT_MARKER=.dongyang-chat-pg-root   # present only in a complete root
readonly DATA_MARKER=.dongyang-chat-pg-data   # present only in our own data dirs
readonly DB_NAME=chatbot DB_USER=chatbot DB_PASSWORD=chatbot

usage() {
  cat <<EOF
Usage: $PROG [start|stop|status] [--port N] [--print-env] [--help]

Starts a throwaway PostgreSQL ${PG_MAJOR} server with the pgvector extension,
listening on 127.0.0.1 only, for tests and local development.

Commands:
  start      (default) start the server unless one already answers on the port,
             then print exactly one line to stdout, the Npgsql connection string:
               Host=127.0.0.1;Port=55432;Database=${DB_NAME};Username=${DB_USER};Password=${DB_PASSWORD}
  stop       stop the server (pg_ctl stop -m fast) and delete its data directory
  status     exit 0 (and print the connection string) if a server answers on the
             port, exit 1 otherwise

Options:
  --port N     TCP port on 127.0.0.1 (default 55432, or \$CHATBOT_PG_PORT)
  --print-env  print  export CHATBOT_PG_CONNECTION='<connection string>'
               instead of the bare connection string (for eval / source)
  -h, --help   show this help

Role '${DB_USER}' (password '${DB_PASSWORD}', superuser, may create databases) owns
database '${DB_NAME}', in which the 'vector' extension is created.

Backends (first that applies):
  docker   when 'docker info' succeeds: runs ${DOCKER_IMAGE}, port published
           on 127.0.0.1 only.
  chroot   as root on Debian/Ubuntu: debootstraps a minimal Debian ${SUITE} root
           with postgresql-${PG_MAJOR} and postgresql-${PG_MAJOR}-pgvector once (the
           mirror is read from this machine's apt sources), caches it, and runs
           postgres from it as the root's 'postgres' user. Later runs need no
           network.
Anything else fails with a message saying what is needed.

Environment:
  CHATBOT_PG_PORT           default port (55432)
  CHATBOT_PG_BACKEND        auto (default), docker or chroot
  CHATBOT_PG_ROOT           cached root (default
                            \${XDG_CACHE_HOME:-\$HOME/.cache}/dongyang-chat/pg${PG_MAJOR}-${SUITE}-root)
  CHATBOT_PG_DATA           throwaway data directory (default
                            /tmp/dongyang-chat-pg${PG_MAJOR}-<port>); deleted by 'stop'
  CHATBOT_PG_MIRROR         Debian mirror URL to use instead of the one in the
                            apt sources (needed on Ubuntu hosts)
  CHATBOT_PG_START_TIMEOUT  seconds to wait for readiness (default 60)
EOF
}

log() { printf '%s: %s\n' "$PROG" "$*" >&2; }
die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 1; }

# ---------------------------------------------------------------- arguments
CMD=start
PORT="${CHATBOT_PG_PORT:-55432}"
PRINT_ENV=0
while (($#)); do
  case "$1" in
    start | stop | status) CMD="$1" ;;
    --port) (($# >= 2)) || die "--port needs a value"; PORT="$2"; shift ;;
    --port=*) PORT="${1#--port=}" ;;
    --print-env) PRINT_ENV=1 ;;
    -h | --help | help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
  shift
done
if ! [[ "$PORT" =~ ^[0-9]{1,5}$ ]] || ((10#$PORT < 1 || 10#$PORT > 65535)); then
  die "invalid port: $PORT"
fi
PORT=$((10#$PORT))

START_TIMEOUT="${CHATBOT_PG_START_TIMEOUT:-60}"
[[ "$START_TIMEOUT" =~ ^[0-9]+$ ]] || die "invalid CHATBOT_PG_START_TIMEOUT: $START_TIMEOUT"
BACKEND_CHOICE="${CHATBOT_PG_BACKEND:-auto}"
ROOT="${CHATBOT_PG_ROOT:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/dongyang-chat/pg${PG_MAJOR}-${SUITE}-root}"
ROOT="${ROOT%/}"
RUN_PREFIX="/tmp/dongyang-chat-pg${PG_MAJOR}-${PORT}"
STATE_FILE="${RUN_PREFIX}.state"
LOCK_FILE="${RUN_PREFIX}.lock"
CONTAINER_NAME="dongyang-chat-pg${PG_MAJOR}-${PORT}"
CONN="Host=127.0.0.1;Port=${PORT};Database=${DB_NAME};Username=${DB_USER};Password=${DB_PASSWORD}"
T0=$SECONDS

emit_conn() {
  if ((PRINT_ENV)); then
    printf "export CHATBOT_PG_CONNECTION='%s'\n" "$CONN"
  else
    printf '%s\n' "$CONN"
  fi
}

# ------------------------------------------------------------------ probing
is_root() { [[ "$(id -u)" == 0 ]]; }

is_debian_like() {
  [[ -r /etc/os-release ]] || return 1
  local id like
  # shellcheck disable=SC1091
  id="$(. /etc/os-release && printf '%s' "${ID:-}")"
  # shellcheck disable=SC1091
  like="$(. /etc/os-release && printf '%s' "${ID_LIKE:-}")"
  [[ " $id $like " == *" debian "* || " $id $like " == *" ubuntu "* ]]
}

docker_engine_up() {
  command -v docker >/dev/null 2>&1 || return 1
  timeout 20 docker info >/dev/null 2>&1
}

root_ready() { [[ -f "$ROOT/$ROOT_MARKER" && -x "$ROOT$PG_BIN/postgres" ]]; }

# Does a PostgreSQL server answer on 127.0.0.1:$PORT? Uses pg_isready when one
# is at hand, else a bare SSLRequest probe (any PostgreSQL answers 'S' or 'N').
pg_answers() {
  if root_ready && is_root; then
    chroot "$ROOT" /usr/bin/env -i PATH="$CHROOT_PATH" \
      pg_isready -q -h 127.0.0.1 -p "$PORT" -U "$DB_USER" -d "$DB_NAME" -t 3 </dev/null >/dev/null 2>&1
    return
  fi
  if command -v pg_isready >/dev/null 2>&1; then
    pg_isready -q -h 127.0.0.1 -p "$PORT" -U "$DB_USER" -d "$DB_NAME" -t 3 </dev/null >/dev/null 2>&1
    return
  fi
  local reply=''
  # shellcheck disable=SC2016 # $1 is expanded by the inner bash
  reply="$(timeout 5 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
    printf "\000\000\000\010\004\322\026\057" >&3
    IFS= read -r -n 1 -t 3 r <&3 || exit 1
    printf %s "$r"' probe "$PORT" 2>/dev/null)" || return 1
  [[ "$reply" == S || "$reply" == N ]]
}

choose_backend() {
  case "$BACKEND_CHOICE" in
    docker)
      docker_engine_up || die "CHATBOT_PG_BACKEND=docker but 'docker info' fails: no Docker engine answers"
      echo docker ;;
    chroot)
      is_root || die "the chroot backend must run as root (it uses debootstrap and chroot)"
      echo chroot ;;
    auto)
      if docker_engine_up; then
        echo docker
      elif is_root && { root_ready || is_debian_like; }; then
        echo chroot
      else
        local why=()
        is_root || why+=("not running as root")
        is_root && ! is_debian_like && why+=("this is not Debian/Ubuntu (no apt-get for debootstrap)")
        die "cannot provide PostgreSQL ${PG_MAJOR}: no Docker engine answers ('docker info' fails) and $(IFS=';'; echo "${why[*]}").
Needed: either a running Docker engine (image ${DOCKER_IMAGE}), or root on Debian/Ubuntu
(the script then debootstraps a Debian ${SUITE} root with postgresql-${PG_MAJOR}-pgvector)."
      fi ;;
    *) die "CHATBOT_PG_BACKEND must be auto, docker or chroot (got '$BACKEND_CHOICE')" ;;
  esac
}

# Time-bounded wait for the server to accept connections.
wait_ready() { # deadline_seconds
  local deadline=$(( SECONDS + $1 ))
  while ! pg_answers; do
    ((SECONDS < deadline)) || return 1
    sleep 0.5
  done
}

# ------------------------------------------------------------ docker backend
docker_start() {
  if docker container inspect "$CONTAINER_NAME" >/dev/null 2>&1; then
    log "removing stale container $CONTAINER_NAME"
    docker rm -f -v "$CONTAINER_NAME" >/dev/null
  fi
  log "starting container $CONTAINER_NAME from $DOCKER_IMAGE on 127.0.0.1:$PORT"
  docker run -d --name "$CONTAINER_NAME" \
    -p "127.0.0.1:${PORT}:5432" \
    -e POSTGRES_USER="$DB_USER" -e POSTGRES_PASSWORD="$DB_PASSWORD" -e POSTGRES_DB="$DB_NAME" \
    --shm-size=256m \
    "$DOCKER_IMAGE" \
    -c max_connections=300 -c shared_buffers=128MB -c maintenance_work_mem=256MB \
    >/dev/null 9>&- || die "docker run $DOCKER_IMAGE failed (can the engine pull or find the image?)"
  printf 'backend=docker\ncontainer=%s\n' "$CONTAINER_NAME" >"$STATE_FILE"

  # The image's init runs a socket-only server first, so probe over TCP inside
  # the container and from the host.
  local deadline=$(( SECONDS + START_TIMEOUT ))
  until docker exec "$CONTAINER_NAME" pg_isready -q -h 127.0.0.1 -p 5432 -U "$DB_USER" -d "$DB_NAME" >/dev/null 2>&1 \
        && pg_answers; do
    if ((SECONDS >= deadline)) || [[ "$(docker container inspect -f '{{.State.Running}}' "$CONTAINER_NAME" 2>/dev/null)" != true ]]; then
      log "server did not become ready within ${START_TIMEOUT}s; container log tail:"
      docker logs --tail 60 "$CONTAINER_NAME" >&2 2>&1 || true
      docker rm -f -v "$CONTAINER_NAME" >/dev/null 2>&1 || true
      rm -f "$STATE_FILE"
      die "PostgreSQL (docker) failed to start on port $PORT"
    fi
    sleep 0.5
  done
  docker exec "$CONTAINER_NAME" psql -q -v ON_ERROR_STOP=1 -U "$DB_USER" -d "$DB_NAME" \
    -c 'CREATE EXTENSION IF NOT EXISTS vector;' >&2
}

docker_stop() {
  if docker container inspect "$CONTAINER_NAME" >/dev/null 2>&1; then
    log "stopping container $CONTAINER_NAME"
    # The image's stop signal is SIGINT, i.e. a fast shutdown.
    docker stop -t 60 "$CONTAINER_NAME" >/dev/null || true
    docker rm -f -v "$CONTAINER_NAME" >/dev/null 2>&1 || true
  else
    log "container $CONTAINER_NAME is not there"
  fi
}

# ------------------------------------------------------------- chroot build
# First URI of the main Debian archive in this machine's apt sources (one-line
# .list and deb822 .sources files, in the order apt reads them); security
# archives are skipped.
host_debian_mirror() {
  local files=() f
  [[ -f /etc/apt/sources.list ]] && files+=(/etc/apt/sources.list)
  if [[ -d /etc/apt/sources.list.d ]]; then
    while IFS= read -r f; do files+=("$f"); done < <(
      find /etc/apt/sources.list.d -maxdepth 1 -type f \( -name '*.list' -o -name '*.sources' \) | LC_ALL=C sort)
  fi
  local suites_re='^(buster|bullseye|bookworm|trixie|forky|duke|sid|stable|oldstable|oldoldstable|testing|unstable)(-updates|-backports|-proposed-updates)?$'
  local uri
  for f in "${files[@]}"; do
    if [[ "$f" == *.sources ]]; then
      uri="$(awk -v re="$suites_re" '
        function flush(   n, i, u, s, t, ok) {
          if (types != "" && enabled != "no") {
            split(types, t, /[ \t]+/); ok = 0
            for (i in t) if (t[i] == "deb") ok = 1
            split(suites, s, /[ \t]+/)
            n = split(uris, u, /[ \t]+/)
            if (!found && ok && s[1] ~ re && s[1] !~ /-security$/)
              for (i = 1; i <= n; i++) if (u[i] != "" && u[i] !~ /security/) { print u[i]; found = 1; exit }
          }
          types = uris = suites = enabled = ""; last = ""
        }
        /^[ \t]*#/ { next }
        /^[ \t]*$/ { flush(); next }
        /^[ \t]/ { if (last == "uris") uris = uris " " $0; else if (last == "suites") suites = suites " " $0; next }
        {
          key = tolower($0); sub(/:.*/, "", key)
          val = $0; sub(/^[^:]*:[ \t]*/, "", val); sub(/[ \t]+$/, "", val)
          last = key
          if (key == "types") types = val
          else if (key == "uris") uris = val
          else if (key == "suites") suites = val
          else if (key == "enabled") enabled = tolower(val)
        }
        END { if (!found) flush() }' "$f")"
    else
      uri="$(awk -v re="$suites_re" '
        { sub(/#.*/, "") }
        $1 != "deb" { next }
        {
          line = $0; sub(/^[ \t]*deb[ \t]+/, "", line)
          if (line ~ /^\[/) sub(/^\[[^]]*\][ \t]*/, "", line)
          split(line, w, /[ \t]+/)
          if (w[2] ~ re && w[2] !~ /-security$/ && w[1] !~ /security/) { print w[1]; exit }
        }' "$f")"
    fi
    if [[ -n "$uri" ]]; then
      printf '%s\n' "${uri%/}"
      return 0
    fi
  done
  return 1
}

APT_UPDATED=0
apt_install() { # packages...
  if ((!APT_UPDATED)); then
    log "apt-get update"
    local out
    if ! out="$(DEBIAN_FRONTEND=noninteractive apt-get update -q 2>&1)"; then
      printf '%s\n' "$out" | tail -n 30 >&2
      die "apt-get update failed"
    fi
    APT_UPDATED=1
  fi
  log "apt-get install $*"
  local out
  if ! out="$(DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" 2>&1)"; then
    printf '%s\n' "$out" | tail -n 30 >&2
    die "apt-get install $* failed"
  fi
}

# A keyring that holds the Debian 13 (trixie) archive signing key, if any.
# (The user IDs of an OpenPGP keyring are stored in clear text.)
trixie_keyring() {
  local k
  for k in /usr/share/keyrings/debian-archive-keyring.gpg \
           /usr/share/keyrings/debian-archive-trixie-automatic.gpg; do
    if [[ -f "$k" ]] && LC_ALL=C grep -aq 'Automatic Signing Key (13/trixie)' "$k"; then
      printf '%s\n' "$k"
      return 0
    fi
  done
  return 1
}

CAN_UNSHARE=
can_unshare() {
  if [[ -z "$CAN_UNSHARE" ]]; then
    if unshare --mount --propagation private true >/dev/null 2>&1; then CAN_UNSHARE=1; else CAN_UNSHARE=0; fi
  fi
  ((CAN_UNSHARE))
}

# Remove a (partial) root: first anything mounted below it and any process
# still running inside it, then the files (never crossing into a mount).
remove_tree() { # dir
  local dir="$1" p r m
  [[ -n "$dir" && "$dir" != / && -d "$dir" ]] || return 0
  for p in /proc/[0-9]*; do
    r="$(readlink "$p/root" 2>/dev/null)" || continue
    if [[ "$r" == "$dir" || "$r" == "$dir"/* ]]; then
      kill -KILL "${p#/proc/}" 2>/dev/null || true
    fi
  done
  while IFS= read -r m; do
    umount -l "$m" 2>/dev/null || true
  done < <(awk -v d="$dir" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo | sort -r)
  rm -rf --one-file-system "$dir"
}

BUILD_TMP=
cleanup_build() {
  if [[ -n "$BUILD_TMP" ]]; then
    log "cleaning up unfinished root $BUILD_TMP"
    remove_tree "$BUILD_TMP" || true
    BUILD_TMP=
  fi
}

# Run a command chrooted into a root under construction, with /proc mounted in
# a private mount namespace when possible (the mount dies with the command).
in_build_root() { # dir cmd...
  local dir="$1"; shift
  local env_args=(/usr/bin/env -i PATH="$CHROOT_PATH" HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive)
  if can_unshare; then
    # shellcheck disable=SC2016 # expanded by the inner sh
    unshare --mount --propagation private -- /bin/sh -c \
      'mount -t proc proc "$1/proc" 2>/dev/null || true; exec chroot "$@"' \
      sh "$dir" "${env_args[@]}" "$@"
  else
    chroot "$dir" "${env_args[@]}" "$@"
  fi
}

build_root() {
  is_root || die "building the PostgreSQL root needs root"
  if ! is_debian_like || ! command -v apt-get >/dev/null 2>&1; then
    die "no Docker engine answers and this is not Debian/Ubuntu with apt-get: cannot debootstrap a PostgreSQL ${PG_MAJOR} root"
  fi

  local parent
  parent="$(dirname "$ROOT")"
  mkdir -p "$parent"
  exec 8>>"$ROOT.lock"
  if ! flock -n 8; then
    log "another run is building $ROOT; waiting for it"
    flock -w 3600 8 || die "timed out waiting for the lock $ROOT.lock"
  fi
  if root_ready; then
    exec 8>&-
    return 0
  fi

  local mirror
  if [[ -n "${CHATBOT_PG_MIRROR:-}" ]]; then
    mirror="${CHATBOT_PG_MIRROR%/}"
  else
    mirror="$(host_debian_mirror)" || die "found no Debian archive (a 'deb' entry for a Debian suite) in /etc/apt/sources.list or /etc/apt/sources.list.d/; set CHATBOT_PG_MIRROR to a Debian mirror URL"
  fi

  command -v debootstrap >/dev/null 2>&1 || apt_install debootstrap
  local keyring
  if ! keyring="$(trixie_keyring)"; then
    log "the installed debian-archive-keyring lacks the Debian 13 (${SUITE}) keys; trying to upgrade it"
    apt_install debian-archive-keyring
    keyring="$(trixie_keyring)" || die "debian-archive-keyring has no Debian 13 (${SUITE}) archive signing key, so the ${SUITE} archive cannot be verified.
Install a debian-archive-keyring that has it (Debian 12 ships it from 2023.3+deb12u2 on, in /usr/share/keyrings/debian-archive-trixie-automatic.gpg)."
  fi
  local script_arg=()
  [[ -e "/usr/share/debootstrap/scripts/$SUITE" ]] || script_arg=(/usr/share/debootstrap/scripts/sid)

  # Leftovers of interrupted builds (we hold the build lock, so none is live).
  local stale
  for stale in "$ROOT".tmp.*; do
    [[ -d "$stale" ]] || continue
    log "removing leftover of an interrupted build: $stale"
    remove_tree "$stale"
  done
  if [[ -e "$ROOT" ]]; then
    log "removing incomplete root $ROOT"
    remove_tree "$ROOT"
  fi

  BUILD_TMP="$(mktemp -d "$ROOT.tmp.XXXXXX")"
  chmod 755 "$BUILD_TMP"   # mktemp makes it 0700; the postgres user must get in
  trap cleanup_build EXIT
  trap 'exit 130' INT TERM HUP
  local build_log="$ROOT.build.log"
  : >"$build_log"
  local t_build=$SECONDS

  log "debootstrap (minbase) Debian ${SUITE} from ${mirror} into $BUILD_TMP (log: $build_log); this takes a few minutes"
  local db_cmd=(debootstrap --variant=minbase --components=main --keyring="$keyring"
                "$SUITE" "$BUILD_TMP" "$mirror" "${script_arg[@]}")
  # debootstrap mounts /proc and /sys in the target: keep those mounts private
  # so an interrupted run cannot leave them behind on the host.
  if can_unshare; then db_cmd=(unshare --mount --propagation private -- "${db_cmd[@]}"); fi
  if ! "${db_cmd[@]}" >>"$build_log" 2>&1; then
    tail -n 40 "$build_log" >&2
    if grep -q UNKNOWNRELSIG "$build_log" || grep -qi 'signed by unknown key' "$build_log"; then
      die "debootstrap could not verify the ${SUITE} Release file with $keyring: the keyring lacks the current Debian archive keys"
    fi
    die "debootstrap failed (see $build_log)"
  fi

  log "installing postgresql-${PG_MAJOR} and postgresql-${PG_MAJOR}-pgvector inside the root"
  printf '#!/bin/sh\nexit 101\n' >"$BUILD_TMP/usr/sbin/policy-rc.d"
  chmod 755 "$BUILD_TMP/usr/sbin/policy-rc.d"
  mkdir -p "$BUILD_TMP/etc/postgresql-common/createcluster.d" "$BUILD_TMP/etc/apt/apt.conf.d" "$BUILD_TMP/etc/dpkg/dpkg.cfg.d"
  echo 'create_main_cluster = false' >"$BUILD_TMP/etc/postgresql-common/createcluster.d/50-dongyang-chat.conf"
  printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\nAcquire::Languages "none";\n' \
    >"$BUILD_TMP/etc/apt/apt.conf.d/90dongyang-chat"
  printf 'path-exclude=/usr/share/doc/*\npath-exclude=/usr/share/man/*\npath-exclude=/usr/share/info/*\n' \
    >"$BUILD_TMP/etc/dpkg/dpkg.cfg.d/90dongyang-chat-nodoc"
  rm -f "$BUILD_TMP/etc/resolv.conf"
  cat /etc/resolv.conf >"$BUILD_TMP/etc/resolv.conf" 2>/dev/null || true
  if ! { in_build_root "$BUILD_TMP" apt-get update -q \
         && in_build_root "$BUILD_TMP" apt-get install -y -q \
              "postgresql-${PG_MAJOR}" "postgresql-${PG_MAJOR}-pgvector" \
         && in_build_root "$BUILD_TMP" apt-get clean; } >>"$build_log" 2>&1; then
    tail -n 40 "$build_log" >&2
    die "installing PostgreSQL inside the root failed (see $build_log)"
  fi
  rm -rf "$BUILD_TMP"/var/lib/apt/lists/* "$BUILD_TMP"/var/cache/apt/*.bin

  # Device nodes (debootstrap normally makes them), and runtime directories.
  local spec name type major minor
  for spec in null:c:1:3 zero:c:1:5 full:c:1:7 random:c:1:8 urandom:c:1:9 tty:c:5:0; do
    IFS=: read -r name type major minor <<<"$spec"
    [[ -e "$BUILD_TMP/dev/$name" ]] || mknod -m 666 "$BUILD_TMP/dev/$name" "$type" "$major" "$minor" \
      || die "cannot create /dev/$name in the root"
  done
  mkdir -p "$BUILD_TMP/dev/shm" "$BUILD_TMP$INSTANCE_MNT"
  chmod 1777 "$BUILD_TMP/dev/shm" "$BUILD_TMP/tmp"
  # Any daemon a maintainer script left running must not keep the tree busy.
  remove_procs_only "$BUILD_TMP"

  local pg_version vec_version
  pg_version="$(in_build_root "$BUILD_TMP" "$PG_BIN/postgres" --version)" || die "postgres does not run inside the new root"
  [[ -f "$BUILD_TMP/usr/lib/postgresql/${PG_MAJOR}/lib/vector.so" ]] || die "pgvector (vector.so) is missing from the new root"
  vec_version="$(sed -n "s/^default_version = '\(.*\)'/\1/p" "$BUILD_TMP/usr/share/postgresql/${PG_MAJOR}/extension/vector.control")"
  printf 'suite=%s\nmirror=%s\npostgres=%s\npgvector=%s\nbuilt=%s\n' \
    "$SUITE" "$mirror" "$pg_version" "$vec_version" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >"$BUILD_TMP/$ROOT_MARKER"
  mv -T "$BUILD_TMP" "$ROOT"
  BUILD_TMP=
  trap - EXIT INT TERM HUP
  exec 8>&-
  log "root ready in $((SECONDS - t_build))s: $pg_version, pgvector $vec_version ($ROOT, $(du -sh "$ROOT" 2>/dev/null | cut -f1))"
}

remove_procs_only() { # dir: kill processes whose root lies inside dir
  local dir="$1" p r
  for p in /proc/[0-9]*; do
    r="$(readlink "$p/root" 2>/dev/null)" || continue
    if [[ "$r" == "$dir" || "$r" == "$dir"/* ]]; then
      log "killing leftover process ${p#/proc/} inside $dir"
      kill -KILL "${p#/proc/}" 2>/dev/null || true
    fi
  done
}

# ----------------------------------------------------------- chroot runtime
PG_UID='' PG_GID='' DATA='' DATA_IN_ROOT=''

load_pg_user() {
  local line
  line="$(awk -F: '$1 == "postgres" { print $3 ":" $4 }' "$ROOT/etc/passwd")"
  [[ -n "$line" ]] || die "no postgres user in $ROOT/etc/passwd; remove $ROOT to rebuild it"
  PG_UID="${line%%:*}" PG_GID="${line##*:}"
}

# Where the instance directory lives on the host, and how the root sees it.
# With mount namespaces it is bind-mounted (privately) at $INSTANCE_MNT;
# without them it must lie inside the root.
resolve_data() { # [host path]
  local want="${1:-${CHATBOT_PG_DATA:-}}"
  if [[ -z "$want" ]]; then
    if can_unshare; then want="$RUN_PREFIX"; else want="$ROOT/var/lib/chatbot-pg/port-$PORT"; fi
  fi
  [[ "$want" == /* ]] || want="$PWD/$want"
  DATA="${want%/}"
  if [[ "$DATA" == "$ROOT"/* ]]; then
    DATA_IN_ROOT="${DATA#"$ROOT"}"
  elif can_unshare; then
    DATA_IN_ROOT="$INSTANCE_MNT"
  else
    die "cannot bind-mount $DATA into the root (no mount namespaces here); set CHATBOT_PG_DATA to a directory under $ROOT or leave it unset"
  fi
}

# Run a command in the root as its postgres user, with the instance directory
# visible at $DATA_IN_ROOT. Callers pass 9>&- so a daemon does not keep the lock.
as_postgres() { # cmd...
  local cmd=(chroot --userspec="$PG_UID:$PG_GID" --groups="$PG_GID" "$ROOT"
             /usr/bin/env -i PATH="$CHROOT_PATH" HOME=/var/lib/postgresql
             LANG=C.UTF-8 LC_ALL=C.UTF-8 TZ=UTC PGHOST="$SOCKET_DIR" PGPORT="$PORT" "$@")
  if [[ "$DATA_IN_ROOT" == "$INSTANCE_MNT" ]]; then
    mkdir -p "$ROOT$INSTANCE_MNT"
    # shellcheck disable=SC2016 # expanded by the inner sh
    unshare --mount --propagation private -- /bin/sh -c \
      'mount --bind "$1" "$2" || exit 1; shift 2; exec "$@"' sh "$DATA" "$ROOT$INSTANCE_MNT" "${cmd[@]}"
  else
    "${cmd[@]}"
  fi
}

server_log_tail() {
  if [[ -f "$DATA/server.log" ]]; then
    log "server log tail ($DATA/server.log):"
    tail -n 40 "$DATA/server.log" >&2
  fi
}

# Running and not a zombie.
pid_alive() { # pid
  local state
  state="$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null)" || return 1
  state="${state%% *}"
  [[ -n "$state" && "$state" != Z && "$state" != X ]]
}

# Stop whatever runs from $DATA and delete $DATA (only if it is ours).
stop_instance() {
  if [[ -f "$DATA/pgdata/postmaster.pid" ]]; then
    local pid
    pid="$(head -n 1 "$DATA/pgdata/postmaster.pid" 2>/dev/null || true)"
    if [[ "$pid" =~ ^[0-9]+$ ]] && pid_alive "$pid"; then
      log "stopping PostgreSQL (pid $pid, data $DATA)"
      if ! as_postgres pg_ctl stop -D "$DATA_IN_ROOT/pgdata" -m fast -w -t 60 -s 9>&- >&2; then
        log "fast shutdown failed; trying immediate"
        as_postgres pg_ctl stop -D "$DATA_IN_ROOT/pgdata" -m immediate -w -t 30 -s 9>&- >&2 || true
      fi
      # pg_ctl returns once postmaster.pid is gone; the process may linger a
      # moment longer (or as a zombie until its new parent reaps it).
      local deadline=$(( SECONDS + 15 ))
      while pid_alive "$pid" && ((SECONDS < deadline)); do sleep 0.2; done
      if pid_alive "$pid"; then
        server_log_tail
        die "PostgreSQL (pid $pid) did not stop"
      fi
    fi
  fi
  if [[ -d "$DATA" ]]; then
    if [[ -f "$DATA/$DATA_MARKER" ]] || [[ -z "$(ls -A "$DATA")" ]]; then
      rm -rf --one-file-system "$DATA"
    else
      die "refusing to delete $DATA: it has no $DATA_MARKER file, so it was not made by this script"
    fi
  fi
}

chroot_start() {
  root_ready || build_root
  load_pg_user
  resolve_data ""
  log "using root $ROOT ($(sed -n 's/^postgres=//p' "$ROOT/$ROOT_MARKER"))"

  stop_instance   # leftovers of an earlier run that was not stopped
  mkdir -p "$DATA"
  : >"$DATA/$DATA_MARKER"
  chown "$PG_UID:$PG_GID" "$DATA"
  chmod 700 "$DATA"
  mkdir -p "$ROOT$SOCKET_DIR"
  chown "$PG_UID:$PG_GID" "$ROOT$SOCKET_DIR"
  chmod 2775 "$ROOT$SOCKET_DIR"
  printf 'backend=chroot\nroot=%s\ndata=%s\n' "$ROOT" "$DATA" >"$STATE_FILE"

  log "initdb in $DATA"
  as_postgres initdb -D "$DATA_IN_ROOT/pgdata" -U postgres -E UTF8 --locale=C.UTF-8 \
    --auth-local=trust --auth-host=scram-sha-256 --no-instructions --no-sync 9>&- >"$DATA/initdb.log" 2>&1 \
    || { tail -n 30 "$DATA/initdb.log" >&2; die "initdb failed"; }
  cat >>"$DATA/pgdata/postgresql.conf" <<EOF

# --- dongyang-chat test server ---
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$SOCKET_DIR'
max_connections = 300
shared_buffers = 128MB
maintenance_work_mem = 256MB
dynamic_shared_memory_type = sysv
huge_pages = off
fsync = on
timezone = 'UTC'
log_timezone = 'UTC'
log_line_prefix = '%m [%p] %q%u@%d '
EOF

  log "starting PostgreSQL on 127.0.0.1:$PORT"
  local t_start=$SECONDS
  if ! as_postgres pg_ctl start -D "$DATA_IN_ROOT/pgdata" -l "$DATA_IN_ROOT/server.log" \
         -w -t "$START_TIMEOUT" -s 9>&- >&2; then
    server_log_tail
    (stop_instance) || true
    rm -f "$STATE_FILE"
    die "PostgreSQL failed to start within ${START_TIMEOUT}s"
  fi
  if ! wait_ready $(( START_TIMEOUT - (SECONDS - t_start) > 5 ? START_TIMEOUT - (SECONDS - t_start) : 5 )); then
    server_log_tail
    (stop_instance) || true
    rm -f "$STATE_FILE"
    die "PostgreSQL does not answer on 127.0.0.1:$PORT within ${START_TIMEOUT}s"
  fi

  as_postgres psql -X -q -v ON_ERROR_STOP=1 -d postgres 9>&- >&2 <<EOF || { server_log_tail; die "setting up role/database failed"; }
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$DB_USER') THEN
    CREATE ROLE $DB_USER LOGIN SUPERUSER CREATEDB PASSWORD '$DB_PASSWORD';
  ELSE
    ALTER ROLE $DB_USER LOGIN SUPERUSER CREATEDB PASSWORD '$DB_PASSWORD';
  END IF;
END \$\$;
SELECT 'CREATE DATABASE $DB_NAME OWNER $DB_USER' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$DB_NAME')\\gexec
\\connect $DB_NAME
CREATE EXTENSION IF NOT EXISTS vector;
EOF
  # Check the advertised credentials over TCP, as a client would connect.
  local ext
  ext="$(as_postgres env PGPASSWORD="$DB_PASSWORD" psql -X -tA -h 127.0.0.1 -p "$PORT" -U "$DB_USER" -d "$DB_NAME" \
           -c "SELECT extversion FROM pg_extension WHERE extname = 'vector'" 9>&- 2>&1)" \
    || { log "$ext"; die "cannot log in as $DB_USER over TCP"; }
  log "ready in $((SECONDS - T0))s (server start $((SECONDS - t_start))s); pgvector $ext; data $DATA"
}

chroot_stop() {
  load_pg_user
  stop_instance
}

# --------------------------------------------------------------------- main
# State of the instance on this port, if this script started one.
state_get() { # key
  [[ -f "$STATE_FILE" ]] && sed -n "s/^$1=//p" "$STATE_FILE" | head -n 1
}

# Serialise runs for one port (e.g. test fixtures starting it in parallel).
if { exec 9>>"$LOCK_FILE"; } 2>/dev/null; then
  if ! flock -n 9; then
    log "waiting for another $PROG run on port $PORT"
    flock -w 3600 9 || die "timed out waiting for $LOCK_FILE"
  fi
else
  log "warning: cannot open $LOCK_FILE; going on without the lock"
fi

case "$CMD" in
  status)
    if pg_answers; then
      log "a PostgreSQL server answers on 127.0.0.1:$PORT ($(state_get backend || true))"
      emit_conn
      exit 0
    fi
    log "no PostgreSQL server answers on 127.0.0.1:$PORT"
    exit 1 ;;

  start)
    if pg_answers; then
      log "a PostgreSQL server already answers on 127.0.0.1:$PORT; reusing it"
      emit_conn
      exit 0
    fi
    backend="$(choose_backend)"
    case "$backend" in
      docker) docker_start ;;
      chroot) chroot_start ;;
    esac
    emit_conn ;;

  stop)
    backend="$(state_get backend || true)"
    if [[ -z "$backend" ]]; then
      if command -v docker >/dev/null 2>&1 && docker container inspect "$CONTAINER_NAME" >/dev/null 2>&1; then
        backend=docker
      elif is_root && root_ready; then
        backend=chroot
      fi
    fi
    case "$backend" in
      docker) docker_stop ;;
      chroot)
        [[ -n "$(state_get root || true)" ]] && ROOT="$(state_get root)"
        root_ready || die "the root $ROOT is gone; cannot run pg_ctl"
        resolve_data "$(state_get data || true)"
        chroot_stop ;;
    esac
    rm -f "$STATE_FILE"
    if pg_answers; then
      die "a PostgreSQL server still answers on 127.0.0.1:$PORT that this script did not start (stop it yourself)"
    fi
    log "stopped (port $PORT)" ;;
esac
