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
 * A job's step names the workflow step it was made from (published answers show at it): the migration
 * (db/migrations/0027_knowledge.sql adds the column, 0028_knowledge_search.sql fills it; pg 0012, 0013)
 * finds it for the jobs that exist by the job's workflow and the step's position.
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
];

type Rows = Record<string, unknown>[];

function expectMigrated(steps: Rows) {
  expect(steps.map((s) => [s.id, s.workflow_step_id])).toEqual([
    ['s1', 'ws1'],
    ['s2', 'ws2'],
    ['s3', null],
  ]);
}

describe.runIf(!ON_POSTGRES)('the knowledge steps migration on libSQL', () => {
  it('names the workflow step each existing job step was made from', async () => {
    const client = createClient({ url: tempLibsqlFile() });
    const db = drizzle(client);
    await migrate(db, { migrationsFolder: migrationsUpTo('migrations', '0027_knowledge') });
    for (const statement of OLD_ROWS) await client.execute(statement);
    await migrate(db, { migrationsFolder: folder('migrations') });
    const rows = async (table: string) =>
      (await client.execute(`SELECT * FROM ${table} ORDER BY id`)).rows as unknown as Rows;
    expectMigrated(await rows('steps'));
    client.close();
  });
});

describe.runIf(ON_POSTGRES)('the knowledge steps migration on PostgreSQL', () => {
  it('names the workflow step each existing job step was made from', async () => {
    const client = new pg.Client({ connectionString: await tempPostgresDatabase() });
    await client.connect();
    try {
      const db = drizzlePg(client);
      await migratePg(db, { migrationsFolder: migrationsUpTo('migrations-pg', '0012_knowledge') });
      for (const statement of OLD_ROWS) await client.query(statement);
      await migratePg(db, { migrationsFolder: folder('migrations-pg') });
      const rows = async (table: string) =>
        (await client.query(`SELECT * FROM ${table} ORDER BY id`)).rows as Rows;
      expectMigrated(await rows('steps'));
    } finally {
      await client.end();
    }
  });
});
