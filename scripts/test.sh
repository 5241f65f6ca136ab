#!/usr/bin/env bash
# Installs what the tests need, then runs every test: Rust unit and router tests, the content
# check, and the Playwright suite in headless Chromium against a server it starts and stops.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-tools.sh --test

# Each step says how long the command has run so far: where its time goes (target: 15 min).
STARTED=$SECONDS
step() { printf '\n==> [%d s] %s\n' "$((SECONDS - STARTED))" "$*"; }

step "server-only crates stay out of the WASM build; no import cycles between files"
scripts/check-wasm-deps.sh
scripts/check-cycles.py

step "formatting (rustfmt.toml) and lints, server and browser builds, warnings are errors"
cargo fmt --check
cargo clippy --workspace --exclude frontend --features app/ssr --all-targets -- -D warnings
cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings

step "a throwaway PostgreSQL cluster on loopback (the newsletter store on both databases)"
# scripts/postgres.sh installs Debian's PostgreSQL where it is missing. Stopped on exit.
PG_DIR="$(mktemp -d "${TMPDIR:-/tmp}/nv-test-postgres.XXXXXX")"
stop_postgres() { scripts/postgres.sh stop "$PG_DIR" || true; rm -rf "$PG_DIR"; }
trap stop_postgres EXIT
NV_TEST_POSTGRES_URL="$(scripts/postgres.sh start "$PG_DIR" "${NV_TEST_POSTGRES_PORT:-55432}")"
export NV_TEST_POSTGRES_URL
echo "PostgreSQL at $NV_TEST_POSTGRES_URL"

step "every Rust test in one build: unit tests of each crate, router-level and command tests (server), the store on SQLite and PostgreSQL, several servers on one PostgreSQL"
# One build for every crate (the same features throughout, so each dependency compiles once);
# one process per test (see .config/nextest.toml): no shared Leptos runtime between tests.
# The PostgreSQL tests are #[ignore]d where no cluster is set up; here they run.
cargo nextest run --workspace --exclude frontend --features app/ssr --run-ignored all
stop_postgres
trap - EXIT

step "the browser bundle as production serves it (release WASM + JS, CSS) and its size budget"
# The server binary is the one the Rust tests above built and ran (target/debug/server, the
# same code with the same features): building it again for cargo-leptos' own flags took 4 min.
scripts/check-size-budget.sh

step "content check"
target/debug/server check

step "end-to-end tests in headless Chromium"
(cd end2end && npx playwright test)
step "every test passed"
