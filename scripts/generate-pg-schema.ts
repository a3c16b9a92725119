/**
 * Writes db/schema-pg/index.ts, the PostgreSQL tables, from db/schema/*.ts, the one place tables are
 * declared (see docs/decisions/postgresql-from-one-schema.md). Run `npm run db:generate` after changing
 * db/schema: it regenerates this file and both migration folders. test/db/pg-schema.test.ts fails when
 * the committed file differs from what this script writes.
 *
 * Types are chosen so a row reads back in PostgreSQL exactly as in SQLite: integers (epoch
 * milliseconds, cents, counters) as `bigint` read as numbers, `{ mode: 'boolean' }` as `boolean`,
 * JSON text as `json` (kept as written), buffers as `bytea`, better-auth's dates as `timestamptz(3)`.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getTableColumns, is, SQL } from 'drizzle-orm';
import { getTableConfig, type SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';

const schemaDir = fileURLToPath(new URL('../db/schema/', import.meta.url));

/** The source: every table exported by a file in db/schema, in file order. */
export async function sqliteTables(): Promise<{ file: string; key: string; table: SQLiteTable }[]> {
  const files = readdirSync(schemaDir)
    .filter((f) => f.endsWith('.ts') && f !== 'index.ts')
    .sort();
  const found: { file: string; key: string; table: SQLiteTable }[] = [];
  for (const file of files) {
    const module = (await import(new URL(`../db/schema/${file}`, import.meta.url).href)) as Record<
      string,
      unknown
    >;
    // Sorted: a module namespace lists its names sorted, a bundler's module object in declaration order.
    for (const [key, value] of Object.entries(module).sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (is(value, SQLiteTable)) found.push({ file: file.replace(/\.ts$/, ''), key, table: value });
    }
  }
  return found;
}

const literal = (value: unknown) => JSON.stringify(value);

/** PostgreSQL folds identifiers to 63 bytes; a longer name would be cut silently, so refuse it. */
function name(identifier: string): string {
  if (Buffer.byteLength(identifier) > 63) throw new Error(`identifier longer than 63 bytes: ${identifier}`);
  return literal(identifier);
}

function columnSource(column: SQLiteColumn, tableKey: string, columnKey: string): string {
  const source = `sqlite.${tableKey}.${columnKey}`;
  const c = column as SQLiteColumn & { autoIncrement?: boolean; mode?: string };
  let out: string;
  switch (column.columnType) {
    case 'SQLiteText':
      out = column.enumValues?.length
        ? `text(${name(column.name)}, { enum: ${literal(column.enumValues)} })`
        : `text(${name(column.name)})`;
      break;
    case 'SQLiteTextJson':
      out = `json(${name(column.name)}).$type<Row<typeof ${source}>>()`;
      break;
    case 'SQLiteInteger':
      out = `bigint(${name(column.name)}, { mode: 'number' })`;
      break;
    case 'SQLiteBoolean':
      out = `boolean(${name(column.name)})`;
      break;
    case 'SQLiteTimestamp':
      out = `timestamp(${name(column.name)}, { mode: 'date', precision: ${c.mode === 'timestamp_ms' ? 3 : 0}, withTimezone: true })`;
      break;
    case 'SQLiteReal':
      out = `doublePrecision(${name(column.name)})`;
      break;
    case 'SQLiteBlobBuffer':
      out = `bytea(${name(column.name)})`;
      break;
    default:
      throw new Error(`no PostgreSQL type for ${column.columnType} (${tableKey}.${columnKey}): add one`);
  }
  if (column.primary) out += '.primaryKey()';
  if (c.autoIncrement) out += '.generatedByDefaultAsIdentity()';
  if (column.notNull && !column.primary) out += '.notNull()';
  if (column.isUnique) out += `.unique(${column.uniqueName ? name(column.uniqueName) : ''})`;
  if (column.default !== undefined) {
    if (is(column.default, SQL)) throw new Error(`SQL default on ${tableKey}.${columnKey}: map it by hand`);
    out += `.default(${literal(column.default)})`;
  }
  // Defaults computed in JavaScript are the very same functions.
  if (column.defaultFn) out += `.$defaultFn(${source}.defaultFn!)`;
  if (column.onUpdateFn) out += `.$onUpdateFn(${source}.onUpdateFn!)`;
  return out;
}

export async function generatePgSchema(): Promise<string> {
  const tables = await sqliteTables();
  const keyOf = new Map(tables.map((t) => [t.table, t.key]));
  const byName = new Map(tables.map((t) => [getTableConfig(t.table).name, t.key]));
  const blocks: string[] = [];
  const uses = new Set<string>(['pgTable']);
  for (const { key, table } of tables) {
    const config = getTableConfig(table);
    const columnKey = new Map(Object.entries(getTableColumns(table)).map(([k, c]) => [c, k]));
    const ref = (c: unknown) => {
      const k = columnKey.get(c as SQLiteColumn);
      if (!k) throw new Error(`${key}: an index or key on an expression needs mapping by hand`);
      return `t.${k}`;
    };
    const columns = Object.entries(getTableColumns(table)).map(
      ([k, c]) => `    ${k}: ${columnSource(c as SQLiteColumn, key, k)},`,
    );
    for (const line of columns) {
      for (const fn of ['text', 'json', 'bigint', 'boolean', 'timestamp', 'doublePrecision']) {
        if (line.includes(`: ${fn}(`)) uses.add(fn);
      }
    }
    const extras: string[] = [];
    for (const index of config.indexes) {
      const c = index.config;
      if (c.where) throw new Error(`${key}: partial index ${c.name} needs mapping by hand`);
      const fn = c.unique ? 'uniqueIndex' : 'index';
      uses.add(fn);
      extras.push(`${fn}(${name(c.name)}).on(${c.columns.map(ref).join(', ')})`);
    }
    for (const pk of config.primaryKeys) {
      uses.add('primaryKey');
      extras.push(`primaryKey({ columns: [${pk.columns.map(ref).join(', ')}] })`);
    }
    for (const unique of config.uniqueConstraints) {
      uses.add('unique');
      extras.push(`unique(${name(unique.name ?? '')}).on(${unique.columns.map(ref).join(', ')})`);
    }
    if (config.checks.length) throw new Error(`${key}: checks need mapping by hand`);
    for (const fk of config.foreignKeys) {
      uses.add('foreignKey');
      const r = fk.reference();
      const target = byName.get(getTableConfig(r.foreignTable).name) ?? keyOf.get(r.foreignTable);
      const foreignColumnKey = new Map(
        Object.entries(getTableColumns(r.foreignTable)).map(([k, c]) => [c, k]),
      );
      let line = `foreignKey({ name: ${name(fk.getName())}, columns: [${r.columns.map(ref).join(', ')}], foreignColumns: [${r.foreignColumns.map((c) => `${target}.${foreignColumnKey.get(c)}`).join(', ')}] })`;
      if (fk.onDelete && fk.onDelete !== 'no action') line += `.onDelete(${literal(fk.onDelete)})`;
      if (fk.onUpdate && fk.onUpdate !== 'no action') line += `.onUpdate(${literal(fk.onUpdate)})`;
      extras.push(line);
    }
    const extra = extras.length ? `,\n  (t) => [\n${extras.map((e) => `    ${e},`).join('\n')}\n  ]` : '';
    blocks.push(
      `export const ${key} = pgTable(\n  ${name(config.name)},\n  {\n${columns.join('\n')}\n  }${extra},\n);`,
    );
  }
  const files = [...new Set(tables.map((t) => t.file))];
  const types = blocks.some((b) => b.includes('bytea(')) ? 'bytea, type Row' : 'type Row';
  return `// Generated by scripts/generate-pg-schema.ts from db/schema/*.ts. Do not edit: change db/schema and run
// \`npm run db:generate\`. test/db/pg-schema.test.ts fails when this file is out of date.
import { ${[...uses].sort().join(', ')} } from 'drizzle-orm/pg-core';
${files.map((f) => `import * as ${camel(f)} from '../schema/${f}';`).join('\n')}
import { ${types} } from './types';

const sqlite = {
${files.map((f) => `  ...${camel(f)},`).join('\n')}
};

${blocks.join('\n\n')}
`;
}

const camel = (file: string) => `${file.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())}Tables`;

/**
 * db/tables.ts: every table under its one name, bound to the libSQL table until db/client.ts opens a
 * PostgreSQL database and calls `usePostgresTables()`. db/schema/index.ts re-exports these bindings,
 * so services keep importing from db/schema and get the tables of the database the process opened.
 */
export async function generateTableSwitch(): Promise<string> {
  const tables = await sqliteTables();
  const files = [...new Set(tables.map((t) => t.file))];
  return `// Generated by scripts/generate-pg-schema.ts. Do not edit: run \`npm run db:generate\`.
${files.map((f) => `import * as ${camel(f)} from './schema/${f}';`).join('\n')}
import * as pg from './schema-pg';

${tables.map((t) => `export let ${t.key} = ${camel(t.file)}.${t.key};`).join('\n')}

/** Makes each name above the PostgreSQL table: called once, by db/client.ts, before any query. */
export function usePostgresTables(): void {
${tables.map((t) => `  ${t.key} = pg.${t.key} as unknown as typeof ${t.key};`).join('\n')}
}
`;
}

/** db/schema/index.ts: each file's types and constants, its tables through db/tables.ts. */
export async function generateSchemaIndex(): Promise<string> {
  const tables = await sqliteTables();
  const files = [...new Set(tables.map((t) => t.file))];
  const all = readdirSync(schemaDir)
    .filter((f) => f.endsWith('.ts') && f !== 'index.ts')
    .map((f) => f.replace(/\.ts$/, ''))
    .sort();
  void files;
  return `// Generated by scripts/generate-pg-schema.ts. Do not edit: run \`npm run db:generate\`.
${all.map((f) => `export * from './${f}';`).join('\n')}
// The tables of the database this process opened (db/tables.ts): a name exported here shadows the
// libSQL table of the same name that \`export *\` brings.
export {
${tables.map((t) => `  ${t.key},`).join('\n')}
} from '../tables';
`;
}

/** What each generated file should hold, formatted as the repository formats it. */
export async function generatedFiles(): Promise<Record<string, string>> {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const files = {
    'db/schema-pg/index.ts': await generatePgSchema(),
    'db/tables.ts': await generateTableSwitch(),
    'db/schema/index.ts': await generateSchemaIndex(),
  };
  const biome = join(root, 'node_modules/.bin/biome');
  return Object.fromEntries(
    Object.entries(files).map(([path, source]) => [
      path,
      execFileSync(biome, ['check', '--write', `--stdin-file-path=${path}`], {
        input: source,
        cwd: root,
        encoding: 'utf8',
      }),
    ]),
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = fileURLToPath(new URL('..', import.meta.url));
  for (const [path, source] of Object.entries(await generatedFiles())) {
    writeFileSync(join(root, path), source);
    console.log(`wrote ${path}`);
  }
}
