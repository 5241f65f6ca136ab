#!/usr/bin/env bash
# Installs what building and running the site needs, only where missing or of the wrong version.
#   scripts/install-tools.sh          build tools (wasm target, cargo-leptos, wasm-bindgen-cli)
#   scripts/install-tools.sh --test   also what the tests need (Chromium, npm packages of end2end/)
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_LEPTOS_VERSION="0.3.10" # 0.3.11 needs a newer rustc than this machine's stable
say() { printf '==> %s\n' "$*"; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if [[ "${1:-}" == "--test" ]]; then
  for component in rustfmt clippy; do
    if ! rustup component list --installed | grep -q "^$component"; then
      say "adding the $component component (the test command checks formatting and lints)"
      rustup component add "$component"
    fi
  done
fi

if [[ "$(cargo leptos --version 2>/dev/null || true)" != *"$CARGO_LEPTOS_VERSION"* ]]; then
  say "installing cargo-leptos $CARGO_LEPTOS_VERSION (about 15 minutes on 2 cores)"
  cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked
fi

# The CLI must match the wasm-bindgen crate in Cargo.lock exactly.
[[ -f Cargo.lock ]] || cargo generate-lockfile
bindgen_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [[ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $bindgen_version" ]]; then
  say "installing wasm-bindgen-cli $bindgen_version (matches Cargo.lock)"
  # Not --locked: its lock file names a crate version the registry here lacks.
  cargo install wasm-bindgen-cli --version "$bindgen_version" --force
fi

if [[ "${1:-}" == "--test" ]]; then
  apt_missing=()
  [[ -x /usr/bin/chromium ]] || apt_missing+=(chromium)
  # The SMTP server the mail tests start on loopback.
  /usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null || apt_missing+=(python3-aiosmtpd)
  # An independent DKIM verifier for the signed mail the SMTP server receives.
  /usr/bin/python3 -c 'import dkim' 2>/dev/null || apt_missing+=(python3-dkim)
  # openssl makes the test's DKIM key.
  command -v openssl >/dev/null || apt_missing+=(openssl)
  # promtool checks the metrics exposition (Debian's prometheus package brings it).
  command -v promtool >/dev/null || apt_missing+=(prometheus)
  # The throwaway PostgreSQL cluster of the store tests (scripts/postgres.sh starts it).
  compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || apt_missing+=(postgresql)
  # The W3C Nu HTML checker (npm `vnu-jar`) the end-to-end suite runs is a Java program.
  command -v java >/dev/null || apt_missing+=(default-jre-headless)
  if ((${#apt_missing[@]})); then
    say "installing ${apt_missing[*]} from Debian"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${apt_missing[@]}"
  fi
  # The test runner: one process per test, with a time limit (see .config/nextest.toml).
  if ! command -v cargo-nextest >/dev/null; then
    say "installing cargo-nextest (about 5 minutes on 2 cores)"
    cargo install cargo-nextest --locked
  fi
  # wasm-opt for the release-size budget (Debian's binaryen is too old; npm's is current).
  if ! command -v wasm-opt >/dev/null; then
    say "installing binaryen (wasm-opt) from npm"
    npm install -g binaryen --no-audit --no-fund
  fi
  # Installed afresh whenever the lock file differs from the one last installed.
  if ! cmp -s end2end/package-lock.json end2end/node_modules/.installed-package-lock.json; then
    say "installing end2end npm packages"
    (cd end2end && npm ci --no-audit --no-fund && cp package-lock.json node_modules/.installed-package-lock.json)
  fi
fi
