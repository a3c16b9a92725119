import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/**
 * Sends the build's hashed scripts and stylesheets (`/_astro/…`) gzip-compressed to a browser that
 * accepts gzip: Astro's Node adapter sends static files as they are on disk, and the tracker's budgets
 * count bytes as sent. Each file is compressed once, on first request, and kept (they are few, small
 * and never change under a hash). Returns false when the request is not for such a file: the adapter
 * answers it as before (also conditional requests, which the browser makes only without a cached copy).
 */
export function gzipStatics(clientDir: string, statics: Set<string>) {
  const cache = new Map<string, Buffer>();
  return (req: IncomingMessage, res: ServerResponse, path: string): boolean => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    if (!path.startsWith('/_astro/') || !statics.has(path)) return false;
    const type = TYPES[path.slice(path.lastIndexOf('.'))];
    if (!type || !/\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) return false;
    let body = cache.get(path);
    if (!body) {
      body = gzipSync(readFileSync(join(clientDir, path)), { level: 9 });
      cache.set(path, body);
    }
    res.writeHead(200, {
      'content-type': type,
      'content-encoding': 'gzip',
      'content-length': String(body.byteLength),
      vary: 'accept-encoding',
      'cache-control': 'public, max-age=31536000, immutable',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
    return true;
  };
}
