#!/usr/bin/env bash
# Every test: unit and integration (Rust), then the browser tests (Playwright on Debian's
# Chromium, with JavaScript and without) against the release build. One release build serves all.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-tools.sh --test
source scripts/env.sh

echo "==> building the release (server, wasm, CSS)"
build_release

echo "==> unit and integration tests"
cargo test --release --no-default-features --features ssr --tests

echo "==> fuzzing the decoders (20 s each)"
scripts/fuzz.sh 20

echo "==> browser tests"
export MEETING_ADMIN_BIN="$CARGO_TARGET_DIR/release/meeting-admin"
(cd end2end && npx playwright test)
