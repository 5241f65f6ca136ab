#!/usr/bin/env python3
"""Reloads a running server's content with SIGHUP while clients read it (stdlib only).

    bench/reload_under_load.py ORIGIN SERVER_PID CONTENT_DIR LOG_FILE ARTICLE_PATH [--reloads 5] [--clients 16]

Each reload round rewrites two places of the content at once with a new round number: the title
of the article at ARTICLE_PATH and the footer heading every page carries (site.toml), then sends
SIGHUP. Meanwhile CLIENTS threads fetch the article, the home page, a search page and the feed on
keep-alive connections and check every answer: a failed response is anything but a 200 (or a
connection error); a mixed one carries markers of two rounds (half old, half new content). After
each SIGHUP the script measures how long until the article shows the new round (what a reader
sees), and reads the server's own reload time from its log ("content reloaded ... took_ms").

Prints one JSON object: reloads, requests, failed, mixed, stale_after_reload (answers of an older
round once every client had seen the new one), reload_ms (server, median and max) and
visible_ms (SIGHUP to the new article page, median and max). The content folder is restored.
"""

import argparse
import http.client
import json
import os
import re
import signal
import statistics
import threading
import time
import urllib.parse

MARK = re.compile(r"Reload round (\d+)")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("origin")
    parser.add_argument("pid", type=int)
    parser.add_argument("content")
    parser.add_argument("log")
    parser.add_argument("article")
    parser.add_argument("--reloads", type=int, default=5)
    parser.add_argument("--clients", type=int, default=16)
    args = parser.parse_args()

    slug = args.article.rsplit("/", 1)[-1]
    article_file = os.path.join(args.content, "articles", slug + ".md")
    site_file = os.path.join(args.content, "site.toml")
    article_text = open(article_file, encoding="utf-8").read()
    site_text = open(site_file, encoding="utf-8").read()
    title = re.search(r'^title = "(.*)"$', article_text, re.M).group(1)
    heading = 'heading = "Join the NourishVibes Community"'
    assert heading in site_text, "the footer heading in site.toml"

    def publish(round_number):
        # Both files are written before the signal: the reload sees both or (if it raced an
        # earlier signal) neither; the check is on what the server serves.
        marker = f"Reload round {round_number}"
        with open(article_file + ".tmp", "w", encoding="utf-8") as out:
            out.write(article_text.replace(f'title = "{title}"', f'title = "{title} ({marker})"', 1))
        os.replace(article_file + ".tmp", article_file)
        with open(site_file + ".tmp", "w", encoding="utf-8") as out:
            out.write(site_text.replace(heading, f'heading = "Join the NourishVibes Community ({marker})"', 1))
        os.replace(site_file + ".tmp", site_file)

    host = urllib.parse.urlparse(args.origin)
    paths = [args.article, "/", "/search?q=magnesium", "/feed.xml"]
    lock = threading.Lock()
    totals = {"requests": 0, "failed": 0, "mixed": 0, "stale": 0}
    failures = []
    # The round every client must see from now on (set once the article shows it everywhere).
    settled = {"round": 0}
    stop = threading.Event()

    def client(index):
        connection = http.client.HTTPConnection(host.hostname, host.port, timeout=10)
        n = index
        while not stop.is_set():
            path = paths[n % len(paths)]
            n += 1
            floor = settled["round"]
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                body = response.read().decode("utf-8", "replace")
                status = response.status
            except Exception as error:  # a failed response, whatever the cause
                connection.close()
                connection = http.client.HTTPConnection(host.hostname, host.port, timeout=10)
                with lock:
                    totals["requests"] += 1
                    totals["failed"] += 1
                    failures.append(f"{path}: {error!r}")
                continue
            rounds = {int(found) for found in MARK.findall(body)}
            with lock:
                totals["requests"] += 1
                if status != 200:
                    totals["failed"] += 1
                    failures.append(f"{path}: HTTP {status}")
                if len(rounds) > 1:
                    totals["mixed"] += 1
                    failures.append(f"{path}: rounds {sorted(rounds)} in one answer")
                if rounds and max(rounds) < floor:
                    totals["stale"] += 1

    def log_reloads():
        try:
            text = open(args.log, encoding="utf-8", errors="replace").read()
        except OSError:
            return []
        return [int(ms) for ms in re.findall(r"took_ms(?:\x1b\[[0-9;]*m)*=(?:\x1b\[[0-9;]*m)*(\d+)", text)]

    publish(0)
    os.kill(args.pid, signal.SIGHUP)
    time.sleep(2.0)
    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(args.clients)]
    for thread in threads:
        thread.start()
    time.sleep(1.0)
    visible = []
    logged_before = len(log_reloads())
    probe = http.client.HTTPConnection(host.hostname, host.port, timeout=10)
    try:
        for round_number in range(1, args.reloads + 1):
            publish(round_number)
            sent = time.monotonic()
            os.kill(args.pid, signal.SIGHUP)
            marker = f"Reload round {round_number}"
            while True:
                probe.request("GET", args.article)
                body = probe.getresponse().read().decode("utf-8", "replace")
                if marker in body:
                    break
                if time.monotonic() - sent > 30:
                    raise SystemExit(f"round {round_number} not visible after 30 s")
                time.sleep(0.005)
            visible.append((time.monotonic() - sent) * 1000)
            # Answers started before the swap may still end with the old round: give them a
            # moment, then any older answer is a stale page that survived the reload.
            time.sleep(0.2)
            settled["round"] = round_number
            time.sleep(1.0)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=15)
        with open(article_file, "w", encoding="utf-8") as out:
            out.write(article_text)
        with open(site_file, "w", encoding="utf-8") as out:
            out.write(site_text)
    reload_ms = log_reloads()[logged_before:]
    print(json.dumps({
        "reloads": args.reloads,
        "clients": args.clients,
        "requests": totals["requests"],
        "failed": totals["failed"],
        "mixed": totals["mixed"],
        "stale_after_reload": totals["stale"],
        "reload_ms_median": statistics.median(reload_ms) if reload_ms else None,
        "reload_ms_max": max(reload_ms) if reload_ms else None,
        "visible_ms_median": round(statistics.median(visible), 1),
        "visible_ms_max": round(max(visible), 1),
        "first_failures": failures[:5],
    }))


if __name__ == "__main__":
    main()
