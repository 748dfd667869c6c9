#!/usr/bin/env bash
# The soak (about 2 minutes once built): 60 s of mixed traffic at 64 connections with one vendor
# call in ten faulted. Fails if any 5xx is unexplained, anything panics, or memory or file
# descriptors do not come back. Writes bench/soak.json and its section of BENCHMARKS.md.
#   scripts/soak.sh [--seconds N] [--connections N]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-tools.sh --bench
source scripts/env.sh
echo "==> building the release"
build_release
echo "==> soaking"
exec python3 bench/soak.py --bin "$SERVER_BIN" --site "$LEPTOS_SITE_ROOT" "$@"
