#!/bin/sh
# Times swc's parser (crosswire's) against oxc's, single-threaded, on the script files
# crosswire parses in each corpus folder given (default: the benchmark's three corpora,
# built by scripts/corpus.sh and scripts/app-corpus.sh under CORPUS, default /tmp/crosswire-bench).
# The file lists come from crosswire's own prefilter (examples/parse_only.rs --list).
# Writes RESULTS-raw.md and the per-round log run.err; pool several logs with
# `python3 aggregate.py run*.err`. Run it on an idle machine: it times one core.
set -e
here="$(cd "$(dirname "$0")" && pwd)"
root="$here/../.."
corpus="$(cd "${CORPUS:-/tmp/crosswire-bench}" && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
(cd "$root" && cargo build --release --quiet --example parse_only)
lists=""
for name in full small apps; do
  [ -d "$corpus/$name" ] || continue
  "$target/release/examples/parse_only" -j 2 --list "$here/$name.list" "$corpus/$name" > /dev/null
  lists="$lists $name=$here/$name.list"
done
cd "$here"
cargo build --release --quiet
./target/release/parser-probe --rounds "${ROUNDS:-5}" --report RESULTS-raw.md $lists > run.out 2> run.err
cat run.out
