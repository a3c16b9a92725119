import { spawn } from 'node:child_process';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { tempDatabaseUrl } from '../helpers';
import { ON_POSTGRES } from '../postgres';

/** Processes starting together on an empty PostgreSQL database migrate it once, without racing. */
describe.runIf(ON_POSTGRES)('migrations on PostgreSQL', () => {
  it('run once when three processes start together', async () => {
    const url = await tempDatabaseUrl();
    const runs = await Promise.all(
      [0, 1, 2].map(
        () =>
          new Promise<{ code: number | null; output: string }>((resolve) => {
            const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/db-migrate.ts'], {
              env: { ...process.env, DATABASE_URL: url },
              stdio: ['ignore', 'pipe', 'pipe'],
            });
            let output = '';
            child.stdout.on('data', (chunk: Buffer) => {
              output += chunk.toString();
            });
            child.stderr.on('data', (chunk: Buffer) => {
              output += chunk.toString();
            });
            child.once('exit', (code) => resolve({ code, output }));
          }),
      ),
    );
    for (const run of runs) expect(run.code, run.output).toBe(0);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const applied = await client.query('select hash from drizzle.__drizzle_migrations');
      const hashes = applied.rows.map((r: { hash: string }) => r.hash);
      expect(hashes.length).toBeGreaterThan(0);
      expect(new Set(hashes).size).toBe(hashes.length);
      const tables = await client.query(
        "select 1 from information_schema.tables where table_name = 'events'",
      );
      expect(tables.rowCount).toBe(1);
    } finally {
      await client.end();
    }
  });
});
