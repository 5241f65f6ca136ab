#!/usr/bin/env python3
"""Hostile-client probes that need only a running server: security headers, cross-site posts,
open redirects. Prints one JSON object.

    bench/hostile/probe.py http://127.0.0.1:PORT

Figures:
- headers_missing: required security headers absent, summed over responses of every kind
  (page miss and hit, home, search, feed, sitemap, 404, JS, WASM, share image, server function).
- cross_site_refused: a signup posted as another site would (Origin + Sec-Fetch-Site) got 403,
  and one with only a foreign Origin too; a same-origin one still succeeds.
- open_redirects: of N tricky `return_to` values on the no-JavaScript signup path, how many
  send a browser to another origin.
"""
import http.client
import json
import re
import sys
import urllib.parse

BASE = sys.argv[1].rstrip("/")
ORIGIN = urllib.parse.urlsplit(BASE)
HOST, PORT = ORIGIN.hostname, ORIGIN.port or 80

# Every response carries these; HTML pages also the document rules and the page policy, every
# other response a policy that lets it run and load nothing if opened as a document.
ALWAYS = ["x-content-type-options", "referrer-policy", "content-security-policy"]
HTML_ONLY = ["cross-origin-opener-policy", "permissions-policy"]
HTML_CSP_PARTS = ["default-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "form-action 'self'"]
RESOURCE_CSP_PARTS = ["default-src 'none'", "frame-ancestors 'none'", "sandbox"]


def request(method, path, body=None, headers=None):
    conn = http.client.HTTPConnection(HOST, PORT, timeout=30)
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    data = response.read()
    result = (response.status, {k.lower(): v for k, v in response.getheaders()}, data)
    conn.close()
    return result


def missing_headers(name, status, headers):
    missing = [h for h in ALWAYS if h not in headers]
    csp = headers.get("content-security-policy", "")
    if not headers.get("content-type", "").startswith("text/html"):
        missing += [f"csp:{part}" for part in RESOURCE_CSP_PARTS if part not in csp]
    else:
        missing += [h for h in HTML_ONLY if h not in headers]
        missing += [f"csp:{part}" for part in HTML_CSP_PARTS if part not in csp]
        directives = {d.strip().split(" ")[0]: d.strip() for d in csp.split(";") if d.strip()}
        for directive in ("script-src", "style-src"):
            if directive not in directives or "'unsafe-inline'" in directives[directive]:
                missing.append(f"csp:{directive} without 'unsafe-inline'")
    return [f"{name} ({status}): {m}" for m in missing]


def headers_section():
    status, headers, html = request("GET", "/articles/vitamin-d3-k2")
    problems = missing_headers("article", status, headers)
    status, headers, _ = request("GET", "/articles/vitamin-d3-k2", headers={"Accept-Encoding": "br"})
    problems += missing_headers("article (cached)", status, headers)
    text = html.decode("utf-8", "replace")
    assets = re.findall(r'(/pkg/[^"\')\s]+\.(?:js|wasm|css)[^"\')\s]*)', text)
    share = re.search(r'property="og:image" content="[^"]*?(/share/[^"]+)"', text)
    paths = [("home", "/"), ("search", "/search?q=magnesium"), ("feed", "/feed.xml"), ("sitemap", "/sitemap.xml"),
             ("404", "/no-such-page"), ("robots", "/robots.txt")]
    paths += [(f"asset {p.split('?')[0].rsplit('.', 1)[-1]}", p) for p in dict.fromkeys(assets)]
    if share:
        paths.append(("share image", share.group(1)))
    checked = 2
    for name, path in paths:
        status, headers, _ = request("GET", path, headers={"Accept-Encoding": "br, gzip"})
        problems += missing_headers(name, status, headers)
        checked += 1
    status, headers, _ = request("POST", "/api/newsletter/subscribe", body="email=not-an-address&form=newsletter-page",
                                 headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"})
    problems += missing_headers("server function", status, headers)
    checked += 1
    return {"headers_checked_responses": checked, "headers_missing": len(problems), "headers_missing_list": problems[:20]}


def signup(email, extra, accept_json=True, return_to="/"):
    body = urllib.parse.urlencode({"email": email, "form": "newsletter-page", "company": "", "return_to": return_to})
    headers = {"Content-Type": "application/x-www-form-urlencoded", **extra}
    # A browser without JavaScript asks for HTML and is redirected back to `return_to`.
    headers["Accept"] = "application/json" if accept_json else "text/html,application/xhtml+xml"
    return request("POST", "/api/newsletter/subscribe", body=body, headers=headers)


def csrf_section():
    site = f"{ORIGIN.scheme}://{ORIGIN.netloc}"
    cross = signup("cross-site-a@example.com", {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"})[0]
    foreign_origin = signup("cross-site-b@example.com", {"Origin": "https://evil.example"})[0]
    same = signup("same-origin@example.com", {"Origin": site, "Sec-Fetch-Site": "same-origin"})[0]
    return {"cross_site_status": cross, "foreign_origin_status": foreign_origin, "same_origin_status": same,
            "cross_site_refused": cross == 403 and foreign_origin == 403 and 200 <= same < 400}


TRICKS = [
    "//evil.example", "/\t/evil.example", "/\n/evil.example", "/\\evil.example", "\\\\evil.example",
    "https://evil.example", "http:evil.example", "javascript:alert(1)", "/%2F/evil.example", "/%5Cevil.example",
    "%2F%2Fevil.example", "/\r\n/evil.example", " //evil.example", "/.//evil.example", "///evil.example",
    "https:/\\evil.example", "/%09/evil.example", "//evil.example@127.0.0.1", "data:text/html,hi", "/articles/../\\evil.example",
]


def browser_target(location):
    """Where a browser goes for this Location, after the WHATWG URL parser's clean-up."""
    cleaned = re.sub(r"[\t\n\r]", "", location).strip().replace("\\", "/")
    target = urllib.parse.urlsplit(urllib.parse.urljoin(BASE + "/articles/x", cleaned))
    return target.scheme, target.netloc


def redirects_section():
    off_site = []
    for i, trick in enumerate(TRICKS):
        status, headers, _ = signup(f"redirect-{i}@example.com", {"Sec-Fetch-Site": "same-origin"}, accept_json=False, return_to=trick)
        location = headers.get("location")
        if location is None:
            continue
        if browser_target(location) != (ORIGIN.scheme, ORIGIN.netloc):
            off_site.append(f"{trick!r} -> {location!r}")
    return {"open_redirects": len(off_site), "open_redirect_tricks": len(TRICKS), "open_redirect_list": off_site}


print(json.dumps({**headers_section(), **csrf_section(), **redirects_section()}))
