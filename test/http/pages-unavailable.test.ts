import { beforeAll, describe, expect, it } from 'vitest';
import { createJob } from '../../src/services/jobs/create-job';
import { getJob } from '../../src/services/jobs/read-job';
import { holdWriteLock, makeOrganisation } from '../helpers';
import { startProduct } from '../server';

/**
 * Pages, like the API, answer a storage fault with 503 and Retry-After (src/pages/500.astro), never a
 * bare 500: here the database stays locked by another process past the server's busy timeout.
 */
let product: Awaited<ReturnType<typeof startProduct>>;

beforeAll(async () => {
  // No background writers in the server: only the request under test waits for the lock.
  product = await startProduct({ BACKGROUND_WORK: '0' });
});

describe('a page when storage is unavailable', () => {
  let ask: () => Promise<Response>;

  it('answers 503 with Retry-After and a page in the visitor’s language', async () => {
    const org = await makeOrganisation(product.rt);
    const { jobId, trackerToken } = await createJob(org.ctx, {
      reference: 'LOCK-1',
      title: 'APK',
      customer: { name: 'Klant', locale: 'nl' },
      workflowId: org.workflowId,
    });
    const stepId = (await getJob(org.ctx, jobId)).steps[0]?.id ?? '';
    ask = () =>
      fetch(`${product.url}/t/${trackerToken}`, {
        method: 'POST',
        redirect: 'manual',
        headers: { origin: product.url, 'accept-language': 'nl' },
        body: new URLSearchParams({ _action: 'ask', stepId, body: 'Wanneer is hij klaar?' }),
      });
    // Another process holds the write lock for longer than the server waits.
    const lock = await holdWriteLock(product.rt.database);
    let locked: Response;
    try {
      locked = await ask();
    } finally {
      await lock.release();
    }
    expect(locked.status).toBe(503);
    expect(locked.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(locked.headers.get('x-storage-unavailable')).toBeNull();
    expect(await locked.text()).toContain('<h1>Even niet beschikbaar</h1>');
  });

  // After a BEGIN IMMEDIATE that failed with SQLITE_BUSY, libsql leaves that statement in progress on
  // its pooled connection, and every later COMMIT there failed: the server answered 503 until restarted.
  // db/client.ts replaces the client after SQLITE_BUSY (test/db/busy-recovery.test.ts).
  it('works again once the lock is gone', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5 && statuses.at(-1) !== 303; i++) statuses.push((await ask()).status);
    expect(statuses.at(-1)).toBe(303);
  });
});
