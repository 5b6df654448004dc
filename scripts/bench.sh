#!/usr/bin/env bash
# crosswire beside its peers on the pinned npm corpus and on application source.
#
# usage: scripts/bench.sh [RUNS=5] [SCRATCH=/tmp/crosswire-bench]
#
# Builds the pinned corpora (scripts/corpus.sh, full and small, from npm; scripts/app-corpus.sh,
# twelve web applications pinned by commit, from GitHub or APP_CORPUS_MIRRORS), installs pinned oxlint and
# ESLint (+ @microsoft/eslint-plugin-sdl, eslint-plugin-unicorn, @typescript-eslint/parser)
# under SCRATCH with npm, and times each tool on the same files, alternating runs, with
# /usr/bin/time. Prints medians of wall time, CPU time and peak RSS, the ratio
# crosswire / oxlint, the files each tool says it scanned, and four scenarios: the full
# corpus, the small corpus, a pre-commit run of 10 named files (20 runs in a row, divided by 20,
# so that /usr/bin/time's 10 ms resolution does not decide the ratio), and a second run with
# --cache; on the application corpus, a run and a second run with --cache. It also times examples/parse_only: swc parsing exactly the files crosswire's
# prefilter keeps, and nothing else, the floor the analysis is measured against.
# ESLint runs only on the small corpus (it is ~90x slower than oxlint). It ends with per-run
# ratios (each crosswire run against the neighbouring run of the other tool), which drift
# less than ratios of medians on a shared machine.
set -euo pipefail
RUNS="${1:-5}"
SCRATCH="${2:-/tmp/crosswire-bench}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
mkdir -p "$SCRATCH"

echo "## building crosswire (release)" >&2
(cd "$ROOT" && cargo build --release --quiet && cargo build --release --quiet --example parse_only)
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
case "$TARGET_DIR" in /*) ;; *) TARGET_DIR="$ROOT/$TARGET_DIR" ;; esac
PARSE_ONLY="$TARGET_DIR/release/examples/parse_only"
PRECOMMIT_REPEAT=20
# Lint every file, however large, as the peers do.
CROSSWIRE=("$TARGET_DIR/release/crosswire" --max-file-size 1000000000)

echo "## corpus" >&2
[ -d "$SCRATCH/full" ] || bash "$ROOT/scripts/corpus.sh" "$SCRATCH/full" full >&2
[ -d "$SCRATCH/small" ] || bash "$ROOT/scripts/corpus.sh" "$SCRATCH/small" small >&2
bash "$ROOT/scripts/app-corpus.sh" "$SCRATCH/apps" >&2

echo "## peers" >&2
PEERS="$SCRATCH/peers"
# Both peers, or a scratch folder that has only oxlint times a missing ESLint as 0 s.
if [ ! -x "$PEERS/node_modules/.bin/oxlint" ] || [ ! -x "$PEERS/node_modules/.bin/eslint" ]; then
  mkdir -p "$PEERS"
  (cd "$PEERS" && npm init -y >/dev/null && npm install --silent --no-audit --no-fund \
    oxlint@1.94.0 eslint@9.39.5 eslint-plugin-unicorn@62.0.0 \
    @microsoft/eslint-plugin-sdl@1.1.0 @typescript-eslint/parser@8.73.0 >&2)
fi
OXLINT="$PEERS/node_modules/.bin/oxlint"
ESLINT="$PEERS/node_modules/.bin/eslint"
cat > "$PEERS/eslint.config.mjs" <<'CONFIG'
import unicorn from "eslint-plugin-unicorn";
import sdl from "@microsoft/eslint-plugin-sdl";
import tsParser from "@typescript-eslint/parser";
export default [
  {
    files: ["**/*.{js,mjs,cjs,jsx,ts,mts,cts,tsx}"],
    languageOptions: { parser: tsParser, ecmaVersion: "latest", sourceType: "module" },
    plugins: { unicorn, "@microsoft/sdl": sdl },
    rules: {
      "unicorn/require-post-message-target-origin": "warn",
      "@microsoft/sdl/no-postmessage-star-origin": "warn",
    },
  },
];
CONFIG

# time_run NAME CMD... : one run; appends "NAME wall cpu rss" to $SCRATCH/times.txt
time_run() {
  local name="$1"; shift
  local log="$SCRATCH/time.log"
  /usr/bin/time -f "%e %U %S %M" -o "$log" "$@" >"$SCRATCH/$name.out" 2>"$SCRATCH/$name.err" || true
  # A command that could not start is no measurement: say so rather than time it as 0 s.
  if grep -q "Command exited with non-zero status 12[67]" "$log"; then
    echo "bench: $name could not run: $(head -n 3 "$SCRATCH/$name.err")" >&2
    exit 1
  fi
  # A failing command adds a "Command exited with non-zero status" line first.
  read -r wall user sys rss < <(tail -n 1 "$log")
  echo "$name $wall $(awk -v u="$user" -v s="$sys" 'BEGIN{print u+s}') $rss" >>"$SCRATCH/times.txt"
}

median() { sort -n | awk '{a[NR]=$1} END{m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; print m}'; }

# SKIP_RUNS=1 prints the table from the timings of the previous run.
[ "${SKIP_RUNS:-0}" = 1 ] || : >"$SCRATCH/times.txt"
# Reads the whole list (`head` would leave `sort` writing to a closed pipe: SIGPIPE under pipefail).
ten_files=$(find -L "$SCRATCH/full" -name '*.js' -size +20k | sort | sed -n 1,10p)
for run in $(seq "$RUNS"); do
  [ "${SKIP_RUNS:-0}" = 1 ] && break
  echo "## run $run of $RUNS" >&2
  time_run crosswire-full "${CROSSWIRE[@]}" -j 2 --format compact "$SCRATCH/full"
  time_run parseonly-full "$PARSE_ONLY" -j 2 "$SCRATCH/full"
  time_run oxlint-full "$OXLINT" --threads 2 -A all -W unicorn/require-post-message-target-origin "$SCRATCH/full"
  time_run crosswire-small "${CROSSWIRE[@]}" -j 2 --format compact "$SCRATCH/small"
  time_run oxlint-small "$OXLINT" --threads 2 -A all -W unicorn/require-post-message-target-origin "$SCRATCH/small"
  # shellcheck disable=SC2086,SC2016
  time_run crosswire-precommit bash -c 'for _ in $(seq '"$PRECOMMIT_REPEAT"'); do "$@" >/dev/null 2>&1; done' _ \
    "${CROSSWIRE[@]}" -j 2 --format compact $ten_files
  # shellcheck disable=SC2086,SC2016
  time_run oxlint-precommit bash -c 'for _ in $(seq '"$PRECOMMIT_REPEAT"'); do "$@" >/dev/null 2>&1; done' _ \
    "$OXLINT" --threads 2 -A all -W unicorn/require-post-message-target-origin $ten_files
  rm -f "$SCRATCH/bench.cache"
  "${CROSSWIRE[@]}" -j 2 --cache --cache-location "$SCRATCH/bench.cache" --format compact "$SCRATCH/full" >/dev/null 2>&1 || true
  time_run crosswire-cached "${CROSSWIRE[@]}" -j 2 --cache --cache-location "$SCRATCH/bench.cache" --format compact "$SCRATCH/full"
  time_run crosswire-apps "${CROSSWIRE[@]}" -j 2 --format compact "$SCRATCH/apps"
  time_run oxlint-apps "$OXLINT" --threads 2 -A all -W unicorn/require-post-message-target-origin "$SCRATCH/apps"
  rm -f "$SCRATCH/apps.cache"
  "${CROSSWIRE[@]}" -j 2 --cache --cache-location "$SCRATCH/apps.cache" --format compact "$SCRATCH/apps" >/dev/null 2>&1 || true
  time_run crosswire-apps-cached "${CROSSWIRE[@]}" -j 2 --cache --cache-location "$SCRATCH/apps.cache" --format compact "$SCRATCH/apps"
done
# ESLint is slow: three runs on the small corpus.
for run in 1 2 3; do
  [ "${SKIP_RUNS:-0}" = 1 ] && break
  # ESLint 9 lints only below its base path: run it from the corpus with --config.
  time_run eslint-small bash -c "cd '$SCRATCH/small' && '$ESLINT' --config '$PEERS/eslint.config.mjs' ."
done

# crosswire exits 1 when it finds something; only its summary matters here.
summary() {
  { "${CROSSWIRE[@]}" --format json "$1" 2>/dev/null || true; } |
    python3 -c "import json,sys; s=json.load(sys.stdin)['summary']; print(s['files_scanned'], s['files_parsed'])"
}
files=$(summary "$SCRATCH/full")
small_files=$(summary "$SCRATCH/small")
app_files=$(summary "$SCRATCH/apps")
ox_files=$(grep -ho "on [0-9]* files" "$SCRATCH/oxlint-full.out" "$SCRATCH/oxlint-full.err" 2>/dev/null | head -1 || true)

stat() { # stat NAME FIELD(2 wall,3 cpu,4 rss)
  awk -v n="$1" -v f="$2" '$1==n {print $f}' "$SCRATCH/times.txt" | median
}
echo
echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); $(date -u +%Y-%m-%d); medians of $RUNS runs (ESLint: 3)."
echo "crosswire scanned $(cut -d' ' -f1 <<<"$files") files of the full corpus and parsed $(cut -d' ' -f2 <<<"$files") (the prefilter skipped the rest); small corpus: $(cut -d' ' -f1 <<<"$small_files") scanned, $(cut -d' ' -f2 <<<"$small_files") parsed; applications: $(cut -d' ' -f1 <<<"$app_files") scanned, $(cut -d' ' -f2 <<<"$app_files") parsed. oxlint: ${ox_files:-see its output}."
echo
echo "| scenario | tool | wall (s) | CPU (s) | peak RSS (MiB) | wall vs oxlint |"
echo "|---|---|---|---|---|---|"
for scenario in full small apps precommit; do
  # The pre-commit timings cover PRECOMMIT_REPEAT runs.
  per=1
  [ "$scenario" = precommit ] && per=$PRECOMMIT_REPEAT
  ox=$(stat "oxlint-$scenario" 2)
  for tool in crosswire oxlint; do
    wall=$(stat "$tool-$scenario" 2)
    printf '| %s | %s | %.3f | %.3f | %.0f | %.2fx |\n' "$scenario" "$tool" \
      "$(awk -v a="$wall" -v p="$per" 'BEGIN{print a/p}')" \
      "$(awk -v a="$(stat "$tool-$scenario" 3)" -v p="$per" 'BEGIN{print a/p}')" \
      "$(awk -v r="$(stat "$tool-$scenario" 4)" 'BEGIN{print r/1024}')" \
      "$(awk -v a="$wall" -v b="$ox" 'BEGIN{print (b>0)?a/b:0}')"
  done
done
ox=$(stat oxlint-full 2)
wall=$(stat parseonly-full 2)
printf '| full | swc parse of the files crosswire parses | %.3f | %.3f | %.0f | %.2fx |\n' "$wall" \
  "$(stat parseonly-full 3)" "$(awk -v r="$(stat parseonly-full 4)" 'BEGIN{print r/1024}')" \
  "$(awk -v a="$wall" -v b="$ox" 'BEGIN{print a/b}')"
ox=$(stat oxlint-full 2)
wall=$(stat crosswire-cached 2)
printf '| full, second run with --cache | crosswire | %.2f | %.2f | %.0f | %.2fx |\n' "$wall" \
  "$(stat crosswire-cached 3)" "$(awk -v r="$(stat crosswire-cached 4)" 'BEGIN{print r/1024}')" \
  "$(awk -v a="$wall" -v b="$ox" 'BEGIN{print a/b}')"
ox=$(stat oxlint-apps 2)
wall=$(stat crosswire-apps-cached 2)
printf '| apps, second run with --cache | crosswire | %.2f | %.2f | %.0f | %.2fx |\n' "$wall" \
  "$(stat crosswire-apps-cached 3)" "$(awk -v r="$(stat crosswire-apps-cached 4)" 'BEGIN{print r/1024}')" \
  "$(awk -v a="$wall" -v b="$ox" 'BEGIN{print a/b}')"
ox=$(stat oxlint-small 2)
wall=$(stat eslint-small 2)
printf '| small | ESLint 9 + sdl + unicorn | %.2f | %.2f | %.0f | %.2fx |\n' "$wall" \
  "$(stat eslint-small 3)" "$(awk -v r="$(stat eslint-small 4)" 'BEGIN{print r/1024}')" \
  "$(awk -v a="$wall" -v b="$ox" 'BEGIN{print a/b}')"
echo
echo "crosswire / swc parse of the same files (full corpus, wall): $(awk -v a="$(stat crosswire-full 2)" -v b="$(stat parseonly-full 2)" 'BEGIN{printf "%.2fx", a/b}')"

# Where a run's time goes (the link pass's cost among the stages), one run each.
for corpus in full apps; do
  echo
  echo "crosswire --stats, $corpus:"
  { "${CROSSWIRE[@]}" -j 2 --stats --format compact "$SCRATCH/$corpus" 2>&1 >/dev/null || true; } |
    sed -n '1,/slowest files/p' | grep -v 'slowest files'
done

# On a shared machine the speed of a whole window drifts; a run of one tool and the next
# run of another see the same window, so per-run ratios are steadier than ratios of medians.
python3 - "$SCRATCH/times.txt" <<'PAIRED'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    name, wall, _cpu, rss = line.split()
    runs.setdefault(name, []).append((float(wall), float(rss)))

def paired(name, against, field, label):
    pairs = list(zip(runs.get(name, []), runs.get(against, [])))
    ratios = [a[field] / b[field] for a, b in pairs if b[field] > 0]
    if ratios:
        print(f"{label}: median {statistics.median(ratios):.2f}x "
              f"(runs {min(ratios):.2f}x to {max(ratios):.2f}x, {len(ratios)} pairs)")

print()
print("Per-run ratios (each crosswire run against the run beside it):")
paired("crosswire-full", "oxlint-full", 0, "full corpus, wall vs oxlint")
paired("crosswire-full", "oxlint-full", 1, "full corpus, peak RSS vs oxlint")
paired("crosswire-full", "parseonly-full", 0, "full corpus, wall vs swc parse of the same files")
paired("crosswire-small", "oxlint-small", 0, "small corpus, wall vs oxlint")
paired("crosswire-apps", "oxlint-apps", 0, "application source, wall vs oxlint")
paired("crosswire-apps-cached", "oxlint-apps", 0, "application source, --cache rerun vs oxlint")
paired("crosswire-cached", "oxlint-full", 0, "full corpus, --cache rerun vs oxlint")
paired("crosswire-precommit", "oxlint-precommit", 0, "pre-commit, wall vs oxlint")
PAIRED
