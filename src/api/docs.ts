import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Hono } from 'hono';

/**
 * The browsable API reference at /api/docs: Swagger UI's prebuilt files (swagger-ui-dist, no
 * dependencies of its own) served from our origin, so the page needs no CDN and runs under a CSP that
 * allows only our own scripts. See docs/decisions/api-reference.md.
 */
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const page = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Open Kitchen API</title>
<link rel="stylesheet" href="/api/docs/swagger-ui.css">
</head>
<body>
<div id="reference"></div>
<script src="/api/docs/swagger-ui-bundle.js"></script>
<script src="/api/docs/init.js"></script>
</body>
</html>
`;

const init = `window.ui = SwaggerUIBundle({
  url: '/api/v1/openapi.json',
  dom_id: '#reference',
  deepLinking: true,
  defaultModelsExpandDepth: 0,
  validatorUrl: null,
});
`;

const assets: Record<string, { file?: string; text?: string; type: string }> = {
  'swagger-ui.css': { file: 'swagger-ui.css', type: 'text/css; charset=utf-8' },
  'swagger-ui-bundle.js': { file: 'swagger-ui-bundle.js', type: 'text/javascript; charset=utf-8' },
  'init.js': { text: init, type: 'text/javascript; charset=utf-8' },
};

type Compressed = { plain: Uint8Array<ArrayBuffer>; gzip: Uint8Array<ArrayBuffer> };
const loaded = new Map<string, Promise<Compressed>>();

/** Read and compressed once, on first use. */
function load(name: string): Promise<Compressed> {
  let found = loaded.get(name);
  if (!found) {
    const asset = assets[name];
    found = (async () => {
      const dir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
      const plain = new Uint8Array(
        asset?.file ? await readFile(join(dir, asset.file)) : new TextEncoder().encode(asset?.text ?? ''),
      );
      return { plain, gzip: new Uint8Array(gzipSync(plain)) };
    })();
    loaded.set(name, found);
  }
  return found;
}

export const docsRoutes = () =>
  new Hono()
    .get('/api/docs', (c) => {
      c.header('content-security-policy', CSP);
      c.header('cache-control', 'no-cache');
      return c.html(page);
    })
    .get('/api/docs/:asset', async (c, next) => {
      const asset = assets[c.req.param('asset')];
      if (!asset) return next();
      const body = await load(c.req.param('asset'));
      c.header('content-type', asset.type);
      c.header('cache-control', 'public, max-age=86400');
      c.header('x-content-type-options', 'nosniff');
      if (/\bgzip\b/.test(c.req.header('accept-encoding') ?? '')) {
        c.header('content-encoding', 'gzip');
        return c.body(body.gzip);
      }
      return c.body(body.plain);
    });
