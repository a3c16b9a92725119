import { createClient } from '@libsql/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../db/client';
import { tempLibsqlFile } from '../helpers';

/**
 * db/embedded-client.ts keeps prepared statements; everything callers see must stay what @libsql/client
 * gives: the same rows, values, counts and errors, side by side on the same file.
 */
describe('the embedded client', () => {
  // libSQL's own client: this file runs on libSQL in the PostgreSQL run too.
  const url = tempLibsqlFile();
  let database: Database;
  const reference = () => createClient({ url });

  beforeAll(async () => {
    database = await openDatabase(url, undefined, 'NORMAL');
    await database.client.executeMultiple(`
      create table t (id integer primary key, name text not null unique, n integer, data blob, f real);
      insert into t (name, n, data, f) values ('a', 1, x'0102', 1.5), ('b', 9007199254740991, null, null);
    `);
  });
  afterAll(() => database.close());

  it('reads rows as @libsql/client does: by index, by name, length, enumerable names only', async () => {
    const sql = 'select t.id, t.name, t.n, t.f, u.name, 1 + 1 from t join t u on u.id = t.id order by t.id';
    const ours = await database.client.execute(sql);
    const theirs = await reference().execute(sql);
    expect(ours.columns).toEqual(theirs.columns);
    expect(ours.columnTypes).toEqual(theirs.columnTypes);
    expect(ours.rows.length).toBe(2);
    for (const [i, row] of ours.rows.entries()) {
      const other = theirs.rows[i];
      expect(row.length).toBe(other?.length);
      expect(Array.prototype.slice.call(row)).toEqual(Array.prototype.slice.call(other));
      expect(Object.keys(row)).toEqual(Object.keys(other ?? {}));
      expect({ ...row }).toEqual({ ...other });
      expect(JSON.stringify(row)).toBe(JSON.stringify(other));
    }
    // The second "name" column: by index it is there, by name the first wins.
    expect(ours.rows[0]?.[4]).toBe('a');
    expect(ours.rows[1]?.n).toBe(9007199254740991);
  });

  it('keeps blobs, counts and row ids', async () => {
    const blob = await database.client.execute('select data from t where name = ?', ['a']);
    const bytes = blob.rows[0]?.data as ArrayBuffer;
    expect(bytes).toBeInstanceOf(ArrayBuffer);
    expect([...new Uint8Array(bytes)]).toEqual([1, 2]);
    const inserted = await database.client.execute({
      sql: 'insert into t (name, n) values (:name, :n)',
      args: { name: 'c', n: 3 },
    });
    expect(inserted.rowsAffected).toBe(1);
    expect(inserted.lastInsertRowid).toBe(3n);
    const updated = await database.client.execute('update t set n = n + 1 where n < 10');
    expect(updated.rowsAffected).toBe(2);
  });

  it('refuses integers it cannot read exactly, and bad arguments, as @libsql/client does', async () => {
    await database.client.execute('insert into t (name, n) values (?, ?)', ['big', 9007199254740993n]);
    const sql = "select n from t where name = 'big'";
    await expect(database.client.execute(sql)).rejects.toThrow(RangeError);
    await expect(reference().execute(sql)).rejects.toThrow(RangeError);
    await expect(database.client.execute('select ?', [Number.NaN])).rejects.toThrow(RangeError);
    await database.client.execute("delete from t where name = 'big'");
  });

  it('reports SQLite errors with the same codes, and a failed statement runs again cleanly', async () => {
    const sql = 'insert into t (name) values (?)';
    const ours = await database.client.execute(sql, ['a']).catch((e: unknown) => e);
    const theirs = await reference()
      .execute(sql, ['a'])
      .catch((e: unknown) => e);
    expect(ours).toMatchObject({ code: 'SQLITE_CONSTRAINT', extendedCode: 'SQLITE_CONSTRAINT_UNIQUE' });
    expect((ours as { code: string }).code).toBe((theirs as { code: string }).code);
    expect((ours as { extendedCode: string }).extendedCode).toBe(
      (theirs as { extendedCode: string }).extendedCode,
    );
    // Inside a transaction: the failure leaves the transaction usable and committable.
    const tx = await database.client.transaction('write');
    await expect(tx.execute({ sql, args: ['a'] })).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT' });
    await tx.execute({ sql, args: ['d'] });
    await tx.commit();
    expect((await database.client.execute("select count(*) as c from t where name = 'd'")).rows[0]?.c).toBe(
      1,
    );
  });

  it('keeps no statement across a schema change', async () => {
    const sql = 'select * from t where id = 1';
    expect((await database.client.execute(sql)).columns).not.toContain('extra');
    await database.client.execute('alter table t add column extra text');
    expect((await database.client.execute(sql)).columns).toContain('extra');
  });

  it('rolls back what a transaction left open, and a closed transaction refuses work', async () => {
    const tx = await database.client.transaction('write');
    await tx.execute("insert into t (name) values ('e')");
    tx.close();
    expect(tx.closed).toBe(true);
    await expect(tx.execute('select 1')).rejects.toMatchObject({ code: 'TRANSACTION_CLOSED' });
    expect((await database.client.execute("select count(*) as c from t where name = 'e'")).rows[0]?.c).toBe(
      0,
    );
    const rolled = await database.client.transaction('write');
    await rolled.execute("insert into t (name) values ('f')");
    await rolled.rollback();
    expect((await database.client.execute("select count(*) as c from t where name = 'f'")).rows[0]?.c).toBe(
      0,
    );
  });

  it('reads outside a transaction what was committed, not what is still open', async () => {
    const tx = await database.client.transaction('write');
    await tx.execute("insert into t (name) values ('g')");
    expect((await database.client.execute("select count(*) as c from t where name = 'g'")).rows[0]?.c).toBe(
      0,
    );
    expect((await tx.execute("select count(*) as c from t where name = 'g'")).rows[0]?.c).toBe(1);
    await tx.commit();
    expect((await database.client.execute("select count(*) as c from t where name = 'g'")).rows[0]?.c).toBe(
      1,
    );
  });
});
