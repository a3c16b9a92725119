import { request } from 'node:http';
import { brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';

/**
 * What a browser downloads for a page, measured from the running server: the HTML, every stylesheet it
 * links, every script it loads (module imports, static and dynamic, followed through the JavaScript),
 * each as sent over the wire (transfer bytes with `Accept-Encoding: br, gzip`). Used by the bench's
 * page-weight rows and by test/http/compressed-assets.test.ts.
 */

export type Transfer = {
  url: string;
  kind: 'html' | 'script' | 'stylesheet';
  status: number;
  /** Body bytes as sent (compressed when the server compressed). */
  sent: number;
  /** Body bytes once decoded. */
  decoded: number;
  /** `gzip -9` of the decoded body: the bench's former measure, kept for comparison. */
  gzip9: number;
  headers: Record<string, string | string[] | undefined>;
};

const ACCEPT = 'br, gzip';

/** A GET with node:http (fetch would decode the body and hide what was sent). */
export function get(url: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: Transfer['headers']; raw: Buffer; text: string }>(
    (resolve, reject) => {
      const req = request(url, { headers: { 'accept-encoding': ACCEPT, ...headers } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const raw = Buffer.concat(chunks);
          // A 304 or a HEAD says its encoding but has no body.
          const encoding = raw.byteLength ? res.headers['content-encoding'] : undefined;
          const body =
            encoding === 'br' ? brotliDecompressSync(raw) : encoding === 'gzip' ? gunzipSync(raw) : raw;
          resolve({ status: res.statusCode ?? 0, headers: res.headers, raw, text: body.toString('utf8') });
        });
      });
      req.on('error', reject);
      req.end();
    },
  );
}

/** Module specifiers a script imports: `import … from "x"`, `import "x"`, `import("x")`, `export … from "x"`. */
function imports(code: string): string[] {
  const found: string[] = [];
  for (const m of code.matchAll(/(?:\bimport|\bfrom)\s*\(?\s*["'`]([^"'`]+\.m?js)["'`]/g))
    found.push(m[1] ?? '');
  return found.filter((s) => s.startsWith('.') || s.startsWith('/'));
}

/** Every transfer the page makes for its HTML, stylesheets and scripts (each URL once). */
export async function pageTransfers(pageUrl: string, headers: Record<string, string> = {}) {
  const transfers: Transfer[] = [];
  const page = await get(pageUrl, headers);
  transfers.push(record(pageUrl, 'html', page));
  const html = page.text;
  const seen = new Set<string>();
  for (const m of html.matchAll(/<link\b[^>]*>/g)) {
    const tag = m[0];
    if (!/\brel="?stylesheet/.test(tag)) continue;
    const href = /\bhref="([^"]+)"/.exec(tag)?.[1];
    if (!href) continue;
    const url = new URL(href, pageUrl).href;
    if (seen.has(url)) continue;
    seen.add(url);
    transfers.push(record(url, 'stylesheet', await get(url)));
  }
  const queue: string[] = [];
  for (const m of html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g))
    queue.push(new URL(m[1] ?? '', pageUrl).href);
  // Island components and their renderers (`<astro-island component-url=… renderer-url=…>`),
  // and module code written inline in the page.
  for (const m of html.matchAll(/\b(?:component-url|renderer-url|before-hydration-url)="([^"]+)"/g))
    if (m[1]) queue.push(new URL(m[1], pageUrl).href);
  for (const m of html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g))
    for (const spec of imports(m[1] ?? '')) queue.push(new URL(spec, pageUrl).href);
  while (queue.length) {
    const url = queue.shift() ?? '';
    if (seen.has(url)) continue;
    seen.add(url);
    const script = await get(url);
    transfers.push(record(url, 'script', script));
    for (const spec of imports(script.text)) queue.push(new URL(spec, url).href);
  }
  return transfers;
}

function record(url: string, kind: Transfer['kind'], response: Awaited<ReturnType<typeof get>>): Transfer {
  return {
    url,
    kind,
    status: response.status,
    sent: response.raw.byteLength,
    decoded: Buffer.byteLength(response.text),
    gzip9: gzipSync(response.text, { level: 9 }).byteLength,
    headers: response.headers,
  };
}

/** The page's weight as sent: scripts, and HTML + stylesheets. */
export async function pageWeight(pageUrl: string, headers: Record<string, string> = {}) {
  const transfers = await pageTransfers(pageUrl, headers);
  const sum = (kinds: Transfer['kind'][], key: 'sent' | 'decoded' | 'gzip9') =>
    transfers.filter((t) => kinds.includes(t.kind)).reduce((a, t) => a + t[key], 0);
  return {
    transfers,
    scriptSent: sum(['script'], 'sent'),
    scriptDecoded: sum(['script'], 'decoded'),
    htmlCssSent: sum(['html', 'stylesheet'], 'sent'),
    htmlCssDecoded: sum(['html', 'stylesheet'], 'decoded'),
    scriptGzip9: sum(['script'], 'gzip9'),
    htmlCssGzip9: sum(['html', 'stylesheet'], 'gzip9'),
  };
}
