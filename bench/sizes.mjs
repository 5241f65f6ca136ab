// Raw, gzip (level 9) and brotli (quality 11) sizes of files, as JSON on stdout.
//   node bench/sizes.mjs name=path [name=path ...]
import { readFileSync } from 'node:fs';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';

const out = {};
for (const arg of process.argv.slice(2)) {
  const at = arg.indexOf('=');
  if (at < 1) {
    console.error(`sizes.mjs: expected name=path, got ${arg}`);
    process.exit(2);
  }
  const bytes = readFileSync(arg.slice(at + 1));
  out[arg.slice(0, at)] = {
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: 11,
        [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
      },
    }).length,
  };
}
process.stdout.write(JSON.stringify(out) + '\n');
