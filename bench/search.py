#!/usr/bin/env python3
"""The `search` section's measurements (bench/run section_search), stdlib only.

    search.py quality ORIGIN QUERIES_TOML
        Sends every query of QUERIES_TOML (bench/search_queries.toml) to ORIGIN/search?q=…
        (with x-nv-bypass-cache: 1), reads the result slugs in order from the page and prints
        JSON: per category and overall, the share with the wanted article in the first three
        results and first; every query with what came back.
    search.py queries CATALOGUE_DIR OUT_DIR
        Writes OUT_DIR/{exact,typo1,typo2}.txt for bench/wrk/queries.lua: words of the
        generated catalogue's vocabulary (bench/gen_catalogue.py's subjects, groups and
        outcomes) as typed, with one typo (5 letters or more) and with two (9 or more), by a
        deterministic edit; each line "/search?q=WORD<TAB>ORIGINAL". Prints a JSON summary.
    search.py check ORIGIN LIST_FILE
        Asks ORIGIN for every path of LIST_FILE once: how many found articles, how many were
        corrected, and corrected back to the word they were made from (JSON).
    search.py flood ORIGIN PID [--queries 20000] [--connections 8] [--length 12]
        Distinct random-letter queries, each found nothing, as fast as CONNECTIONS keep-alive
        clients manage; VmRSS of PID before, along the way and after; answers by status (JSON).
    search.py misses SERVER_BIN DATA_DIR CONTENT_DIR [--wait SECONDS]
        Rows `SERVER_BIN search misses --limit 100000 --days 1` lists for DATA_DIR; with --wait,
        polls every 2 s until there are some (or the time is up) and reports how long that took.
"""

import argparse
import http.client
import importlib.util
import json
import os
import random
import re
import subprocess
import sys
import threading
import time
import tomllib
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from keepalive import Client, rss_kib  # noqa: E402

BYPASS = {"x-nv-bypass-cache": "1"}
HIT = '<li class="search-hit">'
SLUG = re.compile(r'href="/articles/([^"#?/]+)')
CORRECTED = re.compile(r'class="search-correction".*?<strong>(.*?)</strong>', re.S)
COMMENT = re.compile(r"<!--.*?-->", re.S)
CATEGORIES = ["exact", "typo1", "typo2", "british", "shorthand", "synonym", "joined", "capitals", "question"]


def search_path(query):
    return "/search?q=" + urllib.parse.quote_plus(query)



def read_results(html):
    """(result slugs in page order, the corrected query the page shows or None)."""
    html = COMMENT.sub("", html)
    slugs = []
    for chunk in html.split(HIT)[1:]:
        m = SLUG.search(chunk)
        if m:
            slugs.append(urllib.parse.unquote(m.group(1)))
    m = CORRECTED.search(html)
    corrected = re.sub(r"<[^>]+>", "", m.group(1)).strip() if m else None
    return slugs, corrected


def quality(origin, queries_file):
    with open(queries_file, "rb") as f:
        queries = tomllib.load(f)["query"]
    client = Client(origin)
    wanted = sorted({q["want"] for q in queries})
    for slug in wanted:
        status, _, _ = client.get(f"/articles/{slug}")
        if status != 200:
            sys.exit(f"search.py quality: /articles/{slug} (wanted by the query set) answered {status}")
    rows = []
    for q in queries:
        if q["category"] not in CATEGORIES:
            sys.exit(f"search.py quality: unknown category {q['category']!r} ({q['q']!r})")
        status, _, body = client.get(search_path(q["q"]), BYPASS)
        slugs, corrected = read_results(body.decode("utf-8", "replace")) if status == 200 else ([], None)
        rank = slugs.index(q["want"]) + 1 if q["want"] in slugs else None
        rows.append({"category": q["category"], "q": q["q"], "want": q["want"], "status": status, "rank": rank,
                     "results": len(slugs), "top3": slugs[:3], "corrected": corrected})
    client.close()

    def summary(group):
        n = len(group)
        top3 = sum(1 for r in group if r["rank"] is not None and r["rank"] <= 3)
        first = sum(1 for r in group if r["rank"] == 1)
        return {"queries": n, "top3": top3, "first": first,
                "top3_share": round(top3 / n, 3) if n else None, "first_share": round(first / n, 3) if n else None}

    by_category = {c: summary([r for r in rows if r["category"] == c]) for c in CATEGORIES if any(r["category"] == c for r in rows)}
    return {"queries_file": os.path.relpath(queries_file), "articles": len(wanted), "categories": by_category,
            "overall": summary(rows), "errors": sum(1 for r in rows if r["status"] != 200), "queries": rows}


def catalogue_vocabulary(catalogue_dir):
    """Every lower-case word of the catalogue's articles (front matter and body)."""
    words = set()
    articles = os.path.join(catalogue_dir, "articles")
    for name in os.listdir(articles):
        if name.endswith(".md"):
            with open(os.path.join(articles, name), encoding="utf-8") as f:
                words.update(re.findall(r"[a-z]+", f.read().lower()))
    return words


def edit(word, positions, vocabulary):
    """`word` with the letter at each of `positions` replaced by a later letter of the
    alphabet: the first choice that makes a word the catalogue does not hold."""
    for shift in range(1, 26):
        letters = list(word)
        for p in positions:
            letters[p] = chr((ord(letters[p]) - 97 + shift) % 26 + 97)
        typo = "".join(letters)
        if typo not in vocabulary:
            return typo
    raise ValueError(f"no typo of {word!r} outside the vocabulary")


def make_queries(catalogue_dir, out_dir):
    spec = importlib.util.spec_from_file_location("gen_catalogue", os.path.join(os.path.dirname(__file__), "gen_catalogue.py"))
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    vocabulary = catalogue_vocabulary(catalogue_dir)
    phrases = [s for subjects in gen.SUBJECTS.values() for s in subjects] + gen.GROUPS + gen.OUTCOMES
    # What readers would search for in this catalogue: its subjects', groups' and outcomes'
    # words of five letters or more (shorter ones have no typo budget), each once.
    words = sorted({w for p in phrases for w in re.findall(r"[a-z]+", p.lower()) if len(w) >= 5 and w in vocabulary})
    lists = {
        "exact": [(w, w) for w in words],
        # One letter replaced in the middle of the word.
        "typo1": [(edit(w, [len(w) // 2], vocabulary), w) for w in words],
        # Two letters replaced, a third and two thirds into the word: words of 9 letters or more.
        "typo2": [(edit(w, [len(w) // 3, 2 * len(w) // 3], vocabulary), w) for w in words if len(w) >= 9],
    }
    os.makedirs(out_dir, exist_ok=True)
    for name, pairs in lists.items():
        with open(os.path.join(out_dir, f"{name}.txt"), "w", encoding="utf-8") as f:
            for typed, original in pairs:
                f.write(f"{search_path(typed)}\t{original}\n")
    return {name: {"queries": len(pairs), "sample": [typed for typed, _ in pairs[:: max(1, len(pairs) // 6)]][:6]}
            for name, pairs in lists.items()}


def check(origin, list_file):
    client = Client(origin)
    total = found = corrected = back = 0
    statuses = {}
    with open(list_file, encoding="utf-8") as f:
        lines = [line.rstrip("\n").split("\t") for line in f if line.strip()]
    for path, original in lines:
        status, _, body = client.get(path, BYPASS)
        statuses[str(status)] = statuses.get(str(status), 0) + 1
        total += 1
        slugs, fixed = read_results(body.decode("utf-8", "replace"))
        found += bool(slugs)
        corrected += fixed is not None
        back += fixed is not None and original in fixed.split()
    client.close()
    return {"queries": total, "statuses": statuses, "found_articles": found, "corrected": corrected,
            "corrected_to_original": back}


def flood(origin, pid, count, connections, length, seed):
    rng = random.Random(seed)
    queries = set()
    while len(queries) < count:
        queries.add("".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(length)))
    paths = [search_path(q) for q in sorted(queries)]
    rng.shuffle(paths)
    statuses, no_store, failures = {}, [0], []
    done = [0]
    lock = threading.Lock()

    def work(share):
        client = Client(origin)
        counted, stored = {}, 0
        try:
            for path in share:
                status, cache_control, _ = client.get(path)
                counted[status] = counted.get(status, 0) + 1
                stored += "no-store" in cache_control
                with lock:
                    done[0] += 1
        except (http.client.HTTPException, OSError) as error:
            with lock:
                failures.append(f"{type(error).__name__}: {error}")
        finally:
            client.close()
        with lock:
            for status, n in counted.items():
                statuses[status] = statuses.get(status, 0) + n
            no_store[0] += stored

    before = rss_kib(pid)
    along = []
    started = time.monotonic()
    threads = [threading.Thread(target=work, args=(paths[i::connections],)) for i in range(connections)]
    for thread in threads:
        thread.start()
    mark = count // 4
    while any(t.is_alive() for t in threads):
        time.sleep(0.05)
        if done[0] >= mark and mark <= count:
            along.append({"answered": done[0], "rss_kib": rss_kib(pid)})
            mark += count // 4
    for thread in threads:
        thread.join()
    seconds = time.monotonic() - started
    after = rss_kib(pid)
    answered = sum(statuses.values())
    return {
        "queries": len(paths), "length": length, "connections": connections, "answered": answered,
        "statuses": {str(s): n for s, n in sorted(statuses.items())},
        "ok_share": round(statuses.get(200, 0) / len(paths), 4), "no_store": no_store[0],
        "seconds": round(seconds, 2), "requests_per_second": round(answered / seconds, 1) if seconds else None,
        "rss_before_kib": before, "rss_along_kib": along, "rss_after_kib": after,
        "rss_peak_kib": rss_kib(pid, "VmHWM"), "rss_growth_mib": round((after - before) / 1024, 1),
        "failures": failures[:5],
    }


def misses_rows(server, data, content):
    env = dict(os.environ, NV_DATA_DIR=data, NV_CONTENT_DIR=content, RUST_LOG="warn")
    out = subprocess.run([server, "search", "misses", "--limit", "100000", "--days", "1"], env=env,
                         capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"server search misses failed ({out.returncode}): {out.stderr.strip()[-500:]}")
    lines = out.stdout.splitlines()
    if not lines or lines[0].startswith("no search found nothing"):
        return 0
    return len(lines) - 1  # the header line


def misses(server, data, content, wait):
    started = time.monotonic()
    rows = misses_rows(server, data, content)
    while rows == 0 and time.monotonic() - started < wait:
        time.sleep(2)
        rows = misses_rows(server, data, content)
    return {"rows": rows, "waited_s": round(time.monotonic() - started, 1)}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("quality")
    p.add_argument("origin")
    p.add_argument("queries")
    p = sub.add_parser("queries")
    p.add_argument("catalogue")
    p.add_argument("out")
    p = sub.add_parser("check")
    p.add_argument("origin")
    p.add_argument("list")
    p = sub.add_parser("flood")
    p.add_argument("origin")
    p.add_argument("pid", type=int)
    p.add_argument("--queries", type=int, default=20_000)
    p.add_argument("--connections", type=int, default=8)
    p.add_argument("--length", type=int, default=12)
    p.add_argument("--seed", type=int, default=26)
    p = sub.add_parser("misses")
    p.add_argument("server")
    p.add_argument("data")
    p.add_argument("content")
    p.add_argument("--wait", type=float, default=0)
    args = parser.parse_args()
    if args.command == "quality":
        result = quality(args.origin, args.queries)
    elif args.command == "queries":
        result = make_queries(args.catalogue, args.out)
    elif args.command == "check":
        result = check(args.origin, args.list)
    elif args.command == "flood":
        result = flood(args.origin, args.pid, args.queries, args.connections, args.length, args.seed)
    else:
        result = misses(args.server, args.data, args.content, args.wait)
    print(json.dumps(result, ensure_ascii=False))
    return 1 if result.get("failures") else 0


if __name__ == "__main__":
    sys.exit(main())
