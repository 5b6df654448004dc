#!/usr/bin/env bash
# Scores crosswire on the labelled real-code sites in eval/ (needs the network:
# GitHub and the npm registry). Builds the release binary unless --bin is given.
#   scripts/eval.sh                 # build, fetch, score everything
#   scripts/eval.sh --project gh:owner/name
#   scripts/eval.sh --check         # validate the label files only
set -euo pipefail
cd "$(dirname "$0")/.."
case " $* " in
  *" --bin "* | *" --check "*) ;;
  *) cargo build --release --quiet ;;
esac
exec python3 scripts/eval.py "$@"
