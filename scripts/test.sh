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

step "formatting (rustfmt.toml)"
cargo fmt --check

# On any exit, what the steps below started stops: the background browser build (its own
# process group) and the PostgreSQL cluster.
browser_build=""
PG_DIR=""
stop_postgres() { [ -n "$PG_DIR" ] && [ -d "$PG_DIR" ] || return 0; scripts/postgres.sh stop "$PG_DIR" || true; rm -rf "$PG_DIR"; }
clean_up() { [ -z "$browser_build" ] || kill -- "-$browser_build" 2>/dev/null || true; stop_postgres; }
trap clean_up EXIT

step "in the background: the browser build's lints, then its bundle as production serves it and its size budget"
# The server's build below cannot keep two cores busy all the time (one large crate at a time
# compiles, test binaries link) and its tests mostly wait (servers starting, a mail retry, a
# PostgreSQL restart): the browser build uses the idle cores meanwhile, at the lowest priority
# so the server's build and tests keep theirs. It has its own target folders (wasm32 and the
# wasm-release profile), so neither cargo waits for the other's lock. The server the end-to-end
# tests run is target/debug/server.
# `set -m` gives it its own process group, so it stops with this script; not its own session
# (setsid): Linux' autogroup scheduling would then share the cores equally between the two
# sessions whatever the nice value, which slowed the server's build from 407 to 601 s.
browser_log="$(mktemp "${TMPDIR:-/tmp}/nv-test-browser.XXXXXX")"
set -m
nice -n 19 bash -c 'cargo clippy -p frontend --target wasm32-unknown-unknown --profile wasm-release -- -D warnings && scripts/check-size-budget.sh' >"$browser_log" 2>&1 &
browser_build=$!
set +m

step "a throwaway PostgreSQL cluster on loopback (the newsletter store on both databases)"
# scripts/postgres.sh installs Debian's PostgreSQL where it is missing. Stopped on exit.
PG_DIR="$(mktemp -d "${TMPDIR:-/tmp}/nv-test-postgres.XXXXXX")"
NV_TEST_POSTGRES_URL="$(scripts/postgres.sh start "$PG_DIR" "${NV_TEST_POSTGRES_PORT:-55432}")"
export NV_TEST_POSTGRES_URL
echo "PostgreSQL at $NV_TEST_POSTGRES_URL"

step "one build of every crate, test, example and the server, linted by clippy as it compiles (warnings are errors)"
# One build for every target (the same features throughout, so each dependency compiles once).
# `cargo clippy` would first type-check every dependency again on its own (194 s here):
# instead clippy-driver, the compiler `cargo clippy` itself runs, compiles our crates in this
# build and lints them as it goes; dependencies compile with plain rustc. CLIPPY_ARGS is how
# `cargo clippy -- -D warnings` passes its options to clippy-driver.
with_clippy=(env RUSTC_WORKSPACE_WRAPPER="$(command -v clippy-driver)" CLIPPY_ARGS="-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__")
nextest=(cargo nextest run --workspace --exclude frontend --features app/ssr --all-targets --run-ignored all)
"${with_clippy[@]}" "${nextest[@]}" --no-run

step "every Rust test: unit tests of each crate, router-level and command tests (server), the store on SQLite and PostgreSQL, several servers on one PostgreSQL"
# One process per test (see .config/nextest.toml): no shared Leptos runtime between tests.
# The PostgreSQL tests are #[ignore]d where no cluster is set up; here they run.
"${with_clippy[@]}" "${nextest[@]}"
stop_postgres

step "the browser build's lints, bundle and size budget (started in the background above)"
browser_ok=0
wait "$browser_build" || browser_ok=$?
browser_build=""
cat "$browser_log"
rm -f "$browser_log"
if [ "$browser_ok" -ne 0 ]; then
  echo "the browser build's lints or size budget failed" >&2
  exit "$browser_ok"
fi

step "content check"
target/debug/server check

step "end-to-end tests in headless Chromium"
(cd end2end && npx playwright test)
step "every test passed"
