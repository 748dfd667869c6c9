#!/usr/bin/env bash
# Fuzzes the vendor reply decoder and the create-meeting form decoder (cargo-fuzz, libFuzzer).
#   scripts/fuzz.sh            20 s per target (what scripts/test.sh runs)
#   scripts/fuzz.sh 1800       a longer run: half an hour per target
# A crash stops with the input saved under $CARGO_TARGET_DIR/fuzz/artifacts/<target>/; replay it
# with `cargo fuzz run -s none -O <target> <file>` from the repository root.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-20}"
source scripts/env.sh
command -v cargo-fuzz >/dev/null || scripts/install-tools.sh --test
# Its own target dir: the instrumented build never disturbs the app's.
export CARGO_TARGET_DIR="$CARGO_TARGET_DIR/fuzz"
work="$CARGO_TARGET_DIR/work"

# Seeds: the vendor's example replies, each behind a 200 status and no Retry-After.
mkdir -p "$work/corpus/vendor_reply" "$work/corpus/form_body" "$work/artifacts"
for f in tests/fixtures/*.json; do
  { printf '\x00\x64\x00'; cat "$f"; } > "$work/corpus/vendor_reply/seed-$(basename "$f")"
done
printf '%s' 'form[host_id]=32242&form[name]=Friday+weekly+sync&form[start]=2026-07-15T10:00&form[end]=2026-07-15T11:00&form[timezone]=Europe%2FRiga&form[attendees][0][id]=245&form[attendees][0][email]=email1%40domen.com&form[record]=on&form[notify]=on&form[notify_metric]=hours&form[notify_value]=2' \
  > "$work/corpus/form_body/seed-vendor-example"

cargo fuzz build -s none -O
for target in vendor_reply form_body; do
  echo "==> fuzzing $target for ${seconds} s"
  mkdir -p "$work/artifacts/$target"
  log="$work/$target.log"
  if cargo fuzz run -s none -O "$target" "$work/corpus/$target" -- \
      -max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="$work/artifacts/$target/" >"$log" 2>&1; then
    grep -E '^(Done|stat::number_of_executed_units)' "$log"
  else
    tail -n 40 "$log"
    echo "fuzzing $target failed: the input is saved under $work/artifacts/$target/"
    exit 1
  fi
done
