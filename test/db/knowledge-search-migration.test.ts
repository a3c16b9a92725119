import { createClient } from '@libsql/client';
import { drizzle } from 'drizzle-orm/libsql';
import { migrate } from 'drizzle-orm/libsql/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/client';
import { migrateDatabase } from '../../db/migrate';
import { answerIndexSize, searchAnswerDocuments } from '../../db/search';
import { rebuildAnswerIndexIfEmpty } from '../../src/services/knowledge/answers';
import { tempDatabaseUrl } from '../helpers';
import { ON_POSTGRES } from '../postgres';
import { migrationsUpTo } from './migrations-up-to';

/**
 * The search index changed how it writes documents (words behind their organisation's tag: db/migrations
 * 0029, pg 0014). A database that published answers under the old index gets an empty new one from the
 * migration, and the start (src/prepare-database.ts) writes it again from the published answers.
 */
const OLD_ROWS = [
  `INSERT INTO organisations (id, slug, name, created_at) VALUES ('org_a', 'a', 'Garage A', 1), ('org_b', 'b', 'Garage B', 1)`,
  `INSERT INTO roles (id, organisation_id, name, name_key, created_at) VALUES ('r1', 'org_a', 'Monteur', 'monteur', 1), ('r2', 'org_b', 'Monteur', 'monteur', 1)`,
  `INSERT INTO specialists (id, organisation_id, name, role, role_id, created_at) VALUES ('sp1', 'org_a', 'Jan', 'Monteur', 'r1', 1), ('sp2', 'org_b', 'Piet', 'Monteur', 'r2', 1)`,
  `INSERT INTO workflows (id, organisation_id, name, created_at) VALUES ('w1', 'org_a', 'APK', 1), ('w2', 'org_b', 'APK', 1)`,
  `INSERT INTO published_answers (id, organisation_id, workflow_id, role_id, status, question, answer, translations, author_id, created_at, updated_at)
    VALUES ('ans_a', 'org_a', 'w1', 'r1', 'published', 'Hoe lang duurt de keuring?', 'Ongeveer een uur.', '{}', 'sp1', 1, 1),
           ('ans_b', 'org_b', 'w2', 'r2', 'published', 'Hoe lang duurt de keuring?', 'Twee uur.', '{}', 'sp2', 1, 1),
           ('ans_c', 'org_a', 'w1', 'r1', 'retired', 'Keuring kosten?', 'Vijftig euro.', '{}', 'sp1', 1, 1)`,
];

async function migratedUpToOld(url: string) {
  if (ON_POSTGRES) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await migratePg(drizzlePg(client), {
        migrationsFolder: migrationsUpTo('migrations-pg', '0014_knowledge_search_per_tenant'),
      });
      for (const statement of OLD_ROWS) await client.query(statement);
      // The old index held them (one document each, in the old form).
      await client.query(
        `INSERT INTO published_answer_search (answer_id, organisation_id, document)
         SELECT id, organisation_id, to_tsvector('simple', question || ' ' || answer) FROM published_answers WHERE status = 'published'`,
      );
    } finally {
      await client.end();
    }
    return;
  }
  const client = createClient({ url });
  await migrate(drizzle(client), {
    migrationsFolder: migrationsUpTo('migrations', '0029_knowledge_search_per_tenant'),
  });
  for (const statement of OLD_ROWS) await client.execute(statement);
  await client.execute(
    `INSERT INTO published_answer_search (tenant, body, answer_id)
     SELECT 'org_' || organisation_id, question || ' ' || answer, id FROM published_answers WHERE status = 'published'`,
  );
  client.close();
}

describe('the search index migration to posting lists per tenant', () => {
  it('empties the old index, and the start writes the published answers into the new one', async () => {
    const url = await tempDatabaseUrl();
    await migratedUpToOld(url);
    const database = await openDatabase(url);
    try {
      await migrateDatabase(database.db);
      expect(await answerIndexSize(database.db)).toBe(0);
      expect(await rebuildAnswerIndexIfEmpty(database.db)).toBe(2);
      expect(await answerIndexSize(database.db)).toBe(2);
      expect(await searchAnswerDocuments(database.db, 'org_a', ['keuring'], 5)).toEqual(['ans_a']);
      expect(await searchAnswerDocuments(database.db, 'org_b', ['keur'], 5)).toEqual(['ans_b']);
      // Written once: a second start reads two counts and writes nothing.
      expect(await rebuildAnswerIndexIfEmpty(database.db)).toBe(0);
    } finally {
      database.close();
    }
  });
});

describe('merging the search index', () => {
  it('takes note at start, and merges only after answers changed', async () => {
    const { writeTransactionCount, onPostgres } = await import('../../db/dialect');
    const { mergeAnswerIndex } = await import('../../src/services/knowledge/answers');
    const url = await tempDatabaseUrl();
    await migratedUpToOld(url);
    const database = await openDatabase(url);
    try {
      await migrateDatabase(database.db);
      await rebuildAnswerIndexIfEmpty(database.db);
      const before = writeTransactionCount();
      const seen = await mergeAnswerIndex(database.db, null);
      expect(seen).toBe(1);
      expect(await mergeAnswerIndex(database.db, seen)).toBe(1);
      expect(writeTransactionCount()).toBe(before);
      await mergeAnswerIndex(database.db, 0);
      expect(writeTransactionCount()).toBe(before + (onPostgres() ? 0 : 1));
      expect(await searchAnswerDocuments(database.db, 'org_a', ['uur'], 5)).toEqual(['ans_a']);
    } finally {
      database.close();
    }
  });
});
