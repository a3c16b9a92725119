import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeOrganisation, sampleJob } from '../helpers';
import { ON_POSTGRES } from '../postgres';
import { spawnServer, startProduct } from '../server';

/**
 * `npm run db:backup` while the real server takes writes, then `npm run db:restore` into a new file
 * and a fresh server on it: every write acknowledged before the backup began is there.
 */
const dir = mkdtempSync(join(tmpdir(), 'ok-backup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** One of the npm scripts, as `npm run` runs it (tsx), with DATABASE_URL set. */
function script(file: string, args: string[], databaseUrl: string) {
  return new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn(process.execPath, ['node_modules/tsx/dist/cli.mjs', file, ...args], {
      env: { ...process.env, DATABASE_URL: databaseUrl },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => {
      output += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      output += c.toString();
    });
    child.once('exit', (code) => resolve({ code, output }));
  });
}

// The embedded database's own backup; on PostgreSQL (test:pg) test/ops/backup-postgres.test.ts covers pg_dump.
describe.skipIf(ON_POSTGRES)('backup and restore of the embedded database', () => {
  it('copies online while writes go on; a restored server has every write acknowledged before', async () => {
    const product = await startProduct();
    const org = await makeOrganisation(product.rt);
    const databaseUrl = product.rt.config.databaseUrl;
    const acknowledged: { id: string; at: number }[] = [];
    const failures: number[] = [];
    let writing = true;
    let n = 0;
    const writer = async () => {
      while (writing) {
        const reference = `WO-B-${++n}`;
        const response = await fetch(`${product.url}/api/v1/jobs`, {
          method: 'POST',
          headers: { authorization: `Bearer ${org.key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ ...sampleJob(reference), workflowId: org.workflowId }),
        });
        if (response.status !== 201) failures.push(response.status);
        const body = (await response.json()) as { id?: string };
        if (response.status === 201 && body.id) acknowledged.push({ id: body.id, at: Date.now() });
      }
    };
    const writers = [writer(), writer()];
    while (acknowledged.length < 20) await new Promise((r) => setTimeout(r, 10));

    const began = Date.now();
    const before = acknowledged.filter((w) => w.at <= began).map((w) => w.id);
    const file = join(dir, 'backup.db');
    const made = await script('scripts/backup.ts', [file], databaseUrl);
    const ended = Date.now();
    // Some more writes after the copy, then stop.
    const count = acknowledged.length;
    while (acknowledged.length < count + 5) await new Promise((r) => setTimeout(r, 10));
    writing = false;
    await Promise.all(writers);

    expect(made.output).toContain('VACUUM INTO');
    expect(made.code).toBe(0);
    expect(failures).toEqual([]);
    // The server kept answering writes while the copy was being made.
    const during = acknowledged.filter((w) => w.at >= began && w.at <= ended).length;
    expect(during, `writes acknowledged during the ${ended - began} ms backup`).toBeGreaterThan(0);
    // A second backup into the same file is refused.
    expect((await script('scripts/backup.ts', [file], databaseUrl)).code).toBe(1);

    const restoredUrl = `file:${join(dir, 'restored.db')}`;
    const restored = await script('scripts/backup-restore.ts', [file], restoredUrl);
    expect(restored.output).toContain('restored to');
    expect(restored.code).toBe(0);

    const fresh = await spawnServer({ DATABASE_URL: restoredUrl, SEED: 'never' });
    expect((await fetch(`${fresh.url}/readyz`)).status).toBe(200);
    const missing: string[] = [];
    for (const id of before) {
      const response = await fetch(`${fresh.url}/api/v1/jobs/${id}`, {
        headers: { authorization: `Bearer ${org.key}` },
      });
      if (response.status !== 200) missing.push(`${id}: ${response.status}`);
      await response.arrayBuffer();
    }
    expect(missing).toEqual([]);
    expect(before.length).toBeGreaterThanOrEqual(20);
    // Writes acknowledged after the copy ended are not in it.
    const after = acknowledged.filter((w) => w.at > ended).at(-1);
    if (after) {
      const response = await fetch(`${fresh.url}/api/v1/jobs/${after.id}`, {
        headers: { authorization: `Bearer ${org.key}` },
      });
      expect(response.status).toBe(404);
    }
    await fresh.stop();
  });

  it('refuses a file that is not a database, and a missing argument', async () => {
    const url = `file:${join(dir, 'other.db')}`;
    const bogus = join(dir, 'not-a-database.db');
    await import('node:fs').then((fs) => fs.writeFileSync(bogus, 'hello'));
    const refused = await script('scripts/backup-restore.ts', [bogus], url);
    expect(refused.code).toBe(1);
    expect(refused.output).toMatch(/Restore failed/);
    expect((await script('scripts/backup.ts', [], url)).code).toBe(2);
  });
});
