#!/usr/bin/env python3
"""The cost of metrics on the hot path: the proxy hop (c=32) and the kept recordings page
(c=25), each replica started with and without METRICS_ADDR, alternating, ROUNDS rounds; then one
scrape's time and size. Usage (after scripts/bench.sh or `cargo leptos build --release`, with
scripts/env.sh sourced): bench/metrics_ab.py [ROUNDS]. Prints the figures BENCHMARKS.md quotes."""
import os
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import bench  # noqa: E402

METRICS = "127.0.0.1:9464"
rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 6
binary, site = os.environ["SERVER_BIN"], os.environ["LEPTOS_SITE_ROOT"]
variants = {"off": {}, "on": {"METRICS_ADDR": METRICS}}
hop = {n: [] for n in variants}
page = {n: [] for n in variants}
for rnd in range(rounds):
    for name, env in variants.items():
        procs = bench.Procs()
        with tempfile.TemporaryDirectory() as work:
            try:
                bench.start_all(procs, binary, site, Path(work), extra_env=env)
                cookie = bench.sign_in()
                json_headers = [f"Cookie: {cookie}", "Accept: application/json"]
                url = f"{bench.APP_URL}/api/recordings/list?meeting_id={bench.VENDOR_MEETING}"
                bench.wrk(url, 32, 2, json_headers)
                h = bench.wrk(url, 32, 5, json_headers)
                p = bench.wrk(f"{bench.APP_URL}/meetings/{bench.VENDOR_MEETING}/recordings", 25, 5, [f"Cookie: {cookie}"])
                hop[name].append(h["rps"])
                page[name].append(p["rps"])
                line = f"{name} round {rnd}: hop {h['rps']:.0f} req/s (p99 {h['p99_ms']} ms), page {p['rps']:.0f} req/s (p99 {p['p99_ms']} ms)"
                if name == "on":
                    started = time.perf_counter()
                    body = urllib.request.urlopen(f"http://{METRICS}/metrics").read()
                    line += f"; a scrape: {(time.perf_counter() - started) * 1000:.1f} ms, {len(body):,} bytes"
                print(line, flush=True)
            finally:
                procs.stop()
mean = lambda xs: sum(xs) / len(xs)  # noqa: E731
for what, runs in (("proxy hop", hop), ("kept page", page)):
    off, on = mean(runs["off"]), mean(runs["on"])
    print(f"{what}: off {off:.0f} req/s, on {on:.0f} req/s: {100 * (on - off) / off:+.1f}%")
