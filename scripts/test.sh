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
cargo nextest run -p app --features ssr

step "router-level and command tests (server)"
# One process per test (see .config/nextest.toml): no shared Leptos runtime between tests.
cargo nextest run -p server

step "build the site (server + WASM + CSS)"
cargo leptos build

step "content check"
target/debug/server check

step "end-to-end tests in headless Chromium"
(cd end2end && npx playwright test)

step "size budget: JavaScript + WASM of the release build, brotli"
scripts/check-size-budget.sh
