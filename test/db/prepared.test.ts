import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/client';
import { migrateDatabase } from '../../db/migrate';
import { param, prepared } from '../../db/prepared';
import { organisations } from '../../db/schema';
import { writeTransaction } from '../../src/services/platform/context';
import { tempDatabaseUrl } from '../helpers';

const nameOf = prepared((db) =>
  db
    .select({ name: organisations.name })
    .from(organisations)
    .where(eq(organisations.id, param('id')))
    .prepare(),
);
const rename = prepared((db) =>
  db
    .update(organisations)
    .set({ name: param('name') })
    .where(eq(organisations.id, param('id')))
    .prepare(),
);

async function database() {
  const database = await openDatabase(await tempDatabaseUrl());
  await migrateDatabase(database.db);
  await database.db.insert(organisations).values({ id: 'org_a', slug: 'a', name: 'Garage A', createdAt: 1 });
  return database;
}

describe('prepared statements', () => {
  it('run inside the caller’s transaction: they see its writes, and a rollback undoes theirs', async () => {
    const { db } = await database();
    await expect(
      writeTransaction(db, async (tx) => {
        await rename(tx).run({ id: 'org_a', name: 'Garage B' });
        expect(await nameOf(tx).all({ id: 'org_a' })).toEqual([{ name: 'Garage B' }]);
        throw new Error('undo');
      }),
    ).rejects.toThrow('undo');
    expect(await nameOf(db).all({ id: 'org_a' })).toEqual([{ name: 'Garage A' }]);

    await writeTransaction(db, (tx) => rename(tx).run({ id: 'org_a', name: 'Garage C' }));
    expect(await nameOf(db).all({ id: 'org_a' })).toEqual([{ name: 'Garage C' }]);
  });

  it('run on whichever database they are given, though built once', async () => {
    const one = await database();
    const two = await database();
    await rename(one.db).run({ id: 'org_a', name: 'Een' });
    expect(await nameOf(one.db).all({ id: 'org_a' })).toEqual([{ name: 'Een' }]);
    expect(await nameOf(two.db).all({ id: 'org_a' })).toEqual([{ name: 'Garage A' }]);
  });

  it('refuse to run with a value missing', async () => {
    const { db } = await database();
    await expect(nameOf(db).all({})).rejects.toThrow('No value for placeholder "id"');
  });
});
