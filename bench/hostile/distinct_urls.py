#!/usr/bin/env python3
"""A greedy client: asks a running server for many distinct URLs, each a page the server has
to consider rendering and keeping, and reports how much its resident memory grew.

Half the URLs are topic pages `/topics/KEY?page=N` (N varying, most past the last page), half
searches `/search?q=WORD` for made-up words. Requests go over a few keep-alive connections.
Starts nothing: give it the base URL of a server that is running and that server's PID (its
memory is read from /proc/PID/status, VmRSS before and after).

    bench/hostile/distinct_urls.py http://127.0.0.1:3881 12345 [--urls 20000] [--connections 4]

Prints one JSON object: rss_before_kib, rss_after_kib, rss_growth_mib, the answers by HTTP
status, the time taken and the request rate. Exit status 1 if the server stopped answering.
"""

import argparse
import http.client
import json
import os
import random
import re
import sys
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from keepalive import Client, rss_kib  # noqa: E402


def topic_keys(base):
    """The topics the home page links to."""
    connection = http.client.HTTPConnection(base.hostname, base.port or 80, timeout=30)
    connection.request("GET", "/")
    html = connection.getresponse().read().decode("utf-8", "replace")
    connection.close()
    keys = sorted(set(re.findall(r'href="/topics/([a-z0-9-]+)"', html)))
    return keys or ["nutrition"]


def made_up_word(rng):
    """A lower-case word no article contains (most of the time)."""
    return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(6, 12)))


def urls(count, topics, seed):
    """`count` distinct paths: topic pages by number, then searches, interleaved."""
    rng = random.Random(seed)
    pages = [f"/topics/{topics[i % len(topics)]}?page={2 + i // len(topics)}" for i in range(count // 2)]
    words = set()
    while len(words) < count - len(pages):
        words.add(made_up_word(rng))
    searches = [f"/search?q={urllib.parse.quote_plus(word)}" for word in sorted(words)]
    rng.shuffle(searches)
    mixed = []
    for pair in zip(pages, searches):
        mixed.extend(pair)
    mixed.extend(pages[len(searches):] + searches[len(pages):])
    return mixed


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base", help="base URL of the running server, e.g. http://127.0.0.1:3881")
    parser.add_argument("pid", type=int, help="PID of that server (its memory is measured)")
    parser.add_argument("--urls", type=int, default=20_000, help="distinct URLs to ask for (20000)")
    parser.add_argument("--connections", type=int, default=4, help="keep-alive connections (4)")
    parser.add_argument("--seed", type=int, default=13, help="seed of the made-up words")
    args = parser.parse_args()

    base = urllib.parse.urlsplit(args.base)
    paths = urls(args.urls, topic_keys(base), args.seed)
    statuses = {}
    failures = []
    lock = threading.Lock()

    def work(share):
        client = Client(base)
        counted = {}
        try:
            for path in share:
                status, _, _ = client.get(path, {"Accept-Encoding": "br, gzip"})
                counted[status] = counted.get(status, 0) + 1
        except (http.client.HTTPException, OSError) as error:
            with lock:
                failures.append(f"{type(error).__name__}: {error}")
        finally:
            client.close()
        with lock:
            for status, n in counted.items():
                statuses[status] = statuses.get(status, 0) + n

    before = rss_kib(args.pid)
    started = time.monotonic()
    threads = [threading.Thread(target=work, args=(paths[i :: args.connections],)) for i in range(args.connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.monotonic() - started
    after = rss_kib(args.pid)
    answered = sum(statuses.values())
    print(
        json.dumps(
            {
                "urls": len(paths),
                "answered": answered,
                "connections": args.connections,
                "statuses": {str(status): n for status, n in sorted(statuses.items())},
                "rss_before_kib": before,
                "rss_after_kib": after,
                "rss_growth_mib": round((after - before) / 1024, 1),
                "seconds": round(seconds, 2),
                "requests_per_second": round(answered / seconds, 1) if seconds > 0 else None,
                "failures": failures,
            }
        )
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
