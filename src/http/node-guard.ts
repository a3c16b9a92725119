import { randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join, relative, sep } from 'node:path';

/**
 * What the Node server does before the built app sees a request: the adapter would answer a badly
 * percent-encoded URL with a bare "Bad request." (no content type, request id or security headers), and
 * it serves the built static files (widget loader, service worker, bundles) without hardening headers.
 */

/** Hono's secureHeaders defaults, less the cross-origin isolation a cross-site widget script cannot have. */
const HARDENING: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=15552000; includeSubDomains',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '0',
  'origin-agent-cluster': '?1',
  'cross-origin-opener-policy': 'same-origin',
  // The widget loader is included by other sites' pages.
  'cross-origin-resource-policy': 'cross-origin',
};

/** The URL paths of the built static files, e.g. `/widget.js`, `/_astro/…`. */
export function staticPaths(clientDir: string): Set<string> {
  const paths = new Set<string>();
  const walk = (dir: string) => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else paths.add(`/${relative(clientDir, full).split(sep).join('/')}`);
    }
  };
  walk(clientDir);
  return paths;
}

/** The path of a request URL, or null when it is not valid percent-encoding. */
export function decodedPath(url: string | undefined): string | null {
  const raw = (url ?? '/').split(/[?#]/, 1)[0] ?? '/';
  try {
    decodeURI(url ?? '/');
    return decodeURI(raw);
  } catch {
    return null;
  }
}

/** Answers a request whose URL cannot be decoded: 400 in the error shape, with the usual headers. */
export function answerBadUrl(res: ServerResponse) {
  const requestId = randomUUID();
  const body = JSON.stringify({
    error: { code: 'bad_request', message: 'the URL is not valid percent-encoding' },
    requestId,
  });
  res.writeHead(400, {
    ...HARDENING,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'x-request-id': requestId,
    'cache-control': 'no-store',
  });
  res.end(body);
}

/** Headers for a static file, set before the adapter's file server writes its own. */
export function hardenStatic(req: IncomingMessage, res: ServerResponse, statics: Set<string>) {
  const path = decodedPath(req.url);
  if (path === null || !statics.has(path)) return;
  for (const [name, value] of Object.entries(HARDENING)) res.setHeader(name, value);
  res.setHeader('content-security-policy', "default-src 'none'; frame-ancestors 'none'");
}

/** How long the rest of an unread body is read and dropped before the connection is cut. */
const LINGER_MS = 5_000;

/**
 * A request answered before its body was read (413, 401, …): read the rest and drop it, for a while,
 * instead of closing at once; closing with unread data resets the connection, and the client would
 * lose the answer. Memory stays flat; an endless upload is cut after LINGER_MS.
 */
export function discardUnreadBody(req: IncomingMessage, res: ServerResponse) {
  res.once('finish', () => {
    if (req.complete || req.destroyed) return;
    const timer = setTimeout(() => req.socket.destroy(), LINGER_MS);
    timer.unref();
    req.once('end', () => clearTimeout(timer));
    req.once('close', () => clearTimeout(timer));
    req.resume();
  });
}
