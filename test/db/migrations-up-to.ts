import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';

/** For tests of a data migration: the database as it was before it, old rows, then the rest. */
export const folder = (name: string) => fileURLToPath(new URL(`../../db/${name}`, import.meta.url));

/** A copy of a migration folder that stops before the migration tagged `before`. */
export function migrationsUpTo(name: string, before: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'ok-migrations-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  cpSync(folder(name), dir, { recursive: true });
  const journalPath = join(dir, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { tag: string }[] };
  const at = journal.entries.findIndex((e) => e.tag === before);
  if (at < 0) throw new Error(`no migration ${before}`);
  journal.entries = journal.entries.slice(0, at);
  writeFileSync(journalPath, JSON.stringify(journal));
  return dir;
}
