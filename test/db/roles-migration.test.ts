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
 * The migration to a managed list of roles (db/migrations/0018_roles.sql, db/migrations-pg/0003_roles.sql)
 * turns the role names people typed into one role per organisation and name (case and spacing aside),
 * points specialists, open invitations and workflow steps at it, and keeps each role's other-language name.
 */
const OLD_ROWS = [
  `INSERT INTO organisations (id, slug, name, created_at) VALUES ('org_a', 'a', 'Garage A', 1), ('org_b', 'b', 'Garage B', 1)`,
  `INSERT INTO specialists (id, organisation_id, name, role, translations, created_at) VALUES
    ('s1', 'org_a', 'Jan', 'Monteur', '{"en":{"role":"Mechanic","bio":"Twenty years"}}', 1),
    ('s2', 'org_a', 'Piet', ' monteur ', '{}', 2),
    ('s3', 'org_a', 'Fatima', 'APK-keurmeester', '{}', 3),
    ('s4', 'org_b', 'Kees', 'Monteur', '{}', 4)`,
  `INSERT INTO invites (id, organisation_id, email, name, role, permission, token_hash, created_at, expires_at) VALUES
    ('i1', 'org_a', 'x@a.test', 'X', 'Chauffeur', 'specialist', 'h1', 1, 99999999999999)`,
  `INSERT INTO workflows (id, organisation_id, name, created_at) VALUES ('w1', 'org_a', 'APK', 1)`,
  `INSERT INTO workflow_steps (id, workflow_id, position, title, default_role) VALUES
    ('ws1', 'w1', 0, 'Intake', 'MONTEUR'), ('ws2', 'w1', 1, 'Keuring', 'APK-keurmeester'), ('ws3', 'w1', 2, 'Klaar', NULL)`,
];

type Rows = Record<string, unknown>[];
const parse = (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : value);

function expectMigrated(roles: Rows, people: Rows, invites: Rows, steps: Rows) {
  const a = roles.filter((r) => r.organisation_id === 'org_a');
  expect(a.map((r) => r.name_key).sort()).toEqual(['apk-keurmeester', 'chauffeur', 'monteur']);
  expect(roles.filter((r) => r.organisation_id === 'org_b').map((r) => r.name)).toEqual(['Monteur']);
  const monteur = a.find((r) => r.name_key === 'monteur');
  expect(monteur?.name).toBe('Monteur');
  expect(parse(monteur?.translations)).toEqual({ en: { name: 'Mechanic' } });
  const roleOf = (id: string) => people.find((p) => p.id === id);
  expect(roleOf('s1')?.role_id).toBe(monteur?.id);
  expect(roleOf('s2')?.role_id).toBe(monteur?.id);
  // Everyone with the role shows its names: Piet's typed " monteur " reads as the role's.
  expect(roleOf('s2')?.role).toBe('Monteur');
  expect(parse(roleOf('s2')?.translations)).toMatchObject({ en: { role: 'Mechanic' } });
  expect(parse(roleOf('s1')?.translations)).toEqual({ en: { role: 'Mechanic', bio: 'Twenty years' } });
  expect(roleOf('s4')?.role_id).not.toBe(monteur?.id);
  expect(invites[0]?.role_id).toBe(a.find((r) => r.name_key === 'chauffeur')?.id);
  const stepRole = (id: string) => steps.find((s) => s.id === id)?.default_role_id;
  expect(stepRole('ws1')).toBe(monteur?.id);
  expect(stepRole('ws2')).toBe(a.find((r) => r.name_key === 'apk-keurmeester')?.id);
  expect(stepRole('ws3')).toBeNull();
  expect(steps[0]).not.toHaveProperty('default_role');
}

describe.runIf(!ON_POSTGRES)('the roles migration on libSQL', () => {
  it('makes one role per organisation and typed name, and points people, invitations and steps at it', async () => {
    const client = createClient({ url: tempLibsqlFile() });
    const db = drizzle(client);
    await migrate(db, { migrationsFolder: migrationsUpTo('migrations', '0018_roles') });
    for (const statement of OLD_ROWS) await client.execute(statement);
    await migrate(db, { migrationsFolder: folder('migrations') });
    const rows = async (table: string) =>
      (await client.execute(`SELECT * FROM ${table} ORDER BY id`)).rows as Rows;
    expectMigrated(
      await rows('roles'),
      await rows('specialists'),
      await rows('invites'),
      await rows('workflow_steps'),
    );
    client.close();
  });
});

describe.runIf(ON_POSTGRES)('the roles migration on PostgreSQL', () => {
  it('makes one role per organisation and typed name, and points people, invitations and steps at it', async () => {
    const client = new pg.Client({ connectionString: await tempPostgresDatabase() });
    await client.connect();
    try {
      const db = drizzlePg(client);
      await migratePg(db, { migrationsFolder: migrationsUpTo('migrations-pg', '0003_roles') });
      for (const statement of OLD_ROWS) await client.query(statement);
      await migratePg(db, { migrationsFolder: folder('migrations-pg') });
      const rows = async (table: string) =>
        (await client.query(`SELECT * FROM ${table} ORDER BY id`)).rows as Rows;
      expectMigrated(
        await rows('roles'),
        await rows('specialists'),
        await rows('invites'),
        await rows('workflow_steps'),
      );
    } finally {
      await client.end();
    }
  });
});
