# shellcheck shell=bash
# Downloads that are installed only after their SHA-256 matches (ec2-bootstrap.sh: compose, buildx).

# install_verified URL TARGET EXPECTED CHECKSUMS_URL: downloads URL, checks its SHA-256 against EXPECTED (or, when
# empty, against the line for its file name in the release's published checksum file), and only then installs it.
install_verified() {
  local url="$1" target="$2" expected="$3" sums_url="$4" tmp name actual
  tmp="$(mktemp -d)"
  name="${url##*/}"
  curl -fsSL --retry 3 -o "$tmp/$name" "$url" || { rm -rf "$tmp"; die "cannot download $url"; }
  if [[ -z "$expected" ]]; then
    curl -fsSL --retry 3 -o "$tmp/checksums" "$sums_url" || { rm -rf "$tmp"; die "cannot download the checksums $sums_url"; }
    expected="$(awk -v f="$name" '{ sub(/^\*/, "", $2) } $2 == f { print $1 }' "$tmp/checksums")"
    [[ -n "$expected" ]] || { rm -rf "$tmp"; die "$sums_url lists no checksum for $name"; }
  fi
  actual="$(sha256sum "$tmp/$name" | cut -d' ' -f1)"
  if [[ "${actual,,}" != "${expected,,}" ]]; then
    rm -rf "$tmp"
    die "checksum mismatch for $name: expected $expected, got $actual. Nothing was installed."
  fi
  install -D -m 755 "$tmp/$name" "$target"
  rm -rf "$tmp"
  log "installed $name (sha256 $actual)"
}
