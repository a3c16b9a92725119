import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * What the Node server does before the built app sees a request: the adapter would answer a badly
 * percent-encoded URL with a bare "Bad request." (no content type, request id or security headers), and
 * the built static files (widget loader, service worker, bundles) carry the hardening headers below.
 */

/** Hono's secureHeaders defaults, less the cross-origin isolation a cross-site widget script cannot have. */
export const HARDENING: Record<string, string> = {
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
