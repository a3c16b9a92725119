import { eq, inArray, type SQL, sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { type Database, openDatabase } from '../../db/client';
import { appendToLog, writeTransactionOn } from '../../db/dialect';
import { migrateDatabase } from '../../db/migrate';
import { events, organisations } from '../../db/schema';
import { tempDatabaseUrl } from '../helpers';
import { ON_POSTGRES } from '../postgres';

/**
 * On PostgreSQL the pool's statements with parameters are named prepared statements: each connection parses
 * and plans one once (db/client.ts). Large batches stay unnamed, and NUL in a parameter is still made safe.
 * A transaction's `begin` travels with its first statement when that one has no parameters.
 */
describe.runIf(ON_POSTGRES)('prepared statements on PostgreSQL', () => {
  let database: Database;
  afterAll(async () => {
    await database?.close();
  });

  /** The texts of the statements prepared on the connection running `tx`. */
  const preparedTexts = async (tx: unknown) => {
    const pgTx = tx as { execute(query: SQL): Promise<{ rows: { statement: string }[] }> };
    const result = await pgTx.execute(sql`select statement from pg_prepared_statements`);
    return result.rows.map((r) => r.statement);
  };

  it('prepares a statement with parameters once per connection, and reuses it', async () => {
    database = await openDatabase(await tempDatabaseUrl());
    await migrateDatabase(database.db);
    await database.db.transaction(async (tx) => {
      const lookup = () =>
        tx.select({ id: organisations.id }).from(organisations).where(eq(organisations.id, 'org_x'));
      await lookup();
      await lookup();
      const texts = await preparedTexts(tx);
      expect(
        texts.filter((t) => t.includes('from "organisations" where "organisations"."id" = $1')),
      ).toHaveLength(1);

      // A batch with many parameters runs unnamed (its length varies, so its text does).
      const ids = Array.from({ length: 65 }, (_, i) => `org_${i}`);
      await tx.select({ id: organisations.id }).from(organisations).where(inArray(organisations.id, ids));
      expect((await preparedTexts(tx)).some((t) => t.includes('$65'))).toBe(false);

      // A NUL in a parameter finds nothing, as on libSQL, instead of failing the statement.
      expect(await tx.select().from(organisations).where(eq(organisations.id, 'org\u0000x'))).toEqual([]);
    });
  });

  it("sends a write transaction's begin with its locks in one round trip, and an empty one not at all", async () => {
    database ??= await openDatabase(await tempDatabaseUrl());
    await migrateDatabase(database.db);
    const sent = vi.spyOn(pg.Client.prototype, 'query');
    const texts = () =>
      sent.mock.calls.map(([config]) =>
        typeof config === 'string' ? config : (config as { text: string }).text,
      );
    try {
      await writeTransactionOn(
        database.db,
        async (tx) => {
          await tx
            .insert(organisations)
            .values({ id: 'org_begin', slug: 'begin', name: 'Begin', createdAt: 1 });
        },
        'org_begin',
      );
      expect(texts()).toHaveLength(3);
      expect(texts()[0]).toMatch(
        /^begin;select pg_advisory_xact_lock_shared\(\d+\), pg_advisory_xact_lock\(\d+, -?\d+\)$/,
      );
      expect(texts()[1]).toMatch(/^insert into "organisations"/);
      expect(texts()[2]).toBe('commit');

      // The transaction was real: a failure after the first statement undoes it.
      sent.mockClear();
      await expect(
        writeTransactionOn(
          database.db,
          async (tx) => {
            await tx.update(organisations).set({ name: 'Changed' }).where(eq(organisations.id, 'org_begin'));
            throw new Error('undo');
          },
          'org_begin',
        ),
      ).rejects.toThrow('undo');
      expect(texts().at(-1)).toBe('rollback');
      const [row] = await database.db
        .select({ name: organisations.name })
        .from(organisations)
        .where(eq(organisations.id, 'org_begin'));
      expect(row?.name).toBe('Begin');

      // A transaction whose first statement has parameters sends its begin first; one with none, nothing.
      sent.mockClear();
      await database.db.transaction(async (tx) => {
        await tx.select().from(organisations).where(eq(organisations.id, 'org_begin'));
      });
      expect(texts()[0]).toBe('begin');
      sent.mockClear();
      await database.db.transaction(async () => {});
      expect(texts()).toEqual([]);
    } finally {
      sent.mockRestore();
    }
  });

  it('sends the commit right behind the events insert, without waiting for its answer', async () => {
    database ??= await openDatabase(await tempDatabaseUrl());
    await migrateDatabase(database.db);
    const db = database.db;
    const original = pg.Client.prototype.query;
    const seen: string[] = [];
    const sent = vi.spyOn(pg.Client.prototype, 'query').mockImplementation(function (
      this: pg.Client,
      ...args: unknown[]
    ) {
      const [config] = args;
      const text = typeof config === 'string' ? config : (config as { text: string }).text;
      const short = text.startsWith('insert into "events"') ? 'insert events' : (text.split(' ')[0] ?? text);
      seen.push(`sent ${short}`);
      const result = (original as (...a: unknown[]) => unknown).apply(this, args) as Promise<unknown>;
      // pool.query passes a callback and gets nothing back.
      void result?.then(
        () => seen.push(`answered ${short}`),
        () => seen.push(`failed ${short}`),
      );
      return result;
    });
    const event = (organisationId: string | null) =>
      ({
        organisationId,
        jobId: 'job_pipe',
        stepId: null,
        type: 'job.created',
        visibility: 'customer',
        actorType: 'system',
        actorId: null,
        payload: {},
        createdAt: 1,
      }) as typeof events.$inferInsert;
    try {
      await writeTransactionOn(
        db,
        async (tx) => {
          await tx.insert(organisations).values({ id: 'org_pipe', slug: 'pipe', name: 'Pipe', createdAt: 1 });
          await appendToLog(tx, event('org_pipe'), async (rows) => {
            await tx.insert(events).values(rows);
          });
        },
        'org_pipe',
      );
      const from = seen.indexOf('sent insert events');
      expect(seen.slice(from, from + 2)).toEqual(['sent insert events', 'sent commit']);
      expect(seen.filter((s) => s === 'sent commit')).toHaveLength(1);
      // …and on the wire at once: the pool's connections pipeline what is asked while a statement runs.
      const connection = await (database.pool as pg.Pool).connect();
      expect(connection.pipeline).toBe(true);
      connection.release();
      expect(await db.select().from(events)).toHaveLength(1);

      // A failing insert: the commit behind it rolls back, the insert's error is the one reported, and the
      // connection goes on working.
      await expect(
        writeTransactionOn(
          db,
          async (tx) => {
            await tx.update(organisations).set({ name: 'Changed' }).where(eq(organisations.id, 'org_pipe'));
            await appendToLog(tx, event(null), async (rows) => {
              await tx.insert(events).values(rows);
            });
          },
          'org_pipe',
        ),
      ).rejects.toThrow(/organisation_id/);
      const pipe = () =>
        db.select({ name: organisations.name }).from(organisations).where(eq(organisations.id, 'org_pipe'));
      const [row] = await pipe();
      expect(row?.name).toBe('Pipe');
      expect(await db.select().from(events)).toHaveLength(1);
      for (let i = 0; i < 12; i++)
        await writeTransactionOn(db, async (tx) => {
          await tx
            .update(organisations)
            .set({ name: `Pipe ${i}` })
            .where(eq(organisations.id, 'org_pipe'));
        });
      const [after] = await pipe();
      expect(after?.name).toBe('Pipe 11');

      // Within another transaction the events' insert does not commit: the outer one goes on, and its
      // rollback undoes both.
      await expect(
        writeTransactionOn(db, async (outer) => {
          await writeTransactionOn(outer, async (inner) => {
            await appendToLog(inner, event('org_pipe'), async (rows) => {
              await inner.insert(events).values(rows);
            });
          });
          await outer.update(organisations).set({ name: 'Nested' }).where(eq(organisations.id, 'org_pipe'));
          throw new Error('undo both');
        }),
      ).rejects.toThrow('undo both');
      expect((await pipe())[0]?.name).toBe('Pipe 11');
      expect(await db.select().from(events)).toHaveLength(1);
    } finally {
      sent.mockRestore();
    }
  });
});
