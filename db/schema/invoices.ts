import { blob, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import type { Address } from './address';
import { type COST_KINDS, jobs } from './jobs';
import { organisations } from './organisations';

/** What an invoice says about one line, as it was when the invoice was issued. */
export type InvoiceLine = {
  costLineId: string | null;
  kind: (typeof COST_KINDS)[number];
  description: string;
  /** Thousandths; negative on a credit note. */
  quantityMilli: number;
  unitPriceCents: number;
  vatRateBp: number;
  /** quantity × unit price, rounded once per line (a discount is negative). */
  netCents: number;
};

export type InvoiceTotals = {
  netCents: number;
  /** VAT per rate on the sum of the lines at that rate (docs/decisions/invoice.md). */
  vatByRate: { vatRateBp: number; netCents: number; vatCents: number }[];
  vatCents: number;
  grossCents: number;
};

/**
 * Everything printed on the invoice, frozen at issue: the seller's details, the customer's, the lines and
 * totals. The PDF is rendered from this (and the logo) alone.
 */
export type InvoiceSnapshot = {
  kind: 'invoice' | 'credit_note';
  number: string;
  /** The invoice a credit note corrects. */
  credits: { number: string; issuedAt: number } | null;
  reason: string | null;
  locale: 'nl' | 'en';
  timeZone: string;
  currency: string;
  issuedAt: number;
  dueAt: number | null;
  seller: {
    name: string;
    legalName: string;
    address: Address;
    registrationNumber: string;
    vatNumber: string;
    iban: string;
  };
  customer: { name: string; email: string | null; address: Address | null };
  job: { reference: string; title: string };
  lines: InvoiceLine[];
  totals: InvoiceTotals;
  /** The business's payment page with amount and reference filled in (invoices only). */
  paymentUrl: string | null;
};

export const INVOICE_KINDS = ['invoice', 'credit_note'] as const;

/**
 * Issued invoices and credit notes. Never updated or deleted: a correction is a credit note (a new row
 * that names the one it credits). The PDF is kept as it was sent, with its SHA-256.
 */
export const invoices = sqliteTable(
  'invoices',
  {
    id: text('id').primaryKey(),
    organisationId: text('organisation_id')
      .notNull()
      .references(() => organisations.id),
    jobId: text('job_id')
      .notNull()
      .references(() => jobs.id),
    kind: text('kind', { enum: INVOICE_KINDS }).notNull(),
    /** "2026-0001": the year, then the place in that year's gapless sequence. */
    number: text('number').notNull(),
    year: integer('year').notNull(),
    sequence: integer('sequence').notNull(),
    /** For a credit note: the invoice it credits (at most one credit note per invoice). */
    creditsId: text('credits_id'),
    issuedAt: integer('issued_at').notNull(),
    dueAt: integer('due_at'),
    currency: text('currency').notNull(),
    netCents: integer('net_cents').notNull(),
    vatCents: integer('vat_cents').notNull(),
    grossCents: integer('gross_cents').notNull(),
    snapshot: text('snapshot', { mode: 'json' }).$type<InvoiceSnapshot>().notNull(),
    pdf: blob('pdf', { mode: 'buffer' }).notNull(),
    pdfSha256: text('pdf_sha256').notNull(),
    actorType: text('actor_type').notNull(),
    actorId: text('actor_id'),
  },
  (t) => [
    uniqueIndex('invoices_org_number').on(t.organisationId, t.number),
    uniqueIndex('invoices_credits').on(t.creditsId),
    index('invoices_job').on(t.jobId, t.issuedAt),
  ],
);

/**
 * One row per organisation and year: the last number given. Taken by an upsert in the transaction that
 * inserts the invoice, so a number is used exactly when its invoice commits (gapless) and two issuers
 * never read the same value (the row is written, and so locked, before the next one reads it).
 */
export const invoiceCounters = sqliteTable(
  'invoice_counters',
  {
    organisationId: text('organisation_id')
      .notNull()
      .references(() => organisations.id),
    year: integer('year').notNull(),
    last: integer('last').notNull(),
  },
  (t) => [primaryKey({ columns: [t.organisationId, t.year] })],
);

export type Invoice = typeof invoices.$inferSelect;
