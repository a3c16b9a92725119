import { integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import type { Address } from './address';
import { DEFAULT_HOURS, type WeekHours } from './calendars';

/**
 * What an invoice needs from the business (checked by src/services/organisation/invoice-details.ts):
 * its legal name and address, registration and VAT numbers, where to pay and how soon.
 */
export type InvoiceDetails = {
  legalName: string;
  address: Address;
  /** Chamber of Commerce number (KvK: eight digits in the Netherlands). */
  registrationNumber: string;
  /** VAT identification number, compact ("NL004495445B01"). */
  vatNumber: string;
  /** Compact IBAN ("NL91ABNA0417164300"). */
  iban: string;
  paymentTermDays: number;
  /** The business's own payment page, with {amount}, {currency} and {reference} filled in per invoice. */
  paymentLink: string | null;
};

export const organisations = sqliteTable('organisations', {
  id: text('id').primaryKey(),
  slug: text('slug').notNull().unique(),
  name: text('name').notNull(),
  logoUrl: text('logo_url'),
  brandColor: text('brand_color').notNull().default('#1d4ed8'),
  defaultLocale: text('default_locale', { enum: ['nl', 'en'] })
    .notNull()
    .default('nl'),
  timeZone: text('time_zone').notNull().default('Europe/Amsterdam'),
  currency: text('currency').notNull().default('EUR'),
  /** The VAT rates offered on cost lines, in basis points (21% = 2100). */
  vatRatesBp: text('vat_rates_bp', { mode: 'json' }).$type<number[]>().notNull().default([2100, 900, 0]),
  /** How soon the business promises to answer a customer's question. */
  answerMinutes: integer('answer_minutes').notNull().default(240),
  /** Origins (scheme://host[:port]) allowed to embed the widget; none means the widget is off. */
  embedOrigins: text('embed_origins', { mode: 'json' }).$type<string[]>().notNull().default([]),
  /** What an hour of a specialist's time costs, for the insights' estimate of what questions cost. */
  hourlyRateCents: integer('hourly_rate_cents').notNull().default(6000),
  /** Minutes a question takes a specialist per channel when nobody entered or measured them. */
  questionMinutes: text('question_minutes', { mode: 'json' })
    .$type<Record<'tracker' | 'phone' | 'desk' | 'email', number>>()
    .notNull()
    .default({ tracker: 5, phone: 8, desk: 10, email: 6 }),
  /** Show customers the organisation's record of kept promises on the tracker. */
  showPromiseRecord: integer('show_promise_record', { mode: 'boolean' }).notNull().default(false),
  /** Opening hours per weekday in `timeZone`: promises are computed in this working time. */
  hours: text('hours', { mode: 'json' }).$type<WeekHours>().notNull().default(DEFAULT_HOURS),
  /** Its own closed days (YYYY-MM-DD, local), on top of the public holidays of `holidayCountry`. */
  closedDates: text('closed_dates', { mode: 'json' }).$type<string[]>().notNull().default([]),
  holidayCountry: text('holiday_country').default('NL'),
  /** Set up before the first invoice; null: invoices cannot be issued yet. */
  invoiceDetails: text('invoice_details', { mode: 'json' }).$type<InvoiceDetails>(),
  /** When an admin hid the board's "get started" checklist (null: shown until every item is done). */
  setupHiddenAt: integer('setup_hidden_at'),
  createdAt: integer('created_at').notNull(),
});

/** API keys are stored as a SHA-256 hash; the plaintext is shown once, at creation. */
export const apiKeys = sqliteTable(
  'api_keys',
  {
    id: text('id').primaryKey(),
    organisationId: text('organisation_id')
      .notNull()
      .references(() => organisations.id),
    label: text('label').notNull(),
    /** The first characters of the key ("ok_live_AbCd"), so people can tell keys apart. */
    prefix: text('prefix').notNull(),
    hash: text('hash').notNull(),
    scope: text('scope', { enum: ['read', 'write'] })
      .notNull()
      .default('write'),
    createdAt: integer('created_at').notNull(),
    lastUsedAt: integer('last_used_at'),
    revokedAt: integer('revoked_at'),
  },
  (t) => [uniqueIndex('api_keys_hash').on(t.hash)],
);

export type Organisation = typeof organisations.$inferSelect;
