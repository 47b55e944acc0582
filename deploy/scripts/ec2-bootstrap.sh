#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Prepares a fresh Amazon Linux 2023 EC2 host for the stack: Docker, the compose v2 plugin (checksum-verified), optionally
# a buildx new enough to build on the host, swap, log limits, and the backup folder the deploying user writes.
set -euo pipefail
PROG="${0##*/}"

usage() {
  cat <<EOF2
Usage: sudo $PROG [--user NAME] [--swap-gb N] [--build] [--compose-version vX.Y.Z] [--compose-sha256 HEX]
                  [--buildx-version vX.Y.Z] [--buildx-sha256 HEX]

On Amazon Linux 2023 (dnf): installs Docker from the distribution, enables it, adds --user (default ec2-user) to
the docker group, and installs the docker compose v2 plugin. AL2023's repositories have no docker-compose-plugin,
so the release binary for this CPU comes from the compose project's GitHub releases and is checked against its
SHA-256: the one given with --compose-sha256 (pin it in your runbook), else the checksum file published with the
same release. Adds a swap file (default 2 GB), sets Docker's json-file log limits, installs cron, git and openssl,
creates /var/backups/chatbot owned by --user (mode 700) for scripts/backup.sh, and prints the next steps.

By default the host only pulls images that CI built (deploy/README.md, step 7): that needs nothing more. With
--build the host can also build them: compose 2.37 and later build through buildx bake, which needs buildx 0.17 or
newer, and AL2023's docker ships buildx 0.12, so a checksum-verified buildx release is installed as well (use a
t3.large or larger to build on the host).

Amazon Linux 2 reached end of support on 2026-06-30 and gets no more security updates: this script refuses it.
Launch a new AL2023 instance, run this script there, copy the backups over (scripts/backup.sh on the old host,
scripts/restore.sh on the new one), move the Elastic IP or DNS record, and retire the AL2 host.

Options:
  --user NAME              the login that runs docker commands (default ec2-user)
  --swap-gb N              swap file size in GB, 0 for none (default 2)
  --build                  also install buildx >= 0.17, to run 'docker compose build' on this host
  --compose-version VER    compose plugin release (default v2.39.2)
  --compose-sha256 HEX     the expected SHA-256 of that release's binary for this CPU
  --buildx-version VER     buildx release with --build (default v0.26.1)
  --buildx-sha256 HEX      the expected SHA-256 of that release's binary for this CPU
  -h, --help               this help

Requires: root, Amazon Linux 2023, network access to the distribution's repositories.
EOF2
}

USER_NAME=ec2-user SWAP_GB=2 BUILD=0
COMPOSE_VERSION=v2.39.2 COMPOSE_SHA256='' BUILDX_VERSION=v0.26.1 BUILDX_SHA256=''
while (($#)); do
  case "$1" in
    --user) USER_NAME="${2:?}"; shift ;;
    --swap-gb) SWAP_GB="${2:?}"; shift ;;
    --build) BUILD=1 ;;
    --compose-version) COMPOSE_VERSION="${2:?}"; shift ;;
    --compose-sha256) COMPOSE_SHA256="${2:?}"; shift ;;
    --buildx-version) BUILDX_VERSION="${2:?}"; shift ;;
    --buildx-sha256) BUILDX_SHA256="${2:?}"; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; echo "$PROG: unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done

log() { printf '%s: %s\n' "$PROG" "$*" >&2; }
die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 1; }
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib/verified-download.sh
. "$SCRIPT_DIR/lib/verified-download.sh"

# version_at_least HAVE WANT: true when dotted version HAVE >= WANT.
version_at_least() { [[ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n 1)" == "$2" ]]; }

[[ "$(id -u)" == 0 ]] || die "run as root (sudo $PROG)"
[[ -r /etc/os-release ]] || die "no /etc/os-release: not Amazon Linux"
# shellcheck disable=SC1091
. /etc/os-release
if [[ "${ID:-}" == amzn && "${VERSION_ID:-}" == 2 ]]; then
  die "this is Amazon Linux 2, which reached end of support on 2026-06-30. Do not deploy here: launch an
Amazon Linux 2023 instance, run this script on it, then move the data (backup.sh here, restore.sh there) and the
Elastic IP or DNS record, and retire this host. See 'Moving off Amazon Linux 2' in deploy/README.md."
fi
[[ "${ID:-}" == amzn && "${VERSION_ID:-}" == 2023 ]] || die "this script is for Amazon Linux 2023 (found ${PRETTY_NAME:-unknown})"
command -v dnf >/dev/null 2>&1 || die "dnf is missing"
[[ "$SWAP_GB" =~ ^[0-9]+$ ]] || die "--swap-gb must be a number"
id "$USER_NAME" >/dev/null 2>&1 || die "no user $USER_NAME"

log "updating the system and installing docker"
dnf -y -q upgrade --refresh
dnf -y -q install docker git openssl cronie tar gzip
systemctl enable --now docker crond
usermod -aG docker "$USER_NAME"

arch="$(uname -m)"
case "$arch" in
  x86_64) go_arch=amd64 ;;
  aarch64) go_arch=arm64 ;;
  *) die "no compose build for $arch" ;;
esac
plugins=/usr/local/lib/docker/cli-plugins
if ! docker compose version >/dev/null 2>&1; then
  log "installing the compose plugin $COMPOSE_VERSION for $arch"
  base="https://github.com/docker/compose/releases/download/${COMPOSE_VERSION}"
  install_verified "$base/docker-compose-linux-${arch}" "$plugins/docker-compose" "$COMPOSE_SHA256" "$base/checksums.txt"
fi
if ((BUILD)); then
  have="$(docker buildx version 2>/dev/null | grep -oE 'v[0-9]+\.[0-9]+\.[0-9]+' | head -n 1 || true)"
  if [[ -z "$have" ]] || ! version_at_least "${have#v}" 0.17.0; then
    log "buildx ${have:-missing} is older than 0.17, which compose's bake builds need: installing $BUILDX_VERSION"
    base="https://github.com/docker/buildx/releases/download/${BUILDX_VERSION}"
    install_verified "$base/buildx-${BUILDX_VERSION}.linux-${go_arch}" "$plugins/docker-buildx" "$BUILDX_SHA256" "$base/checksums.txt"
  fi
  docker buildx version >/dev/null || die "docker buildx does not run"
fi
docker compose version >/dev/null || die "docker compose does not run"

log "limiting container logs (json-file, 10 MB x 5)"
mkdir -p /etc/docker
if [[ ! -s /etc/docker/daemon.json ]]; then
  printf '{\n  "log-driver": "json-file",\n  "log-opts": { "max-size": "10m", "max-file": "5" }\n}\n' >/etc/docker/daemon.json
  systemctl restart docker
fi

if ((SWAP_GB > 0)) && ! swapon --show | grep -q /swapfile; then
  log "adding a ${SWAP_GB} GB swap file"
  dd if=/dev/zero of=/swapfile bs=1M count=$((SWAP_GB * 1024)) status=none
  chmod 600 /swapfile
  mkswap /swapfile >/dev/null
  swapon /swapfile
  grep -q '^/swapfile ' /etc/fstab || echo '/swapfile none swap sw 0 0' >>/etc/fstab
fi

log "creating /var/backups/chatbot for $USER_NAME's backups (scripts/backup.sh reads BACKUP_DIR from deploy/.env)"
install -d -m 700 -o "$USER_NAME" -g "$(id -gn "$USER_NAME")" /var/backups/chatbot

log "done: $(docker --version), $(docker compose version)"
cat <<EOF2
Next (deploy/README.md, from step 4): log out and back in as $USER_NAME (for the docker group), clone the
repository, then in deploy/: cp .env.example .env, edit it, scripts/init-secrets.sh, get the certificate,
docker compose up -d.
EOF2
