#!/usr/bin/env bash
# Builds the release and serves the dashboard at http://127.0.0.1:3000 (demo mode unless
# CONNECTYCUBE_ADMIN_API_KEY or CONNECTYCUBE_ADMIN_API_KEY_FILE is set).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-tools.sh
source scripts/env.sh
build_release
exec "$SERVER_BIN" serve "$@"
