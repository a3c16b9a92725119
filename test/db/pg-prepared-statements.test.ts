import { eq, inArray, type SQL, sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../db/client';
import { migrateDatabase } from '../../db/migrate';
import { organisations } from '../../db/schema';
import { tempDatabaseUrl } from '../helpers';
import { ON_POSTGRES } from '../postgres';

/**
 * On PostgreSQL the pool's statements with parameters are named prepared statements: each connection parses
 * and plans one once (db/client.ts). Large batches stay unnamed, and NUL in a parameter is still made safe.
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
});
