import { customType } from 'drizzle-orm/pg-core';

/** Binary data as a Buffer, as the SQLite `blob({ mode: 'buffer' })` columns read. */
export const bytea = customType<{ data: Buffer; driverData: Buffer }>({
  dataType: () => 'bytea',
});

/** The TypeScript type a libSQL column reads as, so a JSON column keeps its declared shape. */
export type Row<C> = C extends { _: { data: infer D } } ? D : never;
