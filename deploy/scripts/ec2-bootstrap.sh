#!/usr/bin/env bash
# Prepares a fresh Amazon Linux 2023 EC2 host for the stack: Docker, the compose v2 plugin, swap, log limits.
set -euo pipefail
PROG="${0##*/}"

usage() {
  cat <<EOF2
Usage: sudo $PROG [--user NAME] [--swap-gb N] [--compose-version vX.Y.Z]

On Amazon Linux 2023 (dnf): installs Docker from the distribution, enables it, adds --user (default ec2-user) to
the docker group, installs the docker compose v2 plugin (the distribution's package docker-compose-plugin when
the repositories have it, else the release binary for this CPU from the compose project's GitHub releases),
adds a swap file (default 2 GB; the ai service may use 2 GB), sets Docker's json-file log limits, installs cron,
git, openssl and certbot's prerequisites, and prints the next steps of deploy/README.md.

Amazon Linux 2 reached end of support on 2026-06-30 and gets no more security updates: this script refuses it.
Launch a new AL2023 instance, run this script there, copy the backups over (scripts/backup.sh on the old host,
scripts/restore.sh on the new one), move the Elastic IP or DNS record, and retire the AL2 host.

Options:
  --user NAME              the login that runs docker commands (default ec2-user)
  --swap-gb N              swap file size in GB, 0 for none (default 2)
  --compose-version VER    compose plugin release when the distribution has no package (default v2.39.2)
  -h, --help               this help

Requires: root, Amazon Linux 2023, network access to the distribution's repositories.
EOF2
}

USER_NAME=ec2-user SWAP_GB=2 COMPOSE_VERSION=v2.39.2
while (($#)); do
  case "$1" in
    --user) USER_NAME="${2:?}"; shift ;;
    --swap-gb) SWAP_GB="${2:?}"; shift ;;
    --compose-version) COMPOSE_VERSION="${2:?}"; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; echo "$PROG: unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done

log() { printf '%s: %s\n' "$PROG" "$*" >&2; }
die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 1; }

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

if ! docker compose version >/dev/null 2>&1; then
  if dnf -y -q install docker-compose-plugin 2>/dev/null; then
    log "installed the distribution's docker-compose-plugin"
  else
    arch="$(uname -m)"
    case "$arch" in x86_64 | aarch64) ;; *) die "no compose plugin build for $arch" ;; esac
    log "installing the compose plugin $COMPOSE_VERSION for $arch"
    mkdir -p /usr/local/lib/docker/cli-plugins
    curl -fsSL -o /usr/local/lib/docker/cli-plugins/docker-compose \
      "https://github.com/docker/compose/releases/download/${COMPOSE_VERSION}/docker-compose-linux-${arch}"
    chmod 755 /usr/local/lib/docker/cli-plugins/docker-compose
  fi
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

log "done: $(docker --version), $(docker compose version)"
cat <<EOF2
Next (deploy/README.md, from step 4): log out and back in as $USER_NAME (for the docker group), clone the
repository, then in deploy/: cp .env.example .env, edit it, scripts/init-secrets.sh, get the certificate,
docker compose up -d.
EOF2
