#!/usr/bin/env bash
# Every test: unit and integration (Rust; the integration tests on SQLite, then on PostgreSQL),
# then the browser tests (Playwright on Debian's
# Chromium, with JavaScript and without) against the release build. One release build serves all.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-tools.sh --test
source scripts/env.sh

echo "==> building the release (server, wasm, CSS)"
build_release

echo "==> unit and integration tests (SQLite)"
cargo test --release --no-default-features --features ssr --tests

# One throwaway PostgreSQL cluster for the rest of the run (about a second to make and start).
PG_DIR=$(mktemp -d)
trap 'scripts/postgres.sh stop "$PG_DIR"; rm -rf "$PG_DIR"' EXIT
MEETING_ADMIN_TEST_POSTGRES=$(scripts/postgres.sh start "$PG_DIR")
export MEETING_ADMIN_TEST_POSTGRES

echo "==> integration tests again, on PostgreSQL"
cargo test --release --no-default-features --features ssr --test integration

echo "==> fuzzing the decoders (20 s each)"
scripts/fuzz.sh 20

echo "==> browser tests"
export MEETING_ADMIN_BIN="$SERVER_BIN"
(cd end2end && npx playwright test)
