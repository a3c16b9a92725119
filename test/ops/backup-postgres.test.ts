import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * `npm run db:backup` / `db:restore` with a postgres:// DATABASE_URL: pg_dump's custom format from one
 * database, pg_restore into another, on the PostgreSQL server of this machine (each run makes its own
 * databases and drops them). Skipped, saying why, where no server answers.
 */
const SERVER = 'postgres://postgres@127.0.0.1:5432';
const reachable =
  spawnSync('pg_isready', ['-h', '127.0.0.1', '-p', '5432'], { stdio: 'ignore' }).status === 0 &&
  spawnSync('psql', ['--version'], { stdio: 'ignore' }).status === 0;
if (!reachable) console.warn('backup-postgres: skipped, no PostgreSQL server on 127.0.0.1:5432 (or no psql)');

const psql = (database: string, sql: string) =>
  execFileSync(
    'psql',
    ['-X', '-q', '-t', '-A', '-v', 'ON_ERROR_STOP=1', '-d', `${SERVER}/${database}`, '-c', sql],
    {
      encoding: 'utf8',
    },
  ).trim();

function script(file: string, args: string[], databaseUrl: string) {
  const run = spawnSync(process.execPath, ['node_modules/tsx/dist/cli.mjs', file, ...args], {
    env: { ...process.env, DATABASE_URL: databaseUrl },
    encoding: 'utf8',
  });
  return { code: run.status, output: run.stdout + run.stderr };
}

describe.skipIf(!reachable)('backup and restore on PostgreSQL', () => {
  const suffix = `${process.pid}_${Date.now()}`;
  const source = `ok_backup_src_${suffix}`;
  const target = `ok_backup_dst_${suffix}`;
  const dir = mkdtempSync(join(tmpdir(), 'ok-pgdump-'));
  afterAll(() => {
    for (const name of [source, target]) psql('postgres', `drop database if exists ${name} with (force)`);
    rmSync(dir, { recursive: true, force: true });
  });

  it('dumps with pg_dump and restores with pg_restore, rows and all', () => {
    psql('postgres', `create database ${source}`);
    psql('postgres', `create database ${target}`);
    psql(
      source,
      "create table jobs (id text primary key, reference text not null); insert into jobs values ('a', 'WO-1'), ('b', 'WO-2')",
    );
    const file = join(dir, 'ok.dump');
    const made = script('scripts/backup.ts', [file], `${SERVER}/${source}`);
    expect(made.output).toContain('pg_dump');
    expect(made.code).toBe(0);
    const restored = script('scripts/backup-restore.ts', [file], `${SERVER}/${target}`);
    expect(restored.code, restored.output).toBe(0);
    expect(psql(target, "select string_agg(reference, ',' order by id) from jobs")).toBe('WO-1,WO-2');
    // Restoring again over what is there replaces it (--clean), rather than failing on duplicates.
    expect(script('scripts/backup-restore.ts', [file], `${SERVER}/${target}`).code).toBe(0);
    expect(psql(target, 'select count(*) from jobs')).toBe('2');
  });
});
