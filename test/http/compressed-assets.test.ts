import { beforeAll, describe, expect, it } from 'vitest';
import { get, pageTransfers } from '../../bench/page-weight';
import { createJob } from '../../src/services/jobs/create-job';
import { signedUpAdmin } from '../console-client';
import { startProduct } from '../server';

let product: Awaited<ReturnType<typeof startProduct>>;
let trackerUrl: string;

beforeAll(async () => {
  product = await startProduct();
  const admin = await signedUpAdmin(product.url, product.rt, 'Garage Gecomprimeerd');
  const { trackerToken } = await createJob(admin.ctx, {
    reference: 'R-GZIP',
    title: 'Distributieriem',
    customer: { name: 'Noor', locale: 'nl' },
    steps: [{ title: 'Vervangen', assigneeId: admin.specialist.id }],
  });
  trackerUrl = `${product.url}/t/${trackerToken}`;
});

describe('scripts and stylesheets as sent', () => {
  it('sends every script and stylesheet of the tracker compressed, varied by encoding and immutable', async () => {
    const transfers = await pageTransfers(trackerUrl);
    const assets = transfers.filter((t) => t.kind !== 'html');
    expect(transfers[0]?.status).toBe(200);
    expect(assets.filter((t) => t.kind === 'script').length).toBeGreaterThan(0);
    expect(assets.filter((t) => t.kind === 'stylesheet').length).toBeGreaterThan(0);
    for (const asset of assets) {
      const where = new URL(asset.url).pathname;
      expect({ where, status: asset.status }).toEqual({ where, status: 200 });
      expect({ where, encoding: asset.headers['content-encoding'] }).toEqual({ where, encoding: 'br' });
      expect(asset.sent, where).toBeLessThan(asset.decoded);
      expect(String(asset.headers.vary).toLowerCase(), where).toContain('accept-encoding');
      expect(where.startsWith('/_astro/'), where).toBe(true);
      expect(asset.headers['cache-control'], where).toBe('public, max-age=31536000, immutable');
      expect(asset.headers['x-content-type-options'], where).toBe('nosniff');
    }
  });

  it('follows the client: gzip without brotli, plain without either, and q=0 refuses', async () => {
    const transfers = await pageTransfers(trackerUrl);
    const script = transfers.find((t) => t.kind === 'script');
    const url = script?.url ?? '';
    const gzip = await get(url, { 'accept-encoding': 'gzip, deflate' });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    const refused = await get(url, { 'accept-encoding': 'br;q=0, gzip' });
    expect(refused.headers['content-encoding']).toBe('gzip');
    const plain = await get(url, { 'accept-encoding': 'identity' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toBe('accept-encoding');
    expect(plain.headers['content-type']).toMatch(/^text\/javascript/);
    // All three are the same script.
    expect(gzip.text).toBe(plain.text);
    expect(refused.text).toBe(plain.text);
    expect(Number(plain.headers['content-length'])).toBe(plain.raw.byteLength);
  });

  it('answers a revalidation with 304 and serves files that have no hashed name for revalidation', async () => {
    const widget = await get(`${product.url}/widget.js`);
    expect(widget.status).toBe(200);
    expect(widget.headers['content-encoding']).toBe('br');
    expect(widget.headers['cache-control']).toBe('public, max-age=0, must-revalidate');
    const etag = String(widget.headers.etag);
    const again = await get(`${product.url}/widget.js`, { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.raw.byteLength).toBe(0);
  });

  it('leaves everything that is not a built file to the app', async () => {
    const missing = await get(`${product.url}/_astro/nope.js`);
    expect(missing.status).toBe(404);
    const post = await fetch(`${product.url}/widget.js`, { method: 'POST' });
    expect(post.status).not.toBe(200);
    await post.arrayBuffer();
  });
});
