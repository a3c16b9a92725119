import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/client';

const dir = mkdtempSync(join(tmpdir(), 'ok-busy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the embedded database after another process held the write lock too long', () => {
  it('answers SQLITE_BUSY once, then writes again', async () => {
    const url = `file:${join(dir, 'busy.db')}`;
    const ours = await openDatabase(url);
    // Another process: its own client, holding BEGIN IMMEDIATE past our busy timeout (5 s).
    const other = createClient({ url });
    await other.execute('CREATE TABLE t (x)');
    const lock = await other.transaction('write');
    await lock.execute('INSERT INTO t VALUES (1)');
    await expect(ours.client.transaction('write')).rejects.toMatchObject({
      code: expect.stringMatching(/^SQLITE_BUSY/),
    });
    await lock.rollback();
    for (let i = 0; i < 3; i++) {
      const tx = await ours.client.transaction('write');
      await tx.execute('INSERT INTO t VALUES (2)');
      await tx.commit();
    }
    expect((await ours.client.execute('SELECT count(*) AS n FROM t')).rows[0]?.n).toBe(3);
    other.close();
    ours.close();
  });
});
