#!/usr/bin/env bash
# Fails if a server-only crate is in the browser (WASM) build's dependency graph.
# Server-only crates are optional in app/ and enabled by its `ssr` feature; this proves it.
set -euo pipefail
cd "$(dirname "$0")/.."

forbidden=(nv-content nv-images nv-newsletter image ravif pulldown-cmark rust-stemmers resvg usvg axum hyper tokio tower-http tracing-subscriber sqlx sqlx-postgres sqlx-sqlite lettre rsa jiff askama)
deps=$(cargo tree -p frontend --target wasm32-unknown-unknown -e normal --prefix none | awk '{print $1}' | sort -u)
found=()
for crate in "${forbidden[@]}"; do
  if grep -qx "$crate" <<<"$deps"; then found+=("$crate"); fi
done
if ((${#found[@]})); then
  echo "server-only crates reach the WASM bundle: ${found[*]}" >&2
  for crate in "${found[@]}"; do
    cargo tree -p frontend --target wasm32-unknown-unknown -e normal -i "$crate" >&2 || true
  done
  exit 1
fi
echo "wasm dependency guard: none of ${#forbidden[@]} server-only crates in the WASM build"
