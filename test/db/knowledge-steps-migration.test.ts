import { createClient } from '@libsql/client';
import { drizzle } from 'drizzle-orm/libsql';
import { migrate } from 'drizzle-orm/libsql/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { tempLibsqlFile } from '../helpers';
import { ON_POSTGRES, tempPostgresDatabase } from '../postgres';
import { folder, migrationsUpTo } from './migrations-up-to';

/**
 * Published answers belonged to (workflow, position); they belong to a workflow step id now, and a job's
 * step names the workflow step it was made from (db/migrations/0026_knowledge_steps.sql, pg 0011_…). An
 * answer at a position the workflow no longer has is retired.
 */
const OLD_ROWS = [
  `INSERT INTO organisations (id, slug, name, created_at) VALUES ('org_a', 'a', 'Garage A', 1)`,
  `INSERT INTO roles (id, organisation_id, name, name_key, created_at) VALUES ('r1', 'org_a', 'Monteur', 'monteur', 1)`,
  `INSERT INTO specialists (id, organisation_id, name, role, role_id, created_at) VALUES ('sp1', 'org_a', 'Jan', 'Monteur', 'r1', 1)`,
  `INSERT INTO workflows (id, organisation_id, name, created_at) VALUES ('w1', 'org_a', 'APK', 1)`,
  `INSERT INTO workflow_steps (id, workflow_id, position, title) VALUES ('ws1', 'w1', 0, 'Ontvangst'), ('ws2', 'w1', 1, 'Keuring')`,
  `INSERT INTO jobs (id, organisation_id, workflow_id, reference, title, customer_name, tracker_token_hash, created_at, updated_at)
    VALUES ('j1', 'org_a', 'w1', 'R1', 'Auto', 'Anna', 'h1', 1, 1), ('j2', 'org_a', NULL, 'R2', 'Los', 'Bob', 'h2', 1, 1)`,
  `INSERT INTO steps (id, job_id, position, title, updated_at) VALUES
    ('s1', 'j1', 0, 'Ontvangst', 1), ('s2', 'j1', 1, 'Keuring', 1), ('s3', 'j2', 0, 'Los', 1)`,
  `INSERT INTO published_answers (id, organisation_id, workflow_id, position, role_id, status, question, answer, author_id, created_at, updated_at)
    VALUES ('a1', 'org_a', 'w1', 1, 'r1', 'published', 'Duurt het lang?', 'Een uur.', 'sp1', 1, 1),
           ('a2', 'org_a', 'w1', 4, 'r1', 'published', 'Weg?', 'Ja.', 'sp1', 1, 1)`,
];

type Rows = Record<string, unknown>[];

function expectMigrated(steps: Rows, answers: Rows) {
  expect(steps.map((s) => [s.id, s.workflow_step_id])).toEqual([
    ['s1', 'ws1'],
    ['s2', 'ws2'],
    ['s3', null],
  ]);
  expect(answers.map((a) => [a.id, a.workflow_step_id, a.status])).toEqual([
    ['a1', 'ws2', 'published'],
    ['a2', null, 'retired'],
  ]);
  expect(answers[1]?.retired_at).not.toBeNull();
  expect(answers[0]).not.toHaveProperty('position');
}

describe.runIf(!ON_POSTGRES)('the knowledge steps migration on libSQL', () => {
  it('places answers and job steps at their workflow step ids', async () => {
    const client = createClient({ url: tempLibsqlFile() });
    const db = drizzle(client);
    await migrate(db, { migrationsFolder: migrationsUpTo('migrations', '0026_knowledge_steps') });
    for (const statement of OLD_ROWS) await client.execute(statement);
    await migrate(db, { migrationsFolder: folder('migrations') });
    const rows = async (table: string) =>
      (await client.execute(`SELECT * FROM ${table} ORDER BY id`)).rows as unknown as Rows;
    expectMigrated(await rows('steps'), await rows('published_answers'));
    client.close();
  });
});

describe.runIf(ON_POSTGRES)('the knowledge steps migration on PostgreSQL', () => {
  it('places answers and job steps at their workflow step ids', async () => {
    const client = new pg.Client({ connectionString: await tempPostgresDatabase() });
    await client.connect();
    try {
      const db = drizzlePg(client);
      await migratePg(db, { migrationsFolder: migrationsUpTo('migrations-pg', '0011_knowledge_steps') });
      for (const statement of OLD_ROWS) await client.query(statement);
      await migratePg(db, { migrationsFolder: folder('migrations-pg') });
      const rows = async (table: string) =>
        (await client.query(`SELECT * FROM ${table} ORDER BY id`)).rows as Rows;
      expectMigrated(await rows('steps'), await rows('published_answers'));
    } finally {
      await client.end();
    }
  });
});
