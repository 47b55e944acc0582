#!/usr/bin/env bash
# Assembles what nginx serves itself: the sample partner page at / and the widget under /widget/, with every
# compressible file precompressed (.gz beside it, for gzip_static). Used by deploy/docker/nginx.Dockerfile.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: build-static-site.sh --site DIR --wwwroot DIR --out DIR

  --site DIR     the partner page (samples/site, or <publish>/samples/site)
  --wwwroot DIR  the Api's web root holding widget/ (server/Chatbot.Api/wwwroot, or <publish>/wwwroot)
  --out DIR      where to assemble the site (created; must be empty or missing)

Files that already have a .gz beside them (as the Blazor build makes for _framework) are kept as they are.
Requires: gzip, find, cp.
USAGE
}

site='' wwwroot='' out=''
while (($#)); do
  case "$1" in
    --site) site="${2:?--site needs a value}"; shift ;;
    --wwwroot) wwwroot="${2:?--wwwroot needs a value}"; shift ;;
    --out) out="${2:?--out needs a value}"; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; echo "build-static-site.sh: unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done
[[ -n "$site" && -n "$wwwroot" && -n "$out" ]] || { usage >&2; exit 2; }
for tool in gzip find cp; do
  command -v "$tool" >/dev/null 2>&1 || { echo "build-static-site.sh: '$tool' is required" >&2; exit 1; }
done
[[ -d "$site" ]] || { echo "build-static-site.sh: no site folder at $site" >&2; exit 1; }
[[ -d "$wwwroot/widget" ]] || { echo "build-static-site.sh: no widget folder at $wwwroot/widget" >&2; exit 1; }

mkdir -p "$out"
cp -R "$site/." "$out/"
cp -R "$wwwroot/." "$out/"

find "$out" -type f \( -name '*.html' -o -name '*.css' -o -name '*.js' -o -name '*.mjs' -o -name '*.json' \
  -o -name '*.wasm' -o -name '*.dat' -o -name '*.svg' -o -name '*.txt' -o -name '*.map' \) -print0 |
  while IFS= read -r -d '' file; do
    [[ -e "$file.gz" ]] || gzip -9 -k -n "$file"
  done
echo "build-static-site.sh: assembled $(find "$out" -type f ! -name '*.gz' ! -name '*.br' | wc -l) files in $out" >&2
