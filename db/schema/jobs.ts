import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import type { Address } from './address';
import type { BookingRules } from './calendars';
import { organisations } from './organisations';
import { specialists } from './specialists';
import type { StepTranslations } from './translations';
import { workflows } from './workflows';

export const STEP_STATUSES = ['pending', 'active', 'done', 'skipped', 'blocked'] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];
export const JOB_STATUSES = ['open', 'done', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export const jobs = sqliteTable(
  'jobs',
  {
    id: text('id').primaryKey(),
    organisationId: text('organisation_id')
      .notNull()
      .references(() => organisations.id),
    workflowId: text('workflow_id').references(() => workflows.id),
    reference: text('reference').notNull(),
    title: text('title').notNull(),
    customerName: text('customer_name').notNull(),
    customerEmail: text('customer_email'),
    customerPhone: text('customer_phone'),
    /** The postcode a customer finds the job by (the widget's lookup); the address's unless given apart. */
    customerPostcode: text('customer_postcode'),
    /** Where the work happens: the delivery or visit address (null for work at the business). */
    address: text('address', { mode: 'json' }).$type<Address>(),
    /** The customer's language; null means: ask the browser, then the organisation's default. */
    locale: text('locale', { enum: ['nl', 'en'] }),
    /** SHA-256 of the tracker token; the token itself is only ever shown once. */
    trackerTokenHash: text('tracker_token_hash').notNull(),
    /** The token sealed with the installation's key (AES-GCM), so staff can copy the link again. */
    trackerTokenSealed: text('tracker_token_sealed'),
    status: text('status', { enum: JOB_STATUSES }).notNull().default('open'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('jobs_org_reference').on(t.organisationId, t.reference),
    uniqueIndex('jobs_tracker_token_hash').on(t.trackerTokenHash),
    index('jobs_org_created').on(t.organisationId, t.createdAt, t.id),
    // The board: an organisation's open jobs, most recently changed first, without reading its history.
    index('jobs_org_status_updated').on(t.organisationId, t.status, t.updatedAt),
    // The job list filtered by status, in its cursor order (created time + id).
    index('jobs_org_status_created').on(t.organisationId, t.status, t.createdAt, t.id),
    // The job list's `updatedSince`: only the jobs changed since, however long the history.
    index('jobs_org_updated').on(t.organisationId, t.updatedAt),
  ],
);

export const steps = sqliteTable(
  'steps',
  {
    id: text('id').primaryKey(),
    jobId: text('job_id')
      .notNull()
      .references(() => jobs.id),
    position: integer('position').notNull(),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    /** The title and description in the other language, copied from the workflow (see translations.ts). */
    translations: text('translations', { mode: 'json' }).$type<StepTranslations>().notNull().default({}),
    status: text('status', { enum: STEP_STATUSES }).notNull().default('pending'),
    assigneeId: text('assignee_id').references(() => specialists.id),
    promisedAt: integer('promised_at'),
    /** The first promise made, kept so the timeline can show how a promise moved. */
    originalPromisedAt: integer('original_promised_at'),
    promiseReason: text('promise_reason'),
    /** The step whose change last moved this promise (itself when moved by hand): its reason is the one shown. */
    promiseCauseStepId: text('promise_cause_step_id'),
    /** Working minutes the step takes, from its workflow: re-planning adds them up again. */
    expectedMinutes: integer('expected_minutes'),
    /** A fixed appointment (a signing at the notary's): re-planning never moves it, it flags it at risk. */
    fixedPromise: integer('fixed_promise', { mode: 'boolean' }).notNull().default(false),
    /** The plan before it says this fixed appointment can no longer be kept (staff only). */
    atRisk: integer('at_risk', { mode: 'boolean' }).notNull().default(false),
    startedAt: integer('started_at'),
    doneAt: integer('done_at'),
    blockedReason: text('blocked_reason'),
    /** Set while a blocked step waits for the customer (their approval of extra costs). */
    waitingOn: text('waiting_on', { enum: ['customer_approval'] }),
    /** Email the customer when this step starts or finishes (copied from its workflow step). */
    notifyCustomer: integer('notify_customer', { mode: 'boolean' }).notNull().default(true),
    /** Copied from its workflow step: the customer books this step's moment. */
    booking: text('booking', { mode: 'json' }).$type<BookingRules>(),
    /** Whose capacity a booking takes: `role:<id>` (everyone with the role) or `step:<workflow step id>`. */
    capacityKey: text('capacity_key'),
    /** The booked window's start; `promisedAt` is its end (a fixed promise). */
    windowStartsAt: integer('window_starts_at'),
    /**
     * The workflow step it was made from (ids are kept across workflow edits): its published answers.
     * No foreign key: a workflow edit may delete the workflow step, the job keeps its step.
     */
    workflowStepId: text('workflow_step_id'),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('steps_job').on(t.jobId, t.position)],
);

/**
 * Every booking made, moved or cancelled (a move ends one and makes the next), for the day plan and the
 * insights; a step's current one has `status` 'booked'.
 */
export const bookings = sqliteTable(
  'bookings',
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
    capacityKey: text('capacity_key').notNull(),
    startsAt: integer('starts_at').notNull(),
    endsAt: integer('ends_at').notNull(),
    status: text('status', { enum: ['booked', 'moved', 'cancelled'] }).notNull(),
    /** Who made it: the customer on the tracker, staff or an integration. */
    byType: text('by_type', { enum: ['customer', 'specialist', 'api_key', 'system'] }).notNull(),
    createdAt: integer('created_at').notNull(),
    endedAt: integer('ended_at'),
  },
  (t) => [
    index('bookings_step').on(t.stepId, t.status),
    index('bookings_org_starts').on(t.organisationId, t.startsAt),
  ],
);

/**
 * How many bookings hold each slot of a capacity: taking a place is one conditional update
 * (`taken < capacity`), so two processes racing for the last place cannot both get it.
 */
export const slotLoads = sqliteTable(
  'slot_loads',
  {
    organisationId: text('organisation_id')
      .notNull()
      .references(() => organisations.id),
    capacityKey: text('capacity_key').notNull(),
    startsAt: integer('starts_at').notNull(),
    taken: integer('taken').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.organisationId, t.capacityKey, t.startsAt] })],
);

export type NotePhoto = { id: string; width: number; height: number };

export const notes = sqliteTable(
  'notes',
  {
    id: text('id').primaryKey(),
    jobId: text('job_id')
      .notNull()
      .references(() => jobs.id),
    stepId: text('step_id')
      .notNull()
      .references(() => steps.id),
    authorId: text('author_id').references(() => specialists.id),
    markdown: text('markdown').notNull(),
    /** Rendered and sanitised once, at write time. */
    html: text('html').notNull(),
    visibility: text('visibility', { enum: ['customer', 'internal'] }).notNull(),
    /** The photos (rows in `media`) posted with the note, with their size so pages reserve the space. */
    photos: text('photos', { mode: 'json' }).$type<NotePhoto[]>().notNull().default([]),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('notes_job').on(t.jobId, t.createdAt)],
);

export const COST_KINDS = ['labour', 'part', 'fee', 'discount'] as const;
export const COST_STATES = ['estimate', 'awaiting_approval', 'approved', 'declined', 'actual'] as const;

export const costLines = sqliteTable(
  'cost_lines',
  {
    id: text('id').primaryKey(),
    jobId: text('job_id')
      .notNull()
      .references(() => jobs.id),
    stepId: text('step_id').references(() => steps.id),
    specialistId: text('specialist_id').references(() => specialists.id),
    kind: text('kind', { enum: COST_KINDS }).notNull(),
    description: text('description').notNull(),
    /** Quantity in thousandths (1.5 hours = 1500), so money math stays in integers. */
    quantityMilli: integer('quantity_milli').notNull(),
    unitPriceCents: integer('unit_price_cents').notNull(),
    /** VAT rate in basis points (21% = 2100). */
    vatRateBp: integer('vat_rate_bp').notNull(),
    state: text('state', { enum: COST_STATES }).notNull(),
    /** Net amount when the line was an estimate, kept when it becomes actual: "estimate vs actual". */
    estimateNetCents: integer('estimate_net_cents'),
    /** Why the work is needed, for a line that asks the customer's approval. */
    explanation: text('explanation'),
    /** A photo (row in `media`) that shows why. */
    photoId: text('photo_id'),
    /** When the customer approved or declined. */
    decidedAt: integer('decided_at'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('cost_lines_job').on(t.jobId, t.createdAt)],
);

export type Job = typeof jobs.$inferSelect;
export type Step = typeof steps.$inferSelect;
export type Note = typeof notes.$inferSelect;
export type CostLine = typeof costLines.$inferSelect;
export type Booking = typeof bookings.$inferSelect;
