import { request } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { createJob } from '../../src/services/jobs/create-job';
import { makeOrganisation, sampleJob } from '../helpers';
import { startProduct } from '../server';

let product: Awaited<ReturnType<typeof startProduct>>;
let page = '';

beforeAll(async () => {
  product = await startProduct();
  const org = await makeOrganisation(product.rt);
  const { trackerToken } = await createJob(org.ctx, { ...sampleJob(), workflowId: org.workflowId });
  page = await (await fetch(`${product.url}/t/${trackerToken}`)).text();
});

/** One GET as a browser sends it, the body as it came over the wire (not unpacked). */
const get = (path: string, encoding?: string) =>
  new Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }>((resolve, reject) => {
    const req = request(
      `${product.url}${path}`,
      { headers: encoding ? { 'accept-encoding': encoding } : {} },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });

describe('scripts and stylesheets as sent', () => {
  it('are gzip-compressed for a browser that accepts it, the same bytes unpacked, and plain for one that does not', async () => {
    const assets = [...page.matchAll(/(?:src|href)="(\/_astro\/[^"]+\.(?:js|css))"/g)].map((m) => m[1] ?? '');
    expect(assets.length).toBeGreaterThanOrEqual(2);
    for (const path of assets) {
      const plain = await get(path);
      const packed = await get(path, 'gzip, deflate, br');
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(packed.status).toBe(200);
      expect(packed.headers).toMatchObject({ 'content-encoding': 'gzip', vary: 'accept-encoding' });
      expect(packed.headers['cache-control']).toContain('immutable');
      expect(packed.headers['x-content-type-options']).toBe('nosniff');
      expect(gunzipSync(packed.body).equals(plain.body)).toBe(true);
      expect(packed.body.byteLength).toBeLessThan(plain.body.byteLength);
    }
  });

  it('keeps the tracker’s JavaScript within 8 KB as sent, its modules’ imports included', async () => {
    const seen = new Map<string, number>();
    const queue = [...page.matchAll(/<script[^>]*\bsrc="([^"]+)"/g)].map((m) => m[1] ?? '');
    while (queue.length) {
      const path = queue.shift() ?? '';
      if (seen.has(path)) continue;
      const sent = await get(path, 'gzip');
      seen.set(path, sent.body.byteLength);
      const code = gunzipSync(sent.body).toString();
      for (const m of code.matchAll(/(?:import|from)\s*["']([^"']+\.js)["']/g))
        queue.push(new URL(m[1] ?? '', `http://x${path}`).pathname);
    }
    const total = [...seen.values()].reduce((a, b) => a + b, 0);
    expect(seen.size).toBeGreaterThanOrEqual(1);
    expect(total).toBeLessThanOrEqual(8 * 1024);
  });
});
