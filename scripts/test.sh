#!/usr/bin/env bash
# Installs what the tests need, then runs every test: Rust unit and router tests, the content
# check, and the Playwright suite in headless Chromium against a server it starts and stops.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-tools.sh --test

step() { printf '\n==> %s\n' "$*"; }

step "server-only crates stay out of the WASM build"
scripts/check-wasm-deps.sh

step "unit tests (app, server-side features)"
cargo test -p app --features ssr

step "router-level and command tests (server)"
# Stopgap: one CI run saw a router test hang (a render future never woken, likely from the
# tests' many per-test tokio runtimes; see the issue notes). A hang becomes a failure after
# 10 minutes and the suite runs once more; a real failure fails both times.
timeout 600 cargo test -p server || { echo "server tests failed or hung; running them once more" >&2; timeout 600 cargo test -p server; }

step "build the site (server + WASM + CSS)"
cargo leptos build

step "content check"
target/debug/server check

step "end-to-end tests in headless Chromium"
(cd end2end && npx playwright test)

step "size budget: JavaScript + WASM of the release build, brotli"
scripts/check-size-budget.sh
