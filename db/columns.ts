import { getTableColumns, type Table } from 'drizzle-orm';

/**
 * Every column of a table but the named ones, for a select that must not read large values (a document's
 * bytes, an invoice's PDF) when it only shows their metadata.
 *
 * Call it when building the query, never once at module load: the tables imported from `db/schema` are
 * rebound to their PostgreSQL twins when a PostgreSQL database opens (`db/tables.ts`), and columns taken
 * earlier would still name the libSQL ones.
 */
export function columnsWithout<T extends Table, K extends keyof T['_']['columns'] & string>(
  table: T,
  ...omit: K[]
): Omit<T['_']['columns'], K> {
  const columns: Record<string, unknown> = { ...getTableColumns(table) };
  for (const key of omit) delete columns[key];
  return columns as Omit<T['_']['columns'], K>;
}
