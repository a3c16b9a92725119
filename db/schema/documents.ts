import { blob, index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { jobs, steps } from './jobs';
import { organisations } from './organisations';
import type { Translations } from './translations';

export type DocumentTranslations = Translations<'title'>;

/**
 * A file on a step (a draft deed, an inspection report): its title and who may see it. Its content is
 * the newest row of `document_versions`; a new upload adds a version, the old ones stay (and in the log).
 * See docs/decisions/documents.md.
 */
export const documents = sqliteTable(
  'documents',
  {
    id: text('id').primaryKey(),
    organisationId: text('organisation_id')
      .notNull()
      .references(() => organisations.id),
    jobId: text('job_id')
      .notNull()
      .references(() => jobs.id),
    stepId: text('step_id')
      .notNull()
      .references(() => steps.id),
    /** In the organisation's language; the other one in `translations` (content-in-two-languages.md). */
    title: text('title').notNull(),
    translations: text('translations', { mode: 'json' }).$type<DocumentTranslations>().notNull().default({}),
    visibleToCustomer: integer('visible_to_customer', { mode: 'boolean' }).notNull(),
    /** Each version asks the customer's sign-off (a new version asks again). */
    signoffRequested: integer('signoff_requested', { mode: 'boolean' }).notNull().default(false),
    /** The newest version's number (1, 2, …). */
    version: integer('version').notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('documents_job').on(t.jobId, t.createdAt)],
);

/** The bytes of each version of a document, as stored (images re-encoded), with their SHA-256. */
export const documentVersions = sqliteTable(
  'document_versions',
  {
    id: text('id').primaryKey(),
    documentId: text('document_id')
      .notNull()
      .references(() => documents.id),
    organisationId: text('organisation_id')
      .notNull()
      .references(() => organisations.id),
    jobId: text('job_id')
      .notNull()
      .references(() => jobs.id),
    version: integer('version').notNull(),
    /** A safe name for downloads (letters, digits, `._-`), with the extension of its type. */
    filename: text('filename').notNull(),
    contentType: text('content_type', {
      enum: ['application/pdf', 'image/jpeg', 'image/png', 'image/webp'],
    }).notNull(),
    size: integer('size').notNull(),
    /** Hex SHA-256 of `bytes`, exactly as served. */
    sha256: text('sha256').notNull(),
    bytes: blob('bytes', { mode: 'buffer' }).notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [uniqueIndex('document_versions_document').on(t.documentId, t.version)],
);

export const SIGNOFF_SUBJECTS = ['document', 'quote', 'cost_line'] as const;
export const SIGNOFF_STATUSES = ['requested', 'signed', 'declined', 'withdrawn'] as const;

/**
 * A request for the customer's sign-off and, once decided, the record of it: who (the name they typed),
 * when, from where (IP, user agent), and the SHA-256 of exactly what they approved or declined. For a
 * document that is the stored version's hash; for a quote or a cost line `content` keeps the canonical
 * JSON that was hashed, so anyone can hash it again. A simple electronic signature, nothing more.
 */
export const signoffs = sqliteTable(
  'signoffs',
  {
    id: text('id').primaryKey(),
    organisationId: text('organisation_id')
      .notNull()
      .references(() => organisations.id),
    jobId: text('job_id')
      .notNull()
      .references(() => jobs.id),
    subject: text('subject', { enum: SIGNOFF_SUBJECTS }).notNull(),
    documentId: text('document_id'),
    /** The document version asked about (and so approved or declined). */
    versionId: text('version_id'),
    version: integer('version'),
    costLineId: text('cost_line_id'),
    status: text('status', { enum: SIGNOFF_STATUSES }).notNull(),
    requestedAt: integer('requested_at').notNull(),
    decidedAt: integer('decided_at'),
    signerName: text('signer_name'),
    reason: text('reason'),
    ip: text('ip'),
    userAgent: text('user_agent'),
    sha256: text('sha256'),
    content: text('content'),
    /** The consent text the customer confirmed, as shown, and its language. */
    consentText: text('consent_text'),
    locale: text('locale', { enum: ['nl', 'en'] }),
  },
  (t) => [
    index('signoffs_job').on(t.jobId, t.requestedAt),
    index('signoffs_document').on(t.documentId, t.status),
  ],
);

export type DocumentRow = typeof documents.$inferSelect;
export type DocumentVersion = typeof documentVersions.$inferSelect;
export type Signoff = typeof signoffs.$inferSelect;
