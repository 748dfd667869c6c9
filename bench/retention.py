"""Retention's benchmark: 10,000 known meetings against the mock with 20 ms of vendor latency and
a rate limit of 100 calls a second.

Times one full inventory (from tracking the meetings to every one listed) and counts its vendor
calls and the 429s among them, compared with what the rate limit allows at best; times a rule
change's dry run over the 10,000; times the sweep (from the rule saved to every due meeting in a
batch), and samples the dashboard's resident set every 50 ms throughout. Writes
bench/retention.json.
"""
import datetime
import json
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import harness  # bench/harness.py, beside this file
from bulk import Sampler, post  # bench/bulk.py

MEETINGS = 10_000
LATENCY_MS = 20
RATE = 100  # calls a second the mock takes; past it, 429 with Retry-After: 1
TRACK_CHUNK = 2_000  # what one "Track these meetings" form takes
DRY_RUNS = 10


def meeting(n):
    return f"{0x7e7e_0000_0000 + n:024x}"


def get_json(cookie, path):
    status, _, body = harness.request(harness.APP, "GET", path, headers={"cookie": cookie, "accept": "application/json"})
    assert status == 200, (path, status, body[:300])
    return json.loads(body)


def save(cookie, **form):
    status, _, body = post(cookie, "/api/retention/save", {"kind": "general", "warn_days": "7", "reason": "bench", **form})
    assert status == 200, (status, body[:300])


def faults(**f):
    harness.request(harness.MOCK, "POST", "/_mock/faults", json.dumps(f), {"content-type": "application/json"})


def refused_429():
    """Requests the mock answered with a fault (here: only the rate limit's 429s)."""
    _, _, body = harness.request(harness.MOCK, "GET", "/_mock/requests")
    return sum(1 for r in json.loads(body) if r.get("faulted"))


def run(binary, site):
    work = Path(tempfile.mkdtemp(prefix="meeting-admin-retention-"))
    procs = harness.Procs()
    try:
        app = harness.start_all(procs, binary, site, work, extra_env={"RETENTION_SWEEP_EVERY": "1m"})
        cookie = harness.sign_in()
        for n in range(MEETINGS):
            harness.seed(meeting(n), 1 + n % 3)
        # The budget is not the limit here; the vendor's rate is.
        save(cookie, default_days="", calls_per_hour="1000000")
        faults(latency_ms=LATENCY_MS, rate_per_second=RATE)
        harness.request(harness.MOCK, "DELETE", "/_mock/requests")
        time.sleep(1)
        idle_kib = harness.rss_kib(app.pid)
        sampler = Sampler(app.pid)
        sampler.start()
        calls_before = harness.mock_stats()["requests"]

        t0 = time.time()
        for start in range(0, MEETINGS, TRACK_CHUNK):
            ids = "\n".join(meeting(n) for n in range(start, min(start + TRACK_CHUNK, MEETINGS)))
            status, _, body = post(cookie, "/api/retention/track", {"meetings": ids, "host_id": ""})
            assert status == 200, (status, body[:300])
        while True:
            o = get_json(cookie, "/api/retention/overview")
            if o["coverage"]["never_listed"] == 0:
                break
            if time.time() - t0 > 900:
                raise SystemExit(f"inventory not done in 15 min: {o['coverage']}")
            time.sleep(1)
        inventory_s = time.time() - t0
        inventory_calls = harness.mock_stats()["requests"] - calls_before
        rate_limited = refused_429()
        overview_bytes = len(json.dumps(o))

        # A rule change's dry run over every known meeting (each recording is 1 to 3 days old, so 1 day makes them all due).
        dry = []
        for _ in range(DRY_RUNS):
            t = time.time()
            p = get_json(cookie, "/api/retention/preview?kind=general&default_days=1&warn_days=7&calls_per_hour=1000000")
            dry.append(time.time() - t)
        assert p["after"]["due_now"]["meetings"] == MEETINGS, p["after"]["due_now"]
        t = time.time()
        status, _, page = harness.request(harness.APP, "GET", "/retention", headers={"cookie": cookie})
        page_s = time.time() - t
        assert status == 200, status

        # The sweep: the rule saved wakes it; it runs when its minute since the last sweep has passed.
        t1 = time.time()
        save(cookie, default_days="1", calls_per_hour="1000000")
        while True:
            batches = get_json(cookie, "/api/bulk/list")
            swept = sum(b["meetings"] for b in batches if b["batch"]["created_by"] == "retention")
            if swept >= MEETINGS:
                break
            if time.time() - t1 > 300:
                raise SystemExit(f"the sweep took {swept} of {MEETINGS} in 5 min")
            time.sleep(0.2)
        sweep_s = time.time() - t1
        sampler.running = False
        sampler.join()
        faults()
        result = {
            "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "commit": subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=harness.ROOT, capture_output=True, text=True).stdout.strip(),
            "meetings": MEETINGS,
            "latency_ms": LATENCY_MS,
            "rate_per_second": RATE,
            "inventory_seconds": inventory_s,
            "inventory_calls": inventory_calls,
            "inventory_429s": rate_limited,
            # The best any client could do under the rate limit: one call per meeting at RATE a second.
            "rate_floor_seconds": MEETINGS / RATE,
            "dry_run_ms_median": sorted(dry)[len(dry) // 2] * 1000,
            "dry_run_ms_max": max(dry) * 1000,
            "retention_page_ms": page_s * 1000,
            "retention_page_bytes": len(page),
            "overview_json_bytes": overview_bytes,
            "sweep_seconds": sweep_s,
            "sweep_batches": sum(1 for b in batches if b["batch"]["created_by"] == "retention"),
            "rss_idle_mib": idle_kib / 1024,
            "rss_peak_mib": sampler.peak / 1024,
        }
        harness.log(f"10,000 meetings: inventory in {inventory_s:.0f} s ({inventory_calls} calls, {rate_limited} refused by the rate limit; "
                  f"floor {MEETINGS / RATE:.0f} s), dry run {result['dry_run_ms_median']:.0f} ms, sweep {sweep_s:.1f} s, "
                  f"peak RSS {sampler.peak / 1024:.1f} MiB")
        (harness.ROOT / "bench/retention.json").write_text(json.dumps(result, indent=1) + "\n")
        return result
    finally:
        procs.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    import argparse
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--site", required=True)
    a = ap.parse_args()
    run(a.bin, a.site)
