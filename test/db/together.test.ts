import { Socket } from 'node:net';
import { eq } from 'drizzle-orm';
import pg from 'pg';
import { describe, expect, it, vi } from 'vitest';
import { openDatabase } from '../../db/client';
import { together } from '../../db/dialect';
import { migrateDatabase } from '../../db/migrate';
import { organisations, specialists } from '../../db/schema';
import { writeTransaction } from '../../src/services/platform/context';
import { tempDatabaseUrl } from '../helpers';
import { ON_POSTGRES } from '../postgres';

/**
 * `together` (db/dialect.ts): statements of one transaction that need nothing of each other. Both dialects
 * give each its own result, in order, inside the transaction; on PostgreSQL they go out before the first
 * is answered (the pool's connections pipeline), in one write, so they cost one round trip.
 */
describe('statements sent together', () => {
  it('each get their own result, inside the transaction, and on PostgreSQL in one round trip', async () => {
    const database = await openDatabase(await tempDatabaseUrl());
    await migrateDatabase(database.db);
    const { db } = database;
    await db.insert(organisations).values({ id: 'org_t', slug: 't', name: 'Together', createdAt: 1 });
    const seen: string[] = [];
    const original = pg.Client.prototype.query;
    const sent = vi.spyOn(pg.Client.prototype, 'query').mockImplementation(function (
      this: pg.Client,
      ...args: unknown[]
    ) {
      const [config] = args;
      const text = typeof config === 'string' ? config : (config as { text: string }).text;
      const what = text.includes('"specialists"')
        ? 'specialists'
        : text.includes('"organisations"')
          ? 'organisations'
          : '';
      const result = (original as (...a: unknown[]) => unknown).apply(this, args) as
        | Promise<unknown>
        | undefined;
      if (what) {
        seen.push(`sent ${what}`);
        void result?.then(() => seen.push(`answered ${what}`));
      }
      return result;
    });
    // System calls that write to a socket: a corked socket's buffered writes leave in one `_writev`.
    const writes = [vi.spyOn(Socket.prototype, '_write'), vi.spyOn(Socket.prototype, '_writev')];
    const socketWrites = () => writes.reduce((n, spy) => n + spy.mock.calls.length, 0);
    let written = 0;
    try {
      const [renamed, people] = await writeTransaction(db, async (tx) => {
        await tx.update(organisations).set({ name: 'Renamed' }).where(eq(organisations.id, 'org_t'));
        seen.length = 0;
        written = socketWrites();
        return together(
          () =>
            tx.select({ name: organisations.name }).from(organisations).where(eq(organisations.id, 'org_t')),
          () => tx.select().from(specialists).where(eq(specialists.organisationId, 'org_t')),
        );
      });
      // The transaction's own write is seen: both ran inside it.
      expect(renamed).toEqual([{ name: 'Renamed' }]);
      expect(people).toEqual([]);
      if (ON_POSTGRES)
        expect(seen).toEqual([
          'sent organisations',
          'sent specialists',
          'answered organisations',
          'answered specialists',
        ]);
      // …in one write to the server (and its commit in another): statements asked for in the same tick
      // leave together (db/client.ts, `coalesce`).
      if (ON_POSTGRES) expect(socketWrites() - written).toBe(2);
    } finally {
      for (const spy of writes) spy.mockRestore();
      sent.mockRestore();
      await database.close();
    }
  });

  it('one failing fails them all, and the transaction with them', async () => {
    const database = await openDatabase(await tempDatabaseUrl());
    await migrateDatabase(database.db);
    const { db } = database;
    await db.insert(organisations).values({ id: 'org_t', slug: 't', name: 'Together', createdAt: 1 });
    await expect(
      writeTransaction(db, async (tx) => {
        await tx.update(organisations).set({ name: 'Renamed' }).where(eq(organisations.id, 'org_t'));
        return together(
          () => tx.insert(organisations).values({ id: 'org_t', slug: 't', name: 'Again', createdAt: 1 }),
          () => tx.select().from(organisations),
        );
      }),
    ).rejects.toThrow();
    const [row] = await db.select({ name: organisations.name }).from(organisations);
    expect(row?.name).toBe('Together');
    await database.close();
  });
});
