import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { organisations } from './organisations';

export const specialists = sqliteTable(
  'specialists',
  {
    id: text('id').primaryKey(),
    organisationId: text('organisation_id')
      .notNull()
      .references(() => organisations.id),
    name: text('name').notNull(),
    email: text('email'),
    role: text('role').notNull(),
    photoUrl: text('photo_url'),
    bio: text('bio').notNull().default(''),
    expertise: text('expertise', { mode: 'json' }).$type<string[]>().notNull().default([]),
    permission: text('permission', { enum: ['admin', 'specialist'] })
      .notNull()
      .default('specialist'),
    active: integer('active', { mode: 'boolean' }).notNull().default(true),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('specialists_org').on(t.organisationId)],
);

export type Specialist = typeof specialists.$inferSelect;
