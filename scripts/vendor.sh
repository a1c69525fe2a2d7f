#!/usr/bin/env bash
# Reproduce attune/web/static/vendor/ (served) and tests/e2e/vendor/ (loaded only by the browser
# tests, never served) from the npm registry.
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

# name@version | file inside the package | destination (relative to DEST, or to the repository
# when it starts with "tests/") | sha256
MANIFEST=(
  "uplot@1.6.32|dist/uPlot.iife.min.js|uplot/uPlot.iife.min.js|19c8d4c6ad88929a79f4ae49d6f7161566dfd0ba3d15cc495e974f787eb78f1f"
  "uplot@1.6.32|dist/uPlot.min.css|uplot/uPlot.min.css|df630c6a8d6f8eeaff264b50f73ce5b114f646ffd9a0bb74f049b0a00135fa04"
  "uplot@1.6.32|LICENSE|uplot/LICENSE|"
  # axe-core runs only in tests/e2e/test_accessibility.py, injected by Playwright; the app never serves it.
  "axe-core@4.14.1|axe.min.js|tests/e2e/vendor/axe-core/axe.min.js|29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c"
  "axe-core@4.14.1|LICENSE|tests/e2e/vendor/axe-core/LICENSE|"
  "axe-core@4.14.1|LICENSE-3RD-PARTY.txt|tests/e2e/vendor/axe-core/LICENSE-3RD-PARTY.txt|"
)

sha() { sha256sum "$1" | cut -d' ' -f1; }

target() {  # destination column -> absolute path
  if [[ "$1" == tests/* ]]; then echo "$ROOT/$1"; else echo "$DEST/$1"; fi
}

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
    verify "$(target "$dst")" "$want"
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
  out="$(target "$dst")"
  mkdir -p "$(dirname "$out")"
  cp "${unpacked[$spec]}/$src" "$out"
  echo "vendored $spec $src -> ${dst}"
done
