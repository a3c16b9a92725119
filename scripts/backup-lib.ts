import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createClient } from '@libsql/client';

/**
 * Backup and restore of the database (docs/decisions/backup-and-restore.md):
 *  - the embedded libSQL file: `VACUUM INTO`, an online, consistent copy made inside one read
 *    transaction while the server keeps writing (WAL: writers do not wait for it); restore puts a
 *    checked copy in place of the file while no server runs;
 *  - PostgreSQL: pg_dump's custom format (one consistent snapshot, writers do not wait), restored
 *    with pg_restore into an empty database.
 */
export const isPostgres = (url: string) => /^postgres(ql)?:\/\//i.test(url);

/** The path of a `file:` URL (`file:db/x.db`, `file:///abs/x.db`). */
export function filePath(url: string): string {
  if (!url.startsWith('file:') || url.includes(':memory:'))
    throw new Error(`not a database file: ${url} (backups of a libSQL server are the server's own)`);
  return url.slice('file:'.length).replace(/^\/\/(?=\/)/, '');
}

/** Copies the database at `url` into `target` (which must not exist yet); returns what it did. */
export async function backup(url: string, target: string): Promise<string> {
  if (existsSync(target)) throw new Error(`${target} exists already: choose a new file`);
  if (isPostgres(url)) {
    await run('pg_dump', ['--format=custom', '--no-owner', `--file=${target}`, `--dbname=${url}`]);
    return `pg_dump of the PostgreSQL database written to ${target}`;
  }
  filePath(url);
  const client = createClient({ url });
  try {
    // One statement, one read transaction: the copy is the database as of one commit.
    await client.execute({ sql: 'VACUUM INTO ?', args: [target] });
  } finally {
    client.close();
  }
  await check(target);
  return `online copy of ${url} written to ${target} (VACUUM INTO, integrity checked)`;
}

/** Puts the backup `source` in place of the database at `url`. Stop every server on it first. */
export async function restore(url: string, source: string): Promise<string> {
  if (!existsSync(source)) throw new Error(`${source}: no such file`);
  if (isPostgres(url)) {
    // Into the (empty, or to be emptied) database of DATABASE_URL, objects and data as dumped.
    await run('pg_restore', [
      '--clean',
      '--if-exists',
      '--no-owner',
      '--exit-on-error',
      `--dbname=${url}`,
      source,
    ]);
    return `pg_restore of ${source} into the PostgreSQL database done`;
  }
  const path = filePath(url);
  await check(source);
  // Copied beside the database, then renamed over it (one step); the old file's WAL goes with it.
  const staged = join(dirname(path), `.restore-${process.pid}.db`);
  copyFileSync(source, staged);
  for (const suffix of ['-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
  renameSync(staged, path);
  return `${source} restored to ${path}`;
}

/** A copy that SQLite itself finds whole. */
async function check(file: string) {
  const client = createClient({ url: `file:${file}` });
  try {
    const { rows } = await client.execute('PRAGMA integrity_check');
    const verdict = String(rows[0]?.[0] ?? '');
    if (verdict !== 'ok') throw new Error(`${file} fails SQLite's integrity check: ${verdict}`);
  } finally {
    client.close();
  }
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} exited with ${code}`)),
    );
  });
}
