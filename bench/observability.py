#!/usr/bin/env python3
"""What logs and metrics cost on the cached hot path. Prints one JSON object.

The same release build serves the article from its page cache with observability on (metrics on
NV_METRICS_ADDR, JSON logs at info) and off (no metrics listener, text logs), in alternating
rounds so that both see the same machine; wrk -t2 -c64 for DURATION s after a warm-up, each
round on a fresh server. The ratio is on / off requests per second (target >= 0.97).

    bench/observability.py SERVER_BIN SITE_DIR CONTENT_DIR WORK_DIR PORT [ROUNDS]
"""
import http.client
import json
import os
import re
import subprocess
import sys
import tempfile
import time

server_bin, site, content, work, port = sys.argv[1:6]
port = int(port)
rounds = int(sys.argv[6]) if len(sys.argv) > 6 else 3
duration = int(os.environ.get("NV_BENCH_DURATION", "8"))
warmup = int(os.environ.get("NV_BENCH_WARMUP", "3"))
path = "/articles/vitamin-d3-k2"
log = open(os.path.join(work, "observability-server.log"), "ab")


def start(observed):
    data = tempfile.mkdtemp(dir=work, prefix="data-observability.")
    env = {**os.environ, "LEPTOS_SITE_ADDR": f"127.0.0.1:{port}", "LEPTOS_SITE_ROOT": site, "LEPTOS_OUTPUT_NAME": "nourishvibes",
           "LEPTOS_ENV": "PROD", "NV_SITE_URL": f"http://127.0.0.1:{port}", "NV_CONTENT_DIR": content, "NV_DATA_DIR": data,
           "RUST_LOG": "info", "NV_LOG_FORMAT": "json" if observed else "text"}
    env.pop("NV_METRICS_ADDR", None)
    if observed:
        env["NV_METRICS_ADDR"] = f"127.0.0.1:{port + 1}"
    process = subprocess.Popen([server_bin], env=env, stdout=log, stderr=log)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path)
            if conn.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.05)
    raise SystemExit("the server did not start")


def wrk(seconds):
    out = subprocess.run(["wrk", "-t2", "-c64", f"-d{seconds}s", "--latency", f"http://127.0.0.1:{port}{path}"],
                         capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)]
    return rps, float(p99.group(1)) * scale


results = {"on": [], "off": []}
for _ in range(rounds):
    for mode in ("off", "on"):
        server = start(mode == "on")
        wrk(warmup)
        results[mode].append(wrk(duration))
        server.terminate()
        server.wait(30)


def median(values):
    values = sorted(values)
    return values[len(values) // 2]


on_rps, off_rps = median([r for r, _ in results["on"]]), median([r for r, _ in results["off"]])
print(json.dumps({"path": path, "rounds": rounds, "on_rps": round(on_rps), "off_rps": round(off_rps),
                  "on_p99_ms": round(median([p for _, p in results["on"]]), 3),
                  "off_p99_ms": round(median([p for _, p in results["off"]]), 3),
                  "ratio": round(on_rps / off_rps, 3)}))
