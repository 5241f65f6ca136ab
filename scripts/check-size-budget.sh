#!/usr/bin/env bash
# Fails when the JavaScript + WASM an article page loads exceeds the budget, brotli-compressed.
# Builds the browser bundle exactly as `cargo leptos build --release` does (wasm-release profile,
# wasm-bindgen, wasm-opt -Oz), without building the release server.
set -euo pipefail
cd "$(dirname "$0")/.."

# The issue's target is 100 KB. The bundle measured 401 KB when this check was added and 312 KB
# with type-erased components, so the enforced budget is a ratchet just above that: it stops
# growth while the gap is worked down. Lower it whenever the bundle shrinks.
budget_kb="${NV_WASM_JS_BUDGET_KB:-320}"
out=target/size-budget
rm -rf "$out" && mkdir -p "$out"

# The same flags as `cargo leptos build --release` (`always-erase-components` in Cargo.toml).
RUSTFLAGS="--cfg erase_components" cargo build --package=frontend --lib --target=wasm32-unknown-unknown --profile=wasm-release \
  --target-dir=target/front --no-default-features --quiet
wasm-bindgen --target web --no-typescript --out-dir "$out" --out-name nourishvibes \
  target/front/wasm32-unknown-unknown/wasm-release/frontend.wasm
wasm-opt -Oz --strip-debug --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals "$out/nourishvibes_bg.wasm" -o "$out/nourishvibes_bg.wasm"

node - "$out" "$budget_kb" <<'JS'
const { readFileSync } = require("node:fs");
const zlib = require("node:zlib");
const [dir, budgetKb] = process.argv.slice(2);
const brotli = (buf) =>
  zlib.brotliCompressSync(buf, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
let total = 0;
for (const name of ["nourishvibes.js", "nourishvibes_bg.wasm"]) {
  const raw = readFileSync(`${dir}/${name}`);
  const size = brotli(raw);
  total += size;
  console.log(`${name}: ${(raw.length / 1024).toFixed(1)} KB raw, ${(size / 1024).toFixed(1)} KB brotli`);
}
const kb = total / 1024;
console.log(`WASM + JS, brotli: ${kb.toFixed(1)} KB (budget ${budgetKb} KB)`);
if (kb > Number(budgetKb)) {
  console.error(`size budget exceeded by ${(kb - budgetKb).toFixed(1)} KB`);
  process.exit(1);
}
JS
