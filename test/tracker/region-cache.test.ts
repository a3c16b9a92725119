import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { organisations, specialists } from '../../db/schema';
import { setPreferences } from '../../src/notify/preferences';
import { contextFor } from '../../src/runtime';
import { answerQuestion, askQuestion } from '../../src/services/customer-voice/questions';
import { createJob } from '../../src/services/jobs/create-job';
import { cancelJob } from '../../src/services/jobs/job-admin';
import { getJob } from '../../src/services/jobs/read-job';
import { assignStep } from '../../src/services/steps/assign-step';
import { changeStepStatus } from '../../src/services/steps/change-step-status';
import { postNote } from '../../src/services/steps/post-note';
import type { TrackerView } from '../../src/services/tracker/tracker';
import { ViewCache } from '../../src/services/tracker/view-cache';
import { makeOrganisation, sampleJob, type TestOrg } from '../helpers';
import { spawnServer, startProduct } from '../server';

/**
 * The tracker page's rendered live regions, kept with the job's cached content
 * (docs/decisions/tracker-regions-cached.md), against the real server (dist/server.mjs). A second
 * server on the same database renders every request afresh (TRACKER_VIEW_CACHE_MB=0): the pages
 * must be the same bytes, but for the server's own address. The test process writes through its own Runtime (a second process).
 */
let product: Awaited<ReturnType<typeof startProduct>>;
let uncached: string;
let org: TestOrg;

beforeAll(async () => {
  product = await startProduct();
  uncached = (
    await spawnServer({
      DATABASE_URL: product.rt.config.databaseUrl,
      SEED: 'never',
      LIVE_POLL_MS: '20',
      TRACKER_VIEW_CACHE_MB: '0',
    })
  ).url;
  org = await makeOrganisation(product.rt);
});

const html = async (token: string, lang = 'nl', origin = product.url, query = '') => {
  const response = await fetch(`${origin}/t/${token}${query}`, { headers: { 'accept-language': lang } });
  expect(response.status).toBe(200);
  // The one difference between two servers: their own address (in the oEmbed link).
  return (await response.text()).replaceAll(encodeURIComponent(origin), 'ORIGIN');
};
const customer = () => contextFor(product.rt, org.id, { type: 'customer', id: null });
const as = (id: string) => contextFor(product.rt, org.id, { type: 'specialist', id });

/** A job with something in every region: started and assigned steps, a note, a question. */
async function busyJob(locale?: 'nl' | 'en') {
  const { customer: who, ...job } = sampleJob();
  const { jobId, trackerToken } = await createJob(org.ctx, {
    ...job,
    customer: { ...who, locale },
    workflowId: org.workflowId,
  });
  const [intake, keuring] = (await getJob(org.ctx, jobId)).steps;
  await assignStep(org.ctx, jobId, intake?.id ?? '', org.mechanic.id);
  await changeStepStatus(org.ctx, jobId, intake?.id ?? '', 'start');
  await postNote(org.ctx, jobId, intake?.id ?? '', {
    markdown: 'Auto is **binnen**',
    visibility: 'customer',
  });
  const question = await askQuestion(customer(), jobId, {
    stepId: keuring?.id,
    body: 'Is de APK vandaag klaar?',
    channel: 'tracker',
  });
  return { jobId, trackerToken, steps: [intake, keuring], question };
}

describe('the tracker page with kept regions', () => {
  it('is the same bytes as a page rendered afresh, in both languages, open, done and cancelled', async () => {
    const open = await busyJob();
    const done = await busyJob();
    for (const step of (await getJob(org.ctx, done.jobId)).steps) {
      if (step.status === 'pending') await changeStepStatus(org.ctx, done.jobId, step.id, 'start');
      if (step.status !== 'done') await changeStepStatus(org.ctx, done.jobId, step.id, 'finish');
    }
    expect((await getJob(org.ctx, done.jobId)).job.status).toBe('done');
    const cancelled = await busyJob();
    await cancelJob(org.ctx, cancelled.jobId, { reason: 'Onderdelen niet leverbaar' });
    for (const job of [open, done, cancelled])
      for (const lang of ['nl', 'en']) {
        const first = await html(job.trackerToken, lang);
        const kept = await html(job.trackerToken, lang); // the regions from the first request
        const fresh = await html(job.trackerToken, lang, uncached);
        expect(kept).toBe(first);
        expect(kept).toBe(fresh);
      }
    // The job without a language of its own is shown in the browser's: each kept apart.
    const unset = await busyJob(undefined);
    await html(unset.trackerToken, 'nl');
    expect(await html(unset.trackerToken, 'en')).toBe(await html(unset.trackerToken, 'en', uncached));
    expect(await html(unset.trackerToken, 'en')).toContain('In progress');
    expect(await html(unset.trackerToken, 'nl')).toContain('Bezig');
  });

  it('shows a new event, an answer and a specialist profile change', async () => {
    const job = await busyJob();
    await html(job.trackerToken);
    expect(await html(job.trackerToken)).not.toContain('Remschijven');
    await postNote(org.ctx, job.jobId, job.steps[0]?.id ?? '', {
      markdown: 'Remschijven vervangen',
      visibility: 'customer',
    });
    expect(await html(job.trackerToken)).toContain('Remschijven vervangen');

    expect(await html(job.trackerToken)).not.toContain('Ja, vanmiddag');
    await answerQuestion(as(org.inspector.id), job.question.id, { answer: 'Ja, vanmiddag.' });
    expect(await html(job.trackerToken)).toContain('Ja, vanmiddag.');

    // A profile has no version of its own: it shows once the kept content's age limit (5 s) passes.
    await product.rt.database.db
      .update(specialists)
      .set({ bio: 'Sinds kort ook elektrisch.' })
      .where(eq(specialists.id, org.mechanic.id));
    const deadline = Date.now() + 8_000;
    let page = await html(job.trackerToken);
    while (!page.includes('Sinds kort ook elektrisch.') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      page = await html(job.trackerToken);
    }
    expect(page).toContain('Sinds kort ook elektrisch.');
    expect(page).toBe(await html(job.trackerToken, 'nl', uncached));
  });

  it('shows notification choices as stored at each request (read with the token, never kept)', async () => {
    const job = await busyJob();
    const box = /<input type="checkbox" name="email\.answer"[^>]*>/;
    expect(await html(job.trackerToken)).toMatch(box);
    expect((await html(job.trackerToken)).match(box)?.[0]).toContain('checked');
    await setPreferences(
      product.rt.database.db,
      job.jobId,
      { email: { answer: false }, push: { answer: false } },
      Date.now(),
    );
    const page = await html(job.trackerToken);
    expect(page.match(box)?.[0]).not.toContain('checked');
    expect(page).toBe(await html(job.trackerToken, 'nl', uncached));
  });

  it("keeps one viewer's own state out of what others are shown", async () => {
    const job = await busyJob();
    const keuring = job.steps[1]?.id ?? '';
    const plain = await html(job.trackerToken);
    const own = await html(job.trackerToken, 'nl', product.url, `?asked=${keuring}`);
    expect(own).toContain('class="sent"');
    expect(own).toBe(await html(job.trackerToken, 'nl', uncached, `?asked=${keuring}`));
    expect(plain).not.toContain('class="sent"');
    expect(await html(job.trackerToken)).toBe(plain);
    // Own state that changes nothing: rendered through Astro's Solid renderer, the same bytes as the
    // shared render (the two paths to the same components must not part).
    expect(await html(job.trackerToken, 'nl', product.url, '?asked=step_none')).toBe(plain);
  });

  it('sends the kept body while it is the same, and a changed organisation row at once', async () => {
    // (docs/decisions/tracker-body-kept.md: the body is kept per link, language and the rows read.)
    const job = await busyJob();
    const first = await html(job.trackerToken);
    expect(await html(job.trackerToken)).toBe(first);
    expect(await html(job.trackerToken, 'nl', product.url, '?x=1')).toBe(first);
    const { db } = product.rt.database;
    const [row] = await db
      .select({ name: organisations.name })
      .from(organisations)
      .where(eq(organisations.id, org.id));
    await db.update(organisations).set({ name: 'Garage Anders' }).where(eq(organisations.id, org.id));
    try {
      const renamed = await html(job.trackerToken);
      expect(renamed).toContain('<p class="name">Garage Anders</p>');
      expect(renamed).toBe(await html(job.trackerToken, 'nl', uncached));
      expect(await html(job.trackerToken)).toBe(renamed);
    } finally {
      await db
        .update(organisations)
        .set({ name: row?.name ?? '' })
        .where(eq(organisations.id, org.id));
    }
    expect(await html(job.trackerToken)).toBe(first);
  });
});

describe('ViewCache bodies', () => {
  const view = (size: number) => ({ pad: 'x'.repeat(size) }) as unknown as TrackerView;

  it('keeps a body as UTF-8 per key, counts it in the bytes, and drops it with the entry', () => {
    const cache = new ViewCache({ maxEntries: 10, maxBytes: 100_000, maxAgeMs: 1_000 });
    const entry = cache.set('a', 'v1', view(10), 0);
    if (!entry) throw new Error('not kept');
    const base = cache.bytes;
    cache.keepBody('a', entry, 'k1', 1, '<p>één</p>');
    expect(entry.bodies[0]?.html).toEqual(new TextEncoder().encode('<p>één</p>'));
    expect(cache.bytes).toBe(base + 12 + 4); // the UTF-8 and the key
    cache.keepBody('a', entry, 'k1', 2, '<p>twee</p>');
    expect(entry.bodies).toHaveLength(1);
    expect(cache.bytes).toBe(base + 11 + 4);
    for (const key of ['k2', 'k3', 'k4', 'k5']) cache.keepBody('a', entry, key, 2, '<p>x</p>');
    expect(entry.bodies.map((b) => b.key)).toEqual(['k2', 'k3', 'k4', 'k5']);
    expect(cache.get('a', 'v2', 1)).toBeUndefined();
    expect(cache.bytes).toBe(0);
  });

  it('keeps none for an entry already replaced, and stays within maxBytes', () => {
    const cache = new ViewCache({ maxEntries: 10, maxBytes: 5_000, maxAgeMs: 1_000 });
    const old = cache.set('a', 'v1', view(10), 0);
    cache.set('a', 'v2', view(10), 0);
    if (!old) throw new Error('not kept');
    const before = cache.bytes;
    cache.keepBody('a', old, 'k', 1, 'x'.repeat(100));
    expect(cache.bytes).toBe(before);
    for (let i = 0; i < 20; i++) {
      const entry = cache.set(`job${i}`, 'v1', view(10), 0);
      if (entry) cache.keepBody(`job${i}`, entry, 'k', 1, 'x'.repeat(1_000));
      expect(cache.bytes).toBeLessThanOrEqual(5_000);
    }
  });
});

describe('ViewCache regions', () => {
  const view = (size: number) => ({ pad: 'x'.repeat(size) }) as unknown as TrackerView;
  const regions = (size: number) => ({ headline: 'h'.repeat(size), tracker: 't'.repeat(size) });

  it('counts kept regions in the bytes, replaces them per key, and drops them with the entry', () => {
    const cache = new ViewCache({ maxEntries: 10, maxBytes: 100_000, maxAgeMs: 1_000 });
    const entry = cache.set('a', 'v1', view(10), 0);
    if (!entry) throw new Error('not kept');
    const base = cache.bytes;
    cache.keepRegions('a', entry, 'nl', 1, regions(100));
    expect(cache.bytes).toBe(base + 400);
    cache.keepRegions('a', entry, 'nl', 2, regions(200));
    expect(cache.bytes).toBe(base + 800);
    for (const key of ['en', 'x', 'y', 'z']) cache.keepRegions('a', entry, key, 2, regions(100));
    expect(entry.regions).toHaveLength(4);
    expect(cache.get('a', 'v2', 1)).toBeUndefined();
    expect(cache.bytes).toBe(0);
  });

  it('stays within maxBytes with regions, and keeps none for an entry already replaced', () => {
    const cache = new ViewCache({ maxEntries: 10, maxBytes: 5_000, maxAgeMs: 1_000 });
    const old = cache.set('a', 'v1', view(10), 0);
    cache.set('a', 'v2', view(10), 0);
    if (!old) throw new Error('not kept');
    const before = cache.bytes;
    cache.keepRegions('a', old, 'nl', 1, regions(100));
    expect(cache.bytes).toBe(before);
    for (let i = 0; i < 20; i++) {
      const entry = cache.set(`job${i}`, 'v1', view(10), 0);
      if (entry) cache.keepRegions(`job${i}`, entry, 'nl', 1, regions(500));
      expect(cache.bytes).toBeLessThanOrEqual(5_000);
    }
  });
});
