import { eq } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openDatabase } from '../../db/client';
import { apiKeys } from '../../db/schema';
import { contextFor, type Runtime, runtimeOn } from '../../src/runtime';
import { authenticateApiKey, createApiKey } from '../../src/services/organisation/api-keys';
import { revokeApiKey, updateOrganisation } from '../../src/services/organisation/settings';
import { fakeClock, makeOrganisation, type TestOrg, testRuntime } from '../helpers';
import { ON_POSTGRES } from '../postgres';

/**
 * On PostgreSQL a process keeps the API keys it has read (src/services/organisation/api-keys.ts), so an
 * API call does not begin with a round trip for its key. Two runtimes on one database stand for two app
 * processes: a key revoked, or an organisation changed, in one is refused or seen changed in the other as
 * soon as the announcement arrives; a change that was not announced is trusted for a minute at most.
 */
describe.runIf(ON_POSTGRES)('API keys kept by a process on PostgreSQL', () => {
  const clock = fakeClock(Date.parse('2026-12-01T09:00:00Z'));
  let first: Runtime;
  let second: Runtime;
  let org: TestOrg;

  beforeAll(async () => {
    first = await testRuntime({ clock });
    const database = await openDatabase(first.config.databaseUrl);
    second = await runtimeOn(first.config, database, clock);
    afterAll(async () => {
      second.live.close();
      second.push.sender.close();
      await database.close();
    });
    org = await makeOrganisation(first);
  });

  const lookUp = (rt: Runtime, key: string) => authenticateApiKey({ db: rt.database.db, clock }, key);

  /** Statements sent while `work` runs, by any pooled connection of this test process. */
  async function statementsDuring(work: () => Promise<unknown>) {
    const query = vi.spyOn(pg.Client.prototype, 'query');
    try {
      await work();
      return query.mock.calls.length;
    } finally {
      query.mockRestore();
    }
  }

  /** Waits (up to 5 s) until `rt` no longer finds `key`: the announcement has arrived. */
  async function refusedBy(rt: Runtime, key: string) {
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline) {
      if (!(await lookUp(rt, key))) return true;
      await new Promise((r) => setTimeout(r, 20));
    }
    return false;
  }

  it('reads a key once; after that the process answers from what it kept', async () => {
    const found = await lookUp(first, org.key);
    expect(found).toMatchObject({ organisation: { id: org.id }, scope: 'write' });
    expect(await statementsDuring(() => lookUp(first, org.key))).toBe(0);
    // An unknown key is read every time: a key created a moment ago must work at once.
    expect(await statementsDuring(() => lookUp(first, 'ok_live_unknown'))).toBe(1);
  });

  it('a key revoked in another process is refused here once the announcement arrives', async () => {
    const { id, key } = await createApiKey(first.database.db, clock, org.id, 'to revoke');
    expect(await lookUp(first, key)).not.toBeNull();
    expect(await lookUp(second, key)).not.toBeNull();
    await revokeApiKey(contextFor(second, org.id, { type: 'system', id: null }), id);
    // At once in the process that revoked it, and in the other when the NOTIFY arrives.
    expect(await lookUp(second, key)).toBeNull();
    expect(await refusedBy(first, key)).toBe(true);
  });

  it('an organisation’s new currency reaches the keys kept in another process', async () => {
    expect((await lookUp(first, org.key))?.organisation.currency).toBe('EUR');
    const ctx = contextFor(second, org.id, { type: 'system', id: null });
    await updateOrganisation(ctx, {
      name: 'Garage Test',
      brandColor: '#1a5f7a',
      defaultLocale: 'nl',
      timeZone: 'Europe/Amsterdam',
      currency: 'GBP',
      vatRatesBp: [2100],
      answerMinutes: 60,
    });
    const deadline = Date.now() + 5000;
    while ((await lookUp(first, org.key))?.organisation.currency !== 'GBP' && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    expect((await lookUp(first, org.key))?.organisation.currency).toBe('GBP');
  });

  it('a change nobody announced is trusted for a minute at most', async () => {
    const { id, key } = await createApiKey(first.database.db, clock, org.id, 'revoked behind its back');
    expect(await lookUp(first, key)).not.toBeNull();
    await first.database.db.update(apiKeys).set({ revokedAt: clock.now() }).where(eq(apiKeys.id, id));
    expect(await lookUp(first, key)).not.toBeNull();
    clock.advance(61_000);
    expect(await lookUp(first, key)).toBeNull();
  });
});
