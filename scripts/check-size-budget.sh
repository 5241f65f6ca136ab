#!/usr/bin/env bash
# Builds the browser bundle as production serves it (`cargo leptos build --release
# --frontend-only`: the wasm-release profile, wasm-bindgen, wasm-opt, minified JS, into
# target/site) and fails when the JavaScript + WASM an article page loads exceeds the budget,
# brotli-compressed. The end-to-end tests then run against this bundle.
set -euo pipefail
cd "$(dirname "$0")/.."

# The issue's target: 100 KB. The bundle measured 401 KB when this check was added, 312 KB with
# type-erased components, and about 86 KB since pages render on the server only and just their
# islands hydrate. The count includes the navigation script inlined in every page.
budget_kb="${NV_WASM_JS_BUDGET_KB:-100}"
out=target/site/pkg

cargo leptos build --release --frontend-only

node - "$out" "$budget_kb" app/src/layout/navigation.js <<'JS'
const { readFileSync } = require("node:fs");
const zlib = require("node:zlib");
const [dir, budgetKb, navigation] = process.argv.slice(2);
const brotli = (buf) =>
  zlib.brotliCompressSync(buf, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
let total = 0;
for (const path of [`${dir}/nourishvibes.js`, `${dir}/nourishvibes.wasm`, navigation]) {
  const name = path.split("/").pop();
  const raw = readFileSync(path);
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
