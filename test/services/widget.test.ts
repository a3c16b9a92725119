import { beforeAll, describe, expect, it } from 'vitest';
import { contextFor } from '../../src/runtime';
import { createJob } from '../../src/services/jobs/create-job';
import { hit } from '../../src/services/platform/rate-limit';
import {
  EMBED_TOKEN_SECONDS,
  frameAncestors,
  issueEmbedToken,
  LOOKUP_LIMITS,
  LOOKUP_VIEW_SECONDS,
  lookupJob,
  normaliseOrigin,
  resolveEmbed,
  setEmbedOrigins,
} from '../../src/services/tracker/widget';
import { fakeClock, makeOrganisation, refusal, sampleJob, type TestOrg, testRuntime } from '../helpers';

const clock = fakeClock();
// A floor of its own, shorter than production's 150 ms (config WIDGET_LOOKUP_FLOOR_MS) but not zero,
// so the test below can see every answer wait for it.
const floorMs = 40;
const rt = await testRuntime({ clock, config: { widgetLookupFloorMs: floorMs } });
const db = rt.database.db;
let a: TestOrg & { slug: string };
let b: TestOrg & { slug: string };
let jobA: string;
let jobB: string;
let ip = 0;
/** A fresh client address per test, so the per-address limit only counts where a test means it to. */
const nextIp = () => `192.0.2.${++ip}`;

beforeAll(async () => {
  a = { ...(await makeOrganisation(rt, { slug: 'garage-a' })), slug: 'garage-a' };
  b = { ...(await makeOrganisation(rt, { slug: 'garage-b' })), slug: 'garage-b' };
  jobA = (await createJob(a.ctx, { ...sampleJob('APK-2041'), workflowId: a.workflowId })).jobId;
  // The same reference at another business, with another customer.
  jobB = (
    await createJob(b.ctx, {
      ...sampleJob('APK-2041'),
      customer: { name: 'Piet', email: 'piet@example.nl', postcode: '1011 AA' },
      workflowId: b.workflowId,
    })
  ).jobId;
});

const jobOf = async (token: string) => {
  const access = await resolveEmbed(db, token, clock.now());
  return access.kind === 'found' ? access.found.job.id : access.kind;
};

describe('lookup', () => {
  it('finds a job by its reference with the postcode or the email, written loosely', async () => {
    const look = (input: { reference: string; postcode?: string; email?: string }) =>
      lookupJob(db, clock.now(), a.slug, input, nextIp()).then((r) => jobOf(r.token));
    expect(await look({ reference: 'APK-2041', postcode: '3511 AB' })).toBe(jobA);
    expect(await look({ reference: ' apk-2041 ', postcode: '3511ab' })).toBe(jobA);
    expect(await look({ reference: 'APK-2041', email: ' Sanne@Example.NL ' })).toBe(jobA);
    // The other business's customer, same reference: found only there.
    expect(
      await lookupJob(db, clock.now(), b.slug, { reference: 'APK-2041', postcode: '1011AA' }, nextIp()).then(
        (r) => jobOf(r.token),
      ),
    ).toBe(jobB);
  });

  it('grants a read-only view for two hours', async () => {
    const found = await lookupJob(
      db,
      clock.now(),
      a.slug,
      { reference: 'APK-2041', postcode: '3511 AB' },
      nextIp(),
    );
    expect(found.expiresAt).toBe(clock.now() + LOOKUP_VIEW_SECONDS * 1000);
  });

  it('never reveals a job by its reference alone, and answers every miss alike', async () => {
    const alone = await refusal(lookupJob(db, clock.now(), a.slug, { reference: 'APK-2041' }, nextIp()));
    expect([alone.kind, alone.details?.field]).toEqual(['invalid', 'postcode']);
    const blank = await refusal(
      lookupJob(db, clock.now(), a.slug, { reference: 'APK-2041', postcode: '  ', email: '' }, nextIp()),
    );
    expect(blank.kind).toBe('invalid');

    const misses = [
      { reference: 'APK-2041', postcode: '9999 ZZ' }, // right reference, wrong postcode
      { reference: 'APK-9999', postcode: '3511 AB' }, // wrong reference, right postcode
      { reference: 'APK-2041', email: 'someone@else.nl' },
      { reference: 'APK-2041', postcode: '1011 AA' }, // the other business's customer
    ];
    const answers = [];
    for (const miss of misses) {
      const started = performance.now();
      const error = await refusal(lookupJob(db, clock.now(), a.slug, miss, nextIp()));
      answers.push({ kind: error.kind, code: error.code, message: error.message, details: error.details });
      // Every answer, found or not, takes at least the floor, so timing does not tell them apart.
      expect(performance.now() - started).toBeGreaterThanOrEqual(floorMs - 1);
    }
    expect(new Set(answers.map((x) => JSON.stringify(x))).size).toBe(1);
    expect(answers[0]).toMatchObject({ kind: 'not_found', code: 'no_match' });
  });

  it('does not match a job without a postcode on file to an empty postcode', async () => {
    await createJob(a.ctx, {
      ...sampleJob('NOPC-1'),
      customer: { name: 'Zonder', email: 'zonder@example.nl' },
      workflowId: a.workflowId,
    });
    const error = await refusal(
      lookupJob(db, clock.now(), a.slug, { reference: 'NOPC-1', postcode: ' ', email: 'x@y.z' }, nextIp()),
    );
    expect(error.code).toBe('no_match');
  });

  it('limits attempts per client address, then lets them try again after the window', async () => {
    const address = nextIp();
    const miss = () => lookupJob(db, clock.now(), a.slug, { reference: 'X-1', postcode: '1234 AB' }, address);
    for (let i = 0; i < LOOKUP_LIMITS.perIp.max; i++) expect((await refusal(miss())).code).toBe('no_match');
    const limited = await refusal(miss());
    expect([limited.kind, limited.details?.retryAfterSeconds]).toEqual([
      'rate_limited',
      LOOKUP_LIMITS.perIp.windowMs / 1000,
    ]);
    // Even the right answer is refused now: guessing cannot continue.
    const right = await refusal(
      lookupJob(db, clock.now(), a.slug, { reference: 'APK-2041', postcode: '3511 AB' }, address),
    );
    expect(right.kind).toBe('rate_limited');
    // Another business's widget shares the address's budget.
    expect(
      (
        await refusal(
          lookupJob(db, clock.now(), b.slug, { reference: 'APK-2041', postcode: '1011 AA' }, address),
        )
      ).kind,
    ).toBe('rate_limited');
    // Another address is not affected.
    expect(
      await lookupJob(db, clock.now(), a.slug, { reference: 'APK-2041', postcode: '3511 AB' }, nextIp()),
    ).toHaveProperty('token');
    clock.advance(LOOKUP_LIMITS.perIp.windowMs);
    expect(
      await lookupJob(db, clock.now(), a.slug, { reference: 'APK-2041', postcode: '3511 AB' }, address),
    ).toHaveProperty('token');
  });

  it('limits attempts per organisation, whatever the address', async () => {
    const c = await makeOrganisation(rt, { slug: 'garage-c' });
    for (let i = 0; i < LOOKUP_LIMITS.perOrganisation.max; i++)
      await hit(db, `widget-lookup:org:${c.id}`, LOOKUP_LIMITS.perOrganisation, clock.now());
    const limited = await refusal(
      lookupJob(db, clock.now(), 'garage-c', { reference: 'A', postcode: '1' }, nextIp()),
    );
    expect(limited.kind).toBe('rate_limited');
    // Other organisations' widgets keep working.
    expect(
      await lookupJob(db, clock.now(), a.slug, { reference: 'APK-2041', postcode: '3511 AB' }, nextIp()),
    ).toHaveProperty('token');
  });

  it('says an unknown organisation is not found', async () => {
    expect(
      (await refusal(lookupJob(db, clock.now(), 'nobody', { reference: 'A', postcode: '1' }, nextIp()))).kind,
    ).toBe('not_found');
  });
});

describe('embed tokens', () => {
  it('show one job until they expire', async () => {
    const { token, expiresAt } = await issueEmbedToken(a.ctx, jobA, 120);
    expect(expiresAt).toBe(clock.now() + 120_000);
    expect(await jobOf(token)).toBe(jobA);
    clock.advance(119_000);
    expect(await jobOf(token)).toBe(jobA);
    clock.advance(1_000);
    expect(await jobOf(token)).toBe('expired');
  });

  it('default to an hour', async () => {
    const { expiresAt } = await issueEmbedToken(a.ctx, jobA);
    expect(expiresAt - clock.now()).toBe(EMBED_TOKEN_SECONDS.default * 1000);
  });

  it('cannot be changed to another job or a later expiry', async () => {
    const { token } = await issueEmbedToken(a.ctx, jobA, 600);
    const [job, exp, sig] = token.split('.') as [string, string, string];
    expect(await jobOf(`${jobB}.${exp}.${sig}`)).toBe('unknown');
    expect(await jobOf(`${job}.${Number(exp) + 3600}.${sig}`)).toBe('unknown');
    expect(await jobOf(`${job}.${exp}.${sig.slice(0, -2)}AA`)).toBe('unknown');
    expect(await jobOf(`${job}.${exp}`)).toBe('unknown');
    expect(await jobOf('not-a-token-at-all.x.y')).toBe('unknown');
  });

  it("are only made for the organisation's own jobs", async () => {
    expect((await refusal(issueEmbedToken(a.ctx, jobB))).kind).toBe('not_found');
  });

  it('and tracker tokens both resolve; an unknown tracker token does not', async () => {
    const made = await createJob(a.ctx, { ...sampleJob(), workflowId: a.workflowId });
    expect(await jobOf(made.trackerToken)).toBe(made.jobId);
    expect(await jobOf('A'.repeat(32))).toBe('unknown');
  });
});

describe('allowed origins', () => {
  it('are normalised to scheme, host and port', () => {
    expect(normaliseOrigin('https://Shop.Example.com/orders?id=1')).toBe('https://shop.example.com');
    expect(normaliseOrigin(' http://127.0.0.1:8080/ ')).toBe('http://127.0.0.1:8080');
    expect(normaliseOrigin('https://shop.example.com:443')).toBe('https://shop.example.com');
    for (const bad of [
      'shop.example.com',
      'ftp://shop.example.com',
      'javascript:alert(1)',
      'https://user:pw@shop.example.com',
    ])
      expect(() => normaliseOrigin(bad), bad).toThrow(/not a web address/);
  });

  it('are set by admins only, deduplicated, at most 20', async () => {
    const admin = contextFor(rt, a.id, { type: 'specialist', id: a.mechanic.id });
    const specialist = contextFor(rt, a.id, { type: 'specialist', id: a.inspector.id });
    expect(
      await setEmbedOrigins(admin, ['https://a.example/x', 'https://A.example', '', 'http://b.example:81']),
    ).toEqual(['https://a.example', 'http://b.example:81']);
    expect((await refusal(setEmbedOrigins(specialist, ['https://c.example']))).code).toBe('admin_only');
    const many = Array.from({ length: 21 }, (_, i) => `https://s${i}.example`);
    expect((await refusal(setEmbedOrigins(admin, many))).details?.field).toBe('embedOrigins');
    expect(frameAncestors(['https://a.example'])).toBe("'self' https://a.example");
  });
});

describe('rate limit windows', () => {
  it('count within a fixed window and start again after it', async () => {
    const limit = { max: 2, windowMs: 1000 };
    const key = `test:${Math.random()}`;
    const t0 = clock.now();
    expect(await hit(db, key, limit, t0)).toEqual({ allowed: true });
    expect(await hit(db, key, limit, t0 + 10)).toEqual({ allowed: true });
    expect(await hit(db, key, limit, t0 + 400)).toEqual({ allowed: false, retryAfterMs: 600 });
    expect(await hit(db, key, limit, t0 + 1000)).toEqual({ allowed: true });
  });
});
