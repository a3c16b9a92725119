import { z } from 'zod';
import type { EventRow } from '../../db/schema';
import {
  COST_KINDS,
  COST_STATES,
  QUESTION_ASKERS,
  QUESTION_CHANNELS,
  REPLY_CHANNELS,
  STEP_STATUSES,
} from '../../db/schema';
import type { PublicCostLine, PublicNote, PublicQuestion, PublicSpecialist, PublicStep } from './snapshots';

/**
 * Every event the log holds: its payload (checked when appended, parsed when read back) and who may
 * see it. Live streams, web push, webhooks and insights read events through this file, so a payload
 * is declared once. The snapshots are the customer's view of the thing that changed (./snapshots.ts); the
 * schemas are typed against those shapes to stay in step.
 * Announcements (what the tracker says aloud and push sends) are in ./announce.ts, small enough for
 * the tracker's script.
 */

const id = z.string();
const time = z.number();

/** Job content in the other language; snapshots logged before content had two languages lack it. */
const translations = <F extends string>(fields: readonly [F, ...F[]]) => {
  const texts = z.partialRecord(z.enum(fields), z.string());
  return z.object({ nl: texts.optional(), en: texts.optional() }).default({});
};

const specialist: z.ZodType<PublicSpecialist> = z.object({
  id,
  name: z.string(),
  initials: z.string(),
  role: z.string(),
  photoUrl: z.string().nullable(),
  bio: z.string(),
  expertise: z.array(z.string()),
  translations: translations(['role', 'bio']),
});

const step: z.ZodType<PublicStep> = z.object({
  id,
  position: z.number().int(),
  title: z.string(),
  description: z.string(),
  translations: translations(['title', 'description']),
  status: z.enum(STEP_STATUSES),
  promisedAt: time.nullable(),
  originalPromisedAt: time.nullable(),
  promiseReason: z.string().nullable(),
  // Defaults: snapshots logged before promises could cascade lack these two.
  promiseCauseStepId: id.nullable().default(null),
  fixedPromise: z.boolean().default(false),
  // Snapshots logged before steps could be booked lack it.
  windowStartsAt: time.nullable().default(null),
  bookable: z.boolean().default(false),
  startedAt: time.nullable(),
  doneAt: time.nullable(),
  blockedReason: z.string().nullable(),
  waitingOn: z.enum(['customer_approval']).nullable(),
  assignee: specialist.nullable(),
});

const note: z.ZodType<PublicNote> = z.object({
  id,
  stepId: id,
  html: z.string(),
  photos: z.array(z.object({ url: z.string(), width: z.number(), height: z.number() })),
  createdAt: time,
  author: z.object({ name: z.string(), role: z.string() }).nullable(),
});

const costLine: z.ZodType<PublicCostLine> = z.object({
  id,
  stepId: id.nullable(),
  kind: z.enum(COST_KINDS),
  description: z.string(),
  quantityMilli: z.number().int(),
  unitPriceCents: z.number().int(),
  vatRateBp: z.number().int(),
  state: z.enum(COST_STATES),
  estimateNetCents: z.number().int().nullable(),
  netCents: z.number().int(),
  vatCents: z.number().int(),
  specialistName: z.string().nullable(),
  explanation: z.string().nullable(),
  photoUrl: z.string().nullable(),
  decidedAt: time.nullable(),
});

const person = z.object({ name: z.string(), role: z.string() }).nullable();
const question: z.ZodType<PublicQuestion> = z.object({
  id,
  stepId: id.nullable(),
  channel: z.enum(QUESTION_CHANNELS),
  body: z.string(),
  askedAt: time,
  dueAt: time,
  answerer: person,
  movedToColleague: z.boolean(),
  answer: z.string().nullable(),
  answeredAt: time.nullable(),
  answeredBy: person,
  // Defaults: questions logged before conversations were one-shot, each its own thread.
  threadId: id.default(''),
  askedBy: z.enum(QUESTION_ASKERS).default('customer'),
  askedByPerson: person.default(null),
  answerChannel: z.enum(REPLY_CHANNELS).nullable().default(null),
  // Questions logged before paid consults were free.
  paid: z.boolean().default(false),
  talkAt: time.nullable().default(null),
  photos: z.array(z.object({ url: z.string(), width: z.number(), height: z.number() })).default([]),
});

/** What made a plan move: a promise moved by hand, a step that closed early or late, a skipped step. */
const causeKind = z.enum(['moved', 'finished', 'skipped']);
const window = z.object({ id, startsAt: time, endsAt: time });
const bookedBy = z.enum(['customer', 'specialist', 'api_key', 'system']);
const stepChange = <S extends z.ZodRawShape>(extra: S) => z.object({ step, ...extra });
const questionEvent = z.object({ question, assigneeId: id.nullable() });
const questionHandover = z.object({ question, assigneeId: id.nullable(), previousAssigneeId: id.nullable() });
/** A decided line also names its specialist, who hears about the decision (push). */
const decision = z.object({ costLine, specialistId: id.nullable() });

/** An issued invoice or credit note as events and webhooks carry it (the PDF is fetched by its id). */
const invoice = z.object({
  id,
  kind: z.enum(['invoice', 'credit_note']),
  number: z.string(),
  issuedAt: time,
  dueAt: time.nullable(),
  currency: z.string(),
  netCents: z.number().int(),
  vatCents: z.number().int(),
  grossCents: z.number().int(),
  creditsId: id.nullable(),
  reason: z.string().nullable(),
  paymentUrl: z.string().nullable(),
  pdfSha256: z.string(),
});
/** A document on a step as of one version (the file is fetched by `versionId`; docs/decisions/documents.md). */
export const documentSnapshot = z.object({
  id,
  stepId: id,
  title: z.string(),
  translations: translations(['title']),
  version: z.number().int(),
  versionId: id,
  contentType: z.string(),
  filename: z.string(),
  size: z.number().int(),
  sha256: z.string(),
  visibleToCustomer: z.boolean(),
  signoffRequested: z.boolean(),
  createdAt: time,
  updatedAt: time,
});
export type PublicDocument = z.output<typeof documentSnapshot>;

/** A sign-off asked for, and once decided its record: who, when, from where, and the hash of what. */
export const signoffSnapshot = z.object({
  id,
  subject: z.enum(['document', 'quote', 'cost_line']),
  documentId: id.nullable(),
  versionId: id.nullable(),
  version: z.number().int().nullable(),
  costLineId: id.nullable(),
  status: z.enum(['requested', 'signed', 'declined', 'withdrawn']),
  requestedAt: time,
  decidedAt: time.nullable(),
  signerName: z.string().nullable(),
  reason: z.string().nullable(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  sha256: z.string().nullable(),
  /** For a quote or a cost line: the canonical JSON that was hashed. */
  content: z.string().nullable(),
  consentText: z.string().nullable(),
  locale: z.enum(['nl', 'en']).nullable(),
});
export type PublicSignoff = z.output<typeof signoffSnapshot>;

/** `either`: the service decides per event (a note is for the customer or internal). */
type Who = 'customer' | 'internal' | 'either';
/** A published answer as webhooks carry it (the text customers read, both languages). */
const publishedAnswerSnapshot = z.object({
  id,
  workflowId: id,
  workflowStepId: id.nullable(),
  /** The step's position in its workflow when the event was written (null: the step is gone). */
  position: z.number().int().nullable(),
  status: z.enum(['in_review', 'published', 'retired']),
  question: z.string().nullable(),
  answer: z.string().nullable(),
  translations: translations(['question', 'answer']),
  authorId: id,
  reviewedBy: z.object({ id, name: z.string(), role: z.string() }).nullable(),
  publishedAt: time.nullable(),
});

const entry = <V extends Who, P extends z.ZodType<Record<string, unknown>>>(visibility: V, payload: P) => ({
  visibility,
  payload,
});

export const EVENTS = {
  'job.created': entry(
    'customer',
    z.object({
      job: z.object({ reference: z.string(), title: z.string(), status: z.literal('open') }),
      steps: z.array(step),
    }),
  ),
  'job.completed': entry('customer', z.object({ status: z.literal('done') })),
  'job.cancelled': entry(
    'customer',
    z.object({ job: z.object({ status: z.literal('cancelled') }), reason: z.string().optional() }),
  ),
  'job.link_reissued': entry('internal', z.object({ reason: z.string().optional() })),
  'step.started': entry('customer', stepChange({ reason: z.string().optional() })),
  'step.finished': entry('customer', stepChange({ reason: z.string().optional() })),
  'step.skipped': entry('customer', stepChange({ reason: z.string().optional() })),
  'step.blocked': entry(
    'customer',
    stepChange({ reason: z.string().optional(), waitingOn: z.enum(['customer_approval']).optional() }),
  ),
  'step.resumed': entry('customer', stepChange({ after: z.enum(['approved', 'declined']) })),
  /** Moved by hand, or by re-planning after an earlier step (`cause`: which step, and what it did). */
  'step.promise_changed': entry(
    'customer',
    stepChange({
      previousPromisedAt: time.nullable(),
      reason: z.string().nullable(),
      cause: z.object({ stepId: id, kind: causeKind }).optional(),
    }),
  ),
  /**
   * A step's moment booked in a free slot (by the customer on the tracker, by staff or an integration):
   * the window is the step's promise, and the plan after it follows.
   */
  'booking.made': entry('customer', stepChange({ booking: window, by: bookedBy })),
  /** Moved to another slot; staff give a reason the customer reads. */
  'booking.moved': entry(
    'customer',
    stepChange({ booking: window, previous: window, by: bookedBy, reason: z.string().nullable() }),
  ),
  'booking.cancelled': entry(
    'customer',
    stepChange({ previous: window, by: bookedBy, reason: z.string().nullable() }),
  ),
  /**
   * A booked stop delivered, with its proof (docs/decisions/delivery-day.md): who received it, the
   * signature drawn on the driver's phone and a photo (image addresses; none without them).
   */
  'booking.delivered': entry(
    'customer',
    stepChange({
      delivery: z.object({
        recipientName: z.string(),
        signatureUrl: z.string().nullable(),
        photoUrl: z.string().nullable(),
        deliveredAt: time,
        by: z.string().nullable(),
      }),
    }),
  ),
  /**
   * The stop's place on its route changed (a stop before it finished, the route was reordered): how many
   * open stops come first and the window it is now expected in.
   */
  'route.progressed': entry(
    'customer',
    z.object({
      place: z.object({ stopsBefore: z.number().int(), expectedFrom: time, expectedUntil: time }),
    }),
  ),
  /** A fixed appointment the work before it no longer fits (or fits again); for staff, the promise stays. */
  'step.at_risk': entry(
    'internal',
    z.object({
      atRisk: z.boolean(),
      promisedAt: time.nullable(),
      plannedAfter: z.object({ stepId: id, kind: causeKind, reason: z.string().nullable() }),
    }),
  ),
  'step.assigned': entry('customer', stepChange({ previousAssigneeId: id.nullable() })),
  'note.posted': entry('either', z.object({ note })),
  'cost_line.added': entry('customer', z.object({ costLine })),
  'cost_line.changed': entry('customer', z.object({ costLine, previous: costLine })),
  'cost_line.removed': entry(
    'customer',
    z.object({ costLineId: id, removed: costLine, reason: z.string().optional() }),
  ),
  /** An invoice issued from the job's cost lines (when the job was done, or on request). */
  'invoice.issued': entry('customer', z.object({ invoice })),
  /** A credit note that corrects an invoice (`invoice`: the credit note; `creditsId` names the invoice). */
  'invoice.credited': entry('customer', z.object({ invoice })),
  // `signoff`: the record of the decision (time, address, browser, hash of the line); absent before it was kept.
  'cost_line.approved': entry('customer', decision.extend({ signoff: signoffSnapshot.optional() })),
  'cost_line.declined': entry('customer', decision.extend({ signoff: signoffSnapshot.optional() })),
  /** A document on a step: for the customer when they may see it, else internal. */
  'document.added': entry('either', z.object({ document: documentSnapshot })),
  /** A new version: the tracker shows it, the earlier one stays here (`previous`) and downloadable by staff. */
  'document.replaced': entry(
    'either',
    z.object({
      document: documentSnapshot,
      previous: z.object({ version: z.number().int(), versionId: id, sha256: z.string() }),
    }),
  ),
  /** Shown to or hidden from the customer, or its title changed. */
  'document.changed': entry('either', z.object({ document: documentSnapshot })),
  'signoff.requested': entry('customer', z.object({ signoff: signoffSnapshot })),
  /** An open request ended without a decision (a new version of its document asks again). */
  'signoff.withdrawn': entry('customer', z.object({ signoff: signoffSnapshot })),
  'signoff.signed': entry('customer', z.object({ signoff: signoffSnapshot })),
  'signoff.declined': entry('customer', z.object({ signoff: signoffSnapshot })),
  'question.asked': entry('customer', questionEvent),
  /**
   * The customer asked a paid consult (docs/decisions/consults.md): beside its `question.asked` and the
   * fee's `cost_line.added`, the terms they agreed to and the record of that (`signoff`); `assigneeId`
   * is the expert it went to. Internal (webhooks carry it): the customer sees the question and the fee.
   */
  'consult.requested': entry(
    'internal',
    z.object({
      consult: z.object({
        id,
        jobId: id,
        stepId: id.nullable(),
        questionId: id,
        costLineId: id,
        signoffId: id,
        offerId: id,
        expertId: id.nullable(),
        title: z.string(),
        locale: z.enum(['nl', 'en']),
        minutes: z.number().int(),
        priceCents: z.number().int(),
        vatRateBp: z.number().int(),
        createdAt: time,
        answered: z.boolean(),
      }),
      signoff: signoffSnapshot,
      assigneeId: id.nullable(),
    }),
  ),
  'question.answered': entry('customer', questionEvent),
  /** Not answered in time, moved to a colleague with the same role. */
  'question.moved': entry('customer', questionHandover),
  /** Not answered in time and no colleague to move it to: flagged for staff. */
  'question.overdue': entry('internal', questionHandover),
  /** A specialist asks the customer something (`assigneeId`: who asked, and hears the reply). */
  'question.asked_back': entry('customer', questionEvent),
  /** The customer replied to a specialist's question, on the tracker or by email. */
  'question.replied': entry('customer', questionEvent),
  'rating.given': entry(
    'customer',
    z.object({
      rating: z.object({ specialistId: id, name: z.string(), score: z.number().int().min(1).max(5) }),
    }),
  ),
  /**
   * The customer's verdict on the finished job: 0–10 and a comment. A low score names who follows it up
   * (`followUp`: the customer reads that they will be contacted, and by whom).
   */
  'feedback.given': entry(
    'customer',
    z.object({
      feedback: z.object({
        score: z.number().int().min(0).max(10),
        comment: z.string().nullable(),
        followUp: z.object({ id, name: z.string(), role: z.string() }).nullable(),
      }),
    }),
  ),
  /** The admin who followed up a low score marks it done, with what came of it. */
  'feedback.followed_up': entry(
    'internal',
    z.object({ by: z.object({ id, name: z.string() }), note: z.string() }),
  ),
  /** A staff member's access ended (sign-out, everywhere, deactivation); organisation-level, `jobId: ''`. */
  'staff.access_ended': entry('internal', z.object({ specialistId: id, sessionId: z.string().nullable() })),
  /**
   * Knowledge (docs/decisions/knowledge.md), organisation-level (`jobId: ''`): a published answer's text
   * as customers read it, and who wrote and checked it. Sent to webhooks; no page or stream reads them.
   */
  'answer.proposed': entry('internal', z.object({ answer: publishedAnswerSnapshot, edit: z.boolean() })),
  'answer.published': entry('internal', z.object({ answer: publishedAnswerSnapshot, edit: z.boolean() })),
  'answer.retired': entry(
    'internal',
    z.object({ answer: publishedAnswerSnapshot, mergedIntoId: id.nullable() }),
  ),
  /** On the job: a published answer ended the customer's question before it was sent (insights count it). */
  'answer.deflected': entry(
    'internal',
    z.object({
      answerId: id,
      workflowId: id,
      workflowStepId: id.nullable(),
      /** The job's step's position (null: the job has no step made from the answer's workflow step). */
      position: z.number().int().nullable(),
    }),
  ),
  /**
   * The specialist time a question took, written with its answer (docs/decisions/knowledge.md): minutes
   * entered for a phone or desk question, else opened → answered in the console when that is plausible,
   * else the channel's default in the organisation's settings. Internal: the insights price it.
   */
  'question.effort': entry(
    'internal',
    z.object({
      questionId: id,
      channel: z.enum(['tracker', 'phone', 'desk', 'email']),
      minutes: z.number().int(),
      source: z.enum(['entered', 'opened', 'default']),
    }),
  ),
  'kudos.given': entry(
    'internal',
    z.object({
      kudos: z.object({ fromId: id, fromName: z.string(), toId: id, note: z.string().nullable() }),
    }),
  ),
} as const;

export type EventType = keyof typeof EVENTS;
export type Payload<T extends EventType> = z.output<(typeof EVENTS)[T]['payload']>;
export type Visibility = 'customer' | 'internal';
export const EVENT_TYPES = Object.keys(EVENTS) as EventType[];

export const isEventType = (type: string): type is EventType => Object.hasOwn(EVENTS, type);

/** What a service appends; `visibility` only where the catalogue leaves it to the service. */
export type NewEvent<T extends EventType = EventType> = {
  [K in T]: {
    jobId: string;
    stepId?: string | null;
    type: K;
    payload: Payload<K>;
  } & ((typeof EVENTS)[K]['visibility'] extends 'either'
    ? { visibility: Visibility }
    : { visibility?: never });
}[T];

export class EventRefused extends Error {}

/** Checks an event against the catalogue; returns its visibility and the payload as it will be stored. */
export function checkEvent(event: NewEvent): { visibility: Visibility; payload: Record<string, unknown> } {
  const entry = isEventType(event.type) ? EVENTS[event.type] : undefined;
  if (!entry) throw new EventRefused(`unknown event type ${event.type}`);
  const visibility = entry.visibility === 'either' ? event.visibility : entry.visibility;
  if (visibility !== 'customer' && visibility !== 'internal') {
    throw new EventRefused(`${event.type} needs a visibility`);
  }
  const parsed = entry.payload.safeParse(event.payload);
  if (!parsed.success) {
    throw new EventRefused(`${event.type}: ${z.prettifyError(parsed.error).replace(/\n/g, ' ')}`);
  }
  return { visibility, payload: parsed.data };
}

/** A row of the log with its payload typed by its type. */
export type LogEvent = {
  [T in EventType]: Omit<EventRow, 'type' | 'payload'> & { type: T; payload: Payload<T> };
}[EventType];

/**
 * A row read back from the log, typed by the catalogue; null for a type or payload it does not know
 * (written by an older or newer version), which readers skip rather than guess at.
 */
export function readEvent(row: EventRow): LogEvent | null {
  if (!isEventType(row.type)) return null;
  const parsed = EVENTS[row.type].payload.safeParse(row.payload);
  return parsed.success ? ({ ...row, payload: parsed.data } as LogEvent) : null;
}

/** An event as live streams send it (src/live/hub.ts `wireEvent`): the payload spread beside its id. */
export type WireEvent = {
  [T in EventType]: { id: number; type: T; stepId: string | null; at: number } & Payload<T>;
}[EventType];
