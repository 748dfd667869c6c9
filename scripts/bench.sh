#!/usr/bin/env bash
# The whole benchmark in one run (about 8 minutes on 2 cores once built): builds the release,
# installs its tools (Debian's wrk and nginx, Lighthouse from npm), measures, and writes
# BENCHMARKS.md and bench/results.json. It prints figures; it never fails on a missed target.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-tools.sh --bench
source scripts/env.sh
if ! cmp -s bench/package-lock.json bench/node_modules/.installed-lock.json 2>/dev/null; then
  echo "==> installing Lighthouse (npm ci)"
  (cd bench && npm ci --no-audit --no-fund && cp package-lock.json node_modules/.installed-lock.json)
fi

echo "==> building the release"
build_release

echo "==> measuring"
exec python3 bench/bench.py --bin "$SERVER_BIN" --site "$LEPTOS_SITE_ROOT" "$@"
