import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { organisations } from '../../db/schema';
import { createJob } from '../../src/services/jobs/create-job';
import { createWorkflow } from '../../src/services/organisation/workflows';
import { inviteSpecialist } from '../../src/services/staff/team';
import { LOOKUP_LIMITS } from '../../src/services/tracker/widget';
import { consoleClient, signedUpAdmin } from '../console-client';
import { roleIdFor } from '../helpers';
import { startProduct } from '../server';

let product: Awaited<ReturnType<typeof startProduct>>;
let admin: Awaited<ReturnType<typeof signedUpAdmin>>;
let slug: string;

beforeAll(async () => {
  product = await startProduct();
  admin = await signedUpAdmin(product.url, product.rt, 'Garage Widget');
  const [org] = await product.rt.database.db
    .select()
    .from(organisations)
    .where(eq(organisations.id, admin.organisationId));
  slug = org?.slug ?? '';
  const workflowId = await createWorkflow(admin.ctx, { name: 'APK', steps: [{ title: 'Keuring' }] });
  await createJob(admin.ctx, {
    reference: 'W-1',
    title: 'APK',
    customer: { name: 'Klant', postcode: '1234 AB' },
    workflowId,
  });
});

const csp = (r: Response) => r.headers.get('content-security-policy') ?? '';

describe('the widget page in the console', () => {
  it('keeps the list of websites, shows the snippets and a live preview', async () => {
    const saved = await admin.client.post('/console/widget', {
      _action: 'origins',
      origins: 'https://www.garage.example/contact\nhttp://127.0.0.1:8080\n\nhttps://www.garage.example',
    });
    expect(saved.status).toBe(303);
    const page = await admin.client.get('/console/widget?mode=compact&locale=en');
    expect(page.text).toContain('https://www.garage.example\nhttp://127.0.0.1:8080</textarea>');
    expect(page.text).toContain(`data-organisation="${slug}"`);
    expect(page.text).toContain('data-mode="compact"');
    // The preview is the real snippet: the loader script and the element it fills.
    expect(page.text).toMatch(/data-widget-preview>\s*<div data-open-kitchen="lookup"/);
    // (PUBLIC_URL's port: the test server listens on port 0, so only the shape is checked.)
    expect(page.text).toMatch(/<script src="http:\/\/127\.0\.0\.1:\d+\/widget\.js" async><\/script>/);

    const wrong = await admin.client.post('/console/widget', {
      _action: 'origins',
      origins: 'garage.example',
    });
    expect(wrong.status).toBe(422);
    expect(wrong.text).toContain('Geen webadres: schrijf het als https://www.voorbeeld.nl.');
    const [org] = await product.rt.database.db
      .select()
      .from(organisations)
      .where(eq(organisations.id, admin.organisationId));
    expect(org?.embedOrigins).toEqual(['https://www.garage.example', 'http://127.0.0.1:8080']);
  });

  it('is for admins only', async () => {
    const { token } = await inviteSpecialist(admin.ctx, {
      name: 'Collega',
      roleId: await roleIdFor(admin.ctx, 'Monteur'),
      email: 'collega.widget@example.test',
      permission: 'specialist',
    });
    const colleague = consoleClient(product.url);
    const joined = await colleague.post(`/console/invite/${token}`, {
      name: 'Collega',
      password: 'a password of some length',
    });
    expect(joined.status).toBe(303);
    expect((await colleague.get('/console/widget')).status).toBe(303);
    const refused = await colleague.post('/console/widget', {
      _action: 'origins',
      origins: 'https://evil.example',
    });
    expect(refused.status).not.toBe(200);
  });
});

describe('the widget frames', () => {
  it("may be framed by the organisation's websites only", async () => {
    const lookup = await fetch(`${product.url}/embed/lookup/${slug}`);
    expect(lookup.status).toBe(200);
    expect(csp(lookup)).toContain("frame-ancestors 'self' https://www.garage.example http://127.0.0.1:8080");
    expect(lookup.headers.get('x-frame-options')).toBeNull();
    expect(lookup.headers.get('x-frame-ancestors')).toBeNull();
    expect(lookup.headers.get('referrer-policy')).toBe('no-referrer');

    for (const path of ['/embed/lookup/nobody', `/embed/job/${'A'.repeat(32)}`, '/embed/job/job_x.1.abc']) {
      const unknown = await fetch(`${product.url}${path}`);
      expect(unknown.status, path).toBe(404);
      expect(csp(unknown), path).toContain("frame-ancestors 'none'");
    }
    // The tracker itself is never framed.
    expect(csp(await fetch(`${product.url}/t/${'A'.repeat(32)}`))).toContain("frame-ancestors 'none'");
  });

  it('looks a job up with a plain form, and answers misses and floods in words', async () => {
    const post = (body: Record<string, string>) =>
      fetch(`${product.url}/embed/lookup/${slug}?locale=en`, {
        method: 'POST',
        headers: { origin: product.url },
        body: new URLSearchParams(body),
        redirect: 'manual',
      });
    const found = await post({ reference: 'w-1', postcode: '1234ab' });
    expect(found.status).toBe(303);
    expect(found.headers.get('location')).toMatch(/^\/embed\/job\/job_[^?]+\?locale=en&lookup=1$/);
    const view = await fetch(`${product.url}${found.headers.get('location')}`);
    expect(await view.text()).toContain('<h1>APK</h1>');

    const miss = await post({ reference: 'W-1', postcode: '9999 ZZ' });
    expect(miss.status).toBe(404);
    expect(await miss.text()).toContain('We could not find a job with these details.');
    const missing = await post({ reference: 'W-1' });
    expect(missing.status).toBe(422);
    expect(await missing.text()).toContain('Enter your reference and your postcode or email address.');

    let last = miss;
    for (let i = 0; i < LOOKUP_LIMITS.perIp.max && last.status !== 429; i++)
      last = await post({ reference: 'W-1', postcode: '9999 ZZ' });
    expect(last.status).toBe(429);
    expect(Number(last.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await last.text()).toContain('Too many attempts. Please try again in 15 minutes.');
  });
});
