#!/usr/bin/env bash
# The steps of the GitHub Action (action.yml), which calls this with one of:
#   resolve  pick the release (version, target, archive, folder) and write them to GITHUB_OUTPUT
#   install  download the archive unless the cache had it, check its SHA-256 against the
#            release's SHA256SUMS (fetched anew every run, also when the archive came from the
#            cache), unpack it and put crosswire on GITHUB_PATH
#   run      run crosswire with CROSSWIRE_ARGS
# Inputs arrive only through the environment (never pasted into a script by the workflow):
#   CROSSWIRE_VERSION      X.Y.Z or vX.Y.Z; empty: the version in this action's Cargo.toml
#   CROSSWIRE_ARGS         the arguments, split at whitespace (no quotes, no globbing)
#   CROSSWIRE_REPOSITORY   owner/name whose releases to download (the action's repository)
#   CROSSWIRE_RELEASE_URL  the release's base URL (default: that repository's release of the
#                          version; tests point it at a folder with file://)
#   CROSSWIRE_TARGET       the Rust target to download (default: from RUNNER_OS/RUNNER_ARCH)
set -euo pipefail

action_path="${GITHUB_ACTION_PATH:-$(cd "$(dirname "$0")/.." && pwd)}"

error() { echo "::error title=crosswire::$1"; exit "${2:-1}"; }

sha256() {
  if command -v sha256sum >/dev/null 2>&1; then sha256sum "$1"; else shasum -a 256 "$1"; fi \
    | awk '{print $1}'
}

resolve() {
  local version="${CROSSWIRE_VERSION:-}"
  version="${version#v}"
  if [ -z "$version" ]; then
    version="$(sed -n 's/^version = "\([^"]*\)"$/\1/p' "$action_path/Cargo.toml" | head -n 1)"
  fi
  [[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]+)?$ ]] \
    || error "version must be X.Y.Z, not '$version'" 2

  local target="${CROSSWIRE_TARGET:-}"
  if [ -z "$target" ]; then
    # Linux gets the static musl build, which also runs in Alpine containers.
    case "${RUNNER_OS:-}-${RUNNER_ARCH:-}" in
      Linux-X64) target=x86_64-unknown-linux-musl ;;
      Linux-ARM64) target=aarch64-unknown-linux-musl ;;
      macOS-X64) target=x86_64-apple-darwin ;;
      macOS-ARM64) target=aarch64-apple-darwin ;;
      Windows-X64) target=x86_64-pc-windows-msvc ;;
      *) error "no prebuilt crosswire for ${RUNNER_OS:-?} ${RUNNER_ARCH:-?}: install it with cargo install --locked crosswire and run it yourself" ;;
    esac
  fi
  local archive="crosswire-$target.tar.gz"
  [[ "$target" == *windows* ]] && archive="crosswire-$target.zip"
  local dir="${RUNNER_TOOL_CACHE:-${RUNNER_TEMP:-/tmp}}/crosswire/$version/$target"
  {
    echo "version=$version"
    echo "target=$target"
    echo "archive=$archive"
    echo "dir=$dir"
  } >>"$GITHUB_OUTPUT"
}

install() {
  local version="$CROSSWIRE_RESOLVED_VERSION" target="$CROSSWIRE_TARGET_RESOLVED"
  local archive="$CROSSWIRE_ARCHIVE" dir="$CROSSWIRE_DIR"
  local repository="${CROSSWIRE_REPOSITORY:-}"
  [ -n "$repository" ] || repository=crosswire-dev/crosswire
  local base="${CROSSWIRE_RELEASE_URL:-https://github.com/$repository/releases/download/v$version}"
  mkdir -p "$dir"

  curl -fsSL --retry 3 -o "$dir/SHA256SUMS" "$base/SHA256SUMS" \
    || error "could not download $base/SHA256SUMS: is v$version released?"
  if [ -f "$dir/$archive" ]; then
    echo "crosswire $version ($target) from the cache"
  else
    echo "Downloading $base/$archive"
    curl -fsSL --retry 3 -o "$dir/$archive" "$base/$archive" \
      || error "could not download $base/$archive"
  fi
  local expected actual
  expected="$(awk -v name="$archive" '$2 == name || $2 == "*" name {print $1}' "$dir/SHA256SUMS")"
  actual="$(sha256 "$dir/$archive")"
  if [ -z "$expected" ] || [ "$expected" != "$actual" ]; then
    rm -f "$dir/$archive"
    error "checksum mismatch for $archive: SHA256SUMS says '${expected:-nothing}', the file is $actual"
  fi
  echo "SHA-256 of $archive checked: $actual"

  rm -rf "$dir/crosswire-$target"
  case "$archive" in
    *.zip)
      if command -v unzip >/dev/null 2>&1; then
        unzip -q -o "$dir/$archive" -d "$dir"
      else
        7z x -y -o"$dir" "$dir/$archive" >/dev/null
      fi ;;
    *) tar -xzf "$dir/$archive" -C "$dir" ;;
  esac
  local bin="$dir/crosswire-$target"
  [ -x "$bin/crosswire" ] || [ -f "$bin/crosswire.exe" ] || error "no crosswire binary in $archive"
  echo "$bin" >>"$GITHUB_PATH"
  "$bin/crosswire" --version
}

run() {
  local args
  set -f
  # shellcheck disable=SC2206 # split at whitespace on purpose, with globbing off
  args=(${CROSSWIRE_ARGS:-})
  set +f
  local arg
  for arg in "${args[@]}"; do
    case "$arg" in
      --changed-since|--changed-since=*)
        if [ "$(git rev-parse --is-shallow-repository 2>/dev/null)" = true ]; then
          error "--changed-since needs the history, but this is a shallow clone (actions/checkout fetches one commit unless told otherwise): set 'fetch-depth: 0' on actions/checkout" 2
        fi ;;
    esac
  done
  crosswire "${args[@]}"
}

case "${1:-}" in
  resolve) resolve ;;
  install) install ;;
  run) run ;;
  *) echo "usage: action.sh resolve|install|run" >&2; exit 2 ;;
esac
