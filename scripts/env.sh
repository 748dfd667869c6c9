# Shared by the run and test scripts: where builds go and which tools are on PATH.
# A target directory outside the checkout survives fresh clones (CI builds in ~20 s instead of minutes).
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/meeting-admin/target}"
export PATH="$PWD/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export LEPTOS_SITE_ROOT="${LEPTOS_SITE_ROOT:-$CARGO_TARGET_DIR/site}"
export LEPTOS_OUTPUT_NAME=meeting-admin  # leptos reads it at compile time; keep test and release builds identical
# The one release build every script (and the Dockerfile) makes: server, wasm and CSS, with brotli
# and gzip copies of the assets beside them, which the server sends as they are.
build_release() { cargo leptos build --release --precompress; }
# What build_release makes (its profile is `server-release` in Cargo.toml), with hash.txt beside it.
export SERVER_BIN="$CARGO_TARGET_DIR/server-release/meeting-admin"
