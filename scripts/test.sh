#!/usr/bin/env bash
# Installs what the tests need, then runs every test: Rust unit and router tests, the content
# check, and the Playwright suite in headless Chromium against a server it starts and stops.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-tools.sh --test

# On a fresh clone (CI) every build starts from nothing, and writing the incremental cache only
# adds work: the server's test build took 388 s without it, 407 s with it. (A re-run after an
# edit compiles the edited crates whole; `cargo leptos watch` keeps its incremental builds.)
export CARGO_INCREMENTAL=0

# Each step says how long the command has run so far: where its time goes (target: 15 min).
STARTED=$SECONDS
step() { printf '\n==> [%d s] %s\n' "$((SECONDS - STARTED))" "$*"; }

step "server-only crates stay out of the WASM build; no import cycles between files"
scripts/check-wasm-deps.sh
scripts/check-cycles.py

step "formatting (rustfmt.toml)"
cargo fmt --check

step "a throwaway PostgreSQL cluster on loopback (the newsletter store on both databases)"
# scripts/postgres.sh installs Debian's PostgreSQL where it is missing. Stopped on exit.
PG_DIR="$(mktemp -d "${TMPDIR:-/tmp}/nv-test-postgres.XXXXXX")"
stop_postgres() { scripts/postgres.sh stop "$PG_DIR" || true; rm -rf "$PG_DIR"; }
trap stop_postgres EXIT
NV_TEST_POSTGRES_URL="$(scripts/postgres.sh start "$PG_DIR" "${NV_TEST_POSTGRES_PORT:-55432}")"
export NV_TEST_POSTGRES_URL
echo "PostgreSQL at $NV_TEST_POSTGRES_URL"

step "one build of every crate, test, example and the server, linted by clippy as it compiles (warnings are errors)"
# One build for every target (the same features throughout, so each dependency compiles once).
# `cargo clippy` would first type-check every dependency again on its own (194 s here):
# instead clippy-driver, the compiler `cargo clippy` itself runs, compiles our crates in this
# build and lints them as it goes; dependencies compile with plain rustc. CLIPPY_ARGS is how
# `cargo clippy -- -D warnings` passes its options to clippy-driver.
clippy_driver="$(command -v clippy-driver)"
clippy_args="-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__"
with_clippy=(env RUSTC_WORKSPACE_WRAPPER="$clippy_driver" CLIPPY_ARGS="$clippy_args")
# First, a one-line program with a clippy warning must fail with these settings: should a
# toolchain pass the options differently, warnings would otherwise get through unnoticed.
probe="$(mktemp -d "${TMPDIR:-/tmp}/nv-clippy-probe.XXXXXX")"
echo 'fn main() { let v = vec![1]; assert!(v.len() == 1); }' >"$probe/probe.rs"
probe_said="$(CLIPPY_ARGS="$clippy_args" "$clippy_driver" rustc "$probe/probe.rs" --edition 2021 --emit=metadata --out-dir "$probe" 2>&1 || true)"
if ! grep -q '^error: useless use of `vec!`' <<<"$probe_said"; then
  echo "clippy-driver did not fail a program with a clippy warning: the lints would not fail the build" >&2
  rm -rf "$probe"
  exit 1
fi
rm -rf "$probe"
nextest=(cargo nextest run --workspace --exclude frontend --features app/ssr --all-targets --run-ignored all)
"${with_clippy[@]}" "${nextest[@]}" --no-run

step "every Rust test: unit tests of each crate, router-level and command tests (server), the store on SQLite and PostgreSQL, several servers on one PostgreSQL"
# One process per test (see .config/nextest.toml): no shared Leptos runtime between tests.
# The PostgreSQL tests are #[ignore]d where no cluster is set up; here they run.
"${with_clippy[@]}" "${nextest[@]}"
stop_postgres
trap - EXIT

step "lints of the browser build, warnings are errors"
cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings

step "the browser bundle as production serves it (release WASM + JS, CSS) and its size budget"
# The server binary is the one the Rust tests above built and ran (target/debug/server, the
# same code with the same features): building it again for cargo-leptos' own flags took 4 min.
# (Run beside the server's build and tests at the lowest priority, the browser build and this
# bundle made the whole command slower, 928 s against 860 s: the two cores are busy enough.)
scripts/check-size-budget.sh

step "content check"
target/debug/server check

step "end-to-end tests in headless Chromium"
(cd end2end && npx playwright test)
step "every test passed"
