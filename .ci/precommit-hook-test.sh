#!/usr/bin/env bash
# Runs crosswire as a pre-commit hook, from this working tree, in a throw-away repository.
# Usage: .ci/precommit-hook-test.sh [WHEEL_DIR]
# The hook (`language: python`) pip-installs the repository's setup.py shim, which depends on
# the crosswire wheel of this version; with WHEEL_DIR (scripts/package.sh's output) pip takes
# that wheel from there, since it is not on PyPI until it is released.
set -euo pipefail
source_tree="$(cd "$(dirname "$0")/.." && pwd)"
if [ -n "${1:-}" ]; then
  PIP_FIND_LINKS="$(cd "$1" && pwd)"
  export PIP_FIND_LINKS
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# pre-commit try-repo would take only committed and modified files of the source tree, so the
# hook repository is a snapshot of the working tree: tracked files and new untracked ones (not
# ignored), committed in a scratch repository.
hook_repo="$work/hook-repo"
mkdir "$hook_repo"
(cd "$source_tree" && git ls-files -z --cached --others --exclude-standard \
  | xargs -0 -I{} sh -c 'test -e "$1" && printf "%s\0" "$1"' _ {} \
  | tar --null -T - -cf -) | tar -xf - -C "$hook_repo"
(
  cd "$hook_repo"
  git init -q
  git add -A
  git -c user.email=ci@example.com -c user.name=ci commit -qm snapshot
)

cd "$work"
mkdir project
cd project
git init -q
git config user.email ci@example.com
git config user.name ci
printf 'parent.postMessage(data, "*");\n' > bad.js
printf 'parent.postMessage(data, "https://app.example.com");\n' > good.js
printf '# not code\n' > notes.md
git add .
status=0
output="$(PRE_COMMIT_HOME="$work/pre-commit-home" pre-commit try-repo "$hook_repo" crosswire --all-files 2>&1)" || status=$?
echo "$output"
# The hook must fail on bad.js and name it, and pass over good.js and notes.md.
[ "$status" -ne 0 ] || { echo "pre-commit hook did not fail on bad.js"; exit 1; }
grep -q "bad.js:1:1: error postmessage-wildcard-origin" <<<"$output" || { echo "finding missing"; exit 1; }
if grep -q "good.js:" <<<"$output"; then echo "good.js was reported"; exit 1; fi

# Warnings alone pass the hook but are shown (verbose: true).
printf 'const ws = new WebSocket("wss://example.com/feed");\nws.onmessage = (e) => console.log(e.data);\n' > warn.js
git rm -q --cached bad.js
rm bad.js
git add warn.js
status=0
output="$(PRE_COMMIT_HOME="$work/pre-commit-home" pre-commit try-repo "$hook_repo" crosswire --all-files 2>&1)" || status=$?
echo "$output"
[ "$status" -eq 0 ] || { echo "pre-commit hook failed on warnings only"; exit 1; }
grep -q "warn.js:.*warning" <<<"$output" || { echo "warnings not shown"; exit 1; }
echo "pre-commit hook test passed"
