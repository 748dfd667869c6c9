"""Bulk work's benchmark: a batch of 500 meetings against the mock with 20 ms of vendor latency.

Times the look-up (start to preview) and the deletion (request to the last result), counts the
vendor calls, samples the dashboard's resident set every 50 ms, and sizes what a browser polls (every 2 s; here every 200 ms, so the times are to 0.2 s).
Compared with what one call at a time would take at that latency. Writes bench/bulk.json.
"""
import datetime
import json
import shutil
import subprocess
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

import harness  # bench/harness.py, beside this file

MEETINGS = 500
LATENCY_MS = 20


def meeting(n):
    return f"{0xbe0c_0000_0000 + n:024x}"


def post(cookie, path, form, accept="application/json"):
    body = urllib.parse.urlencode(form)
    return harness.request(harness.APP, "POST", path, body, {
        "content-type": "application/x-www-form-urlencoded", "origin": harness.APP_URL, "accept": accept, "cookie": cookie})


def view(cookie, batch):
    status, _, body = harness.request(harness.APP, "GET", f"/api/bulk/one?batch_id={batch}", headers={"cookie": cookie})
    assert status == 200, (status, body[:200])
    return json.loads(body), len(body)


def wait_phase(cookie, batch, phases, timeout=600):
    end = time.time() + timeout
    while time.time() < end:
        v, size = view(cookie, batch)
        if v["phase"] in phases:
            return v, size
        time.sleep(0.2)
    raise SystemExit(f"batch {batch} did not reach {phases} in {timeout} s")


class Sampler(threading.Thread):
    """The dashboard's resident set every 50 ms, while the batch runs."""

    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid, self.peak, self.running = pid, 0, True

    def run(self):
        while self.running:
            self.peak = max(self.peak, harness.rss_kib(self.pid))
            time.sleep(0.05)


def run(binary, site):
    work = Path(tempfile.mkdtemp(prefix="meeting-admin-bulk-"))
    procs = harness.Procs()
    try:
        # Deletions run as soon as they are requested, so the finish time is the worker's own.
        app = harness.start_all(procs, binary, site, work, extra_env={"DELETE_GRACE": "0"})
        cookie = harness.sign_in()
        for n in range(MEETINGS):
            harness.seed(meeting(n), 1 + n % 3)
        harness.set_latency(LATENCY_MS)
        time.sleep(1)
        idle_kib = harness.rss_kib(app.pid)
        sampler = Sampler(app.pid)
        sampler.start()
        calls_before = harness.mock_stats()["requests"]

        ids = "\n".join(meeting(n) for n in range(MEETINGS))
        status, _, body = post(cookie, "/api/bulk/create", {"ids": ids})
        assert status == 200, (status, body[:200])
        batch = json.loads(body)["batch_id"]
        t0 = time.time()
        status, _, _ = post(cookie, "/api/bulk/start", {"batch_id": batch})
        assert status == 200, status
        ready, preview_json = wait_phase(cookie, batch, ("ready",))
        preview_s = time.time() - t0
        lookup_calls = harness.mock_stats()["requests"] - calls_before
        _, _, page = harness.request(harness.APP, "GET", f"/bulk/{batch}", headers={"cookie": cookie})

        t1 = time.time()
        status, _, _ = post(cookie, "/api/bulk/request", {"batch_id": batch, "reason": "bench: bulk erasure"})
        assert status == 200, status
        done, _ = wait_phase(cookie, batch, ("finished",))
        finish_s = time.time() - t1
        sampler.running = False
        sampler.join()
        calls = harness.mock_stats()["requests"] - calls_before
        harness.set_latency(0)
        t = done["totals"]
        result = {
            "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "commit": subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=harness.ROOT, capture_output=True, text=True).stdout.strip(),
            "meetings": MEETINGS,
            "latency_ms": LATENCY_MS,
            "recordings": ready["totals"]["recordings"],
            "preview_seconds": preview_s,
            "finish_seconds": finish_s,
            "lookup_calls": lookup_calls,
            "vendor_calls": calls,
            "deleted_meetings": t["deleted_meetings"],
            "deleted_recordings": t["deleted_recordings"],
            "rss_idle_mib": idle_kib / 1024,
            "rss_peak_mib": sampler.peak / 1024,
            "poll_json_bytes": preview_json,
            "page_html_bytes": len(page),
            # One call at a time at this latency: the floor a sequential look-up or run would have.
            "sequential_lookup_seconds": MEETINGS * LATENCY_MS / 1000,
            "sequential_finish_seconds": 2 * MEETINGS * LATENCY_MS / 1000,
        }
        harness.log(f"500 meetings: preview in {preview_s:.1f} s, finished in {finish_s:.1f} s, {calls} vendor calls, "
                  f"peak RSS {sampler.peak / 1024:.1f} MiB")
        (harness.ROOT / "bench/bulk.json").write_text(json.dumps(result, indent=1) + "\n")
        return result
    finally:
        procs.stop()
        shutil.rmtree(work, ignore_errors=True)
