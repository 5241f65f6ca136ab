#!/usr/bin/env python3
"""Slow clients and SIGTERM under load, measured against the real server (Python 3 stdlib only).

  slow_clients.py slow    --server BIN --site DIR --content DIR [--sockets 1200] [--hold 30]
  slow_clients.py sigterm --server BIN --site DIR --content DIR [--sockets 1200] [--signup-threads 16]
  slow_clients.py slow    --url http://127.0.0.1:PORT   (a server someone else started)

`slow`: opens N sockets, half sending a request head one header line every few seconds, half
silent; every second meanwhile times a normal `GET /` on a fresh connection; after --hold
seconds counts the sockets still open.

`sigterm`: starts the server, opens the N slow sockets, runs concurrent signup loops against
/api/newsletter/subscribe (the request bench/wrk/signup.lua sends), sends SIGTERM while they
run, times the exit and counts the acknowledged (200) signups missing from the SQLite database.

Each figure is printed as one JSON line on stdout; progress goes to stderr.
"""

import argparse
import http.client
import json
import os
import resource
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time

TRICKLE_EVERY = 3.0  # seconds between two header lines of a trickling client


def log(message):
    print(f"[slow_clients] {message}", file=sys.stderr, flush=True)


def raise_open_files(needed):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = hard if hard != resource.RLIM_INFINITY else max(soft, needed)
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    if soft < needed:
        log(f"warning: open-files limit {soft} is below the {needed} sockets this run needs")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """The server binary on a free port with a fresh data folder."""

    def __init__(self, binary, site, content, extra_env=None):
        self.port = free_port()
        self.data = tempfile.mkdtemp(prefix="nv-hostile-")
        self.log_path = os.path.join(self.data, "server.log")
        env = dict(os.environ)
        env.update({
            "LEPTOS_SITE_ADDR": f"127.0.0.1:{self.port}",
            "LEPTOS_SITE_ROOT": site,
            "LEPTOS_OUTPUT_NAME": "nourishvibes",
            "LEPTOS_ENV": "PROD",
            "NV_SITE_URL": f"http://127.0.0.1:{self.port}",
            "NV_CONTENT_DIR": content,
            "NV_DATA_DIR": self.data,
            "NV_SIGNUP_LIMIT": "0",
        })
        env.update(extra_env or {})
        with open(self.log_path, "ab") as out:
            self.process = subprocess.Popen([binary], env=env, stdout=out, stderr=out)
        started = time.monotonic()
        while time.monotonic() - started < 60:
            if self.process.poll() is not None:
                raise SystemExit(f"the server exited at start; see {self.log_path}")
            try:
                status, _ = get(self.port, "/healthz", timeout=2)
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise SystemExit(f"the server did not answer /healthz; see {self.log_path}")

    def database(self):
        return os.path.join(self.data, "nourishvibes.sqlite3")

    def stop(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def get(port, path, timeout=10):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Accept-Encoding": "br, gzip"})
        response = connection.getresponse()
        response.read()
        return response.status, response
    finally:
        connection.close()


class SlowSockets:
    """N sockets: even ones trickle a request head a line at a time, odd ones stay silent."""

    def __init__(self, port, count):
        self.sockets = []
        self.closed_at = {}
        self.started = time.monotonic()
        for index in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.settimeout(10)
            sock.connect(("127.0.0.1", port))
            sock.setblocking(False)
            if index % 2 == 0:
                sock.send(b"GET / HTTP/1.1\r\nHost: slow.example\r\n")
            self.sockets.append(sock)
        self.opening_s = time.monotonic() - self.started
        self.next_trickle = time.monotonic() + TRICKLE_EVERY
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True)
        self.thread.start()

    def _poll(self, trickle):
        for index, sock in enumerate(self.sockets):
            if index in self.closed_at:
                continue
            gone = False
            try:
                if sock.recv(4096) == b"":
                    gone = True
            except BlockingIOError:
                pass
            except OSError:
                gone = True
            if not gone and trickle and index % 2 == 0:
                try:
                    sock.send(b"X-Slow: %d\r\n" % index)
                except BlockingIOError:
                    pass
                except OSError:
                    gone = True
            if gone:
                self.closed_at[index] = time.monotonic() - self.started
                sock.close()

    def _watch(self):
        while not self.stop.is_set():
            now = time.monotonic()
            trickle = now >= self.next_trickle
            if trickle:
                self.next_trickle = now + TRICKLE_EVERY
            self._poll(trickle)
            self.stop.wait(0.2)

    def still_open(self):
        return len(self.sockets) - len(self.closed_at)

    def close(self):
        self.stop.set()
        self.thread.join()
        for sock in self.sockets:
            sock.close()


def measure_slow(port, count, hold):
    raise_open_files(count + 256)
    log(f"opening {count} slow sockets against port {port}")
    slow = SlowSockets(port, count)
    latencies, failures = [], 0
    while time.monotonic() - slow.started < hold:
        began = time.monotonic()
        try:
            status, _ = get(port, "/", timeout=10)
            if status == 200:
                latencies.append(time.monotonic() - began)
            else:
                failures += 1
        except OSError:
            failures += 1
        time.sleep(max(0.0, 1.0 - (time.monotonic() - began)))
    still_open = slow.still_open()
    last_closed = max(slow.closed_at.values(), default=None)
    slow.close()
    return {
        "figure": "slow_clients",
        "sockets": count,
        "after_s": hold,  # counted from the first socket's connect
        "still_open": still_open,
        "opening_s": round(slow.opening_s, 2),
        "last_closed_s": round(last_closed, 2) if last_closed is not None else None,
        "get_ok": len(latencies),
        "get_failed": failures,
        "get_ms_median": round(statistics.median(latencies) * 1000, 1) if latencies else None,
        "get_ms_max": round(max(latencies) * 1000, 1) if latencies else None,
    }


def signup_loop(port, run_id, thread_id, acknowledged, stop):
    """Signs up new addresses until the server stops answering; records the acknowledged ones."""
    origin = f"http://127.0.0.1:{port}"
    counter = 0
    connection = None
    while not stop.is_set():
        counter += 1
        email = f"term-{run_id}-t{thread_id}-{counter}@example.com"
        body = f"email={email.replace('@', '%40')}&form=newsletter-page&company=&return_to=%2F"
        try:
            if connection is None:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            connection.request("POST", "/api/newsletter/subscribe", body=body, headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/json",
                "Origin": origin,
                "Sec-Fetch-Site": "same-origin",
            })
            response = connection.getresponse()
            response.read()
            if response.status == 200:
                acknowledged.append(email)
            if response.will_close:
                connection.close()
                connection = None
        except (OSError, http.client.HTTPException):
            if connection is not None:
                connection.close()
                connection = None
            time.sleep(0.01)
    if connection is not None:
        connection.close()


def measure_sigterm(args):
    raise_open_files(args.sockets + 256)
    server = Server(args.server, args.site, args.content)
    try:
        slow = SlowSockets(server.port, args.sockets)
        run_id = str(int(time.time()))
        acknowledged, stop = [], threading.Event()
        threads = [
            threading.Thread(target=signup_loop, args=(server.port, run_id, n, acknowledged, stop), daemon=True)
            for n in range(args.signup_threads)
        ]
        for thread in threads:
            thread.start()
        time.sleep(args.load_before)
        before = len(acknowledged)
        log(f"{slow.still_open()} slow sockets open, {before} signups acknowledged; sending SIGTERM")
        signalled = time.monotonic()
        server.process.send_signal(signal.SIGTERM)
        try:
            code = server.process.wait(timeout=120)
        except subprocess.TimeoutExpired:
            code = None
        exit_s = time.monotonic() - signalled
        stop.set()
        for thread in threads:
            thread.join(timeout=35)
        slow.close()
        emails = list(acknowledged)
        database = sqlite3.connect(server.database())
        database.execute("CREATE TEMP TABLE acked (email TEXT)")
        database.executemany("INSERT INTO acked VALUES (?)", [(email,) for email in emails])
        stored = database.execute("SELECT COUNT(*) FROM acked WHERE email IN (SELECT email FROM subscribers)").fetchone()[0]
        integrity = database.execute("PRAGMA integrity_check").fetchone()[0]
        database.close()
        return {
            "figure": "sigterm_under_load",
            "slow_sockets": args.sockets,
            "signup_threads": args.signup_threads,
            "exit_s": round(exit_s, 2),
            "exit_code": code,
            "acknowledged": len(emails),
            "acknowledged_after_sigterm": len(emails) - before,
            "lost": len(emails) - stored,
            "integrity": integrity,
        }
    finally:
        server.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=["slow", "sigterm"])
    parser.add_argument("--server", help="the server binary (started here on a free port)")
    parser.add_argument("--site", default="target/site", help="built site root (LEPTOS_SITE_ROOT)")
    parser.add_argument("--content", default="content", help="content folder (NV_CONTENT_DIR)")
    parser.add_argument("--url", help="slow mode: a running server, e.g. http://127.0.0.1:3000")
    parser.add_argument("--sockets", type=int, default=1200)
    parser.add_argument("--hold", type=float, default=30.0, help="slow mode: seconds before counting open sockets")
    parser.add_argument("--signup-threads", type=int, default=16)
    parser.add_argument("--load-before", type=float, default=3.0, help="sigterm mode: seconds of load before the signal")
    args = parser.parse_args()
    if args.mode == "slow":
        if args.url:
            port = int(args.url.rstrip("/").rsplit(":", 1)[1])
            print(json.dumps(measure_slow(port, args.sockets, args.hold)), flush=True)
        elif args.server:
            server = Server(args.server, args.site, args.content)
            try:
                print(json.dumps(measure_slow(server.port, args.sockets, args.hold)), flush=True)
            finally:
                server.stop()
        else:
            parser.error("slow needs --url or --server")
    else:
        if not args.server:
            parser.error("sigterm needs --server")
        print(json.dumps(measure_sigterm(args)), flush=True)


if __name__ == "__main__":
    main()
