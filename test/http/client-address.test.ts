import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { organisations } from '../../db/schema';
import { loadConfig } from '../../src/config';
import { resolveClientAddress } from '../../src/http/client-address';
import { LOOKUP_LIMITS } from '../../src/services/tracker/widget';
import { signedUpAdmin } from '../console-client';
import { startProduct } from '../server';

const LB = ['10.0.0.0/8', '127.0.0.1', 'fd00::/8'];

describe('the client address behind trusted proxies', () => {
  it('ignores X-Forwarded-For unless the socket is a trusted proxy', () => {
    expect(resolveClientAddress('203.0.113.9', '198.51.100.1', [])).toBe('203.0.113.9');
    expect(resolveClientAddress('203.0.113.9', '198.51.100.1', LB)).toBe('203.0.113.9');
    expect(resolveClientAddress('::ffff:203.0.113.9', null, LB)).toBe('203.0.113.9');
    expect(resolveClientAddress(undefined, '198.51.100.1', LB)).toBeNull();
  });

  it('reads the header from the right and stops at the first address that is not a proxy', () => {
    expect(resolveClientAddress('10.0.0.2', '198.51.100.1', LB)).toBe('198.51.100.1');
    // The client wrote "1.2.3.4" itself; the load balancer appended what it saw.
    expect(resolveClientAddress('10.0.0.2', '1.2.3.4, 198.51.100.1', LB)).toBe('198.51.100.1');
    // Two proxies in a row (an edge proxy, then the load balancer).
    expect(resolveClientAddress('::ffff:127.0.0.1', '198.51.100.1, 10.1.2.3', LB)).toBe('198.51.100.1');
    expect(resolveClientAddress('fd00::1', '2001:db8::7', LB)).toBe('2001:db8::7');
    // Only proxies: the leftmost is as far as it goes.
    expect(resolveClientAddress('10.0.0.2', '10.0.0.9', LB)).toBe('10.0.0.9');
    // A hop that is not an address ends the walk at the last proxy that wrote one.
    expect(resolveClientAddress('10.0.0.2', '198.51.100.1, unknown', LB)).toBe('10.0.0.2');
    expect(resolveClientAddress('10.0.0.2', '', LB)).toBe('10.0.0.2');
  });

  it('takes TRUSTED_PROXIES as addresses and CIDR blocks, and refuses anything else', () => {
    expect(loadConfig({ TRUSTED_PROXIES: ' 10.0.0.0/8, ::1 ,' }).trustedProxies).toEqual([
      '10.0.0.0/8',
      '::1',
    ]);
    expect(loadConfig({}).trustedProxies).toEqual([]);
    for (const bad of ['10.0.0.0/33', 'proxy.local', '10.0.0.1/8/2', '::1/129', '10.0.0.0/x'])
      expect(() => loadConfig({ TRUSTED_PROXIES: bad }), bad).toThrow(/TRUSTED_PROXIES/);
  });
});

describe('rate limits key on the forwarded client behind a trusted proxy', () => {
  let trusting: Awaited<ReturnType<typeof startProduct>>;
  let plain: Awaited<ReturnType<typeof startProduct>>;
  const slugs = new Map<string, string>();

  beforeAll(async () => {
    [trusting, plain] = await Promise.all([startProduct({ TRUSTED_PROXIES: '127.0.0.1' }), startProduct()]);
    for (const product of [trusting, plain]) {
      const admin = await signedUpAdmin(product.url, product.rt, 'Garage Proxy');
      const [org] = await product.rt.database.db
        .select()
        .from(organisations)
        .where(eq(organisations.id, admin.organisationId));
      slugs.set(product.url, org?.slug ?? '');
    }
  });

  const lookup = (product: typeof trusting, forwardedFor: string) =>
    fetch(`${product.url}/api/v1/widget/${slugs.get(product.url)}/lookup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
      body: JSON.stringify({ reference: 'NONE', postcode: '1234 AB' }),
    });

  it('counts each forwarded client on its own when the proxy is trusted', async () => {
    for (let i = 0; i < LOOKUP_LIMITS.perIp.max; i++)
      expect((await lookup(trusting, `198.51.100.1`)).status).toBe(404);
    expect((await lookup(trusting, '198.51.100.1')).status).toBe(429);
    // The same proxy, another client behind it: its own budget.
    expect((await lookup(trusting, '198.51.100.2')).status).toBe(404);
    // A client writing someone else's address in front of the proxy's entry gains nothing.
    expect((await lookup(trusting, '203.0.113.50, 198.51.100.1')).status).toBe(429);
  });

  it('ignores the header by default, so changing it escapes nothing', async () => {
    let last = 0;
    for (let i = 0; i <= LOOKUP_LIMITS.perIp.max; i++)
      last = (await lookup(plain, `198.51.100.${i + 1}`)).status;
    expect(last).toBe(429);
  });
});
