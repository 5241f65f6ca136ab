#!/usr/bin/env python3
"""Helpers for bench/run (stdlib only).

    report.py wrk FILE                  parsed `wrk --latency` output as JSON
    report.py lighthouse FILE           scores and audits of a Lighthouse JSON report
    report.py photo WORK ORIGIN PAGE PHOTO SVG_START_MS PHOTO_START_MS MAKE_OUTPUT FIRST_MS
                                        the photo-hero figures (bench/run section_photo)
    report.py first-image ORIGIN PATH   ms to fetch the page's phone hero image at once (JSON)
    report.py brief WRK_JSON            one line: req/s, p50, p99, errors
    report.py hero HTML_FILE            the src of the article's hero <img>
    report.py assets HTML_FILE          URLs of the page's CSS, JS, WASM and hero image (JSON)
    report.py final WORK_DIR OUT_DIR    merge WORK_DIR/parts/*.json into OUT_DIR/latest.{json,md}
                                        and print the table
"""

import glob
import html
import json
import os
import re
import sys
import time

UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0, "h": 3600000.0}


def to_ms(text):
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text.strip())
    if not m:
        raise ValueError(f"not a wrk duration: {text!r}")
    return float(m.group(1)) * UNITS_MS[m.group(2)]


def parse_wrk(text):
    out = {}
    m = re.search(r"^Requests/sec:\s+([\d.]+)", text, re.M)
    if not m:
        raise ValueError("no Requests/sec line in wrk output:\n" + text)
    out["rps"] = float(m.group(1))
    m = re.search(r"^\s+(\d+) requests in ([\d.]+\w+), ([\d.]+\w+) read", text, re.M)
    if m:
        out["requests"] = int(m.group(1))
        out["duration_ms"] = to_ms(m.group(2))
        out["read"] = m.group(3)
    for pct in ("50", "75", "90", "99"):
        m = re.search(rf"^\s+{pct}%\s+([\d.]+\w+)", text, re.M)
        if m:
            out[f"p{pct}_ms"] = round(to_ms(m.group(1)), 3)
    m = re.search(r"^\s+Latency\s+([\d.]+\w+)\s+([\d.]+\w+)\s+([\d.]+\w+)", text, re.M)
    if m:
        out["avg_ms"], out["max_ms"] = round(to_ms(m.group(1)), 3), round(to_ms(m.group(3)), 3)
    m = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    out["non_2xx_3xx"] = int(m.group(1)) if m else 0
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    out["socket_errors"] = sum(int(g) for g in m.groups()) if m else 0
    m = re.search(r"^Signup non-2xx: (\d+)", text, re.M)
    if m:
        out["signup_non_2xx"] = int(m.group(1))
        s = re.search(r"^Signup statuses: (.*)$", text, re.M)
        out["signup_statuses"] = s.group(1).strip() if s else ""
    return out


def parse_lighthouse(path):
    with open(path, encoding="utf-8") as f:
        report = json.load(f)
    cats = report.get("categories", {})
    audits = report.get("audits", {})

    def score(key):
        s = cats.get(key, {}).get("score")
        return None if s is None else round(s * 100)

    def num(key):
        return audits.get(key, {}).get("numericValue")

    def snippets(key, limit=3):
        out = []

        def walk(node):
            if isinstance(node, dict):
                if node.get("type") == "node" and node.get("snippet"):
                    out.append(node["snippet"][:160])
                for value in node.values():
                    walk(value)
            elif isinstance(node, list):
                for value in node:
                    walk(value)

        walk(audits.get(key, {}).get("details", {}))
        return list(dict.fromkeys(out))[:limit]

    return {
        "lighthouse_version": report.get("lighthouseVersion"),
        "lcp_element": snippets("largest-contentful-paint-element", 1),
        "layout_shift_elements": snippets("layout-shifts"),
        "accessibility_failures": sorted(
            k for k, a in audits.items()
            if a.get("score") == 0 and k in {r["id"] for r in cats.get("accessibility", {}).get("auditRefs", [])}
        ),
        "url": report.get("finalDisplayedUrl") or report.get("finalUrl"),
        "form_factor": report.get("configSettings", {}).get("formFactor"),
        "runtime_error": (report.get("runtimeError") or {}).get("message"),
        "performance": score("performance"),
        "accessibility": score("accessibility"),
        "best_practices": score("best-practices"),
        "seo": score("seo"),
        "lcp_ms": num("largest-contentful-paint"),
        "tbt_ms": num("total-blocking-time"),
        "cls": num("cumulative-layout-shift"),
        "fcp_ms": num("first-contentful-paint"),
        "failed_audits": sorted(
            k for k, a in audits.items()
            if a.get("score") is not None and a.get("score") < 1 and a.get("scoreDisplayMode") in ("binary", "numeric", "metricSavings")
        )[:40],
    }


def assets(path):
    """The URLs a cold view of the page loads: stylesheet, JS module, WASM, hero image.

    Read from the page itself (the names depend on cargo-leptos' version and settings), with
    /pkg/nourishvibes.{css,js} and /pkg/nourishvibes_bg.wasm as the fallback."""
    with open(path, encoding="utf-8", errors="replace") as f:
        text = f.read()
    links = re.findall(r"<link\b[^>]*>", text)

    def link(pattern, default):
        for tag in links:
            href = re.search(r'\bhref="([^"]+)"', tag)
            if href and re.search(pattern, tag):
                return html.unescape(href.group(1))
        return default

    # The hydration script names the JS module and the WASM it loads after the page
    # (app/src/layout/assets.rs); older builds named them in preload links.
    def script_url(pattern):
        m = re.search(pattern, text)
        return html.unescape(m.group(1)) if m else None

    return {
        "css": link(r'rel="stylesheet"', "/pkg/nourishvibes.css"),
        "js": script_url(r'import\(\s*"([^"]+)"\s*\)') or link(r'rel="modulepreload"', "/pkg/nourishvibes.js"),
        "wasm": script_url(r'module_or_path:\s*"([^"]+)"') or link(r'href="[^"]+\.wasm"', "/pkg/nourishvibes_bg.wasm"),
        "hero": hero_src(path),
    }


def hero_src(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        text = f.read()
    m = re.search(r'<figure[^>]*class="[^"]*\bhero\b[^"]*"[^>]*>(.*?)</figure>', text, re.S)
    scope = m.group(1) if m else text
    # A photo hero's inline placeholder (a data: URL) comes first; the photo is the one fetched.
    m = re.search(r'<img\b[^>]*?\bsrc="((?!data:)[^"]+)"', scope, re.S)
    if not m:
        raise SystemExit("no hero <img src> found")
    return html.unescape(m.group(1))


# ---------------------------------------------------------------------------------------------
# The final report

def phone_hero(html):
    """(URL, width) of the hero image a 390-px phone at DPR 3 loads: the narrowest candidate of
    the first format offered (AVIF) that covers its slot."""
    hero = re.search(r'<figure class="hero".*?</figure>', html, re.S).group(0)
    srcset = re.search(r'<source type="image/[a-z]+" srcset="([^"]+)"', hero).group(1)
    candidates = [(url, int(w.rstrip("w"))) for url, w in (c.rsplit(" ", 1) for c in srcset.split(", "))]
    # The article column on a 390-px phone: the viewport less 2.5rem of padding (Slot::Article).
    needed = (390 - 40) * 3
    covering = [c for c in candidates if c[1] >= needed] or [max(candidates, key=lambda c: c[1])]
    return min(covering, key=lambda c: c[1])


def first_image(origin, path):
    """The first reader of a photo just published: the page, then at once the hero a phone
    loads, timed (the server making the photo's other images in the background meanwhile)."""
    import urllib.request
    html = urllib.request.urlopen(origin + path).read().decode("utf-8")
    url, width = phone_hero(html)
    started = time.monotonic()
    body = urllib.request.urlopen(origin + url).read()
    return {"first_image_ms": round((time.monotonic() - started) * 1000), "url": url, "bytes": len(body)}


def photo_figures(work, origin, page, photo, svg_start, photo_start, make_output, first_ms):
    """The photo section's figures: both Lighthouse runs, the hero a 390-px phone at DPR 3
    loads, the time to make the images, and the first request for one not made yet."""
    import urllib.request
    url, width = phone_hero(open(page, encoding="utf-8").read())
    body = urllib.request.urlopen(origin + url).read()
    made = re.search(r"(\d+) images made in (\d+) ms", make_output)
    return {
        "lighthouse_photo": parse_lighthouse(os.path.join(work, "lighthouse-photo.json")),
        "lighthouse_svg": parse_lighthouse(os.path.join(work, "lighthouse-photo-svg.json")),
        "original_bytes": os.path.getsize(photo),
        "phone_url": url,
        "phone_width": width,
        "phone_bytes": len(body),
        "phone_exif": b"Exif\0" in body or b"NV-SERIAL" in body,
        "made": int(made.group(1)) if made else None,
        "make_ms": int(made.group(2)) if made else None,
        "first_image_ms": int(first_ms),
        "startup_svg_ms": int(svg_start),
        "startup_photo_ms": int(photo_start),
    }


def photo_rows(p):
    """Rows of the photo-hero section."""
    if not p:
        return []
    rows = []
    add = lambda f, v, t="", ok=None: rows.append((f, v, t, ok))
    lp, ls = p.get("lighthouse_photo") or {}, p.get("lighthouse_svg") or {}
    add("Photo hero (4000×2667 camera JPEG with GPS): Lighthouse mobile performance", fmt(lp.get("performance")), "100",
        lp.get("performance") == 100)
    if lp.get("lcp_ms") and ls.get("lcp_ms"):
        ratio = lp["lcp_ms"] / ls["lcp_ms"]
        add("Photo hero: LCP vs the SVG hero, same minute", f"{fmt(lp['lcp_ms'])} ms vs {fmt(ls['lcp_ms'])} ms ({ratio - 1:+.0%})",
            "within 10%", ratio <= 1.10)
    add("Photo hero: bytes a 390-px phone at DPR 3 loads", f"{kb(p['phone_bytes'])} ({p['phone_width']}w {p['phone_url'].rsplit('.', 1)[-1].upper()}) of a {kb(p['original_bytes'])} original",
        "", None)
    add("Photo hero: EXIF/serial in what is served", "none" if not p.get("phone_exif") else "FOUND", "none", not p.get("phone_exif"))
    if p.get("make_ms") is not None:
        add("Making all derived images of one 4000×2667 photo", f"{fmt(p['make_ms'])} ms ({p['made']} images)")
    if p.get("first_image_ms") is not None:
        add("Photo just published: first request for the phone's hero, the rest being made", f"{fmt(p['first_image_ms'])} ms")
    busy, idle, made = p.get("busy"), p.get("idle"), p.get("busy_made")
    if busy and idle and made:
        add("Article p50 · p99 at 2,000 req/s while 4 photos' images are made vs after",
            f"{busy['p50_ms']:.2f} · {busy['p99_ms']:.2f} ms vs {idle['p50_ms']:.2f} · {idle['p99_ms']:.2f} ms "
            f"({made['made_by_end']} of {made['total']} made by the end)", "", None)
    add("Start-up, restart median of 3: photo hero vs SVG hero", f"{fmt(p['startup_photo_ms'])} ms vs {fmt(p['startup_svg_ms'])} ms",
        "unchanged", p["startup_photo_ms"] <= p["startup_svg_ms"] * 1.2 + 20)
    return rows


def load_parts(work):
    parts = {}
    for path in sorted(glob.glob(os.path.join(work, "parts", "*.json"))):
        with open(path, encoding="utf-8") as f:
            try:
                parts[os.path.basename(path)[:-5]] = json.load(f)
            except json.JSONDecodeError as e:
                parts.setdefault("_broken", []).append(f"{path}: {e}")
    return parts


def mean(values):
    values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else None


def summarise_runs(runs):
    if not runs:
        return None
    return {
        "rps": round(mean([r["rps"] for r in runs]), 1),
        "p50_ms": round(mean([r.get("p50_ms") for r in runs]), 3),
        "p99_ms": round(mean([r.get("p99_ms") for r in runs]), 3),
        "errors": sum(r.get("non_2xx_3xx", 0) + r.get("socket_errors", 0) for r in runs),
        "others_cpu_pct": max(r.get("others_cpu_pct", 0) for r in runs),
        "runs": runs,
    }


PAGES = [("article", "Article"), ("home", "Home"), ("search", "Search"), ("feed", "Feed")]


def build(parts, notes):
    res = {"machine": parts.get("machine", {}), "settings": parts.get("settings", {}), "pages": {}}
    for key, _ in PAGES:
        page = {"path": parts.get(f"page.{key}", {}).get("path"), "bytes": parts.get(f"page.{key}", {}).get("bytes")}
        for variant in ("hot", "full", "nginx"):
            runs = [parts[k] for k in sorted(parts) if k.startswith(f"wrk.{key}.{variant}.")]
            page[variant] = summarise_runs(runs)
        for variant in ("hot", "full"):
            if page[variant] and page["nginx"]:
                page[f"ratio_{variant}"] = round(page[variant]["rps"] / page["nginx"]["rps"], 3)
            half = parts.get(f"wrk.{key}.half_{variant}")
            if half:
                half = dict(half)
                half.update(parts.get(f"half.{key}.{variant}", {}))
                page[f"half_{variant}"] = half
        if page["hot"] and page["full"] and abs(page["full"]["rps"] / page["hot"]["rps"] - 1) < 0.1:
            notes.append(f"{key}: hot path and full render are within 10% of each other: this path is "
                         "rendered on every request either way (not served from an HTML cache)")
        if any(page[v] for v in ("hot", "full", "nginx")):
            res["pages"][key] = page
    if "wrk.signup" in parts:
        s = dict(parts["wrk.signup"])
        s["errors"] = s.get("signup_non_2xx", s.get("non_2xx_3xx", 0)) + s.get("socket_errors", 0)
        s.update(parts.get("signup", {}))
        res["signup"] = s
    # One catalogue per size (parts catalogue.N, wrk.catalogue.N.KEY, catalogue.N.reload).
    sizes = sorted(int(k.split(".")[1]) for k in parts if re.fullmatch(r"catalogue\.\d+", k))
    catalogues = []
    for size in sizes:
        cat = dict(parts[f"catalogue.{size}"])
        cat["p99"] = {k: parts.get(f"wrk.catalogue.{size}.{k}") for k, _ in PAGES if parts.get(f"wrk.catalogue.{size}.{k}")}
        cat["reload"] = parts.get(f"catalogue.{size}.reload")
        catalogues.append(cat)
    if catalogues:
        res["catalogues"] = catalogues
    if "sizes" in parts:
        sizes = parts["sizes"]
        total = {m: sum(v[m] for v in sizes.values()) for m in ("raw", "gzip", "brotli")}
        res["bytes"] = {
            "files": sizes,
            "urls": parts.get("sizes.urls", {}),
            "total": total,
            "wasm_js_brotli": sizes.get("wasm", {}).get("brotli", 0) + sizes.get("js", {}).get("brotli", 0),
        }
    hostile = {name: parts[f"hostile.{name}"] for name in ("probe", "slow", "sigterm", "urls", "crash") if f"hostile.{name}" in parts}
    if hostile:
        res["hostile"] = hostile
    if "newsletter" in parts:
        res["newsletter"] = parts["newsletter"]
    if "postgres" in parts:
        res["postgres"] = parts["postgres"]
    if "faults" in parts:
        res["faults"] = parts["faults"]
    if "observability" in parts:
        res["observability"] = parts["observability"]
    search = search_results(parts)
    if search:
        res["search"] = search
    if "photo" in parts:
        res["photo"] = dict(parts["photo"], busy=parts.get("wrk.photo.busy"), idle=parts.get("wrk.photo.idle"),
                            busy_made=parts.get("photo.busy"))
    if "lighthouse" in parts:
        res["lighthouse"] = parts["lighthouse"]
    if "lighthouse.blocked_wasm" in parts:
        res["lighthouse_wasm_blocked"] = parts["lighthouse.blocked_wasm"]
    res["notes"] = notes
    return res


def fmt(v, digits=0, unit=""):
    if v is None:
        return "n/a"
    if isinstance(v, float):
        v = round(v, digits) if digits else round(v)
    if isinstance(v, int) or digits == 0:
        return f"{int(v):,}{unit}"
    return f"{v:,.{digits}f}{unit}"


def kb(n):
    return "n/a" if n is None else f"{n / 1000:.1f} KB"


def verdict(ok):
    return "" if ok is None else ("yes" if ok else "**no**")


def busy(r):
    """A warning when other processes took a noticeable share of the CPU during a run."""
    pct = (r or {}).get("others_cpu_pct") or 0
    return f" · ⚠ others used {pct:.0f}% CPU" if pct >= 5 else ""


def rows_for(res):
    """(figure, value, target, meets) rows for the Markdown and console tables."""
    rows = []
    add = lambda figure, value, target="", ok=None: rows.append((figure, value, target, ok))  # noqa: E731
    for key, label in PAGES:
        page = res["pages"].get(key)
        if not page:
            add(f"{label}: throughput", "not measured", "")
            continue
        where = f"{label} `{page.get('path')}`"
        n, h, f_ = page.get("nginx"), page.get("hot"), page.get("full")
        if h:
            add(f"{where}: ours, hot path (64 conn)", f"{fmt(h['rps'])} req/s · p50 {fmt(h['p50_ms'], 2)} ms · p99 {fmt(h['p99_ms'], 2)} ms{busy(h)}")
        if f_:
            add(f"{where}: ours, full render (`x-nv-bypass-cache: 1`)", f"{fmt(f_['rps'])} req/s · p50 {fmt(f_['p50_ms'], 2)} ms · p99 {fmt(f_['p99_ms'], 2)} ms{busy(f_)}")
        if n:
            add(f"{where}: nginx, same {fmt(page.get('bytes'))} bytes from a file", f"{fmt(n['rps'])} req/s · p50 {fmt(n['p50_ms'], 2)} ms · p99 {fmt(n['p99_ms'], 2)} ms{busy(n)}")
        if page.get("ratio_hot") is not None:
            add(f"{where}: hot ÷ nginx", f"{page['ratio_hot']:.2f}", "≥ 0.8", page["ratio_hot"] >= 0.8)
        if page.get("ratio_full") is not None:
            add(f"{where}: full render ÷ nginx", f"{page['ratio_full']:.2f}", "≥ 0.4", page["ratio_full"] >= 0.4)
        for variant, limit in (("hot", 2.0), ("full", 10.0)):
            half = page.get(f"half_{variant}")
            if half:
                add(f"{where}: p99 at half peak, {variant} (offered {fmt(half.get('target_rps'))} req/s, got {fmt(half.get('rps'))})",
                    f"{fmt(half.get('p99_ms'), 2)} ms{busy(half)}", f"≤ {limit:g} ms", half.get("p99_ms") is not None and half["p99_ms"] <= limit)
        if key in ("search", "feed") and h:
            add(f"{where}: p99 at 64 connections, hot", f"{fmt(h['p99_ms'], 2)} ms", "≤ 20 ms", h["p99_ms"] <= 20)
        errors = sum((page.get(v) or {}).get("errors", 0) for v in ("hot", "full", "nginx"))
        if errors:
            add(f"{where}: errors (non-2xx/3xx + socket) during runs", fmt(errors), "0", False)
    s = res.get("signup")
    if s:
        add("Signups, new address each, POST /api/newsletter/subscribe (64 conn)",
            f"{fmt(s['rps'])} signups/s · p99 {fmt(s.get('p99_ms'), 2)} ms{busy(s)}", "≥ 2000/s", s["rps"] >= 2000 and s["errors"] == 0)
        add("Signups: non-2xx responses + socket errors", f"{fmt(s['errors'])}" + (f" ({s.get('signup_statuses')})" if s.get("signup_statuses") else ""), "0", s["errors"] == 0)
    else:
        add("Signups", "not measured", "≥ 2000/s, 0 errors")
    for c in res.get("catalogues", []):
        n = fmt(c.get("articles"))
        add(f"Catalogue {n}: `server check`", c.get("check", "n/a"), "no errors", c.get("check_ok"))
        add(f"Catalogue {n}: start-up to first 200 on `/` (restart: median of 3, content cache in the data dir)",
            f"{fmt(c.get('startup_ms'))} ms", "≤ 1000 ms", c.get("startup_ms") is not None and c["startup_ms"] <= 1000)
        if c.get("startup_first_ms") is not None:
            add(f"Catalogue {n}: first start (empty data dir: every article loaded from its file)",
                f"{fmt(c['startup_first_ms'])} ms; then writes a {c.get('content_cache_bytes', 0) / 1048576:.0f} MiB content cache")
        rss = c.get("rss_kb")
        add(f"Catalogue {n}: resident memory after warm-up (VmRSS)",
            f"{rss / 1024:.0f} MiB (peak {c.get('rss_peak_kb', 0) / 1024:.0f}, after reloads {c.get('rss_after_reloads_kb', 0) / 1024:.0f})" if rss else "n/a",
            "≤ 256 MiB", rss is not None and rss <= 256 * 1024)
        for key, label in PAGES:
            r = c["p99"].get(key)
            if r:
                add(f"Catalogue {n}: {label} `{r.get('path', '')}` p99 (16 conn)", f"{fmt(r.get('p99_ms'), 2)} ms ({fmt(r['rps'])} req/s){busy(r)}",
                    "≤ 20 ms", r.get("p99_ms") is not None and r["p99_ms"] <= 20.0)
        r = c.get("reload")
        if r:
            add(f"Catalogue {n}: SIGHUP reload (server's own time, median / max of {r['reloads']})",
                f"{fmt(r.get('reload_ms_median'))} / {fmt(r.get('reload_ms_max'))} ms; new page visible after {fmt(r.get('visible_ms_median'))} / {fmt(r.get('visible_ms_max'))} ms",
                "≤ 1000 ms", r.get("reload_ms_max") is not None and r["reload_ms_max"] <= 1000)
            add(f"Catalogue {n}: failed / mixed / stale answers during reloads", f"{r['failed']} / {r['mixed']} / {r['stale_after_reload']} of {fmt(r['requests'])} ({r['clients']} clients)",
                "0 / 0 / 0", r["failed"] == 0 and r["mixed"] == 0 and r["stale_after_reload"] == 0)
    if not res.get("catalogues"):
        add("Catalogue scale", "not measured", "")
    b = res.get("bytes")
    if b:
        for name, label in (("html", "HTML"), ("css", "CSS"), ("js", "JS"), ("wasm", "WASM"), ("hero", "hero image")):
            v = b["files"].get(name)
            if v:
                url = b.get("urls", {}).get(name, "")
                add(f"Cold article view: {label} {('`' + url + '`') if url else ''}".rstrip(),
                    f"{kb(v['raw'])} raw · {kb(v['gzip'])} gzip · {kb(v['brotli'])} br")
        t = b["total"]
        add("Cold article view: total", f"{kb(t['raw'])} raw · {kb(t['gzip'])} gzip · {kb(t['brotli'])} br", "≤ 150 KB br", t["brotli"] <= 150_000)
        add("WASM + JS, brotli", kb(b["wasm_js_brotli"]), "≤ 100 KB", b["wasm_js_brotli"] <= 100_000)
    else:
        add("Bytes of a cold article view", "not measured", "")
    lh = res.get("lighthouse")
    if lh and lh.get("performance") is not None:
        scores = [lh.get(k) for k in ("performance", "accessibility", "best_practices", "seo")]
        add("Lighthouse mobile, article: perf / a11y / best practices / SEO", " / ".join(fmt(x) for x in scores),
            "100/100/100/100", all(x == 100 for x in scores))
        add("Lighthouse: LCP · TBT", f"{fmt(lh.get('lcp_ms'))} ms · {fmt(lh.get('tbt_ms'))} ms")
        add("Lighthouse: CLS", fmt(lh.get("cls"), 3) if lh.get("cls") else "0", "0", lh.get("cls") == 0)
    else:
        add("Lighthouse", "not measured" + (f" ({lh.get('runtime_error')})" if lh and lh.get("runtime_error") else ""), "100/100/100/100, CLS 0")
    lb = res.get("lighthouse_wasm_blocked")
    if lb and lb.get("lcp_ms") is not None:
        add("Lighthouse with `*.wasm` blocked: LCP (perf score)", f"{fmt(lb.get('lcp_ms'))} ms ({fmt(lb.get('performance'))})")
    rows += hostile_rows(res.get("hostile"))
    rows += newsletter_rows(res.get("newsletter"))
    rows += postgres_rows(res.get("postgres"))
    rows += photo_rows(res.get("photo"))
    rows += fault_rows(res.get("faults"))
    rows += observability_rows(res.get("observability"))
    rows += search_rows(res.get("search"))
    return rows


def fault_rows(f):
    """Rows of the faults section: recovery without a restart, nothing lost, nothing twice."""
    if not f:
        return []
    rows = []
    add = lambda figure, value, target="", ok=None: rows.append((figure, value, target, ok))  # noqa: E731
    d = f.get("disk_full") or {}
    if "lost" in d:
        add("Full disk (tmpfs data dir, 8 signup loops): signups refused while full, `/readyz` then",
            f"{fmt(d['refused_while_full'])} refused (503) · /readyz {d['readyz_while_full']}", "503", d["readyz_while_full"] == 503)
        add("Full disk: first signup stored after space is freed (no restart)", f"{d['recovered_s_after_space_freed']} s", "≤ 10 s",
            d["recovered_s_after_space_freed"] is not None and d["recovered_s_after_space_freed"] <= 10)
        add("Full disk: `/readyz` 200 again after space is freed (5 quiet seconds)", f"{d.get('ready_s_after_space_freed')} s", "≤ 10 s",
            d.get("ready_s_after_space_freed") is not None and d["ready_s_after_space_freed"] <= 10)
        add("Full disk: acknowledged signups lost", f"{fmt(d['lost'])} of {fmt(d['acknowledged'])}", "0", d["lost"] == 0)
    p = f.get("postgres_restart") or {}
    if "lost" in p:
        add(f"PostgreSQL stopped under signup load, down {p['down_s']} s: first signup stored after it is back",
            f"{p['recovered_s_after_back']} s", "≤ 10 s", p["recovered_s_after_back"] is not None and p["recovered_s_after_back"] <= 10)
        add("PostgreSQL restart: acknowledged signups lost", f"{fmt(p['lost'])} of {fmt(p['acknowledged'])}", "0", p["lost"] == 0)
    b = f.get("backup") or {}
    if "lost" in b:
        add(f"`server db backup` of {fmt(b['subscribers'])} subscribers under 16 signup loops",
            f"{b['backup_s']} s · {fmt(b['acknowledged_during'])} signups acknowledged meanwhile · integrity {b['integrity']}")
        add("Backup: signups acknowledged before it started, missing from it", f"{fmt(b['lost'])} of {fmt(b['acknowledged_before'])}",
            "0", b["lost"] == 0)
    m = f.get("smtp_down") or {}
    if "delivered_twice" in m:
        add("SMTP server down while 5 mails are queued: every reader has mail after it is back",
            f"{m['all_delivered_s_after_back']} s ({m['readers_with_mail']} of {m['mails']}; first retry after {m['first_retry_after_s']} s)")
        add("SMTP down: mails delivered twice", fmt(m["delivered_twice"]), "0", m["delivered_twice"] == 0)
    return rows


def observability_rows(o):
    """Rows of the observability section: the cached hot path with logs and metrics on vs off."""
    if not o:
        return []
    return [(f"Cached article `{o['path']}` with JSON logs and metrics on vs off (median of {o['rounds']} alternating rounds, 64 conn)",
             f"{fmt(o['on_rps'])} vs {fmt(o['off_rps'])} req/s (×{o['ratio']:.3f}) · p99 {o['on_p99_ms']} vs {o['off_p99_ms']} ms",
             "≥ 0.97", o["ratio"] >= 0.97)]


def postgres_rows(p):
    """Rows of the several-servers section (bench/postgres.py)."""
    if not p:
        return [("Several servers on PostgreSQL", "not measured", "", None)]
    rows = []
    pg, lite, weekly = p.get("signups_postgres"), p.get("signups_sqlite"), p.get("weekly")
    if pg:
        rows.append((f"Signups into PostgreSQL {p.get('postgres', '')} through {pg['servers']} servers ({pg['connections']} conn in all)",
                     f"{fmt(pg['rps'])} signups/s · p99 {fmt(pg.get('p99_ms'), 2)} ms · {fmt(pg['errors'])} errors · {fmt(pg.get('stored'))} stored",
                     "0 errors", pg["errors"] == 0))
    if lite:
        rows.append((f"Signups into SQLite through 1 server ({lite['connections']} conn), same run",
                     f"{fmt(lite['rps'])} signups/s · p99 {fmt(lite.get('p99_ms'), 2)} ms · {fmt(lite['errors'])} errors", "0 errors", lite["errors"] == 0))
    if weekly:
        n = weekly["subscribers"]
        rows.append((f"Weekly issue to {fmt(n)} subscribers sent by 2 servers on PostgreSQL (rate unlimited)",
                     f"queued in {fmt(weekly['queue_seconds'], 2)} s, all sent after {fmt(weekly['delivered_seconds'], 1)} s "
                     f"({fmt(weekly['mails_per_second'], 1)} mails/s; servers sent {' + '.join(fmt(x) for x in weekly['delivered_by_server'])})",
                     "", None))
        rows.append(("Weekly issue on 2 servers: addresses with exactly one mail / more than one / messages",
                     f"{fmt(weekly['exactly_once'])} / {fmt(weekly['more_than_once'])} / {fmt(weekly['messages'])}",
                     f"{fmt(n)} / 0 / {fmt(n)}", weekly["exactly_once"] == n and weekly["more_than_once"] == 0 and weekly["messages"] == n))
    return rows


def newsletter_rows(n):
    """Rows of the newsletter section (bench/newsletter.py)."""
    if not n:
        return [("Newsletter", "not measured", "", None)]
    seconds = n.get("queue_seconds")
    return [
        (f"Newsletter: queueing one issue to {fmt(n.get('subscribers'))} confirmed subscribers (`server newsletter send`)",
         f"{fmt(seconds, 1)} s, peak {fmt(n.get('queue_peak_rss_mib'), 1)} MiB ({fmt(n.get('queued'))} queued)", "≤ 10 s, bounded memory",
         seconds is not None and seconds <= 10 and n.get("queued") == n.get("subscribers")),
        ("Newsletter: delivered mails/s into a local SMTP sink, default settings (NV_MAIL_RATE 10, NV_MAIL_CONCURRENCY 4)",
         fmt(n.get("delivered_per_second_default"), 1), "≈ the configured rate", None),
        ("Newsletter: delivered mails/s, rate unlimited (NV_MAIL_RATE=0)", fmt(n.get("delivered_per_second_unlimited"), 1), "", None),
    ]


def hostile_rows(h):
    """Rows of the hostile-clients section (bench/hostile/*.py)."""
    if not h:
        return [("Hostile clients", "not measured", "", None)]
    rows = []
    add = lambda figure, value, target="", ok=None: rows.append((figure, value, target, ok))  # noqa: E731
    p = h.get("probe")
    if p:
        add(f"Hostile: security headers missing over {p['headers_checked_responses']} responses (page miss/hit, assets, feed, 404, …)",
            fmt(p["headers_missing"]), "0", p["headers_missing"] == 0)
        add("Hostile: cross-site signup refused (status cross-site / foreign Origin / same origin)",
            f"{'yes' if p['cross_site_refused'] else 'no'} ({p['cross_site_status']} / {p['foreign_origin_status']} / {p['same_origin_status']})",
            "yes", p["cross_site_refused"])
        add("Hostile: open redirects through `return_to`", f"{p['open_redirects']} of {p['open_redirect_tricks']}", "0", p["open_redirects"] == 0)
    s = h.get("slow")
    if s:
        add(f"Hostile: slow/idle sockets still open after {fmt(s.get('after_s'))} s (of {fmt(s.get('sockets'))}, half trickling headers, half silent)",
            fmt(s.get("still_open")), "0", s.get("still_open") == 0)
        add("Hostile: a normal `GET /` meanwhile (median · slowest · failed)",
            f"{fmt(s.get('get_ms_median'), 1)} ms · {fmt(s.get('get_ms_max'), 1)} ms · {fmt(s.get('get_failed'))}", "< 1000 ms, 0 failed",
            s.get("get_ms_max") is not None and s["get_ms_max"] < 1000 and not s.get("get_failed"))
    t = h.get("sigterm")
    if t:
        add(f"Hostile: SIGTERM to exit, {fmt(t.get('slow_sockets'))} slow sockets open and {fmt(t.get('signup_threads'))} signup loops running",
            f"{fmt(t.get('exit_s'), 2)} s (exit status {t.get('exit_code')})", "≤ 10 s, status 0",
            t.get("exit_s") is not None and t["exit_s"] <= 10 and t.get("exit_code") == 0)
        add("Hostile: acknowledged signups lost across that SIGTERM", f"{fmt(t.get('lost'))} of {fmt(t.get('acknowledged'))} (integrity {t.get('integrity')})",
            "0", t.get("lost") == 0 and t.get("integrity") == "ok")
    u = h.get("urls")
    if u:
        growth = u.get("rss_growth_mib")
        add(f"Hostile: resident memory added by {fmt(u.get('urls'))} distinct URLs (`?page=N`, `/search?q=…`)",
            f"{growth:.1f} MiB" if growth is not None else "n/a", "≤ 32 MiB", growth is not None and growth <= 32)
    c = h.get("crash")
    if c:
        add(f"Hostile: acknowledged signups lost across {c['crash_kills']} × kill -9 under {c['crash_loops']} signup loops",
            f"{fmt(c['crash_lost'])} of {fmt(c['crash_acknowledged'])} (integrity {c['crash_integrity']})", "0",
            c["crash_lost"] == 0 and c["crash_integrity"] == "ok")
    return rows


SEARCH_CLASSES = [("exact", "as typed"), ("typo1", "1 typo"), ("typo2", "2 typos")]
SEARCH_CATEGORIES = {"exact": "exact words", "typo1": "one typo", "typo2": "two typos (long words)",
                     "british": "British / American spelling", "shorthand": "shorthand (vit d, bp, chol)",
                     "synonym": "synonyms (high blood pressure)", "joined": "joined / split (omega3, omega 3)",
                     "capitals": "capitals (K2, LDL)", "question": "questions in plain words"}


def search_results(parts):
    """The search section's parts (search.*, wrk.search.*) in one object, or None."""
    if not any(k.startswith("search.") for k in parts):
        return None
    res = {"quality": parts.get("search.quality"), "queries": parts.get("search.queries"),
           "memory": parts.get("search.memory"), "memory_site": parts.get("search.memory_site"), "flood": parts.get("search.flood"),
           "misses_after_minute": parts.get("search.misses_minute"),
           "misses_after_shutdown": parts.get("search.misses_shutdown"), "flood_end": parts.get("search.flood_end")}
    sizes = sorted(int(k.split(".")[1]) for k in parts if re.fullmatch(r"search\.\d+", k))
    res["sizes"] = []
    for size in sizes:
        entry = dict(parts[f"search.{size}"])
        entry["reload"] = parts.get(f"search.{size}.reload")
        entry["check"] = {c: parts.get(f"search.{size}.check.{c}") for c, _ in SEARCH_CLASSES}
        entry["wrk"] = {k[len(f"wrk.search.{size}."):]: v for k, v in parts.items() if k.startswith(f"wrk.search.{size}.")}
        res["sizes"].append(entry)
    return res


def search_rows(s):
    """Rows of the search section (bench/search.py)."""
    if not s:
        return []
    rows = []
    add = lambda figure, value, target="", ok=None: rows.append((figure, value, target, ok))  # noqa: E731
    q = s.get("quality")
    if q:
        o = q["overall"]
        add(f"Search quality: {o['queries']} queries over the site's {q['articles']} articles (`{q['queries_file']}`), wanted article in the first 3 / first",
            f"{o['top3_share']:.0%} / {o['first_share']:.0%} ({o['top3']} / {o['first']} of {o['queries']})")
        for key, c in q["categories"].items():
            add(f"Search quality: {SEARCH_CATEGORIES.get(key, key)}, first 3 / first",
                f"{c['top3_share']:.0%} / {c['first_share']:.0%} ({c['top3']} / {c['first']} of {c['queries']})")
        missed = [r for r in q["queries"] if r["rank"] != 1]
        if missed:
            add("Search quality: queries whose article was not first (what came first)",
                "; ".join(f"“{r['q']}” " + (f"#{r['rank']}" if r["rank"] else "not found") + f" ({r['top3'][0] if r['top3'] else 'nothing'})"
                          for r in missed[:12]) + (f"; and {len(missed) - 12} more" if len(missed) > 12 else ""))
    for entry in s.get("sizes", []):
        n = fmt(entry.get("articles"))
        add(f"Search {n} articles: start-up to first 200 on `/` (restart: median of 3; first start on an empty data dir)",
            f"{fmt(entry.get('startup_ms'))} ms; {fmt(entry.get('startup_first_ms'))} ms", "≤ 1000 ms",
            entry.get("startup_ms") is not None and entry["startup_ms"] <= 1000)
        for conns in ("c1", "c16"):
            runs = [(label, entry["wrk"].get(f"{c}.{conns}")) for c, label in SEARCH_CLASSES]
            runs = [(label, r) for label, r in runs if r]
            if not runs:
                continue
            value = " · ".join(f"{label} {fmt(r.get('p99_ms'), 2)} ms ({fmt(r['rps'])} req/s){busy(r)}" for label, r in runs)
            errors = sum(r.get("non_2xx_3xx", 0) + r.get("socket_errors", 0) for _, r in runs)
            if errors:
                value += f" · {fmt(errors)} errors"
            # One connection: the time one search takes, the target; 16: the catalogue section's
            # load, where 16 requests share two cores with wrk and the wait for a core dominates.
            limit = 5.0 if conns == "c1" else 20.0
            ok = all(r.get("p99_ms") is not None and r["p99_ms"] <= limit for _, r in runs) and errors == 0
            add(f"Search {n} articles: p99 of `/search?q=` rendered (`x-nv-bypass-cache: 1`), {conns[1:]} connection{'s' if conns != 'c1' else ''}",
                value, f"≤ {limit:g} ms", ok)
        checks = [(label, entry["check"].get(c)) for c, label in SEARCH_CLASSES if entry["check"].get(c)]
        if checks:
            add(f"Search {n} articles: queries of the speed runs that found articles / were corrected / back to the intended word",
                " · ".join(f"{label} {c['found_articles']} / {c['corrected']} / {c['corrected_to_original']} of {c['queries']}" for label, c in checks))
        rss = entry.get("rss_kb")
        if rss:
            add(f"Search {n} articles: resident memory after the search runs (VmRSS)",
                f"{rss / 1024:.0f} MiB (peak {entry.get('rss_peak_kb', 0) / 1024:.0f}, after reloads {entry.get('rss_after_reloads_kb', 0) / 1024:.0f})",
                "≤ 256 MiB", rss <= 256 * 1024)
        r = entry.get("reload")
        if r:
            add(f"Search {n} articles: SIGHUP reload under 16 readers (server's own time, median / max of {r['reloads']}); failed / mixed / stale",
                f"{fmt(r.get('reload_ms_median'))} / {fmt(r.get('reload_ms_max'))} ms; {r['failed']} / {r['mixed']} / {r['stale_after_reload']} of {fmt(r['requests'])}",
                "≤ 1000 ms, 0 / 0 / 0", r.get("reload_ms_max") is not None and r["reload_ms_max"] <= 1000
                and r["failed"] == 0 and r["mixed"] == 0 and r["stale_after_reload"] == 0)
    site = (s.get("memory_site") or {}).get("parts", {}).get("search: lexicon")
    m = s.get("memory")
    if m:
        parts = m.get("parts", {})
        lexicon = parts.get("search: lexicon")
        if lexicon:
            add(f"Search index at {fmt(m['articles'])} articles: the typo lexicon (fst of the index's words; the generated articles share one small vocabulary)",
                f"{lexicon['kib']:.0f} KiB ({fmt(lexicon['bytes_per_article'])} B/article)"
                + (f"; the site's own {fmt(s['memory_site']['articles'])} articles: {site['kib']:.0f} KiB" if site else ""))
        others = [(k, v) for k, v in parts.items() if k.startswith("search:") and k != "search: lexicon"]
        if others:
            add(f"Search index at {fmt(m['articles'])} articles: the other parts (content_memory)",
                " · ".join(f"{k[len('search: '):]} {v['mib']:.1f} MiB" for k, v in others)
                + f" · all content {m['live_heap_mib']:.1f} MiB of heap, loaded in {m['load']}")
    f = s.get("flood")
    if f:
        statuses = ", ".join(f"{k}: {fmt(v)}" for k, v in f["statuses"].items())
        add(f"Search flood: {fmt(f['queries'])} distinct queries that find nothing ({f['length']} random letters, {f['connections']} connections, cache bypass off)",
            f"{fmt(f['seconds'], 1)} s ({fmt(f['requests_per_second'])} req/s) · {f['ok_share']:.1%} answered 200 ({statuses}) · {fmt(f['no_store'])} no-store",
            "all 200", f["ok_share"] == 1.0)
        along = " → ".join(f"{a['rss_kib'] / 1024:.0f}" for a in f.get("rss_along_kib", []))
        add("Search flood: resident memory before → along → after (MiB)",
            f"{f['rss_before_kib'] / 1024:.0f} → {along} → {f['rss_after_kib'] / 1024:.0f} (+{f['rss_growth_mib']:.1f} MiB; peak {f['rss_peak_kib'] / 1024:.0f})"
            + (f"; {s['flood_end']['rss_before_stop_kib'] / 1024:.0f} after the misses were written" if s.get("flood_end") else ""),
            "≤ 32 MiB growth", f["rss_growth_mib"] <= 32)
        a, b = s.get("misses_after_minute"), s.get("misses_after_shutdown")
        if a or b:
            add("Search flood: rows of `server search misses` after the server's first minute's write / after its shutdown",
                f"{fmt((a or {}).get('rows'))} (listed {fmt((a or {}).get('waited_s'), 1)} s after the flood) / {fmt((b or {}).get('rows'))}",
                "≤ 2,000", all(x is not None and x.get("rows") is not None and 0 < x["rows"] <= 2000 for x in (a, b)))
    return rows


def render(res):
    m = res.get("machine", {})
    head = [
        "# NourishVibes benchmark",
        "",
        f"- date: {m.get('date', 'n/a')}",
        f"- commit: {m.get('commit', 'n/a')}{' (work tree had uncommitted changes)' if m.get('dirty') else ''}",
        f"- machine: {m.get('nproc', '?')} cores · {m.get('cpu', '?')} · {m.get('mem', '?')} memory · load average at start {m.get('loadavg_at_start', '?')}",
        f"- tools: {m.get('tools', '')}",
        f"- settings: {res.get('settings', {}).get('text', '')}",
        "",
    ]
    rows = rows_for(res)
    md = head + ["| figure | value | target | meets target |", "| --- | --- | --- | --- |"]
    for figure, value, target, ok in rows:
        md.append(f"| {figure} | {value} | {target} | {verdict(ok)} |")
    if res.get("notes"):
        md += ["", "Notes:", ""] + [f"- {n}" for n in res["notes"]]
    lh = res.get("lighthouse") or {}
    if lh.get("failed_audits"):
        md += ["", "Lighthouse audits not at full score: " + ", ".join(lh["failed_audits"])]
    if lh.get("accessibility_failures"):
        md += ["", "Failing accessibility audits: " + ", ".join(lh["accessibility_failures"])]
    if lh.get("lcp_element"):
        md += ["", "LCP element: `" + lh["lcp_element"][0].replace("`", "'") + "`"]
    if lh.get("layout_shift_elements"):
        md += ["", "Elements that shift layout: " + ", ".join("`" + e.replace("`", "'") + "`" for e in lh["layout_shift_elements"])]
    return "\n".join(md) + "\n", head, rows


def console_table(head, rows):
    lines = [h for h in head if h]
    w1 = min(max(len(r[0]) for r in rows), 92)
    w2 = min(max(len(r[1]) for r in rows), 70)
    sep = "-" * (w1 + w2 + 30)
    lines += [sep, f"{'figure':<{w1}}  {'value':<{w2}}  {'target':<14} ok", sep]
    for figure, value, target, ok in rows:
        flag = "" if ok is None else ("yes" if ok else "NO")
        lines.append(f"{figure:<{w1}}  {value:<{w2}}  {target:<14} {flag}")
    lines.append(sep)
    return "\n".join(lines)


def final(work, out_dir):
    parts = load_parts(work)
    notes = []
    notes_file = os.path.join(work, "notes.txt")
    if os.path.exists(notes_file):
        with open(notes_file, encoding="utf-8") as f:
            notes = [line.strip() for line in f if line.strip()]
    res = build(parts, notes)
    md, head, rows = render(res)
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "latest.json"), "w", encoding="utf-8") as f:
        json.dump(res, f, indent=2, ensure_ascii=False)
        f.write("\n")
    with open(os.path.join(out_dir, "latest.md"), "w", encoding="utf-8") as f:
        f.write(md)
    print(console_table(head, rows))
    for n in notes:
        print(f"note: {n}")
    lh = res.get("lighthouse") or {}
    if lh.get("accessibility_failures"):
        print("lighthouse: failing accessibility audits: " + ", ".join(lh["accessibility_failures"]))
    if lh.get("lcp_element"):
        print("lighthouse: LCP element: " + lh["lcp_element"][0])
    for e in lh.get("layout_shift_elements") or []:
        print("lighthouse: layout shift: " + e)


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    cmd = sys.argv[1]
    if cmd == "wrk":
        with open(sys.argv[2], encoding="utf-8", errors="replace") as f:
            print(json.dumps(parse_wrk(f.read())))
    elif cmd == "brief":
        with open(sys.argv[2], encoding="utf-8") as f:
            r = json.load(f)
        errors = r.get("non_2xx_3xx", 0) + r.get("socket_errors", 0) + r.get("signup_non_2xx", 0)
        print(f"{r['rps']:>10.0f} req/s  p50 {r.get('p50_ms', 0):7.2f} ms  p99 {r.get('p99_ms', 0):7.2f} ms  errors {errors}")
    elif cmd == "lighthouse":
        print(json.dumps(parse_lighthouse(sys.argv[2])))
    elif cmd == "photo":
        print(json.dumps(photo_figures(*sys.argv[2:10])))
    elif cmd == "first-image":
        print(json.dumps(first_image(sys.argv[2], sys.argv[3])))
    elif cmd == "hero":
        print(hero_src(sys.argv[2]))
    elif cmd == "assets":
        print(json.dumps(assets(sys.argv[2])))
    elif cmd == "final":
        final(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
