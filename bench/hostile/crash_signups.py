#!/usr/bin/env python3
"""Acknowledged signups lost across `kill -9`: starts the server, keeps 32 signup loops running,
kills the server with SIGKILL 5 times at random moments (restarting it on the same data folder
each time), then checks that every address that was answered 2xx is in the database.
Prints one JSON object.

    bench/hostile/crash_signups.py SERVER_BIN SITE_DIR CONTENT_DIR DATA_DIR PORT [KILLS] [LOOPS]
"""
import http.client
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse

server_bin, site, content, data, port = sys.argv[1:6]
port = int(port)
kills = int(sys.argv[6]) if len(sys.argv) > 6 else 5
loops = int(sys.argv[7]) if len(sys.argv) > 7 else 32
env = {**os.environ, "LEPTOS_SITE_ADDR": f"127.0.0.1:{port}", "LEPTOS_SITE_ROOT": site, "LEPTOS_OUTPUT_NAME": "nourishvibes",
       "LEPTOS_ENV": "PROD", "NV_SITE_URL": f"http://127.0.0.1:{port}", "NV_CONTENT_DIR": content, "NV_DATA_DIR": data,
       "NV_SIGNUP_LIMIT": "0", "RUST_LOG": "warn"}
log = open(os.path.join(data, "..", f"crash-server-{port}.log"), "ab")


def start():
    process = subprocess.Popen([server_bin], env=env, stdout=log, stderr=log)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status in (200, 404):
                return process
        except OSError:
            time.sleep(0.02)
    raise SystemExit("the server did not start")


acknowledged = []
lock = threading.Lock()
stop = threading.Event()


def loop(n):
    counter = 0
    conn = None
    while not stop.is_set():
        counter += 1
        email = f"crash-{n}-{counter}-{random.randrange(1 << 30)}@example.com"
        body = urllib.parse.urlencode({"email": email, "form": "newsletter-page", "company": "", "return_to": "/"})
        try:
            if conn is None:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("POST", "/api/newsletter/subscribe", body=body, headers={
                "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"})
            response = conn.getresponse()
            response.read()
            if 200 <= response.status < 300:
                with lock:
                    acknowledged.append(email)
        except (OSError, http.client.HTTPException):
            conn = None
            time.sleep(0.05)


os.makedirs(data, exist_ok=True)
process = start()
threads = [threading.Thread(target=loop, args=(n,), daemon=True) for n in range(loops)]
for thread in threads:
    thread.start()
for _ in range(kills):
    time.sleep(random.uniform(1.5, 3.5))
    process.send_signal(signal.SIGKILL)
    process.wait()
    process = start()
time.sleep(2)
stop.set()
for thread in threads:
    thread.join(timeout=15)
process.send_signal(signal.SIGTERM)
try:
    process.wait(timeout=30)
except subprocess.TimeoutExpired:
    process.kill()
    process.wait()

db = sqlite3.connect(os.path.join(data, "nourishvibes.sqlite3"))
stored = {row[0].lower() for row in db.execute("SELECT email FROM subscribers")}
integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
lost = [email for email in acknowledged if email.lower() not in stored]
print(json.dumps({"crash_kills": kills, "crash_loops": loops, "crash_acknowledged": len(acknowledged),
                  "crash_lost": len(lost), "crash_integrity": integrity, "crash_lost_sample": lost[:5]}))
