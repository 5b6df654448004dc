#!/usr/bin/env bash
# Builds the application-source benchmark corpus: twelve real web applications and servers
# from public repositories, each pinned by commit (React, Preact, Vue, Svelte, Angular, Node
# servers). Unlike the npm corpus (scripts/corpus.sh) this is code as users run crosswire on
# it: many small modules, Vue and Svelte components, HTML pages, tests and configs.
#
# usage: scripts/app-corpus.sh [OUT_DIR=/tmp/app-corpus]
#
# Each application lands in OUT_DIR/<owner>+<name>/ as its tracked scripts, markup and the
# JSON files that say how modules resolve (package.json, tsconfig.json, jsconfig.json) at the
# pinned commit (`git archive`: no .git, no node_modules, no images or fonts). With
# APP_CORPUS_MIRRORS=DIR, a bare mirror at
# DIR/<owner>+<name>/repo that holds the commit is used instead of the network.
set -euo pipefail
OUT="${1:-/tmp/app-corpus}"
MIRRORS="${APP_CORPUS_MIRRORS:-}"

# owner/name commit kind
APPS=(
  "outline/outline d77dcdf853868c5d5fe125c895c9b71f0eff5c68 react"
  "saleor/saleor-dashboard f5a84f3afb4f9b25cd0ff75434dfb5b70ea3c282 react"
  "excalidraw/excalidraw 4872083c044491b6d5c96ae134a75464f96d6831 react"
  "processing/p5.js-web-editor 55ac03c5d2e682c30bf9f7bc63711c407c3e3d4f react+node"
  "hypothesis/client 9d28950c84560765f77b8e8e133c0f11ad577410 preact"
  "owncloud/web b16a34fdf5569d2fd63b1ff3c575c1a4ee569ad3 vue"
  "fluidd-core/fluidd 192279a8c6425012e89a245c636a2a47042e9cf0 vue"
  "louislam/uptime-kuma 6398a9581d1c3c427a7536559f47ccf45dac08b4 vue+node"
  "appwrite/console 3ee4f7572504e8048ae5635144d8ac13e395706f svelte"
  "homebridge/homebridge-config-ui-x d18fc22692c243e314154d6c4916efc6d5c28159 angular+node"
  "SignalK/signalk-server 9edfbf958eb7addb69140a605b4d21a0df249fdc node"
  "ether/etherpad-lite b827f5b3d93bc79fc9014c7d9f8b900956b8af65 node+jquery"
)

# What is kept: every file crosswire or oxlint reads, and what module resolution reads.
KEEP='\.(js|mjs|cjs|jsx|ts|tsx|mts|cts|vue|svelte|astro|html|htm)$|(^|/)(package|[tj]sconfig[^/]*)\.json$'

# extract GIT_DIR COMMIT DEST: the kept files of COMMIT into DEST, in batches of paths
# (literal: Svelte and Next routes are named `[id]`, which a pathspec takes for a pattern).
extract() {
  git --git-dir="$1" ls-tree -r -z --name-only "$2" | grep -zE "$KEEP" |
    xargs -0 -r -n 500 bash -c 'set -eo pipefail; g=$0 c=$1 d=$2; shift 2
      git --literal-pathspecs --git-dir="$g" archive "$c" -- "$@" | tar -x -C "$d"' \
      "$1" "$2" "$3"
}

mkdir -p "$OUT"
for entry in "${APPS[@]}"; do
  read -r repo commit kind <<<"$entry"
  dest="$OUT/${repo/\//+}"
  [ -d "$dest" ] && continue
  tmp="$dest.partial"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  mirror="$MIRRORS/${repo/\//+}/repo"
  if [ -n "$MIRRORS" ] && git --git-dir="$mirror" cat-file -e "$commit^{commit}" 2>/dev/null; then
    extract "$mirror" "$commit" "$tmp"
  else
    git_dir="$tmp.git"
    rm -rf "$git_dir"
    git init --quiet --bare "$git_dir"
    git --git-dir="$git_dir" fetch --quiet --depth 1 "https://github.com/$repo" "$commit"
    extract "$git_dir" "$commit" "$tmp"
    rm -rf "$git_dir"
  fi
  mv "$tmp" "$dest"
  echo "$repo@${commit:0:12} ($kind): $(find "$dest" -type f | wc -l) files" >&2
done
files=$(find "$OUT" -type f | wc -l)
bytes=$(find "$OUT" -type f \( -name '*.js' -o -name '*.mjs' -o -name '*.cjs' -o -name '*.jsx' \
  -o -name '*.ts' -o -name '*.tsx' -o -name '*.mts' -o -name '*.cts' -o -name '*.vue' \
  -o -name '*.svelte' -o -name '*.astro' -o -name '*.html' \) -printf '%s\n' | awk '{s+=$1} END{print s+0}')
echo "TOTAL apps: ${#APPS[@]} applications, $files files, $bytes bytes of scripts and markup in $OUT" >&2
