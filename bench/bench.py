#!/usr/bin/env python3
"""Meeting Admin's benchmark: run by scripts/bench.sh, which builds and installs first.

Everything is measured in this one run and compared as ratios, because the machine is shared and
noisy. Writes BENCHMARKS.md and bench/results.json. Never exits non-zero over a missed target.
"""
import argparse
import datetime
import gzip
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

from report import fmt_share, render  # bench/report.py, beside this file

from harness import (  # bench/harness.py, beside this file
    ROOT, KEY, MOCK, APP, NGINX, APP_PG, REPLICAS, LB, APP_URL, PASSWORD, VENDOR_MEETING,
    log, Procs, request, wait_for, rss_kib, wrk, mock_stats, set_latency, seed, NGINX_HEAD, SSO_ENV, SSO_HEADERS, start_all, sign_in,
)


# ---------------------------------------------------------------- 1. the proxy hop

def proxy_hop(cookie, seconds):
    big = "b" * 24
    seed(big, 100)
    rows = []
    for n, meeting in ((2, VENDOR_MEETING), (100, big)):
        for latency in (0, 20):
            set_latency(latency)
            for conns in (1, 32):
                ways = {
                    "direct": (f"http://127.0.0.1:{MOCK}/admin/meetings/recordings/{meeting}", [f"CB-Administration-API-Key: {KEY}"]),
                    "nginx": (f"http://127.0.0.1:{NGINX}/admin/meetings/recordings/{meeting}", []),
                    "dashboard": (f"{APP_URL}/api/recordings/list?meeting_id={meeting}", [f"Cookie: {cookie}", "Accept: application/json"]),
                    "dashboard_sso": (f"{APP_URL}/api/recordings/list?meeting_id={meeting}", SSO_HEADERS),
                }
                row = {"recordings": n, "latency_ms": latency, "concurrency": conns}
                for way, (url, headers) in ways.items():
                    before = mock_stats()
                    r = wrk(url, conns, seconds, headers)
                    after = mock_stats()
                    reqs = after["requests"] - before["requests"]
                    r["upstream_reused_share"] = 1 - (after["connections"] - before["connections"]) / reqs if reqs else None
                    row[way] = r
                    log(f"{n:>3} recs, {latency:>2} ms upstream, c={conns:<2} {way:<9} "
                        f"{r['rps']:8.0f} req/s  p50 {r['p50_ms']:7.2f} ms  p99 {r['p99_ms']:7.2f} ms  "
                        f"non-2xx {r['non_2xx_3xx']}  reused {fmt_share(r['upstream_reused_share'])}")
                d, x, g = row["direct"], row["dashboard"], row["nginx"]
                row["added_p50_ms"] = x["p50_ms"] - d["p50_ms"]
                row["added_p99_ms"] = x["p99_ms"] - d["p99_ms"]
                row["rps_vs_nginx"] = x["rps"] / g["rps"]
                s = row["dashboard_sso"]
                row["sso_added_p50_ms"] = s["p50_ms"] - d["p50_ms"]
                row["sso_added_p99_ms"] = s["p99_ms"] - d["p99_ms"]
                row["sso_rps_vs_nginx"] = s["rps"] / g["rps"]
                rows.append(row)
    set_latency(0)
    return rows


# ---------------------------------------------------------------- 2. server rendering

def rendering(cookie, site, seconds):
    rows = []
    for n in (10, 100, 1000, 5000):
        meeting = f"{n:0>24}"[-24:].replace("0", "c", 1)
        seed(meeting, n)
        path = f"/meetings/{meeting}/recordings"
        status, _, html = request(APP, "GET", path, headers={"cookie": cookie})
        assert status == 200, status
        static = f"bench-static-{n}.html"
        (site / static).write_bytes(html)
        # Within the kept list's TTL (RECORDINGS_CACHE_TTL, 10 s): what paging and sorting cost.
        page = wrk(f"{APP_URL}{path}", 25, seconds, [f"Cookie: {cookie}"])
        # "Refresh" on every view by 25 people at once: refreshes that arrive while a vendor call
        # runs share the next one (recording_lists.rs), so count the vendor calls too.
        before = mock_stats()["requests"]
        uncached = wrk(f"{APP_URL}{path}?refresh=1", 25, seconds, [f"Cookie: {cookie}"])
        uncached["vendor_calls"] = mock_stats()["requests"] - before
        # One person refreshing: each view its own vendor call, fetched and decoded, as a first view is.
        first = wrk(f"{APP_URL}{path}?refresh=1", 1, max(2, seconds // 2), [f"Cookie: {cookie}"])
        copy = wrk(f"{APP_URL}/{static}", 25, seconds, [f"Cookie: {cookie}"])
        row = {"recordings": n, "rows_shown": html.count(b"<tr><td><code>"), "html_bytes": len(html), "page": page, "static": copy,
               "uncached": uncached, "first_view": first, "vs_static": page["rps"] / copy["rps"]}
        rows.append(row)
        log(f"{n:>5} rows  {len(html):>9} B  page {page['rps']:7.0f} req/s p50 {page['p50_ms']:7.2f} ms p99 {page['p99_ms']:7.2f} ms"
            f"  | uncached {uncached['rps']:7.0f} req/s p99 {uncached['p99_ms']:7.2f} ms, {uncached['vendor_calls']} vendor calls"
            f"  | one refresh p50 {first['p50_ms']:7.2f} ms"
            f"  | static {copy['rps']:7.0f} req/s  ratio {row['vs_static']:.2f}  non-2xx {page['non_2xx_3xx']}")
    by = {r["recordings"]: r for r in rows}
    summary = {
        "p50_growth_100_to_1000": by[1000]["page"]["p50_ms"] / by[100]["page"]["p50_ms"],
        "us_per_row_100_to_1000": 1000 * (by[1000]["page"]["p50_ms"] - by[100]["page"]["p50_ms"]) / 900,
        "us_per_row_1000_to_5000": 1000 * (by[5000]["page"]["p50_ms"] - by[1000]["page"]["p50_ms"]) / 4000,
        # The 50-row page less the 10-row one: what one more table row adds to the HTML.
        "html_bytes_per_row": (by[100]["html_bytes"] - by[10]["html_bytes"]) / (by[100]["rows_shown"] - by[10]["rows_shown"]),
    }
    return rows, summary


# ---------------------------------------------------------------- 4. what the browser downloads

def downloads(site):
    pkg = site / "pkg"
    # The palette's plain script sits at the site's root; every signed-in page loads it.
    files = sorted(p for p in pkg.iterdir() if p.suffix in (".wasm", ".js", ".css")) + sorted(site.glob("*.js"))
    node = "const z=require('zlib');const b=require('fs').readFileSync(process.argv[1]);" \
           "process.stdout.write(String(z.brotliCompressSync(b,{params:{[z.constants.BROTLI_PARAM_QUALITY]:11}}).length))"
    rows = []
    for f in files:
        raw = f.read_bytes()
        br = int(subprocess.run(["node", "-e", node, str(f)], capture_output=True, text=True, check=True).stdout)
        _, h, body = request(APP, "GET", "/" + str(f.relative_to(site)), headers={"accept-encoding": "br, gzip"})
        rows.append({"file": f.name, "raw": len(raw), "gzip": len(gzip.compress(raw, 9)), "brotli": br,
                     "served_encoding": h.get("content-encoding", "none"), "served_bytes": len(body)})
        log(f"{f.name:<22} raw {len(raw):>9} B  gzip {rows[-1]['gzip']:>8} B  brotli {br:>8} B  "
            f"served {rows[-1]['served_encoding']} {len(body)} B")
    total = {k: sum(r[k] for r in rows) for k in ("raw", "gzip", "brotli", "served_bytes")}
    return rows, total


# ---------------------------------------------------------------- 4b. first and second visit, in a browser

def browser_loads(cookie):
    """Bytes of wasm, JS and CSS a browser fetches on a first visit (empty cache) and a second one,
    and when the page's islands run (`data-hydrated`), per page (bench/browser_loads.cjs)."""
    meeting = "c" * 20 + "1000"
    seed(meeting, 1000)
    pages = [
        {"name": "sign in (signed out)", "path": "/sign-in", "signed_in": False},
        {"name": "home", "path": "/"},
        {"name": "recordings, 1,000", "path": f"/meetings/{meeting}/recordings"},
        {"name": "new meeting (the form)", "path": "/meetings/new"},
        {"name": "bulk", "path": "/bulk"},
        {"name": "deletions", "path": "/deletions"},
        {"name": "audit log", "path": "/audit"},
    ]
    p = subprocess.run(["node", str(ROOT / "bench/browser_loads.cjs"), APP_URL, cookie, json.dumps(pages)],
                       capture_output=True, text=True)
    if p.returncode != 0:
        log(f"browser loads failed: {p.stderr.strip()[-400:]}")
        return {"error": p.stderr.strip()[-400:]}
    rows = json.loads(p.stdout)
    for r in rows:
        log(f"{r['page']:<24} islands {r['first']['islands']:>3}  first visit {r['first']['asset_bytes_fetched'] / 1024:6.1f} KiB"
            f"  second {r['second']['asset_bytes_fetched']:>6} B  awake {r['first']['islands_awake_ms']:.0f} ms"
            f" (second visit {r['second']['islands_awake_ms']:.0f} ms)")
    return rows


# ---------------------------------------------------------------- 5. Lighthouse

def lighthouse(cookie, work, keep_shifts=False):
    lh = ROOT / "bench/node_modules/.bin/lighthouse"
    meeting = "c" * 20 + "1000"
    seed(meeting, 1000)
    headers = work / "lh-headers.json"
    headers.write_text(json.dumps({"Cookie": cookie}))
    results = []
    for name, path in (("home", "/"), ("recordings, 1,000 rows", f"/meetings/{meeting}/recordings")):
        out = work / f"lh-{len(results)}.json"
        flags = "--headless=new --no-sandbox --disable-gpu --disable-background-networking " \
                "--disable-component-update --disable-sync --no-first-run"
        cmd = [str(lh), APP_URL + path, "--preset=desktop", "--output=json", f"--output-path={out}", "--quiet",
               "--only-categories=performance,accessibility", f"--chrome-flags={flags}", f"--extra-headers={headers}"]
        # Lighthouse now and then fails to record the trace (NO_NAVSTART); one more try.
        for _ in range(2):
            p = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "CHROME_PATH": os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")})
            if p.returncode == 0 and out.exists():
                break
        if p.returncode != 0 or not out.exists():
            log(f"Lighthouse failed on {path}: {p.stderr.strip()[-400:]}")
            results.append({"page": name, "error": p.stderr.strip()[-400:]})
            continue
        r = json.loads(out.read_text())
        a = r["audits"]
        row = {
            "page": name,
            "performance": round(100 * r["categories"]["performance"]["score"]),
            "accessibility": round(100 * r["categories"]["accessibility"]["score"]),
            "lcp_ms": a["largest-contentful-paint"]["numericValue"],
            "tbt_ms": a["total-blocking-time"]["numericValue"],
            "cls": a["cumulative-layout-shift"]["numericValue"],
            "failed_a11y_audits": [k for k, v in a.items() if v.get("score") == 0
                                   and k in {x["id"] for x in r["categories"]["accessibility"]["auditRefs"]}],
        }
        if keep_shifts:
            items = a.get("layout-shifts", {}).get("details", {}).get("items", [])
            row["shifts"] = [{"score": i.get("score", 0), "node": (i.get("node") or {}).get("snippet", "?")[:160]} for i in items]
        results.append(row)
        log(f"{name:<24} performance {row['performance']}  accessibility {row['accessibility']}  "
            f"LCP {row['lcp_ms']:.0f} ms  TBT {row['tbt_ms']:.0f} ms  CLS {row['cls']:.3f}")
    return results


# ---------------------------------------------------------------- 6. the backends

LB_CONF = NGINX_HEAD.format(workers=1) + """
    upstream replicas {{ server 127.0.0.1:{a}; server 127.0.0.1:{b}; keepalive 64; }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_pass http://replicas;
        }}
    }}
}}
"""


def backends(procs, binary, site, work, sqlite_cookie, seconds):
    """The proxy hop and the 100-row recordings page on SQLite, on PostgreSQL, and on two
    PostgreSQL replicas behind nginx round-robin, one after another in this run."""
    # Its own folder: the cluster belongs to the postgres user, who cannot enter `work` (0700).
    pg = Path(tempfile.mkdtemp(prefix="meeting-admin-bench-pg-"))
    url = subprocess.run([str(ROOT / "scripts/postgres.sh"), "start", str(pg), "55500"], check=True, capture_output=True,
                         text=True).stdout.strip()
    try:
        server = url.rsplit("/", 1)[0]
        subprocess.run(["psql", url, "-qX", "-c", "CREATE DATABASE bench"], check=True, capture_output=True)
        db = f"{server}/bench"
        base = {
            "DATABASE_URL": db,
            "CONNECTYCUBE_API_URL": f"http://127.0.0.1:{MOCK}",
            "CONNECTYCUBE_ADMIN_API_KEY": KEY,
            "LEPTOS_SITE_ROOT": str(site),
            "MEDIA_ORIGINS": f"http://127.0.0.1:{MOCK}",
            "LOG_FORMAT": "json",
            **SSO_ENV,
        }
        subprocess.run([binary, "migrate"], env={**os.environ, **base}, check=True, capture_output=True)
        subprocess.run([binary, "user", "add", "bench", "--role", "admin"], input=PASSWORD, text=True,
                       env={**os.environ, **base}, check=True, capture_output=True)
        single = procs.start([binary, "serve"], {**base, "LEPTOS_SITE_ADDR": f"127.0.0.1:{APP_PG}", "PUBLIC_URL": f"http://127.0.0.1:{APP_PG}"})
        lb_url = f"http://127.0.0.1:{LB}"
        for port in REPLICAS:
            procs.start([binary, "serve"], {**base, "LEPTOS_SITE_ADDR": f"127.0.0.1:{port}", "PUBLIC_URL": lb_url})
        (work / "lb/tmp").mkdir(parents=True)
        conf = work / "lb/nginx.conf"
        conf.write_text(LB_CONF.format(a=REPLICAS[0], b=REPLICAS[1], port=LB))
        procs.start(["nginx", "-p", f"{work}/lb/", "-c", str(conf), "-e", "stderr", "-g", "daemon off;"])
        for port in (APP_PG, *REPLICAS, LB):
            wait_for(port, "/readyz")
        # The replicas' PUBLIC_URL is the load balancer's, so sign in through it.
        body = urllib.parse.urlencode({"username": "bench", "password": PASSWORD})
        status, headers, _ = request(LB, "POST", "/api/sign_in", body, {
            "content-type": "application/x-www-form-urlencoded", "origin": lb_url, "accept": "application/json"})
        assert status == 200, status
        setups = [
            ("SQLite, one process", APP, sqlite_cookie),
            ("PostgreSQL, one process", APP_PG, sign_in(APP_PG)),
            ("PostgreSQL, two replicas behind nginx", LB, headers.get("set-cookie", "").split(";")[0]),
        ]
        meeting = "d" * 21 + "100"
        seed(meeting, 100)
        set_latency(0)
        # The references for this section's hop, measured here so every ratio is within one run.
        direct = wrk(f"http://127.0.0.1:{MOCK}/admin/meetings/recordings/{VENDOR_MEETING}", 32, seconds, [f"CB-Administration-API-Key: {KEY}"])
        proxy = wrk(f"http://127.0.0.1:{NGINX}/admin/meetings/recordings/{VENDOR_MEETING}", 32, seconds)
        log(f"{'direct':<40} hop {direct['rps']:7.0f} req/s p50 {direct['p50_ms']:6.2f} ms | nginx {proxy['rps']:7.0f} req/s p50 {proxy['p50_ms']:6.2f} ms")
        rows = []
        for name, port, cookie in setups:
            base_url = f"http://127.0.0.1:{port}"
            hop = wrk(f"{base_url}/api/recordings/list?meeting_id={VENDOR_MEETING}", 32, seconds, [f"Cookie: {cookie}", "Accept: application/json"])
            sso = wrk(f"{base_url}/api/recordings/list?meeting_id={VENDOR_MEETING}", 32, seconds, SSO_HEADERS)
            page = wrk(f"{base_url}/meetings/{meeting}/recordings", 25, seconds, [f"Cookie: {cookie}"])
            rows.append({"setup": name, "proxy_hop": hop, "proxy_hop_sso": sso, "page_100": page, "direct": direct, "nginx": proxy})
            log(f"{name:<40} SSO hop {sso['rps']:7.0f} req/s p50 {sso['p50_ms']:6.2f} ms p99 {sso['p99_ms']:6.2f} ms")
            log(f"{name:<40} hop {hop['rps']:7.0f} req/s p50 {hop['p50_ms']:6.2f} ms p99 {hop['p99_ms']:6.2f} ms | "
                f"100-row page {page['rps']:6.0f} req/s p50 {page['p50_ms']:6.2f} ms p99 {page['p99_ms']:6.2f} ms | "
                f"errors {hop['non_2xx_3xx'] + page['non_2xx_3xx'] + hop['socket_errors'] + page['socket_errors']}")
        return rows
    finally:
        for p in procs.procs[-4:]:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGTERM)
        subprocess.run([str(ROOT / "scripts/postgres.sh"), "stop", str(pg)], capture_output=True)
        shutil.rmtree(pg, ignore_errors=True)


# ---------------------------------------------------------------- report

def previous_figures():
    """What the last committed run measured, before this one overwrites it."""
    try:
        last = json.loads((ROOT / "bench/results.json").read_text())
    except (OSError, ValueError):
        return {}
    keep = {"commit": last.get("commit"), "date": last.get("date"), "downloads_total": last.get("downloads_total"),
            "lighthouse": last.get("lighthouse")}
    if isinstance(last.get("browser_loads"), list):
        keep["browser_loads"] = last["browser_loads"]
    # Carried forward until a run replaces them, so "before" stays the first measured figure.
    for k in ("before_islands",):
        if k in last.get("previous", {}):
            keep[k] = last["previous"][k]
    return keep


def machine():
    cpu = next((l.split(":", 1)[1].strip() for l in Path("/proc/cpuinfo").read_text().splitlines()
                if l.startswith("model name")), platform.processor())
    mem = int(Path("/proc/meminfo").read_text().split()[1]) // 1024 // 1024
    return f"{os.cpu_count()} cores ({cpu}), {mem} GiB, {platform.system()} {platform.release()}"


def downloads_only(args):
    work = Path(tempfile.mkdtemp(prefix="meeting-admin-bench-"))
    site = work / "site"
    shutil.copytree(args.site, site)
    procs = Procs()
    try:
        start_all(procs, args.bin, site, work)
        cookie = sign_in()
        print("4. what the browser downloads", flush=True)
        files, total = downloads(site)
        loads = browser_loads(cookie)
    finally:
        procs.stop()
    results = json.loads((ROOT / "bench/results.json").read_text())
    results["section4_before"] = {"commit": results.get("section4", {}).get("commit", results.get("commit")),
                                  "downloads_total": results["downloads_total"], "browser_loads": results.get("browser_loads")}
    results["section4"] = {"commit": subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip(),
                           "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}
    results.update({"downloads": files, "downloads_total": total, "browser_loads": loads})
    (ROOT / "bench/results.json").write_text(json.dumps(results, indent=1) + "\n")
    (ROOT / "BENCHMARKS.md").write_text(render(results))
    shutil.rmtree(work, ignore_errors=True)
    print("wrote section 4 into bench/results.json and BENCHMARKS.md")


def lighthouse_only(args):
    work = Path(tempfile.mkdtemp(prefix="meeting-admin-bench-"))
    procs = Procs()
    try:
        start_all(procs, args.bin, args.site, work)
        for row in lighthouse(sign_in(), work, keep_shifts=True):
            for shift in row.get("shifts", []):
                log(f"  shift {shift['score']:.4f}  {shift['node']}")
    finally:
        procs.stop()
        shutil.rmtree(work, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--site", required=True)
    ap.add_argument("--seconds", type=int, default=5, help="length of each load run")
    ap.add_argument("--settle", type=int, default=30, help="seconds to wait before the after-load RSS")
    ap.add_argument("--lighthouse-only", action="store_true",
                    help="only Lighthouse, with the elements that shifted; writes nothing (for diagnosis)")
    ap.add_argument("--bulk-only", action="store_true",
                    help="only the bulk batch (section 7): writes bench/bulk.json and BENCHMARKS.md from it and the last results.json")
    ap.add_argument("--retention-only", action="store_true",
                    help="only retention (section 8): writes bench/retention.json and BENCHMARKS.md from it and the last results.json")
    ap.add_argument("--downloads-only", action="store_true",
                    help="only section 4 (what the browser downloads): replaces it in bench/results.json, the figures "
                         "it replaces kept as its \"before\", and writes BENCHMARKS.md")
    ap.add_argument("--cases-only", action="store_true",
                    help="only erasure cases (section 9): writes bench/cases.json and BENCHMARKS.md from it and the last results.json")
    args = ap.parse_args()
    if args.lighthouse_only:
        return lighthouse_only(args)
    if args.downloads_only:
        return downloads_only(args)
    import bulk  # bench/bulk.py
    import retention  # bench/retention.py
    import cases  # bench/cases.py
    # A section on its own: its JSON, then BENCHMARKS.md from it and the last full run's results.
    for only, title, module, written in [(args.bulk_only, "7. bulk work", bulk, "bulk"), (args.retention_only, "8. retention", retention, "retention"),
                                       (args.cases_only, "9. erasure cases", cases, "cases")]:
        if only:
            print(title, flush=True)
            module.run(args.bin, args.site)
            (ROOT / "BENCHMARKS.md").write_text(render(json.loads((ROOT / "bench/results.json").read_text())))
            print(f"wrote bench/{written}.json and BENCHMARKS.md")
            return

    work = Path(tempfile.mkdtemp(prefix="meeting-admin-bench-"))
    site = work / "site"
    shutil.copytree(args.site, site)  # a copy, so the static pages we add never touch the build
    procs = Procs()
    started = time.time()
    try:
        app = start_all(procs, args.bin, site, work)
        cookie = sign_in()
        time.sleep(1)
        idle_kib = rss_kib(app.pid)
        log(f"dashboard RSS idle: {idle_kib / 1024:.1f} MiB")
        print("1. the proxy hop", flush=True)
        hop = proxy_hop(cookie, args.seconds)
        print("2. server rendering", flush=True)
        rendered, rendered_summary = rendering(cookie, site, args.seconds)
        peak_kib = rss_kib(app.pid, "VmHWM")
        print("4. what the browser downloads", flush=True)
        files, total = downloads(site)
        loads = browser_loads(cookie)
        print("5. Lighthouse", flush=True)
        lh = lighthouse(cookie, work)
        print(f"3. memory (waiting {args.settle} s after the loads)", flush=True)
        time.sleep(args.settle)
        after_kib = rss_kib(app.pid)
        log(f"idle {idle_kib / 1024:.1f} MiB, peak {peak_kib / 1024:.1f} MiB, after {after_kib / 1024:.1f} MiB")
        print("6. the backends", flush=True)
        backend_rows = backends(procs, args.bin, site, work, cookie, args.seconds)
    finally:
        procs.stop()
    print("7. bulk work", flush=True)
    bulk.run(args.bin, site)
    print("8. retention", flush=True)
    retention.run(args.bin, site)
    print("9. erasure cases", flush=True)
    cases.run(args.bin, site)
    results = {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip(),
        "machine": machine(),
        "seconds_per_run": args.seconds,
        "proxy_hop": hop,
        "rendering": rendered, "rendering_summary": rendered_summary,
        "memory_mib": {"idle": idle_kib / 1024, "peak": peak_kib / 1024, "after_30s": after_kib / 1024},
        "downloads": files, "downloads_total": total,
        "browser_loads": loads,
        # The last run's figures, for "before and after".
        "previous": previous_figures(),
        "lighthouse": lh,
        "backends": backend_rows,
        "wall_seconds": time.time() - started,
    }
    (ROOT / "bench/results.json").write_text(json.dumps(results, indent=1) + "\n")
    (ROOT / "BENCHMARKS.md").write_text(render(results))
    shutil.rmtree(work, ignore_errors=True)
    print(f"wrote BENCHMARKS.md and bench/results.json in {results['wall_seconds']:.0f} s")


if __name__ == "__main__":
    sys.modules.setdefault("bench", sys.modules[__name__])  # one module, whether run or imported
    main()
