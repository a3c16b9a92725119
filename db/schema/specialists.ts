import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { users } from './accounts';
import { organisations } from './organisations';
import type { RoleTranslations, SpecialistTranslations } from './translations';

/**
 * The organisation's managed list of roles ("APK-keurmeester", "Notaris"): what a specialist is, and
 * who a workflow step goes to. Routing and escalation compare role ids, never typed text, so a typo
 * cannot break them (docs/decisions/step-roles.md).
 */
export const roles = sqliteTable(
  'roles',
  {
    id: text('id').primaryKey(),
    organisationId: text('organisation_id')
      .notNull()
      .references(() => organisations.id),
    /** In the organisation's own language; `translations` holds the other. */
    name: text('name').notNull(),
    /** The name folded for comparison (case, accents, spacing): unique per organisation. */
    nameKey: text('name_key').notNull(),
    translations: text('translations', { mode: 'json' }).$type<RoleTranslations>().notNull().default({}),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [uniqueIndex('roles_org_name').on(t.organisationId, t.nameKey)],
);

export const specialists = sqliteTable(
  'specialists',
  {
    id: text('id').primaryKey(),
    organisationId: text('organisation_id')
      .notNull()
      .references(() => organisations.id),
    name: text('name').notNull(),
    email: text('email'),
    /**
     * The role (`roles`); `role` and `translations.role` are its name as written there, copied by the
     * role service on every change so a profile reads without a join.
     */
    roleId: text('role_id').references(() => roles.id),
    role: text('role').notNull(),
    photoUrl: text('photo_url'),
    bio: text('bio').notNull().default(''),
    /** Role and bio in the other language (see translations.ts). */
    translations: text('translations', { mode: 'json' })
      .$type<SpecialistTranslations>()
      .notNull()
      .default({}),
    expertise: text('expertise', { mode: 'json' }).$type<string[]>().notNull().default([]),
    permission: text('permission', { enum: ['admin', 'front_desk', 'specialist'] })
      .notNull()
      .default('specialist'),
    active: integer('active', { mode: 'boolean' }).notNull().default(true),
    /** The sign-in identity; null for people who appear on timelines but do not use the console. */
    userId: text('user_id').references(() => users.id),
    /**
     * Ratings received and the sum of their scores, kept up to date by the write that adds a rating,
     * so the tracker shows an average without reading the specialist's whole history.
     */
    ratingCount: integer('rating_count').notNull().default(0),
    ratingSum: integer('rating_sum').notNull().default(0),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('specialists_org').on(t.organisationId), uniqueIndex('specialists_user').on(t.userId)],
);

/** An admin's invitation to join the team; the link carries a token stored here only as a hash. */
export const invites = sqliteTable(
  'invites',
  {
    id: text('id').primaryKey(),
    organisationId: text('organisation_id')
      .notNull()
      .references(() => organisations.id),
    email: text('email').notNull(),
    name: text('name').notNull(),
    roleId: text('role_id').references(() => roles.id),
    /** The role's name when invited, for the list of open invitations. */
    role: text('role').notNull(),
    permission: text('permission', { enum: ['admin', 'front_desk', 'specialist'] }).notNull(),
    tokenHash: text('token_hash').notNull().unique(),
    invitedBy: text('invited_by').references(() => specialists.id),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    acceptedAt: integer('accepted_at'),
    revokedAt: integer('revoked_at'),
  },
  (t) => [index('invites_org').on(t.organisationId, t.createdAt)],
);

export type Role = typeof roles.$inferSelect;
export type Specialist = typeof specialists.$inferSelect;
export type Invite = typeof invites.$inferSelect;
