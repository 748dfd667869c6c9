#!/usr/bin/env bash
# Every test: unit and integration (Rust; the integration tests on SQLite, then on PostgreSQL),
# then the browser tests (Playwright on Debian's
# Chromium, with JavaScript and without) against the release build. One release build serves all.
#
# It is the deployed build's code and profile (`server-release`) without its link-time
# optimisation across crates and its single code-generation unit, which make the same code
# faster and take most of a build's time: so `cargo test` reuses every crate compiled for the
# server rather than compiling the whole graph again in a profile of its own. `scripts/run.sh`,
# the benchmarks and the Dockerfile build with both.
set -euo pipefail
export CARGO_PROFILE_SERVER_RELEASE_LTO=false
export CARGO_PROFILE_SERVER_RELEASE_CODEGEN_UNITS=16
cd "$(dirname "$0")/.."
scripts/install-tools.sh --test
source scripts/env.sh

echo "==> building the release (server, wasm, CSS)"
build_release

echo "==> unit and integration tests (SQLite)"
cargo test --profile server-release --no-default-features --features ssr --tests

# One throwaway PostgreSQL cluster for the rest of the run (about a second to make and start).
PG_DIR=$(mktemp -d)
trap 'scripts/postgres.sh stop "$PG_DIR"; rm -rf "$PG_DIR"' EXIT
MEETING_ADMIN_TEST_POSTGRES=$(scripts/postgres.sh start "$PG_DIR")
export MEETING_ADMIN_TEST_POSTGRES

echo "==> integration tests again, on PostgreSQL"
cargo test --profile server-release --no-default-features --features ssr --test integration

echo "==> fuzzing the decoders (20 s each)"
scripts/fuzz.sh 20

echo "==> browser tests"
export MEETING_ADMIN_BIN="$SERVER_BIN"
(cd end2end && npx playwright test)
