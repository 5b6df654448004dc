#!/usr/bin/env bash
# Runs the GitHub Action's steps (scripts/action.sh, as action.yml calls them) against a
# release laid out in PKG_DIR (the archive and SHA256SUMS from scripts/package.sh), reached
# with file:// instead of the release's web address: the checksum is checked, a tampered archive
# is refused, crosswire runs with the args input, and --changed-since in a shallow clone stops
# with the fetch-depth advice.
# Usage: .ci/action-test.sh PKG_DIR
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
pkg="$(cd "$1" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail() { echo "action test: $*" >&2; exit 1; }
target="$(rustc -vV | sed -n 's/^host: //p')"

export GITHUB_ACTION_PATH="$root"
export RUNNER_TOOL_CACHE="$work/tool-cache"
export GITHUB_OUTPUT="$work/output"
export GITHUB_PATH="$work/path"
export CROSSWIRE_TARGET="$target"
mkdir "$work/release"
cp "$pkg/crosswire-$target.tar.gz" "$pkg/SHA256SUMS" "$work/release/"
export CROSSWIRE_RELEASE_URL="file://$work/release"

: >"$GITHUB_OUTPUT"
CROSSWIRE_VERSION="" bash "$root/scripts/action.sh" resolve
output() { sed -n "s/^$1=//p" "$GITHUB_OUTPUT" | tail -n 1; }
CROSSWIRE_RESOLVED_VERSION="$(output version)"
CROSSWIRE_TARGET_RESOLVED="$(output target)"
CROSSWIRE_ARCHIVE="$(output archive)"
CROSSWIRE_DIR="$(output dir)"
export CROSSWIRE_RESOLVED_VERSION CROSSWIRE_TARGET_RESOLVED CROSSWIRE_ARCHIVE CROSSWIRE_DIR
[ "$CROSSWIRE_ARCHIVE" = "crosswire-$target.tar.gz" ] || fail "resolve picked $CROSSWIRE_ARCHIVE"

# A version input that is not a version is refused before anything is downloaded.
status=0
out="$(CROSSWIRE_VERSION='1.0; rm -rf /' bash "$root/scripts/action.sh" resolve 2>&1)" || status=$?
[ "$status" -eq 2 ] && grep -q 'version must be X.Y.Z' <<<"$out" || fail "bad version accepted: $out"

bash "$root/scripts/action.sh" install
bin="$(tail -n 1 "$GITHUB_PATH")"
[ -x "$bin/crosswire" ] || fail "install put no crosswire in $bin"
# The second run takes the archive from the cache and checks it again.
out="$(bash "$root/scripts/action.sh" install)"
grep -q 'from the cache' <<<"$out" || fail "second install did not use the cache: $out"

# A tampered archive (here: in the cache) is refused and removed.
printf 'tampered' >>"$CROSSWIRE_DIR/$CROSSWIRE_ARCHIVE"
status=0
out="$(bash "$root/scripts/action.sh" install 2>&1)" || status=$?
[ "$status" -ne 0 ] && grep -q 'checksum mismatch' <<<"$out" || fail "tampered archive accepted: $out"
[ ! -e "$CROSSWIRE_DIR/$CROSSWIRE_ARCHIVE" ] || fail "tampered archive left in the cache"
echo "action: tampered archive refused: $out"
bash "$root/scripts/action.sh" install >/dev/null

# Run with args from the environment; the words are not globbed or run by a shell.
repo="$work/repo"
mkdir "$repo"
(
  cd "$repo"
  git init -q
  git config user.email ci@example.com
  git config user.name ci
  printf 'parent.postMessage(data, "*");\n' >bad.js
  git add bad.js
  git commit -qm one
  printf 'let a = 1;\n' >other.js
  git add other.js
  git commit -qm two
)
status=0
out="$(cd "$repo" && PATH="$bin:$PATH" CROSSWIRE_ARGS='--format compact *.js bad.js $(touch pwned)' \
  bash "$root/scripts/action.sh" run 2>&1)" || status=$?
[ ! -e "$repo/pwned" ] || fail "args ran a command substitution"
grep -q '^bad.js:1:1: error postmessage-wildcard-origin' <<<"$out" || fail "run: no finding in: $out"
status=0
out="$(cd "$repo" && PATH="$bin:$PATH" CROSSWIRE_ARGS='--format compact .' \
  bash "$root/scripts/action.sh" run 2>&1)" || status=$?
[ "$status" -eq 1 ] && grep -q '^bad.js:1:1: error' <<<"$out" || fail "run exited $status: $out"

# --changed-since in a shallow clone stops with the advice; in a full clone it runs.
git clone -q --depth 1 "file://$repo" "$work/shallow"
status=0
out="$(cd "$work/shallow" && PATH="$bin:$PATH" CROSSWIRE_ARGS='--changed-since HEAD~1 .' \
  bash "$root/scripts/action.sh" run 2>&1)" || status=$?
[ "$status" -eq 2 ] && grep -q "fetch-depth: 0" <<<"$out" || fail "shallow clone: exit $status: $out"
echo "action: shallow clone: $out"
status=0
out="$(cd "$repo" && PATH="$bin:$PATH" CROSSWIRE_ARGS='--format compact --changed-since HEAD~1 .' \
  bash "$root/scripts/action.sh" run 2>&1)" || status=$?
[ "$status" -eq 0 ] || fail "--changed-since HEAD~1 in a full clone exited $status: $out"
echo "action test passed"
