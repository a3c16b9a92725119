import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, relative, sep } from 'node:path';
import { COMPRESSIBLE } from './precompress';

/**
 * The built client files (`dist/client`: Astro's hashed `/_astro/…` bundles, the widget loader, the
 * service worker, public/), read into memory once at start with the `.br`/`.gz` twins written by the
 * build (src/http/precompress.ts), and served from that index: no file-system call on any request, and
 * a request that is not a file (pages, API, tracker, console) costs one map look-up before Astro.
 */

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
};

/** Hashed names never change content: a year, immutable. Others are revalidated by their ETag. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'public, max-age=0, must-revalidate';

type Variant = { body: Buffer; head: string[] };
export type StaticFile = {
  plain: Variant;
  br?: Variant;
  gzip?: Variant;
  etag: string;
};

/** Reads every built client file into an index by URL path (`/widget.js`, `/_astro/…`). */
export function loadStaticFiles(
  clientDir: string,
  hardening: Record<string, string>,
): Map<string, StaticFile> {
  const index = new Map<string, StaticFile>();
  if (!existsSync(clientDir)) return index;
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) {
        walk(full);
        continue;
      }
      // The build's compressed twins are variants of their file, not files of their own.
      if ((full.endsWith('.br') || full.endsWith('.gz')) && existsSync(full.slice(0, -3))) continue;
      const path = `/${relative(clientDir, full).split(sep).join('/')}`;
      const ext = extname(entry.name).toLowerCase();
      const body = readFileSync(full);
      const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
      const compressible = COMPRESSIBLE.has(ext);
      const base = [
        ...Object.entries(hardening).flat(),
        'content-security-policy',
        "default-src 'none'; frame-ancestors 'none'",
        'content-type',
        TYPES[ext] ?? 'application/octet-stream',
        'cache-control',
        path.startsWith('/_astro/') ? IMMUTABLE : REVALIDATE,
        'etag',
        etag,
        ...(compressible ? ['vary', 'accept-encoding'] : []),
      ];
      const variant = (bytes: Buffer, encoding?: string): Variant => ({
        body: bytes,
        head: [
          ...base,
          ...(encoding ? ['content-encoding', encoding] : []),
          'content-length',
          String(bytes.byteLength),
        ],
      });
      const file: StaticFile = { plain: variant(body), etag };
      if (compressible) {
        if (existsSync(`${full}.br`)) file.br = variant(readFileSync(`${full}.br`), 'br');
        if (existsSync(`${full}.gz`)) file.gzip = variant(readFileSync(`${full}.gz`), 'gzip');
      }
      index.set(path, file);
    }
  };
  walk(clientDir);
  return index;
}

/** The encodings a request accepts (q > 0), from its Accept-Encoding header. */
function accepted(header: string | undefined): { br: boolean; gzip: boolean } {
  const result = { br: false, gzip: false };
  if (!header) return result;
  for (const part of header.split(',')) {
    const [name = '', ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    if (q !== undefined && !(Number(q.slice(2)) > 0)) continue;
    if (name === 'br') result.br = true;
    else if (name === 'gzip' || name === 'x-gzip') result.gzip = true;
    else if (name === '*') {
      result.br = true;
      result.gzip = true;
    }
  }
  return result;
}

/**
 * Answers a GET or HEAD for a built file from the index, in the best encoding the client accepts, with
 * 304 for a matching If-None-Match. Returns false when the request is not for a file.
 */
export function serveStatic(
  index: Map<string, StaticFile>,
  path: string,
  req: IncomingMessage,
  res: ServerResponse,
): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const file = index.get(path);
  if (!file) return false;
  const accepts = accepted(req.headers['accept-encoding']);
  const variant = (accepts.br && file.br) || (accepts.gzip && file.gzip) || file.plain;
  const match = req.headers['if-none-match'];
  if (match?.split(',').some((tag) => tag.trim().replace(/^W\//, '') === file.etag)) {
    res.writeHead(304, withoutLength(variant.head));
    res.end();
    return true;
  }
  res.writeHead(200, variant.head);
  res.end(req.method === 'HEAD' ? undefined : variant.body);
  return true;
}

/** A flat header list without its content-length pair (a 304 has no body). */
function withoutLength(head: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < head.length; i += 2)
    if (head[i] !== 'content-length') out.push(head[i] ?? '', head[i + 1] ?? '');
  return out;
}
