import { defineConfig } from 'drizzle-kit';

/** The PostgreSQL migrations, from the tables scripts/generate-pg-schema.ts writes (`npm run db:generate`). */
export default defineConfig({
  dialect: 'postgresql',
  schema: './db/schema-pg/index.ts',
  out: './db/migrations-pg',
});
