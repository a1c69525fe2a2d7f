#!/usr/bin/env bash
# Reproduce attune/web/static/vendor/ from the npm registry.
#
# Each library is fetched with `npm pack <name>@<version>` (npm checks the tarball
# against the registry's published integrity hash), unpacked in a temporary
# directory, and only the files we serve plus the licence are copied. Every copied
# file is then checked against the sha256 recorded below (and in VENDOR.md), so a
# changed upstream tarball fails loudly instead of slipping in.
#
# Usage: scripts/vendor.sh            # fetch, verify, copy
#        scripts/vendor.sh --check    # only verify the files already in the tree
#
# To upgrade a library: change its version below, run with UPDATE_HASHES=1,
# review the diff, then copy the printed hashes into this file and VENDOR.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/attune/web/static/vendor"

# name@version | file inside the package | destination (relative to DEST) | sha256
MANIFEST=(
  "uplot@1.6.32|dist/uPlot.iife.min.js|uplot/uPlot.iife.min.js|19c8d4c6ad88929a79f4ae49d6f7161566dfd0ba3d15cc495e974f787eb78f1f"
  "uplot@1.6.32|dist/uPlot.min.css|uplot/uPlot.min.css|df630c6a8d6f8eeaff264b50f73ce5b114f646ffd9a0bb74f049b0a00135fa04"
  "uplot@1.6.32|LICENSE|uplot/LICENSE|"
)

sha() { sha256sum "$1" | cut -d' ' -f1; }

verify() {  # path expected-sha (empty = not pinned, licences)
  local path="$1" want="$2" got
  [[ -f "$path" ]] || { echo "missing: $path" >&2; return 1; }
  [[ -z "$want" ]] && return 0
  got="$(sha "$path")"
  if [[ "$got" != "$want" ]]; then
    if [[ "${UPDATE_HASHES:-0}" == 1 ]]; then
      echo "new sha256 for ${path#"$ROOT"/}: $got"
    else
      echo "sha256 mismatch for $path: got $got, want $want" >&2
      return 1
    fi
  fi
}

if [[ "${1:-}" == "--check" ]]; then
  for row in "${MANIFEST[@]}"; do
    IFS='|' read -r _spec _src dst want <<<"$row"
    verify "$DEST/$dst" "$want"
  done
  echo "vendor: all files present and matching"
  exit 0
fi

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

declare -A unpacked=()
for row in "${MANIFEST[@]}"; do
  IFS='|' read -r spec src dst want <<<"$row"
  if [[ -z "${unpacked[$spec]:-}" ]]; then
    dir="$TMP/$(echo "$spec" | tr '@/' '__')"
    mkdir -p "$dir"
    tgz="$(cd "$dir" && npm pack --silent "$spec" 2>/dev/null | tail -n1)"
    tar -xzf "$dir/$tgz" -C "$dir"
    unpacked[$spec]="$dir/package"
  fi
  verify "${unpacked[$spec]}/$src" "$want"
  mkdir -p "$(dirname "$DEST/$dst")"
  cp "${unpacked[$spec]}/$src" "$DEST/$dst"
  echo "vendored $spec $src -> ${dst}"
done
