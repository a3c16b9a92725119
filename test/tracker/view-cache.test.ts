import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { events } from '../../db/schema';
import { createJob } from '../../src/services/jobs/create-job';
import { reissueTrackerToken } from '../../src/services/jobs/job-admin';
import { getJob } from '../../src/services/jobs/read-job';
import { postNote } from '../../src/services/steps/post-note';
import { findTrackedJobVersioned, type TrackerView } from '../../src/services/tracker/tracker';
import {
  cachedTrackerPage,
  cachedTrackerView,
  ViewCache,
  viewCacheOf,
} from '../../src/services/tracker/view-cache';
import { makeOrganisation, sampleJob, type TestOrg } from '../helpers';
import { startProduct } from '../server';

/**
 * The tracker page's per-process view cache (docs/decisions/tracker-view-cached.md), against the real
 * server (dist/server.mjs). The test process writes through its own Runtime on the same database: a
 * second process, whose changes the server sees only in the database.
 */
let product: Awaited<ReturnType<typeof startProduct>>;
let org: TestOrg;

beforeAll(async () => {
  product = await startProduct();
  org = await makeOrganisation(product.rt);
});

const page = (token: string) => fetch(`${product.url}/t/${token}`, { headers: { 'accept-language': 'nl' } });
const html = async (token: string) => {
  const response = await page(token);
  expect(response.status).toBe(200);
  return response.text();
};
const eventCount = async (jobId: string) =>
  (await product.rt.database.db.select({ id: events.id }).from(events).where(eq(events.jobId, jobId))).length;

describe('the tracker view cache', () => {
  it('a re-issued link is 404 at once, with the page cached; the new link works at once', async () => {
    const { jobId, trackerToken } = await createJob(org.ctx, { ...sampleJob(), workflowId: org.workflowId });
    await html(trackerToken);
    await html(trackerToken);
    const fresh = await reissueTrackerToken(org.ctx, jobId);
    const old = await page(trackerToken);
    expect(old.status).toBe(404);
    expect(await old.text()).not.toContain('APK + kleine beurt');
    expect(await html(fresh)).toContain('APK + kleine beurt');
  });

  it('shows a change made by another process on the next request', async () => {
    const { jobId, trackerToken } = await createJob(org.ctx, { ...sampleJob(), workflowId: org.workflowId });
    const [intake] = (await getJob(org.ctx, jobId)).steps;
    expect(await html(trackerToken)).not.toContain('Kilometerstand 84.210');
    await html(trackerToken);
    await postNote(org.ctx, jobId, intake?.id ?? '', {
      markdown: 'Kilometerstand 84.210',
      visibility: 'customer',
    });
    expect(await html(trackerToken)).toContain('Kilometerstand 84.210');
  });

  it('a promise passing turns the page late without any event', async () => {
    const promisedAt = Date.now() + 2_500;
    const { jobId, trackerToken } = await createJob(org.ctx, {
      ...sampleJob(),
      steps: [{ title: 'Olie verversen', promisedAt }],
    });
    const before = await html(trackerToken);
    expect(before).not.toContain('Loopt uit');
    await html(trackerToken);
    const count = await eventCount(jobId);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, promisedAt - Date.now()) + 200));
    expect(await html(trackerToken)).toContain('Loopt uit');
    expect(await eventCount(jobId)).toBe(count);
  });

  it('reads the job once while nothing changed, and again after an event', async () => {
    // The same service the page calls, on this process's connection, so the cache can be looked into.
    const { db } = product.rt.database;
    const limits = { maxEntries: 100, maxBytes: 1 << 20, maxAgeMs: 60_000 };
    const { jobId, trackerToken } = await createJob(org.ctx, { ...sampleJob(), workflowId: org.workflowId });
    const [intake] = (await getJob(org.ctx, jobId)).steps;
    const cache = viewCacheOf(db, limits);
    const read = async () => {
      const found = await findTrackedJobVersioned(db, trackerToken);
      if (!found) throw new Error('not found');
      return cachedTrackerView(db, found, limits);
    };
    const misses = cache.misses;
    const first = await read();
    const second = await read();
    expect(cache.misses).toBe(misses + 1);
    expect(second).toEqual(first);
    await postNote(org.ctx, jobId, intake?.id ?? '', { markdown: 'Binnen', visibility: 'customer' });
    const third = await read();
    expect(cache.misses).toBe(misses + 2);
    expect(third.notes).toHaveLength(1);
    expect(third.lastEventId).toBeGreaterThan(first.lastEventId);
  });

  it('keeps a page body per key and time slot, while the job has not changed', async () => {
    const { db } = product.rt.database;
    const limits = { maxEntries: 100, maxBytes: 1 << 20, maxAgeMs: 60_000, regionsFreshMs: 1_000 };
    const { jobId, trackerToken } = await createJob(org.ctx, { ...sampleJob(), workflowId: org.workflowId });
    const [intake] = (await getJob(org.ctx, jobId)).steps;
    const open = async () => {
      const found = await findTrackedJobVersioned(db, trackerToken);
      if (!found) throw new Error('not found');
      return cachedTrackerPage(db, found, limits);
    };
    const now = 1_800_000_000_500;
    (await open()).keepBody('k', now, '<main>één</main>');
    const page = await open();
    expect(page.keptBody('k', now + 400)).toEqual(new TextEncoder().encode('<main>één</main>'));
    expect(page.keptBody('other', now)).toBeUndefined();
    expect(page.keptBody('k', now + 600)).toBeUndefined(); // the next time slot
    await postNote(org.ctx, jobId, intake?.id ?? '', { markdown: 'Binnen', visibility: 'customer' });
    expect((await open()).keptBody('k', now)).toBeUndefined();
    // Nothing is kept without kept regions (the body holds them).
    const off = { ...limits, regionsFreshMs: 0 };
    const found = await findTrackedJobVersioned(db, trackerToken);
    if (!found) throw new Error('not found');
    const unkept = await cachedTrackerPage(db, found, off);
    unkept.keepBody('k', now, '<main/>');
    expect(unkept.keptBody('k', now)).toBeUndefined();
  });
});

describe('ViewCache bounds', () => {
  const view = (size: number) => ({ pad: 'x'.repeat(size) }) as unknown as TrackerView;

  it('keeps at most maxEntries, dropping the least recently used', () => {
    const cache = new ViewCache({ maxEntries: 3, maxBytes: 1 << 20, maxAgeMs: 1_000 });
    for (const id of ['a', 'b', 'c']) cache.set(id, 'v1', view(10), 0);
    expect(cache.get('a', 'v1', 1)).toBeDefined(); // a is now the most recent
    cache.set('d', 'v1', view(10), 2);
    expect(cache.size).toBe(3);
    expect(cache.get('b', 'v1', 3)).toBeUndefined();
    expect(cache.get('a', 'v1', 3)).toBeDefined();
  });

  it('stays within maxBytes, and keeps nothing larger than the cap', () => {
    const cache = new ViewCache({ maxEntries: 1_000, maxBytes: 10_000, maxAgeMs: 1_000 });
    for (let i = 0; i < 100; i++) {
      cache.set(`job${i}`, 'v1', view(1_000), i);
      expect(cache.bytes).toBeLessThanOrEqual(10_000);
    }
    expect(cache.size).toBeGreaterThan(0);
    cache.set('huge', 'v1', view(20_000), 200);
    expect(cache.get('huge', 'v1', 201)).toBeUndefined();
    expect(cache.bytes).toBeLessThanOrEqual(10_000);
  });

  it('misses on another version or after maxAge, and frees that entry', () => {
    const cache = new ViewCache({ maxEntries: 10, maxBytes: 1 << 20, maxAgeMs: 1_000 });
    cache.set('a', 'v1', view(10), 0);
    expect(cache.get('a', 'v2', 1)).toBeUndefined();
    expect(cache.size).toBe(0);
    cache.set('a', 'v1', view(10), 0);
    expect(cache.get('a', 'v1', 999)).toBeDefined();
    expect(cache.get('a', 'v1', 1_001)).toBeUndefined();
    expect(cache.bytes).toBe(0);
  });
});
