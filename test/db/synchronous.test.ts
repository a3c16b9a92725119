import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/client';
import { tempLibsqlFile } from '../helpers';

/** PRAGMA synchronous belongs to a connection, and libSQL opens pooled connections as it needs them. */
describe('the synchronous level of an embedded database', () => {
  // libSQL's own setting: this file runs on libSQL in the PostgreSQL run too.
  const url = tempLibsqlFile();
  it('holds on every connection a write transaction commits on, not only the first', async () => {
    const database = await openDatabase(url, undefined, 'NORMAL');
    try {
      await database.client.execute('create table t (n integer)');
      // A read transaction holds the first connection, so the write below gets a connection of its own.
      const reader = await database.client.transaction('read');
      await reader.execute('select count(*) from t');
      const writer = await database.client.transaction('write');
      expect(Number((await writer.execute('PRAGMA synchronous')).rows[0]?.[0])).toBe(1);
      await writer.execute('insert into t values (1)');
      await writer.commit();
      reader.close();
    } finally {
      database.close();
    }
  });

  it('stays FULL when chosen', async () => {
    const database = await openDatabase(url, undefined, 'FULL');
    try {
      const writer = await database.client.transaction('write');
      expect(Number((await writer.execute('PRAGMA synchronous')).rows[0]?.[0])).toBe(2);
      writer.close();
    } finally {
      database.close();
    }
  });
});
