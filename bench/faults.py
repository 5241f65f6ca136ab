#!/usr/bin/env python3
"""Faults the server gets over by itself, with figures. Prints one JSON object.

1. disk_full: the data dir on a 24 MB tmpfs (needs root), 8 signup loops; the disk is filled,
   held full 3 s, then freed. Signups refused while full, time from freeing the space to the
   first stored signup, /readyz while full, acknowledged signups lost (all checked in SQLite).
2. postgres_restart: a throwaway cluster (scripts/postgres.sh) stopped (immediate) under 8
   signup loops, down 5 s, started again: time to the first stored signup after it is back,
   acknowledged lost.
3. smtp_down: nobody listens on the SMTP port while 3 confirmations and an issue to 2 readers
   are queued; the SMTP server (aiosmtpd's Mailbox) comes up 8 s later: seconds until every
   reader has mail, mails delivered twice.
4. backup: `server db backup` of a 100,000-subscriber SQLite database while 16 signup loops
   run: its time, signups acknowledged while it ran, and signups acknowledged before it started
   that are missing from the copy.

    bench/faults.py SERVER_BIN SITE_DIR CONTENT_DIR WORK_DIR PORT SMTP_PORT PG_PORT
"""
import collections
import email
import http.client
import json
import mailbox
import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

server_bin, site, content, work, port, smtp_port, pg_port = sys.argv[1:8]
port, smtp_port, pg_port = int(port), int(smtp_port), int(pg_port)
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
log = open(os.path.join(work, "faults-server.log"), "ab")
python = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable


def start_server(data, extra):
    env = {**os.environ, "LEPTOS_SITE_ADDR": f"127.0.0.1:{port}", "LEPTOS_SITE_ROOT": site, "LEPTOS_OUTPUT_NAME": "nourishvibes",
           "LEPTOS_ENV": "PROD", "NV_SITE_URL": f"http://127.0.0.1:{port}", "NV_CONTENT_DIR": content, "NV_DATA_DIR": data,
           "NV_SIGNUP_LIMIT": "0", "RUST_LOG": "warn", "NV_NEWSLETTER_SCHEDULE": "off"}
    for name in ("NV_SMTP_HOST", "NV_DATABASE_URL", "NV_MAIL_RATE"):
        env.pop(name, None)
    env.update(extra)
    process = subprocess.Popen([server_bin], env=env, stdout=log, stderr=log)
    deadline = time.time() + 120
    while time.time() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited at start (see {work}/faults-server.log)")
        if get("/healthz")[0] == 200:
            time.sleep(0.2)
            if process.poll() is not None:
                raise SystemExit(f"another server answers on port {port} (see {work}/faults-server.log)")
            return process
        time.sleep(0.05)
    raise SystemExit("the server did not start")


def get(path):
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read().decode(errors="replace")
    except OSError:
        return 0, ""


def sign_up(address, timeout=15):
    body = urllib.parse.urlencode({"email": address, "form": "newsletter-page", "company": "", "return_to": "/"})
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        conn.request("POST", "/api/newsletter/subscribe", body=body, headers={
            "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json",
            "Origin": f"http://127.0.0.1:{port}", "Sec-Fetch-Site": "same-origin"})
        return conn.getresponse().status
    except OSError:
        return 0


class Load:
    """Signup loops; every 200 answer is kept with its time."""

    def __init__(self, name, loops=8):
        self.acknowledged, self.refused, self.lock, self.stop = [], 0, threading.Lock(), threading.Event()
        self.threads = [threading.Thread(target=self.loop, args=(name, n)) for n in range(loops)]
        for thread in self.threads:
            thread.start()

    def loop(self, name, n):
        count = 0
        while not self.stop.is_set():
            count += 1
            address = f"{name}-{n}-{count}@example.com"
            status = sign_up(address)
            with self.lock:
                if status == 200:
                    self.acknowledged.append((time.time(), address))
                else:
                    self.refused += 1
                    time.sleep(0.02)

    def first_after(self, moment, limit):
        deadline = moment + limit
        while time.time() < deadline:
            with self.lock:
                later = [at for at, _ in self.acknowledged if at > moment]
            if later:
                return round(min(later) - moment, 3)
            time.sleep(0.02)
        return None

    def finish(self):
        self.stop.set()
        for thread in self.threads:
            thread.join()
        return [address for _, address in self.acknowledged]


def disk_full():
    if os.geteuid() != 0:
        return {"skipped": "needs root to mount a tmpfs"}
    mount = tempfile.mkdtemp(prefix="nv-bench-disk.")
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", mount], check=True)
    try:
        server = start_server(mount, {})
        load = Load("disk")
        time.sleep(2)
        filler = os.path.join(mount, "filler")
        with open(filler, "wb", buffering=0) as file:
            for block in (65536, 512):
                try:
                    while True:
                        file.write(b"\0" * block)
                except OSError:
                    pass
        with load.lock:
            refused_before = load.refused
        time.sleep(3)
        readyz_full, body = get("/readyz")
        with load.lock:
            refused = load.refused - refused_before
        os.remove(filler)
        freed = time.time()
        recovered = load.first_after(freed, 30)
        ready = None
        while time.time() - freed < 30:
            if get("/readyz")[0] == 200:
                ready = round(time.time() - freed, 2)
                break
            time.sleep(0.1)
        acknowledged = load.finish()
        server.terminate()
        server.wait(30)
        database = sqlite3.connect(os.path.join(mount, "nourishvibes.sqlite3"))
        stored = {row[0] for row in database.execute("SELECT email FROM subscribers")}
        return {"refused_while_full": refused, "readyz_while_full": readyz_full, "readyz_reason": body.strip()[:80],
                "recovered_s_after_space_freed": recovered, "ready_s_after_space_freed": ready,
                "acknowledged": len(acknowledged), "lost": sum(1 for address in acknowledged if address not in stored)}
    finally:
        subprocess.run(["umount", "-l", mount])


def postgres_restart():
    script = os.path.join(root, "scripts", "postgres.sh")
    pg_dir = tempfile.mkdtemp(prefix="nv-bench-faults-pg.")
    url = subprocess.run([script, "start", pg_dir, str(pg_port)], check=True, capture_output=True, text=True).stdout.strip()
    data = tempfile.mkdtemp(dir=work, prefix="data-faults-pg.")
    try:
        server = start_server(data, {"NV_DATABASE_URL": url})
        load = Load("pg")
        time.sleep(3)
        subprocess.run([script, "stop", pg_dir], check=True)
        down = time.time()
        time.sleep(5)
        subprocess.run([script, "start", pg_dir, str(pg_port)], check=True, capture_output=True)
        back = time.time()
        recovered = load.first_after(back, 30)
        time.sleep(2)
        acknowledged = load.finish()
        server.terminate()
        server.wait(30)
        emails = subprocess.run(["/usr/lib/postgresql/15/bin/psql" if os.path.exists("/usr/lib/postgresql/15/bin/psql") else "psql",
                                 url, "-tA", "-c", "SELECT email FROM subscribers"], check=True, capture_output=True, text=True)
        stored = set(emails.stdout.split())
        return {"down_s": round(back - down, 1), "recovered_s_after_back": recovered, "acknowledged": len(acknowledged),
                "lost": sum(1 for address in acknowledged if address not in stored)}
    finally:
        subprocess.run([script, "stop", pg_dir])


def smtp_down():
    data = tempfile.mkdtemp(dir=work, prefix="data-faults-smtp.")
    server = start_server(data, {"NV_SMTP_HOST": "127.0.0.1", "NV_SMTP_PORT": str(smtp_port), "NV_SMTP_TLS": "none",
                                 "NV_MAIL_FROM": "News <news@nv.test>", "NV_MAIL_RATE": "0"})
    database = sqlite3.connect(os.path.join(data, "nourishvibes.sqlite3"), timeout=10)
    database.execute("INSERT INTO subscribers (email, status, created_at, confirmed_at) VALUES "
                     "('reader1@example.com', 'confirmed', 1, 1), ('reader2@example.com', 'confirmed', 1, 1)")
    database.commit()
    for n in range(3):
        sign_up(f"new{n}@example.com")
    subprocess.run([server_bin, "newsletter", "send", "--week", "2026-W19"], check=True, capture_output=True,
                   env={**os.environ, "NV_DATA_DIR": data, "NV_CONTENT_DIR": content, "NV_SITE_URL": f"http://127.0.0.1:{port}",
                        "RUST_LOG": "warn"})
    time.sleep(8)
    maildir = os.path.join(data, "maildir")
    sink = subprocess.Popen([python, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{smtp_port}", "-c", "aiosmtpd.handlers.Mailbox",
                             maildir], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    back = time.time()
    try:
        def counts():
            if not os.path.isdir(maildir):
                return collections.Counter()
            return collections.Counter(message["To"] for message in mailbox.Maildir(maildir, factory=None, create=False))
        delivered = None
        while time.time() - back < 180:
            if len(counts()) >= 5:
                delivered = round(time.time() - back, 1)
                break
            time.sleep(0.2)
        time.sleep(3)
        final = counts()
        return {"mails": 5, "readers_with_mail": len(final), "delivered_twice": sum(count - 1 for count in final.values()),
                "all_delivered_s_after_back": delivered, "first_retry_after_s": 60}
    finally:
        sink.terminate()
        server.terminate()
        server.wait(30)


def backup_under_load(subscribers=100_000):
    data = tempfile.mkdtemp(dir=work, prefix="data-faults-backup.")
    server = start_server(data, {})
    database = sqlite3.connect(os.path.join(data, "nourishvibes.sqlite3"), timeout=30)
    database.executemany("INSERT INTO subscribers (email, status, created_at, confirmed_at) VALUES (?, 'confirmed', 1, 1)",
                         ((f"reader{n}@example.com",) for n in range(subscribers)))
    database.commit()
    database.close()
    load = Load("backup", loops=16)
    time.sleep(2)
    target = os.path.join(work, f"backup-{os.getpid()}.sqlite3")
    started = time.time()
    made = subprocess.run([server_bin, "db", "backup", target], capture_output=True, text=True,
                          env={**os.environ, "NV_DATA_DIR": data, "NV_CONTENT_DIR": content, "RUST_LOG": "warn"})
    finished = time.time()
    time.sleep(1)
    load.finish()
    server.terminate()
    server.wait(30)
    if made.returncode != 0:
        return {"failed": made.stderr.strip()[:200]}
    copy = sqlite3.connect(target)
    stored = {row[0] for row in copy.execute("SELECT email FROM subscribers")}
    before = [address for at, address in load.acknowledged if at < started]
    during = sum(1 for at, _ in load.acknowledged if started <= at <= finished)
    os.remove(target)
    return {"subscribers": subscribers, "backup_s": round(finished - started, 2), "acknowledged_during": during,
            "acknowledged_before": len(before), "lost": sum(1 for address in before if address not in stored),
            "integrity": copy.execute("PRAGMA integrity_check").fetchone()[0]}


print(json.dumps({"backup": backup_under_load(), "disk_full": disk_full(), "postgres_restart": postgres_restart(), "smtp_down": smtp_down()}))
