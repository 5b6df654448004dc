#!/usr/bin/env bash
# Builds crosswire's packages for one platform into OUT_DIR:
#   crosswire-<version>-<python tags>.whl      the PyPI wheel (maturin, bindings = "bin")
#   crosswire-<version>.tgz                    the npm package `crosswire` (the launcher)
#   crosswire-cli-<platform>-<version>.tgz     the npm package `@crosswire/cli-<platform>`
#   crosswire-<target>.tar.gz (.zip on Windows) the release archive, and its .sha256
#   SHA256SUMS                                 the checksums of every archive in OUT_DIR
#
# Usage: scripts/package.sh [--target TRIPLE] [--binary PATH] OUT_DIR
#   --target TRIPLE  the Rust target to package (default: this machine's)
#   --binary PATH    package this already built binary and build no wheel (the release
#                    workflow builds the wheel with maturin-action, then calls this)
# Without --binary it builds the wheel with maturin (`maturin` on PATH, or $MATURIN), which
# runs `cargo build --release`, and packages the binary that build left in target/.
#
# The version comes from Cargo.toml and nowhere else: every package.json is written here.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
target=""
binary=""
out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --target) target="$2"; shift 2 ;;
    --binary) binary="$2"; shift 2 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    -*) echo "package.sh: unknown option $1" >&2; exit 2 ;;
    *) [ -z "$out" ] || { echo "package.sh: one OUT_DIR only" >&2; exit 2; }; out="$1"; shift ;;
  esac
done
[ -n "$out" ] || { echo "usage: scripts/package.sh [--target TRIPLE] [--binary PATH] OUT_DIR" >&2; exit 2; }
mkdir -p "$out"
out="$(cd "$out" && pwd)"

version="$(sed -n 's/^version = "\([^"]*\)"$/\1/p' "$root/Cargo.toml" | head -n 1)"
[ -n "$version" ] || { echo "package.sh: no version in Cargo.toml" >&2; exit 1; }
host="$(rustc -vV | sed -n 's/^host: //p')"
explicit_target="$target"
target="${target:-$host}"

# The Rust target, as npm names its platform (biome's names: the glibc build has no suffix).
case "$target" in
  x86_64-unknown-linux-gnu)   npm_platform=linux-x64;        os=linux;  cpu=x64;   libc=glibc ;;
  x86_64-unknown-linux-musl)  npm_platform=linux-x64-musl;   os=linux;  cpu=x64;   libc=musl ;;
  aarch64-unknown-linux-gnu)  npm_platform=linux-arm64;      os=linux;  cpu=arm64; libc=glibc ;;
  aarch64-unknown-linux-musl) npm_platform=linux-arm64-musl; os=linux;  cpu=arm64; libc=musl ;;
  x86_64-apple-darwin)        npm_platform=darwin-x64;       os=darwin; cpu=x64;   libc="" ;;
  aarch64-apple-darwin)       npm_platform=darwin-arm64;     os=darwin; cpu=arm64; libc="" ;;
  x86_64-pc-windows-msvc)     npm_platform=win32-x64;        os=win32;  cpu=x64;   libc="" ;;
  *) echo "package.sh: no npm package is defined for $target" >&2; exit 1 ;;
esac
exe=crosswire
[ "$os" = win32 ] && exe=crosswire.exe

if [ -z "$binary" ]; then
  echo "== wheel (maturin build --release) for $target"
  maturin_args=(build --release --out "$out")
  [ -n "$explicit_target" ] && maturin_args+=(--target "$explicit_target")
  (cd "$root/python" && "${MATURIN:-maturin}" "${maturin_args[@]}")
  target_dir="$(cd "$root" && cargo metadata --format-version 1 --no-deps \
    | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')"
  if [ -n "$explicit_target" ]; then
    binary="$target_dir/$explicit_target/release/$exe"
  else
    binary="$target_dir/release/$exe"
  fi
fi
[ -f "$binary" ] || { echo "package.sh: no binary at $binary" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# package.json files, written by node from the values above (JSON-escaped by JSON.stringify).
write_package_json() { # kind dir
  CW_KIND="$1" CW_VERSION="$version" CW_PLATFORM="$npm_platform" CW_OS="$os" CW_CPU="$cpu" \
    CW_LIBC="$libc" CW_EXE="$exe" node -e '
const env = process.env;
const common = {
  version: env.CW_VERSION,
  license: "MIT",
  homepage: "https://github.com/crosswire-dev/crosswire#readme",
  repository: { type: "git", url: "git+https://github.com/crosswire-dev/crosswire.git" },
  bugs: "https://github.com/crosswire-dev/crosswire/issues",
};
const platforms = ["linux-x64", "linux-x64-musl", "linux-arm64", "linux-arm64-musl",
  "darwin-x64", "darwin-arm64", "win32-x64"];
let pkg;
if (env.CW_KIND === "main") {
  pkg = {
    name: "crosswire",
    ...common,
    description: "Finds misuse of postMessage and WebSockets in JavaScript and TypeScript",
    keywords: ["postmessage", "websocket", "security", "linter", "static-analysis", "cli"],
    bin: { crosswire: "bin/crosswire.js" },
    files: ["bin/crosswire.js", "README.md", "LICENSE"],
    engines: { node: ">=14.18" },
    optionalDependencies: Object.fromEntries(
      platforms.map((p) => [`@crosswire/cli-${p}`, env.CW_VERSION])),
  };
} else {
  pkg = {
    name: `@crosswire/cli-${env.CW_PLATFORM}`,
    ...common,
    description: `The crosswire binary for ${env.CW_PLATFORM}; install the package crosswire`,
    os: [env.CW_OS],
    cpu: [env.CW_CPU],
    ...(env.CW_LIBC ? { libc: [env.CW_LIBC] } : {}),
    files: [env.CW_EXE, "LICENSE"],
    preferUnplugged: true,
    publishConfig: { access: "public" },
  };
}
process.stdout.write(JSON.stringify(pkg, null, 2) + "\n");
' >"$2/package.json"
}

echo "== npm packages for $npm_platform"
platform_dir="$work/cli-$npm_platform"
mkdir -p "$platform_dir"
cp "$binary" "$platform_dir/$exe"
chmod 755 "$platform_dir/$exe"
cp "$root/LICENSE" "$platform_dir/"
write_package_json platform "$platform_dir"
main_dir="$work/crosswire"
mkdir -p "$main_dir/bin"
cp "$root/npm/crosswire/bin/crosswire.js" "$main_dir/bin/"
chmod 755 "$main_dir/bin/crosswire.js"
cp "$root/npm/crosswire/README.md" "$root/LICENSE" "$main_dir/"
write_package_json main "$main_dir"
(cd "$work" && npm pack --silent --pack-destination "$out" "$platform_dir" "$main_dir" >/dev/null)

echo "== release archive for $target"
stage="crosswire-$target"
mkdir -p "$work/$stage"
cp "$binary" "$work/$stage/$exe"
chmod 755 "$work/$stage/$exe"
cp "$root/LICENSE" "$root/README.md" "$root/CHANGELOG.md" "$work/$stage/"
if [ "$os" = win32 ]; then
  archive="$stage.zip"
  rm -f "$out/$archive"
  (cd "$work" && "${PYTHON:-python3}" -m zipfile -c "$out/$archive" "$stage")
else
  archive="$stage.tar.gz"
  # Owner and order fixed, so the archive depends on its content only.
  (cd "$work" && tar --owner=0 --group=0 --numeric-owner --sort=name -czf "$out/$archive" "$stage" 2>/dev/null \
    || tar -czf "$out/$archive" "$stage")
fi

sha256() { if command -v sha256sum >/dev/null 2>&1; then sha256sum "$@"; else shasum -a 256 "$@"; fi; }
(cd "$out" && sha256 "$archive" >"$archive.sha256")
(cd "$out" && shopt -s nullglob && sha256 crosswire-*.tar.gz crosswire-*.zip | sort -k 2 >SHA256SUMS)
[ -s "$out/SHA256SUMS" ] || { echo "package.sh: SHA256SUMS is empty" >&2; exit 1; }

echo "== crosswire $version for $target in $out:"
(cd "$out" && ls -1)
