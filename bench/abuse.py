#!/usr/bin/env python3
# Abuse limits by hand: 100 parallel wrong sign-ins, then 1,000 POSTs with no session and a
# 60 KB x-request-id, against a running server on 127.0.0.1:3999 (demo mode, SQLite file
# /tmp/mb/m.db). Usage: bench/abuse.py PID. Prints the figures BENCHMARKS.md quotes.
import concurrent.futures, urllib.request, urllib.parse, time, sys, os, sqlite3
PID=int(sys.argv[1]); BASE="http://127.0.0.1:3999"
def rss():
    s=open(f"/proc/{PID}/status").read()
    g=lambda k:int([l for l in s.splitlines() if l.startswith(k)][0].split()[1])/1024
    return g("VmRSS:"), g("VmHWM:")
def post(path, form, headers={}):
    data=urllib.parse.urlencode(form).encode()
    req=urllib.request.Request(BASE+path, data=data, headers={"Origin":BASE, "Accept":"application/json", **headers})
    try:
        return urllib.request.urlopen(req, timeout=30).status
    except urllib.error.HTTPError as e:
        return e.code
print("idle RSS %.1f MiB (peak so far %.1f)" % rss())
t=time.time()
with concurrent.futures.ThreadPoolExecutor(100) as ex:
    st=list(ex.map(lambda i: post("/api/sign_in", {"username":f"user{i%3}", "password":f"wrong guess {i}"}), range(100)))
print("100 parallel sign-ins in %.1f s: %s" % (time.time()-t, {s: st.count(s) for s in set(st)}))
print("after: RSS %.1f MiB, peak %.1f MiB" % rss())
db="/tmp/mb/m.db"
def rows(): 
    c=sqlite3.connect(db); n=c.execute("select count(*) from audit_log").fetchone()[0]; c.close(); return n
size=lambda: sum(os.path.getsize(p) for p in [db, db+"-wal"] if os.path.exists(p))
r0, s0 = rows(), size()
t=time.time()
with concurrent.futures.ThreadPoolExecutor(16) as ex:
    st=list(ex.map(lambda i: post("/api/recordings/delete", {"meeting_id":"6932e0f8652986000d48148a"}, {"x-request-id": "a"*60000}), range(1000)))
print("1,000 unauthenticated POSTs (60 KB x-request-id each) in %.1f s: %s; audit rows +%d, database +%d KiB" % (time.time()-t, {s: st.count(s) for s in set(st)}, rows()-r0, (size()-s0)//1024))
