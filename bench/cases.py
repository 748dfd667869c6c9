"""Erasure cases' benchmark: one case of 200 meetings (the most a case holds), 2 recordings each,
against the mock with 20 ms of vendor latency and a rate limit of 100 calls a second.

Times adding the meetings, the request (from the click to every meeting deleted), the close
(each meeting listed again, the record built and signed), the case page and the record page
(median of 20), and the audit log's write rate with its hash chain (sequential audited
downloads, each one entry and one vendor call). Writes bench/cases.json.
"""
import datetime
import json
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import harness  # bench/harness.py, beside this file
from bulk import post  # bench/bulk.py

MEETINGS = 200
LATENCY_MS = 20
RATE = 100
PAGE_READS = 20
DOWNLOADS = 300


def meeting(n):
    return f"{0xca5e_0000_0000 + n:024x}"


def get(cookie, path, accept="application/json"):
    t = time.time()
    status, headers, body = harness.request(harness.APP, "GET", path, headers={"cookie": cookie, "accept": accept})
    return status, headers, body, time.time() - t


def median(xs):
    return sorted(xs)[len(xs) // 2]


def run(binary, site):
    work = Path(tempfile.mkdtemp(prefix="meeting-admin-cases-"))
    procs = harness.Procs()
    try:
        harness.start_all(procs, binary, site, work, extra_env={"DELETE_GRACE": "0"})
        cookie = harness.sign_in()
        for n in range(MEETINGS):
            harness.seed(meeting(n), 2)
        harness.request(harness.MOCK, "POST", "/_mock/faults", json.dumps({"latency_ms": LATENCY_MS, "rate_per_second": RATE}), {"content-type": "application/json"})
        today = datetime.datetime.now(datetime.timezone.utc).date().isoformat()
        status, _, body = post(cookie, "/api/cases/open", {"form[reference]": "BENCH-1", "form[ground]": "a", "form[received]": today})
        assert status == 200, (status, body[:300])
        case = int(body)

        t = time.time()
        ids = "\n".join(meeting(n) for n in range(MEETINGS))
        status, _, body = post(cookie, "/api/cases/add", {"case_id": str(case), "ids": ids})
        assert status == 200, (status, body[:300])
        add_s = time.time() - t

        t = time.time()
        status, _, body = post(cookie, "/api/cases/request", {"case_id": str(case)})
        assert status == 200, (status, body[:300])
        while True:
            _, _, body, _ = get(cookie, f"/api/cases/get?case_id={case}")
            v = json.loads(body)
            done = sum(1 for m in v["meetings"] if (m.get("result") or {}).get("kind") == "request" and m["result"]["state"] == "done")
            if done == MEETINGS and v["running"] == 0:
                break
            if time.time() - t > 600:
                raise SystemExit(f"the case's deletions took more than 10 min: {done} done")
            time.sleep(0.2)
        delete_s = time.time() - t

        page = [get(cookie, f"/cases/{case}", "text/html") for _ in range(PAGE_READS)]
        assert page[0][0] == 200, page[0][0]

        t = time.time()
        status, _, body = post(cookie, "/api/cases/close", {"case_id": str(case)})
        assert status == 200, (status, body[:300])
        close_s = time.time() - t
        record = [get(cookie, f"/cases/{case}/record", "text/html") for _ in range(PAGE_READS)]
        _, _, file, _ = get(cookie, f"/cases/{case}/record.json")
        t = time.time()
        out = subprocess.run([binary, "evidence", "verify", "/dev/stdin"], input=file.decode(), text=True, capture_output=True,
                             env={"DATABASE_URL": f"sqlite://{work}/bench.db", "PATH": "/usr/bin:/bin"})
        verify_s = time.time() - t
        assert out.returncode == 0, out.stderr

        # The audit chain's write rate: sequential audited downloads (one entry, one vendor call each).
        harness.request(harness.MOCK, "DELETE", "/_mock/faults")
        harness.seed(meeting(999), 1)
        _, _, body, _ = get(cookie, f"/api/recordings/list?meeting_id={meeting(999)}")
        rec = json.loads(body)["recordings"][0]["id"]
        t = time.time()
        for _ in range(DOWNLOADS):
            status, _, _, _ = get(cookie, f"/meetings/{meeting(999)}/recordings/{rec}/download", "text/html")
            assert status == 303, status
        download_s = time.time() - t
        t = time.time()
        out = subprocess.run([binary, "audit", "verify"], text=True, capture_output=True, env={"DATABASE_URL": f"sqlite://{work}/bench.db", "PATH": "/usr/bin:/bin"})
        audit_verify_s = time.time() - t
        assert out.returncode == 0, out.stderr
        entries = int(out.stdout.split("valid: ")[1].split(" ")[0])

        result = {
            "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "commit": subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=harness.ROOT, capture_output=True, text=True).stdout.strip(),
            "meetings": MEETINGS,
            "latency_ms": LATENCY_MS,
            "rate_per_second": RATE,
            "add_ms": add_s * 1000,
            "delete_seconds": delete_s,
            # Each meeting is listed once and deleted once: two calls, at RATE a second at best.
            "delete_floor_seconds": 2 * MEETINGS / RATE,
            "close_seconds": close_s,
            "close_floor_seconds": MEETINGS / RATE,
            "case_page_ms": median([p[3] for p in page]) * 1000,
            "case_page_bytes": len(page[0][2]),
            "record_page_ms": median([r[3] for r in record]) * 1000,
            "record_bytes": len(file),
            "evidence_verify_ms": verify_s * 1000,
            "audited_downloads_per_second": DOWNLOADS / download_s,
            "audit_verify_entries": entries,
            "audit_verify_ms": audit_verify_s * 1000,
        }
        harness.log(f"case of {MEETINGS}: deleted in {delete_s:.1f} s (floor {2 * MEETINGS / RATE:.0f} s), closed in {close_s:.1f} s, "
                  f"page {result['case_page_ms']:.0f} ms, record {len(file) / 1024:.0f} KiB, {result['audited_downloads_per_second']:.0f} audited downloads/s")
        (harness.ROOT / "bench/cases.json").write_text(json.dumps(result, indent=1) + "\n")
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
