#!/usr/bin/env python3
"""Several servers on one PostgreSQL. Prints one JSON object.

1. Signups: new-address signups/s through the real endpoint (bench/wrk/signup.lua) into
   PostgreSQL through two server processes at once (one wrk per server, 32 connections each),
   and, beside it on the same machine, into SQLite through one server (64 connections, as the
   main signup figure). Errors are non-2xx answers plus socket errors; every acknowledged
   signup is then counted in the database.
2. The weekly issue: 10,000 confirmed subscribers in PostgreSQL, `server newsletter send`
   queues the issue while two servers run, and both deliver it into one local SMTP server
   (aiosmtpd's Mailbox, a Maildir): time, mails/s, each server's share, and from the Maildir
   how many addresses got exactly one mail.

    bench/postgres.py SERVER_BIN SITE_DIR CONTENT_DIR WORK_DIR PORT SMTP_PORT PG_PORT [SUBSCRIBERS]

PORT and PORT+1 are the two servers. The PostgreSQL cluster is started on PG_PORT by
scripts/postgres.sh (installing Debian's PostgreSQL where missing) and stopped at the end.
"""
import collections
import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

server_bin, site, content, work, port, smtp_port, pg_port = sys.argv[1:8]
port, smtp_port, pg_port = int(port), int(smtp_port), int(pg_port)
subscribers = int(sys.argv[8]) if len(sys.argv) > 8 else 10_000
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
duration = int(os.environ.get("NV_BENCH_DURATION", "8"))
warmup = int(os.environ.get("NV_BENCH_WARMUP", "3"))
log = open(os.path.join(work, "postgres-servers.log"), "ab")
# Directly under /tmp: the cluster's owner (the postgres user) cannot enter WORK_DIR (700 root).
pg_dir = tempfile.mkdtemp(prefix="nv-bench-postgres.")
processes = []


def psql_bin():
    for version in sorted(os.listdir("/usr/lib/postgresql"), reverse=True):
        path = f"/usr/lib/postgresql/{version}/bin/psql"
        if os.path.exists(path):
            return path
    return "psql"


def psql(url, sql):
    """Runs `sql` and returns its single value (or nothing)."""
    out = subprocess.run([psql_bin(), url, "-v", "ON_ERROR_STOP=1", "-tA", "-c", sql], check=True, capture_output=True, text=True)
    return out.stdout.strip()


def server_env(name, server_port, extra):
    data = os.path.join(work, f"data-postgres-{name}")
    os.makedirs(data, exist_ok=True)
    env = {**os.environ, "LEPTOS_SITE_ADDR": f"127.0.0.1:{server_port}", "LEPTOS_SITE_ROOT": site,
           "LEPTOS_OUTPUT_NAME": "nourishvibes", "LEPTOS_ENV": "PROD", "NV_SITE_URL": f"http://127.0.0.1:{server_port}",
           "NV_CONTENT_DIR": content, "NV_DATA_DIR": data, "NV_SIGNUP_LIMIT": "0", "RUST_LOG": "warn",
           "NV_NEWSLETTER_SCHEDULE": "off"}
    for name in ("NV_MAIL_RATE", "NV_MAIL_CONCURRENCY", "NV_SMTP_HOST", "NV_DATABASE_URL"):
        env.pop(name, None)
    env.update(extra)
    return env


def start_server(name, server_port, extra, log_to=None):
    process = subprocess.Popen([server_bin], env=server_env(name, server_port, extra), stdout=log_to or log, stderr=log_to or log)
    processes.append(process)
    deadline = time.time() + 120
    while time.time() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server {name} exited at start (see {work}/postgres-servers.log)")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", server_port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"the server {name} did not start")


def stop(process):
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wrk(target, connections, threads, seconds, run_id):
    """Starts wrk with the signup script; the process (its output is read by `wrk_result`)."""
    return subprocess.Popen(["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "-s",
                             os.path.join(root, "bench/wrk/signup.lua"), target, "--", run_id],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def wrk_result(process):
    out = process.communicate()[0]
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    non2xx = re.search(r"Signup non-2xx: (\d+)", out)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", out)
    total = re.search(r"(\d+) requests in", out)
    if not rps or not total:
        raise SystemExit(f"wrk printed no result:\n{out}")
    errors = int(non2xx.group(1)) if non2xx else 0
    if sockets:
        errors += sum(int(n) for n in sockets.groups())
    p99_ms = None
    if p99:
        p99_ms = float(p99.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[p99.group(2)]
    return {"rps": float(rps.group(1)), "errors": errors, "requests": int(total.group(1)), "p99_ms": p99_ms}


def signups_into(targets, connections_each, threads_each, tag):
    """Warm-up, then one measured run of one wrk per target at once; summed."""
    for run in [wrk(target, connections_each, threads_each, warmup, f"w{tag}{n}") for n, target in enumerate(targets)]:
        wrk_result(run)
    runs = [wrk(target, connections_each, threads_each, duration, f"m{tag}{n}") for n, target in enumerate(targets)]
    results = [wrk_result(run) for run in runs]
    return {
        "rps": round(sum(r["rps"] for r in results), 1),
        "errors": sum(r["errors"] for r in results),
        "requests": sum(r["requests"] for r in results),
        "p99_ms": max((r["p99_ms"] for r in results if r["p99_ms"] is not None), default=None),
        "servers": len(targets),
        "connections": connections_each * len(targets),
    }


started = subprocess.run([os.path.join(root, "scripts/postgres.sh"), "start", pg_dir, str(pg_port)], check=True,
                         stdout=subprocess.PIPE, text=True)
cluster = started.stdout.strip().splitlines()[-1]
base = cluster.rsplit("/", 1)[0]
result = {"postgres": psql(cluster, "SHOW server_version")}
try:
    # 1. Signups.
    psql(cluster, "CREATE DATABASE bench_signups")
    signups_url = f"{base}/bench_signups"
    pg_servers = [start_server(f"signup{n}", port + n, {"NV_DATABASE_URL": signups_url}) for n in range(2)]
    pg = signups_into([f"http://127.0.0.1:{port + n}" for n in range(2)], 32, 1, "pg")
    for process in pg_servers:
        stop(process)
    pg["stored"] = int(psql(signups_url, "SELECT COUNT(*) FROM subscribers WHERE email LIKE 'bench-m%'"))
    result["signups_postgres"] = pg

    sqlite_server = start_server("signup-sqlite", port, {})
    lite = signups_into([f"http://127.0.0.1:{port}"], 64, 2, "lite")
    stop(sqlite_server)
    result["signups_sqlite"] = lite

    # 2. One weekly issue, two servers delivering.
    psql(cluster, "CREATE DATABASE bench_weekly")
    weekly_url = f"{base}/bench_weekly"
    env = server_env("weekly-command", port, {"NV_DATABASE_URL": weekly_url})
    subprocess.run([server_bin, "newsletter", "status"], env=env, check=True, stdout=subprocess.DEVNULL)
    psql(weekly_url, "INSERT INTO subscribers (email, status, created_at, confirmed_at) "
                     f"SELECT 'reader' || n || '@example.com', 'confirmed', 1, 1 FROM generate_series(0, {subscribers - 1}) AS n")
    maildir = os.path.join(work, "postgres-maildir")
    python = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
    sink = subprocess.Popen([python, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{smtp_port}", "-c", "aiosmtpd.handlers.Mailbox", maildir],
                            stdout=subprocess.DEVNULL, stderr=log)
    processes.append(sink)
    time.sleep(1)
    smtp = {"NV_DATABASE_URL": weekly_url, "NV_SMTP_HOST": "127.0.0.1", "NV_SMTP_PORT": str(smtp_port), "NV_SMTP_TLS": "none",
            "NV_MAIL_RATE": "0", "RUST_LOG": "warn,app::newsletter::server::worker=debug"}
    logs = [open(os.path.join(work, f"postgres-weekly-server{n}.log"), "wb") for n in range(2)]
    weekly_servers = [start_server(f"weekly{n}", port + n, smtp, logs[n]) for n in range(2)]
    t0 = time.time()
    subprocess.run([server_bin, "newsletter", "send", "--week", "2026-W21"], env=env, check=True, stdout=subprocess.DEVNULL)
    queued_s = time.time() - t0
    deadline = time.time() + 900
    while int(psql(weekly_url, "SELECT COUNT(*) FROM outbox WHERE issue_id IS NOT NULL AND sent_at IS NOT NULL")) < subscribers:
        if time.time() > deadline:
            raise SystemExit("the issue was not delivered within 15 minutes")
        time.sleep(0.5)
    delivered_s = time.time() - t0
    time.sleep(2)
    for process in weekly_servers:
        stop(process)
    stop(sink)
    for handle in logs:
        handle.close()
    per_server = []
    for n in range(2):
        with open(os.path.join(work, f"postgres-weekly-server{n}.log"), errors="replace") as handle:
            per_server.append(sum(1 for line in handle if "newsletter: mail" in line and line.rstrip().endswith("delivered")))
    counts = collections.Counter()
    messages = 0
    for name in os.listdir(os.path.join(maildir, "new")):
        with open(os.path.join(maildir, "new", name), errors="replace") as handle:
            for line in handle:
                if line.startswith("To: "):
                    counts[line[4:].strip()] += 1
                    break
        messages += 1
    result["weekly"] = {
        "subscribers": subscribers,
        "queue_seconds": round(queued_s, 2),
        "delivered_seconds": round(delivered_s, 1),
        "mails_per_second": round(subscribers / delivered_s, 1),
        "delivered_by_server": per_server,
        "messages": messages,
        "addresses": len(counts),
        "exactly_once": sum(1 for count in counts.values() if count == 1),
        "more_than_once": sum(1 for count in counts.values() if count > 1),
    }
finally:
    for process in processes:
        stop(process)
    subprocess.run([os.path.join(root, "scripts/postgres.sh"), "stop", pg_dir], check=False)
    shutil.rmtree(pg_dir, ignore_errors=True)

print(json.dumps(result))
