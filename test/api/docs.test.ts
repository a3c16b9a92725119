import { describe, expect, it } from 'vitest';
import { createApi } from '../../src/api';
import { testRuntime } from '../helpers';

const rt = await testRuntime();
const app = createApi(rt);

describe('the API reference at /api/docs', () => {
  it('is served from our origin under a CSP that allows only our own scripts', async () => {
    const page = await app.request('/api/docs');
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-eval');
    const html = await page.text();
    const scripts = [...html.matchAll(/<script src="([^"]+)"/g)].map((m) => m[1]);
    expect(scripts).toEqual(['/api/docs/swagger-ui-bundle.js', '/api/docs/init.js']);
    expect(html).not.toMatch(/<script>(?!<)/); // no inline script
    for (const path of [...scripts, '/api/docs/swagger-ui.css']) {
      const asset = await app.request(path ?? '', { headers: { 'accept-encoding': 'gzip' } });
      expect(asset.status, path).toBe(200);
      expect(asset.headers.get('content-encoding'), path).toBe('gzip');
    }
    const init = await (await app.request('/api/docs/init.js')).text();
    expect(init).toContain('/api/v1/openapi.json');
  });
});
