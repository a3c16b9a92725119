import { eq, inArray, type SQL, sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { type Database, openDatabase } from '../../db/client';
import { writeTransactionOn } from '../../db/dialect';
import { migrateDatabase } from '../../db/migrate';
import { organisations } from '../../db/schema';
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
});
