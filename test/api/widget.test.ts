import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { organisations } from '../../db/schema';
import { createJob } from '../../src/services/jobs/create-job';
import { EMBED_TOKEN_SECONDS, LOOKUP_LIMITS } from '../../src/services/tracker/widget';
import { apiClient, fakeClock, makeOrganisation, sampleJob, type TestOrg, testRuntime } from '../helpers';

const clock = fakeClock();
const rt = await testRuntime({ clock });
const call = apiClient(rt);
const SHOP = 'https://shop.example';
let org: TestOrg;
let jobId: string;
let trackerToken: string;

beforeAll(async () => {
  org = await makeOrganisation(rt, { slug: 'widget-garage' });
  await rt.database.db
    .update(organisations)
    .set({ embedOrigins: [SHOP] })
    .where(eq(organisations.id, org.id));
  ({ jobId, trackerToken } = await createJob(org.ctx, { ...sampleJob('WO-77'), workflowId: org.workflowId }));
});

const lookup = (body: unknown, headers: Record<string, string> = {}) =>
  call('POST', '/widget/widget-garage/lookup', { body, headers });

describe('embed tokens through the API', () => {
  it('are made with the key, expire as asked, and come with a snippet', async () => {
    const made = await call('POST', `/jobs/${jobId}/embed-tokens`, {
      key: org.key,
      body: { expiresIn: 300 },
    });
    expect(made.status).toBe(201);
    expect(made.json.expiresAt).toBe(new Date(clock.now() + 300_000).toISOString());
    expect(made.json.embedUrl).toBe(`http://tracker.test/embed/job/${made.json.token}`);
    expect(made.json.snippet).toContain(`data-token="${made.json.token}"`);
    // Three steps: the height the full widget will have, reserved up front.
    expect(made.json.snippet).toContain(`style="min-height:${190 + 3 * 63}px"`);
    expect(made.json.snippet).toContain('<script src="http://tracker.test/widget.js" async></script>');

    const view = await call('GET', `/widget/jobs/${made.json.token}`);
    expect(view.status).toBe(200);
    expect(view.json.job).toEqual({ reference: 'WO-77', title: 'APK + kleine beurt', status: 'open' });
    expect(view.json.steps.map((s: { title: string }) => s.title)).toEqual([
      'Intake',
      'Keuring',
      'Klaar voor ophalen',
    ]);

    clock.advance(300_000);
    const gone = await call('GET', `/widget/jobs/${made.json.token}`);
    expect([gone.status, gone.json.error.code]).toEqual([410, 'expired']);
    const stream = await call('GET', `/widget/jobs/${made.json.token}/events`);
    expect(stream.status).toBe(410);
  });

  it('refuse a lifetime outside one minute to one day, and the read-only key', async () => {
    for (const expiresIn of [EMBED_TOKEN_SECONDS.min - 1, EMBED_TOKEN_SECONDS.max + 1, 1.5]) {
      const r = await call('POST', `/jobs/${jobId}/embed-tokens`, { key: org.key, body: { expiresIn } });
      expect([r.status, r.json.error.details.fields[0].field]).toEqual([422, 'body.expiresIn']);
    }
    expect((await call('POST', `/jobs/${jobId}/embed-tokens`, { key: org.readKey })).status).toBe(403);
    expect((await call('POST', `/jobs/${jobId}/embed-tokens`)).status).toBe(401);
  });
});

describe('lookup through the API', () => {
  it('gives a token for the right details and one answer for every wrong one', async () => {
    const found = await lookup({ reference: 'WO-77', postcode: '3511ab' });
    expect(found.status).toBe(200);
    expect((await call('GET', `/widget/jobs/${found.json.token}`)).json.job.reference).toBe('WO-77');

    const wrongPostcode = await lookup({ reference: 'WO-77', postcode: '1000 AA' });
    const wrongReference = await lookup({ reference: 'WO-78', postcode: '3511 AB' });
    expect(wrongPostcode.status).toBe(404);
    const strip = (r: { json: { error: unknown } }) => JSON.stringify(r.json.error);
    expect(strip(wrongPostcode)).toBe(strip(wrongReference));
    expect(wrongPostcode.json.error.code).toBe('no_match');

    const alone = await lookup({ reference: 'WO-77' });
    expect([alone.status, alone.json.error.details.field]).toEqual([422, 'postcode']);
    const bad = await lookup({ postcode: '3511 AB' });
    expect([bad.status, bad.json.error.details.fields[0].field]).toEqual([422, 'body.reference']);
  });

  it('answers 429 with Retry-After when an address tries too often', async () => {
    // In-process calls have no client address; they share one budget, like one visitor.
    clock.advance(LOOKUP_LIMITS.perIp.windowMs);
    let last = await lookup({ reference: 'X', postcode: '1' });
    for (let i = 0; i < LOOKUP_LIMITS.perIp.max && last.status !== 429; i++)
      last = await lookup({ reference: 'X', postcode: '1' });
    expect([last.status, last.json.error.code]).toEqual([429, 'rate_limited']);
    expect(Number(last.headers.get('retry-after'))).toBeGreaterThan(0);
    clock.advance(LOOKUP_LIMITS.perIp.windowMs);
  });
});

describe('CORS for the widget API', () => {
  it("lets the organisation's websites call it, and no other", async () => {
    const preflight = await call('OPTIONS', '/widget/widget-garage/lookup', {
      headers: { origin: SHOP, 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(SHOP);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('content-type');

    const allowed = await lookup({ reference: 'WO-77', postcode: '3511 AB' }, { origin: SHOP });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(SHOP);
    const view = await call('GET', `/widget/jobs/${allowed.json.token}`, { headers: { origin: SHOP } });
    expect(view.headers.get('access-control-allow-origin')).toBe(SHOP);

    for (const origin of ['https://evil.example', 'http://shop.example', 'https://shop.example:8443']) {
      const refused = await lookup({ reference: 'WO-77', postcode: '3511 AB' }, { origin });
      expect([refused.status, refused.json.error.code], origin).toEqual([403, 'origin_not_allowed']);
      // The refusal itself is readable (the loader shows why); it carries nothing of the job, and the
      // preflight's 403 still stops every request that needs one.
      expect(refused.headers.get('access-control-allow-origin')).toBe('*');
      const pre = await call('OPTIONS', '/widget/widget-garage/lookup', { headers: { origin } });
      expect(pre.status).toBe(403);
      const read = await call('GET', `/widget/jobs/${allowed.json.token}`, { headers: { origin } });
      expect([read.status, read.json.error.code]).toEqual([403, 'origin_not_allowed']);
      expect(JSON.stringify(read.json)).not.toContain('WO-77');
      for (const path of ['/widget/widget-garage/allowed', `/widget/jobs/${allowed.json.token}/allowed`]) {
        expect((await call('GET', path, { headers: { origin } })).status, path).toBe(403);
      }
    }
    // The loader's question, from a listed website: yes.
    for (const path of ['/widget/widget-garage/allowed', `/widget/jobs/${allowed.json.token}/allowed`]) {
      const asked = await call('GET', path, { headers: { origin: SHOP } });
      expect([asked.status, asked.json], path).toEqual([200, { allowed: true }]);
    }
    expect((await call('GET', '/widget/no-such-garage/allowed', { headers: { origin: SHOP } })).status).toBe(
      403,
    );
  });
});

describe('oEmbed', () => {
  it('embeds tracker and widget links of this installation', async () => {
    const tracker = await call(
      'GET',
      `/oembed?url=${encodeURIComponent(`http://tracker.test/t/${trackerToken}`)}&maxwidth=500`,
    );
    expect(tracker.status).toBe(200);
    expect(tracker.json).toMatchObject({
      version: '1.0',
      type: 'rich',
      provider_name: 'Open Kitchen',
      width: 500,
    });
    expect(tracker.json.title).toContain('APK + kleine beurt');
    expect(tracker.json.html).toContain(`src="http://tracker.test/embed/job/${trackerToken}"`);
    expect(tracker.json.html).toContain('title="APK + kleine beurt');
    expect(tracker.json.height).toBe(190 + 3 * 63);

    const widget = await call(
      'GET',
      `/oembed?url=${encodeURIComponent('http://tracker.test/embed/lookup/widget-garage?locale=en&mode=compact')}`,
    );
    expect(widget.json.html).toContain(
      'src="http://tracker.test/embed/lookup/widget-garage?locale=en&#38;mode=compact"',
    );
    expect(widget.json.title).toBe('Follow your job at Garage 1');
  });

  it('knows nothing of other links', async () => {
    for (const url of [
      'https://elsewhere.example/t/abc',
      `http://tracker.test/t/${'A'.repeat(32)}`,
      'http://tracker.test/console/',
      'http://tracker.test/embed/lookup/nobody',
    ]) {
      const r = await call('GET', `/oembed?url=${encodeURIComponent(url)}`);
      expect(r.status, url).toBe(404);
    }
    const notUrl = await call('GET', '/oembed?url=nope');
    expect([notUrl.status, notUrl.json.error.details.fields[0].field]).toEqual([422, 'query.url']);
    const xml = await call(
      'GET',
      `/oembed?format=xml&url=${encodeURIComponent(`http://tracker.test/t/${trackerToken}`)}`,
    );
    expect(xml.status).toBe(422);
  });
});
