#!/usr/bin/env bash
# Installs what scripts/package.sh built in PKG_DIR as a user would, each into a fresh place,
# and runs crosswire through each: the wheel into a new venv (pip), the npm tarballs into a
# scratch npm project, the release archive with the GitHub Action's install steps. Nothing is
# fetched from a registry. Prints how long each install took.
# Usage: .ci/package-test.sh PKG_DIR
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
pkg="$(cd "$1" && pwd)"
version="$(sed -n 's/^version = "\([^"]*\)"$/\1/p' "$root/Cargo.toml" | head -n 1)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
printf 'parent.postMessage(data, "*");\n' >"$work/bad.js"
printf 'parent.postMessage(data, "https://app.example.com");\n' >"$work/good.js"

fail() { echo "package test: $*" >&2; exit 1; }
now() { date +%s.%N; }
took() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f s", b - a }'; }

# `--version` prints this version; bad.js fails with its finding; good.js passes.
check() { # label command...
  local label="$1"; shift
  local out status
  out="$("$@" --version)" || fail "$label: --version failed"
  [ "$out" = "crosswire $version" ] || fail "$label: --version printed '$out'"
  status=0
  out="$(cd "$work" && "$@" --format compact bad.js 2>&1)" || status=$?
  [ "$status" -eq 1 ] || fail "$label: lint of bad.js exited $status: $out"
  grep -q '^bad.js:1:1: error postmessage-wildcard-origin' <<<"$out" || fail "$label: no finding in: $out"
  status=0
  out="$(cd "$work" && "$@" --format compact good.js 2>&1)" || status=$?
  [ "$status" -eq 0 ] || fail "$label: lint of good.js exited $status: $out"
  echo "$label: crosswire $version ran, bad.js reported, good.js passed"
}

echo "-- wheel, pip install into a fresh venv"
wheels=("$pkg"/crosswire-"$version"-*.whl)
[ -f "${wheels[0]}" ] || fail "no wheel for $version in $pkg"
python3 -m venv "$work/venv"
start="$(now)"
"$work/venv/bin/pip" install --quiet --no-index --disable-pip-version-check "${wheels[0]}"
pip_time="$(took "$start")"
check "pip" "$work/venv/bin/crosswire"

echo "-- npm tarballs, npm install into a scratch project"
main_tgz="$pkg/crosswire-$version.tgz"
platform_tgz=("$pkg"/crosswire-cli-*-"$version".tgz)
[ -f "$main_tgz" ] && [ -f "${platform_tgz[0]}" ] || fail "no npm tarballs for $version in $pkg"
mkdir "$work/npm-project"
(cd "$work/npm-project" && npm init -y >/dev/null)
start="$(now)"
# --offline: the other platforms' optional packages are skipped, never looked up.
(cd "$work/npm-project" && npm install --offline --no-audit --no-fund --loglevel=error \
  --save-dev "${platform_tgz[0]}" "$main_tgz" >/dev/null)
npm_time="$(took "$start")"
check "npm (node_modules/.bin)" "$work/npm-project/node_modules/.bin/crosswire"
check "npx" npx --prefix "$work/npm-project" --no-install crosswire
# Without the platform package the launcher says what is missing (exit 2), not a stack trace.
rm -rf "$work/npm-project/node_modules/@crosswire"
status=0
out="$("$work/npm-project/node_modules/.bin/crosswire" --version 2>&1)" || status=$?
[ "$status" -eq 2 ] && grep -q 'is not installed' <<<"$out" \
  || fail "launcher without its platform package: exit $status, '$out'"
echo "npm launcher without a platform package: $out"

echo "-- release archive, the GitHub Action's install and run steps"
bash "$root/.ci/action-test.sh" "$pkg"

echo "fresh install times: pip install of the wheel into a new venv $pip_time; npm install of the two tarballs $npm_time"
echo "package test passed"
