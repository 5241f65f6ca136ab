#!/usr/bin/env python3
"""The weekly newsletter at scale. Prints one JSON object.

1. Queueing: 100,000 confirmed subscribers in a fresh database; `server newsletter send` is run
   under /usr/bin/time: wall time and the command's peak resident memory.
2. Delivery: the server runs against a local SMTP sink (aiosmtpd's Sink handler, which accepts
   and drops every message) and the delivered mails per second are counted from the database,
   with the default settings (NV_MAIL_RATE, NV_MAIL_CONCURRENCY unset) and with the rate unlimited.

    bench/newsletter.py SERVER_BIN SITE_DIR CONTENT_DIR WORK_DIR PORT SMTP_PORT [SUBSCRIBERS]
"""
import http.client
import json
import os
import re
import sqlite3
import subprocess
import sys
import time

server_bin, site, content, work, port, smtp_port = sys.argv[1:7]
port, smtp_port = int(port), int(smtp_port)
subscribers = int(sys.argv[7]) if len(sys.argv) > 7 else 100_000
data = os.path.join(work, "data-newsletter")
os.makedirs(data, exist_ok=True)
database = os.path.join(data, "nourishvibes.sqlite3")
env = {**os.environ, "LEPTOS_SITE_ADDR": f"127.0.0.1:{port}", "LEPTOS_SITE_ROOT": site, "LEPTOS_OUTPUT_NAME": "nourishvibes",
       "LEPTOS_ENV": "PROD", "NV_SITE_URL": f"http://127.0.0.1:{port}", "NV_CONTENT_DIR": content, "NV_DATA_DIR": data,
       "RUST_LOG": "warn", "NV_SMTP_HOST": "127.0.0.1", "NV_SMTP_PORT": str(smtp_port), "NV_SMTP_TLS": "none",
       "NV_NEWSLETTER_SCHEDULE": "off"}
for name in ("NV_MAIL_RATE", "NV_MAIL_CONCURRENCY"):
    env.pop(name, None)
log = open(os.path.join(work, "newsletter-server.log"), "ab")

# The schema, as the server makes it.
subprocess.run([server_bin, "newsletter", "status"], env=env, check=True, stdout=subprocess.DEVNULL)
db = sqlite3.connect(database)
db.executemany("INSERT INTO subscribers (email, status, created_at, confirmed_at) VALUES (?, 'confirmed', 1, 1)",
               ((f"reader{n}@example.com",) for n in range(subscribers)))
db.commit()

timed = subprocess.run(["/usr/bin/time", "-v", server_bin, "newsletter", "send", "--week", "2026-W21"], env=env,
                       capture_output=True, text=True)
if timed.returncode != 0:
    raise SystemExit(f"server newsletter send failed: {timed.stdout} {timed.stderr}")
wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", timed.stderr)
hours = float(wall.group(1) or 0) if wall else 0
queue_seconds = hours * 3600 + float(wall.group(2)) * 60 + float(wall.group(3)) if wall else None
peak_kib = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", timed.stderr).group(1))
queued = db.execute("SELECT COUNT(*) FROM outbox WHERE issue_id IS NOT NULL").fetchone()[0]


def sent():
    return db.execute("SELECT COUNT(*) FROM outbox WHERE sent_at IS NOT NULL").fetchone()[0]


def start_server(extra):
    process = subprocess.Popen([server_bin], env={**env, **extra}, stdout=log, stderr=log)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.05)
    raise SystemExit("the server did not start")


def measure(extra, seconds):
    """Delivered mails per second over `seconds`, after 3 s of warm-up."""
    process = start_server(extra)
    try:
        time.sleep(3)
        before, t0 = sent(), time.time()
        time.sleep(seconds)
        after, t1 = sent(), time.time()
    finally:
        process.terminate()
        process.wait()
    return round((after - before) / (t1 - t0), 1)


sink = subprocess.Popen([sys.executable if os.path.exists("/usr/bin/python3") is False else "/usr/bin/python3", "-m", "aiosmtpd",
                         "-n", "-l", f"127.0.0.1:{smtp_port}", "-c", "aiosmtpd.handlers.Sink"],
                        stdout=subprocess.DEVNULL, stderr=log)
try:
    time.sleep(1)
    default_rate = measure({}, 15)
    unlimited_rate = measure({"NV_MAIL_RATE": "0"}, 15)
finally:
    sink.terminate()
    sink.wait()

print(json.dumps({
    "subscribers": subscribers,
    "queued": queued,
    "queue_seconds": queue_seconds,
    "queue_peak_rss_mib": round(peak_kib / 1024, 1),
    "delivered_per_second_default": default_rate,
    "delivered_per_second_unlimited": unlimited_rate,
}))
