import { afterAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../db/client';
import { migrateDatabase } from '../../db/migrate';
import { cursorTransaction, writeTransaction } from '../../src/services/platform/context';
import { tempDatabaseUrl } from '../helpers';
import { ON_POSTGRES } from '../postgres';

/**
 * Issue 16: on PostgreSQL an organisation's write transaction runs beside other organisations' ones, alone
 * among its own organisation's, and one without an organisation (background work, sign-up) runs alone. A log
 * consumer's transaction (the insights fold, the outboxes' cursors) runs beside every organisation's writes
 * and alone among its cursor's readers.
 * Three connections pools stand for three processes (a process queues its own writes before the server).
 */
describe.runIf(ON_POSTGRES)('write locks on PostgreSQL', () => {
  const opened: Database[] = [];
  afterAll(async () => {
    for (const database of opened) await database.close();
  });

  async function pools(n: number) {
    const url = await tempDatabaseUrl();
    const first = await openDatabase(url);
    await migrateDatabase(first.db);
    const all = [first];
    for (let i = 1; i < n; i++) all.push(await openDatabase(url));
    opened.push(...all);
    return all.map((d) => d.db);
  }

  /**
   * A write transaction (of organisation `scope`, or of the log cursor `cursor`) that holds its locks until
   * `release` is called; `done` settles after its commit.
   */
  function held(db: Database['db'], scope?: string, cursor?: string) {
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let started = () => {};
    const inside = new Promise<void>((resolve) => {
      started = resolve;
    });
    const work = async () => {
      started();
      await gate;
    };
    const done = cursor ? cursorTransaction(db, cursor, work) : writeTransaction(db, work, scope);
    return { inside, release, done };
  }

  const settledWithin = (p: Promise<unknown>, ms: number) =>
    Promise.race([p.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms))]);

  it('lets two organisations write at once, and one organisation one at a time', async () => {
    const [a, b, c] = await pools(3);
    if (!a || !b || !c) throw new Error('no pools');
    const first = held(a, 'org_a');
    await first.inside;
    // Another organisation, another process: commits while org_a's transaction is open.
    expect(
      await settledWithin(
        writeTransaction(b, async () => 'b', 'org_b'),
        2000,
      ),
    ).toBe(true);
    // The same organisation from another process waits for it.
    const same = writeTransaction(c, async () => 'a2', 'org_a');
    expect(await settledWithin(same, 300)).toBe(false);
    first.release();
    await first.done;
    expect(await same).toBe('a2');
  });

  it('runs a write without an organisation alone, and organisations wait for it', async () => {
    const [a, b, c] = await pools(3);
    if (!a || !b || !c) throw new Error('no pools');
    const org = held(a, 'org_a');
    await org.inside;
    const alone = held(b);
    expect(await settledWithin(alone.inside, 300)).toBe(false);
    org.release();
    await org.done;
    await alone.inside;
    const later = writeTransaction(c, async () => 'later', 'org_b');
    expect(await settledWithin(later, 300)).toBe(false);
    alone.release();
    await alone.done;
    expect(await later).toBe('later');
  });

  it("runs a log consumer's transaction beside organisations' writes, alone among its cursor's readers", async () => {
    const [a, b, c] = await pools(3);
    if (!a || !b || !c) throw new Error('no pools');
    const fold = held(a, undefined, 'insights');
    await fold.inside;
    // An organisation's write from another process does not wait for the consumer (it did, as background
    // work took the write lock alone: every API write on every process stalled behind a fold batch).
    expect(
      await settledWithin(
        writeTransaction(b, async () => 'org', 'org_a'),
        2000,
      ),
    ).toBe(true);
    // Another cursor's reader does not wait either; the same cursor's does.
    expect(
      await settledWithin(
        cursorTransaction(c, 'push', async () => 'push'),
        2000,
      ),
    ).toBe(true);
    const again = cursorTransaction(b, 'insights', async () => 'second fold');
    expect(await settledWithin(again, 300)).toBe(false);
    // A write that must run alone still waits for the consumer.
    const alone = writeTransaction(c, async () => 'alone');
    expect(await settledWithin(alone, 300)).toBe(false);
    fold.release();
    await fold.done;
    expect(await again).toBe('second fold');
    expect(await alone).toBe('alone');
  });
});
