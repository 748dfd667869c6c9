"""What every benchmark section shares: the ports, the processes (mock, dashboard, nginx) started
and stopped together, HTTP requests and the signed-in cookie. bench.py and the section modules
(bulk, retention, cases) import it; it imports none of them.
"""
import http.client
import json
import os
import signal
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KEY = "bench-key-not-a-real-one-3b9f"
MOCK, APP, NGINX = 3600, 3601, 3602
# Section 6: the dashboard on PostgreSQL, and two replicas on it behind nginx.
APP_PG, REPLICAS, LB = 3603, (3604, 3605), 3606
APP_URL = f"http://127.0.0.1:{APP}"
PASSWORD = "bench-password-long-enough"
VENDOR_MEETING = "6932e0f8652986000d48148a"  # seeded with the vendor's two example recordings


def log(msg):
    print(f"  {msg}", flush=True)


# ---------------------------------------------------------------- processes and HTTP

class Procs:
    def __init__(self):
        self.procs = []

    def start(self, args, env=None, **kw):
        p = subprocess.Popen(args, env={**os.environ, **(env or {})}, stdout=kw.pop("stdout", subprocess.DEVNULL),
                             stderr=kw.pop("stderr", subprocess.DEVNULL), start_new_session=True, **kw)
        self.procs.append(p)
        return p

    def stop(self):
        for p in reversed(self.procs):
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGTERM)
                try:
                    p.wait(10)
                except subprocess.TimeoutExpired:
                    os.killpg(p.pid, signal.SIGKILL)


def request(port, method, path, body=None, headers=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    c.request(method, path, body=body, headers=headers or {})
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, dict((k.lower(), v) for k, v in r.getheaders()), data


def wait_for(port, path, seconds=30):
    end = time.time() + seconds
    while time.time() < end:
        try:
            if request(port, "GET", path)[0] < 500:
                return
        except OSError:
            pass
        time.sleep(0.1)
    sys.exit(f"nothing answered on port {port}{path} within {seconds} s")


def rss_kib(pid, field="VmRSS"):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


# ---------------------------------------------------------------- wrk

def wrk(url, conns, seconds, headers=()):
    args = ["wrk", "-t1", f"-c{conns}", f"-d{seconds}s", "--timeout", "5s", "-s", str(ROOT / "bench/wrk-json.lua")]
    for h in headers:
        args += ["-H", h]
    out = subprocess.run(args + [url], capture_output=True, text=True, check=True).stdout
    line = [l for l in out.splitlines() if l.startswith("{")][-1]
    r = json.loads(line)
    r["rps"] = r["requests"] / (r["duration_us"] / 1e6)
    r["p50_ms"], r["p90_ms"], r["p99_ms"] = r["p50_us"] / 1000, r["p90_us"] / 1000, r["p99_us"] / 1000
    return r


def mock_stats():
    return json.loads(request(MOCK, "GET", "/_mock/stats")[2])


def set_latency(ms):
    if ms:
        request(MOCK, "POST", "/_mock/faults", json.dumps({"latency_ms": ms}), {"content-type": "application/json"})
    else:
        request(MOCK, "DELETE", "/_mock/faults")


def seed(meeting, n):
    s, _, _ = request(MOCK, "POST", f"/_mock/seed/{meeting}", json.dumps({"count": n}), {"content-type": "application/json"})
    assert s == 204, s


# ---------------------------------------------------------------- setup

# What both nginx configurations here start with (a prefix folder of their own, no logs).
NGINX_HEAD = """
worker_processes {workers};
pid nginx.pid;
error_log stderr warn;
events {{{{ worker_connections 1024; }}}}
http {{{{
    access_log off;
    client_body_temp_path tmp/body; proxy_temp_path tmp/proxy; fastcgi_temp_path tmp/fastcgi;
    uwsgi_temp_path tmp/uwsgi; scgi_temp_path tmp/scgi;
    proxy_buffer_size 64k; proxy_buffers 32 64k;"""

NGINX_CONF = NGINX_HEAD.format(workers="auto") + """
    upstream connectycube {{ server 127.0.0.1:{mock}; keepalive 64; }}
    server {{
        listen 127.0.0.1:{port};
        location /admin/ {{
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header CB-Administration-API-Key "{key}";
            proxy_pass http://connectycube;
        }}
    }}
}}
"""


# Trusted-header SSO beside local sign-in: what a gateway in front would send. A request with
# these headers has no session at all, so it shows what the path costs without the session.
SSO_ENV = {"SSO_USER_HEADER": "X-Forwarded-Email", "SSO_GROUPS_HEADER": "X-Forwarded-Groups",
           "SSO_TRUSTED_PROXIES": "127.0.0.1/32", "SSO_ADMIN_GROUPS": "bench-admins"}
SSO_HEADERS = ["X-Forwarded-Email: sso-bench@example.com", "X-Forwarded-Groups: bench-admins", "Accept: application/json"]


def start_all(procs, binary, site, work, extra_env=None, log=None):
    """The mock, nginx and the dashboard (its output to `log`, if given); returns the dashboard."""
    procs.start([binary, "mock-upstream", "--mock-addr", f"127.0.0.1:{MOCK}"], {"MOCK_UPSTREAM_KEY": KEY})
    wait_for(MOCK, "/_mock/stats")

    (work / "nginx/tmp").mkdir(parents=True)
    os.chmod(work / "nginx/tmp", 0o777)
    conf = work / "nginx/nginx.conf"
    conf.write_text(NGINX_CONF.format(mock=MOCK, port=NGINX, key=KEY))
    procs.start(["nginx", "-p", f"{work}/nginx/", "-c", str(conf), "-e", "stderr", "-g", "daemon off;"])

    env = {
        "DATABASE_URL": f"sqlite://{work}/bench.db",
        "CONNECTYCUBE_API_URL": f"http://127.0.0.1:{MOCK}",
        "CONNECTYCUBE_ADMIN_API_KEY": KEY,
        "LEPTOS_SITE_ADDR": f"127.0.0.1:{APP}",
        "LEPTOS_SITE_ROOT": str(site),
        "PUBLIC_URL": APP_URL,
        "MEDIA_ORIGINS": f"http://127.0.0.1:{MOCK}",
        "LOG_FORMAT": "json",
        **SSO_ENV,
        **(extra_env or {}),
    }
    subprocess.run([binary, "user", "add", "bench", "--role", "admin"], input=PASSWORD, text=True,
                   env={**os.environ, **env}, check=True, capture_output=True)
    out = log or subprocess.DEVNULL
    app = procs.start([binary, "serve"], env, stdout=out, stderr=out)
    wait_for(APP, "/readyz")
    wait_for(NGINX, f"/admin/meetings/recordings/{VENDOR_MEETING}")
    return app


def sign_in(port=APP):
    body = urllib.parse.urlencode({"username": "bench", "password": PASSWORD})
    status, headers, _ = request(port, "POST", "/api/sign_in", body, {
        "content-type": "application/x-www-form-urlencoded", "origin": f"http://127.0.0.1:{port}", "accept": "application/json"})
    cookie = headers.get("set-cookie", "").split(";")[0]
    if status != 200 or not cookie:
        sys.exit(f"bench sign-in failed: HTTP {status}")
    return cookie
