import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

/** Text files worth compressing; images and fonts are compressed already. */
export const COMPRESSIBLE = new Set([
  '.js',
  '.mjs',
  '.css',
  '.svg',
  '.json',
  '.webmanifest',
  '.html',
  '.txt',
  '.xml',
  '.map',
]);

/**
 * Writes `x.br` and `x.gz` beside every compressible file of the built client (at the strongest
 * settings: done once per build, not per request), when they come out smaller than the file itself.
 * The server (src/http/static-files.ts) loads them at start and sends the one the client accepts.
 */
export function precompress(dir: string): { files: number; plain: number; brotli: number } {
  let files = 0;
  let plain = 0;
  let brotli = 0;
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const full = join(at, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (COMPRESSIBLE.has(extname(entry.name))) {
        const body = readFileSync(full);
        const br = brotliCompressSync(body, {
          params: {
            [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
            [constants.BROTLI_PARAM_SIZE_HINT]: body.byteLength,
          },
        });
        const gz = gzipSync(body, { level: 9 });
        if (br.byteLength < body.byteLength) writeFileSync(`${full}.br`, br);
        if (gz.byteLength < body.byteLength) writeFileSync(`${full}.gz`, gz);
        files++;
        plain += body.byteLength;
        brotli += Math.min(br.byteLength, body.byteLength);
      }
    }
  };
  walk(dir);
  return { files, plain, brotli };
}
