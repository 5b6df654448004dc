#!/usr/bin/env bash
# Runs crosswire as a pre-commit hook, from this working tree, in a throw-away repository.
set -euo pipefail
source_tree="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
git init -q
git config user.email ci@example.com
git config user.name ci
printf 'parent.postMessage(data, "*");\n' > bad.js
printf 'parent.postMessage(data, "https://app.example.com");\n' > good.js
printf '# not code\n' > notes.md
git add .
status=0
output="$(pre-commit try-repo "$source_tree" crosswire --all-files 2>&1)" || status=$?
echo "$output"
# The hook must fail on bad.js and name it, and pass over good.js and notes.md.
[ "$status" -ne 0 ] || { echo "pre-commit hook did not fail on bad.js"; exit 1; }
grep -q "bad.js:1:1: error postmessage-wildcard-origin" <<<"$output" || { echo "finding missing"; exit 1; }
if grep -q "good.js:" <<<"$output"; then echo "good.js was reported"; exit 1; fi
echo "pre-commit hook test passed"
