#!/usr/bin/env bash
# Installs what building and testing need, skipping whatever is already there.
# Everything comes from crates.io, npm or Debian: nothing is downloaded from anywhere else.
#   scripts/install-tools.sh          build tools (Rust target, cargo-leptos, wasm-bindgen, wasm-opt)
#   scripts/install-tools.sh --bench  all of that and Debian's wrk, for the benchmark and the soak
#   scripts/install-tools.sh --test   also Chromium and nginx for the browser tests, Java for the
#                                     HTML checker, PostgreSQL (a throwaway cluster per run),
#                                     promtool (Debian's prometheus) and cargo-fuzz
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/tools.env
export PATH="$HOME/.cargo/bin:$PATH"

log() { printf '\033[1m==> %s\033[0m\n' "$*"; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding the wasm32 target"
  rustup target add wasm32-unknown-unknown
fi

if [[ "$(cargo leptos --version 2>/dev/null || true)" != *"$CARGO_LEPTOS_VERSION"* ]]; then
  log "installing cargo-leptos $CARGO_LEPTOS_VERSION (about 6 minutes, once)"
  # Unoptimised: it compiles in 6 minutes instead of 15 on two cores, and costs about 5 s more
  # per build (its own brotli and JS minifier run slower); everything it builds is the same.
  CARGO_PROFILE_DEV_DEBUG=0 cargo install cargo-leptos --locked --debug --version "$CARGO_LEPTOS_VERSION"
fi

if [[ "$(wasm-bindgen --version 2>/dev/null || true)" != *"$WASM_BINDGEN_VERSION"* ]]; then
  log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  # Not --locked: its lockfile names a crate version that crates.io no longer serves.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

# wasm-opt (binaryen) and Playwright, from the committed lockfile.
# npm's own node_modules/.package-lock.json never equals package-lock.json (it leaves out the
# root package), so a copy of the lockfile installed last marks an up-to-date install.
if ! cmp -s end2end/package-lock.json end2end/node_modules/.installed-lock.json 2>/dev/null; then
  log "installing npm packages (npm ci)"
  # --ignore-scripts: vnu-jar would try to download a Java runtime; the machine's Java runs it.
  (cd end2end && npm ci --no-audit --no-fund --ignore-scripts && cp package-lock.json node_modules/.installed-lock.json)
fi

if [[ "${1:-}" == "--test" || "${1:-}" == "--bench" ]]; then
  if [[ "$(cargo fuzz --version 2>/dev/null || true)" != *"$CARGO_FUZZ_VERSION"* ]]; then
    log "installing cargo-fuzz $CARGO_FUZZ_VERSION"
    cargo install cargo-fuzz --locked --version "$CARGO_FUZZ_VERSION"
  fi
  missing=()
  command -v chromium >/dev/null || missing+=(chromium)
  command -v nginx >/dev/null || missing+=(nginx-light)
  command -v java >/dev/null || missing+=(default-jre-headless)
  compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
  command -v promtool >/dev/null || missing+=(prometheus)  # promtool checks the alert rules
  [[ "${1:-}" == "--bench" ]] && ! command -v wrk >/dev/null && missing+=(wrk)
  if ((${#missing[@]})); then
    log "installing ${missing[*]} from Debian"
    SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
  fi
fi
