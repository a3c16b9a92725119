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
 * A role-less bookable step's capacity was named `workflow:<workflow>:<position>`, which a reorder changed;
 * the migration (db/migrations/0023_capacity_by_workflow_step.sql, db/migrations-pg/0008_…) names it by
 * the workflow step's id in steps, bookings and slot loads, and leaves role capacities alone.
 */
const OLD_ROWS = [
  `INSERT INTO organisations (id, slug, name, created_at) VALUES ('org_a', 'a', 'Bezorger A', 1)`,
  `INSERT INTO workflows (id, organisation_id, name, created_at) VALUES ('w1', 'org_a', 'Bezorging', 1)`,
  `INSERT INTO workflow_steps (id, workflow_id, position, title) VALUES ('ws1', 'w1', 0, 'Inpakken'), ('ws2', 'w1', 1, 'Bezorgen')`,
  `INSERT INTO jobs (id, organisation_id, reference, title, customer_name, tracker_token_hash, created_at, updated_at)
    VALUES ('j1', 'org_a', 'R1', 'Bank', 'Anna', 'h1', 1, 1)`,
  `INSERT INTO steps (id, job_id, position, title, capacity_key, updated_at) VALUES
    ('s1', 'j1', 0, 'Inpakken', 'role:r1', 1), ('s2', 'j1', 1, 'Bezorgen', 'workflow:w1:1', 1)`,
  `INSERT INTO bookings (id, organisation_id, job_id, step_id, capacity_key, starts_at, ends_at, status, by_type, created_at)
    VALUES ('b1', 'org_a', 'j1', 's2', 'workflow:w1:1', 100, 200, 'booked', 'customer', 1)`,
  `INSERT INTO slot_loads (organisation_id, capacity_key, starts_at, taken) VALUES
    ('org_a', 'workflow:w1:1', 100, 1), ('org_a', 'role:r1', 100, 2), ('org_a', 'workflow:gone:3', 100, 1)`,
];

type Rows = Record<string, unknown>[];

function expectMigrated(steps: Rows, bookings: Rows, loads: Rows) {
  expect(steps.map((s) => s.capacity_key)).toEqual(['role:r1', 'workflow-step:ws2']);
  expect(bookings.map((b) => b.capacity_key)).toEqual(['workflow-step:ws2']);
  // A key whose workflow step no longer exists stays as it was (nothing to name it by).
  expect(loads.map((l) => [l.capacity_key, Number(l.taken)])).toEqual([
    ['role:r1', 2],
    ['workflow-step:ws2', 1],
    ['workflow:gone:3', 1],
  ]);
}

const order = { steps: 'id', bookings: 'id', slot_loads: 'capacity_key' } as const;

describe.runIf(!ON_POSTGRES)('the capacity key migration on libSQL', () => {
  it('names role-less capacities by workflow step id', async () => {
    const client = createClient({ url: tempLibsqlFile() });
    const db = drizzle(client);
    await migrate(db, { migrationsFolder: migrationsUpTo('migrations', '0023_capacity_by_workflow_step') });
    for (const statement of OLD_ROWS) await client.execute(statement);
    await migrate(db, { migrationsFolder: folder('migrations') });
    const rows = async (table: keyof typeof order) =>
      (await client.execute(`SELECT * FROM ${table} ORDER BY ${order[table]}`)).rows as Rows;
    expectMigrated(await rows('steps'), await rows('bookings'), await rows('slot_loads'));
    client.close();
  });
});

describe.runIf(ON_POSTGRES)('the capacity key migration on PostgreSQL', () => {
  it('names role-less capacities by workflow step id', async () => {
    const client = new pg.Client({ connectionString: await tempPostgresDatabase() });
    await client.connect();
    try {
      const db = drizzlePg(client);
      await migratePg(db, {
        migrationsFolder: migrationsUpTo('migrations-pg', '0008_capacity_by_workflow_step'),
      });
      for (const statement of OLD_ROWS) await client.query(statement);
      await migratePg(db, { migrationsFolder: folder('migrations-pg') });
      const rows = async (table: keyof typeof order) =>
        (await client.query(`SELECT * FROM ${table} ORDER BY ${order[table]}`)).rows as Rows;
      expectMigrated(await rows('steps'), await rows('bookings'), await rows('slot_loads'));
    } finally {
      await client.end();
    }
  });
});
