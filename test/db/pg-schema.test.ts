import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { getTableColumns, is } from 'drizzle-orm';
import { PgTable } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import * as pgTables from '../../db/schema-pg';
import { generatedFiles, sqliteTables } from '../../scripts/generate-pg-schema';

/** db/schema is the one declaration; what is generated from it must be committed as generated. */
describe('the PostgreSQL schema', () => {
  it('is what scripts/generate-pg-schema.ts writes from db/schema (run `npm run db:generate`)', async () => {
    for (const [path, source] of Object.entries(await generatedFiles())) {
      expect(readFileSync(path, 'utf8'), path).toBe(source);
    }
  });

  it('has every table and column of db/schema, under the same names', async () => {
    for (const { key, table } of await sqliteTables()) {
      const pgTable = (pgTables as Record<string, unknown>)[key];
      expect(is(pgTable, PgTable), key).toBe(true);
      const names = (t: object) =>
        Object.entries(getTableColumns(t as PgTable)).map(([k, c]) => `${k}:${c.name}:${c.notNull}`);
      expect(names(pgTable as PgTable), key).toEqual(names(table));
    }
  });

  it('needs no migration beyond those in db/migrations-pg (and db/migrations for libSQL)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ok-migrations-'));
    try {
      for (const [config, dialect, schema, folder] of [
        ['pg', 'postgresql', './db/schema-pg/index.ts', 'db/migrations-pg'],
        ['sqlite', 'sqlite', './db/schema/index.ts', 'db/migrations'],
      ] as const) {
        // drizzle-kit reads `out` relative to the working directory.
        const out = relative(process.cwd(), join(dir, config));
        cpSync(folder, out, { recursive: true });
        const file = join(dir, `${config}.config.json`);
        writeFileSync(file, JSON.stringify({ dialect, schema, out }));
        const said = execFileSync('node_modules/.bin/drizzle-kit', ['generate', `--config=${file}`], {
          encoding: 'utf8',
        });
        expect(said, folder).toContain('No schema changes');
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
