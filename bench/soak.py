"""The soak: 60 s of mixed traffic (recordings lists and pages, creates, deletes, the home page)
at 64 connections while one in ten vendor calls fails, a different way every 5 s. Passes when no
5xx fails to name a vendor failure, nothing panics, the server is still ready, and memory and open
file descriptors are back where they were. Writes bench/soak.json and the soak section of
BENCHMARKS.md. Run it with scripts/soak.sh."""

import argparse
import datetime
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench import APP, APP_URL, MOCK, ROOT, Procs, log, machine, request, rss_kib, seed, sign_in, start_all
from report import render

MEETINGS = 300
# Each fault runs for 5 s on one vendor call in ten; the app's upstream timeout is 2 s.
FAULTS = [
    {"status": 503}, {"drop_connection": True}, {"status": 429, "retry_after": 1}, {"truncated": True},
    {"status": 500}, {"latency_ms": 2500}, {"non_json": True}, {"status": 429},
    {"raw_body": "<html>captive portal</html>"}, {"status": 401}, {"status": 404}, {"status": 422},
]


def fds(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def set_fault(f):
    body = json.dumps({**f, "one_in": 10})
    request(MOCK, "POST", "/_mock/faults", body, {"content-type": "application/json"})


def soak_wrk(cookie, seconds, conns):
    env = {**os.environ, "SOAK_APP": APP_URL, "SOAK_COOKIE": cookie, "SOAK_MEETINGS": str(MEETINGS)}
    args = ["wrk", "-t2", f"-c{conns}", f"-d{seconds}s", "--timeout", "10s", "-s", str(ROOT / "bench/soak.lua"), APP_URL]
    out = subprocess.run(args, capture_output=True, text=True, check=True, env=env).stdout
    line = next(l for l in out.splitlines() if l.startswith("SOAK "))
    result = json.loads(line[5:])
    result["unexpected_samples"] = out.split("SAMPLES\n", 1)[1].strip().splitlines()[:10] if "SAMPLES\n" in out else []
    return result


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--site", required=True)
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("--connections", type=int, default=64)
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="meeting-admin-soak-"))
    procs = Procs()
    app_log = work / "app.log"
    try:
        with open(app_log, "wb") as out:
            app = start_all(procs, args.bin, args.site, work, {"CONNECTYCUBE_TIMEOUT": "2s", "DELETE_GRACE": "0"}, out)
        cookie = sign_in()
        for i in range(1, MEETINGS + 1):
            seed("50a4" + f"{i:020d}", 3)
        print("warm-up: 5 s of the same traffic, no faults", flush=True)
        soak_wrk(cookie, 5, args.connections)
        for i in range(1, MEETINGS + 1):
            seed("50a4" + f"{i:020d}", 3)
        time.sleep(3)
        before = {"rss_mib": rss_kib(app.pid) / 1024, "fds": fds(app.pid)}
        log(f"before: {before}")

        samples, stop = [], threading.Event()

        def watch():
            started, k = time.time(), 0
            while not stop.is_set():
                set_fault(FAULTS[k % len(FAULTS)])
                samples.append({"t": round(time.time() - started), "fault": FAULTS[k % len(FAULTS)],
                                "rss_mib": round(rss_kib(app.pid) / 1024, 1), "fds": fds(app.pid)})
                k += 1
                stop.wait(5)

        watcher = threading.Thread(target=watch)
        watcher.start()
        print(f"soak: {args.seconds} s at {args.connections} connections, 1 vendor call in 10 faulted", flush=True)
        result = soak_wrk(cookie, args.seconds, args.connections)
        stop.set()
        watcher.join()
        request(MOCK, "DELETE", "/_mock/faults")
        time.sleep(10)
        after = {"rss_mib": rss_kib(app.pid) / 1024, "fds": fds(app.pid)}
        peak = rss_kib(app.pid, "VmHWM") / 1024
        ready = request(APP, "GET", "/readyz")[0]
        mock = json.loads(request(MOCK, "GET", "/_mock/stats")[2])
    finally:
        procs.stop()
    text = app_log.read_text(errors="replace")
    panics = text.count("panicked at")
    result.update({
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip(),
        "machine": machine(),
        "seconds": args.seconds, "connections": args.connections, "faults": FAULTS,
        "rps": result["requests"] / (result["duration_us"] / 1e6),
        "before": before, "after": after, "peak_rss_mib": peak, "samples": samples,
        "panics": panics, "ready_after": ready, "vendor_calls": mock["requests"],
        "log_lines": text.count("\n"),
    })
    checks = {
        "no unexpected 5xx": result["unexpected_5xx"] == 0,
        "no panic": panics == 0,
        "still ready": ready == 200,
        "no socket errors": result["socket_errors"] == 0,
        "file descriptors back (within 4)": after["fds"] <= before["fds"] + 4,
        "memory back (within 50 MiB)": after["rss_mib"] <= before["rss_mib"] + 50,
    }
    result["checks"] = checks
    (ROOT / "bench/soak.json").write_text(json.dumps(result, indent=1) + "\n")
    results_file = ROOT / "bench/results.json"
    if results_file.exists():
        (ROOT / "BENCHMARKS.md").write_text(render(json.loads(results_file.read_text())))
    for name, ok in checks.items():
        print(f"  {'ok ' if ok else 'FAIL'} {name}")
    print(f"{result['requests']} requests, {result['rps']:.0f}/s; statuses {result['statuses']}; wrote bench/soak.json and BENCHMARKS.md")
    if not all(checks.values()):
        for s in result["unexpected_samples"]:
            print("  unexpected:", s)
        print(f"the app's log is kept in {app_log}")
        sys.exit(1)


if __name__ == "__main__":
    main()
