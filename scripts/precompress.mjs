#!/usr/bin/env node
// Writes a .br (brotli, quality 11) and a .gz (gzip -9) beside every
// compressible file under the given folders, so that `murmur serve` can send
// them as they are (it picks one by the client's Accept-Encoding). Files that
// do not shrink are left alone. Prints the totals.
//   node scripts/precompress.mjs dist/web
import { readdirSync, readFileSync, statSync, writeFileSync, rmSync } from 'node:fs';
import { join, extname } from 'node:path';
import { brotliCompressSync, gzipSync, constants } from 'node:zlib';

const compressible = new Set(['.wasm', '.js', '.mjs', '.css', '.html', '.svg', '.json', '.txt', '.map', '.ttf', '.woff']);

function* files(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* files(p);
    else if (e.isFile()) yield p;
  }
}

let raw = 0, br = 0, gz = 0, n = 0;
for (const root of process.argv.slice(2)) {
  for (const f of [...files(root)]) {
    if (f.endsWith('.br') || f.endsWith('.gz')) rmSync(f); // left from an earlier build
  }
  for (const f of [...files(root)]) {
    if (!compressible.has(extname(f)) || statSync(f).size < 1024) continue;
    const data = readFileSync(f);
    const b = brotliCompressSync(data, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: data.length },
    });
    const g = gzipSync(data, { level: 9 });
    if (b.length < data.length) writeFileSync(f + '.br', b);
    if (g.length < data.length) writeFileSync(f + '.gz', g);
    raw += data.length; br += Math.min(b.length, data.length); gz += Math.min(g.length, data.length); n++;
  }
}
const mb = (x) => (x / 1e6).toFixed(2) + ' MB';
console.log(`precompress: ${n} files, ${mb(raw)} raw, ${mb(br)} brotli, ${mb(gz)} gzip`);
