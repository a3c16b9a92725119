import { z } from '@hono/zod-openapi';
import { ADDRESS_LIMITS } from '../services/platform/address';
import { LIMITS } from '../services/platform/limits';

/** Request and response shapes of the public API. Times are ISO 8601 on the wire, money integer cents. */

export const Timestamp = z.iso
  .datetime({ offset: true })
  .transform((s) => Date.parse(s))
  .openapi({ type: 'string', format: 'date-time', example: '2026-11-23T14:00:00+01:00' });

/** Where a live stream resumes: `Last-Event-ID` (what EventSource sends on reconnect) or `?lastEventId=`. */
export const StreamResume = {
  query: z.object({ lastEventId: z.coerce.number().int().min(0).optional() }),
  headers: z.object({ 'last-event-id': z.coerce.number().int().min(0).optional() }),
};

const Id = (example: string) => z.string().min(1).max(LIMITS.id).openapi({ example });

/** A tracker's private link token, the only credential of the tracker's routes. */
export const TokenParams = z.object({
  token: z
    .string()
    .min(1)
    .max(128)
    .openapi({ param: { name: 'token', in: 'path' }, example: 'q9W2…' }),
});

export const JobParams = z.object({
  jobId: Id('job_Xb3k9QmP2rT7vW1a').openapi({ param: { name: 'jobId', in: 'path' } }),
});
export const StepParams = JobParams.extend({
  stepId: Id('step_Qx8m2LpN5vR4tY7c').openapi({ param: { name: 'stepId', in: 'path' } }),
});
export const CostLineParams = JobParams.extend({
  lineId: Id('cost_Hk2n8PqV4mX6rT9z').openapi({ param: { name: 'lineId', in: 'path' } }),
});

const Locale = z.enum(['nl', 'en']);

/** Job content in the other language (see docs/decisions/content-in-two-languages.md). */
const stepTexts = z.object({
  title: z.string().trim().max(LIMITS.title).optional(),
  description: z.string().trim().max(LIMITS.stepDescription).optional(),
});
export const StepTranslations = z
  .object({ nl: stepTexts.optional(), en: stepTexts.optional() })
  .openapi('StepTranslations', {
    description:
      "The step's title and description in another language than the organisation's own (in which `title` and `description` are written); a reader in that language sees these, anyone else the organisation's. A field left out falls back.",
    example: { en: { title: 'MOT inspection', description: 'We inspect the car for its MOT.' } },
  });
const specialistTexts = z.object({
  role: z.string().trim().max(LIMITS.role).optional(),
  bio: z.string().trim().max(LIMITS.bio).optional(),
});
export const SpecialistTranslations = z
  .object({ nl: specialistTexts.optional(), en: specialistTexts.optional() })
  .openapi('SpecialistTranslations', {
    description:
      "Role and bio in another language than the organisation's own (in which `role` and `bio` are written).",
    example: { en: { role: 'Mechanic', bio: 'Twenty years under the bonnet.' } },
  });
/** A postal address; the service checks the postcode for its country and writes it the way that country does. */
export const AddressBody = z
  .object({
    street: z.string().trim().min(1).max(ADDRESS_LIMITS.street).openapi({ example: 'Oudegracht' }),
    number: z
      .string()
      .trim()
      .min(1)
      .max(ADDRESS_LIMITS.number)
      .openapi({ description: 'House number with any addition', example: '231-bis' }),
    postcode: z.string().trim().min(2).max(ADDRESS_LIMITS.postcode).openapi({ example: '3511 NK' }),
    city: z.string().trim().min(1).max(ADDRESS_LIMITS.city).openapi({ example: 'Utrecht' }),
    country: z
      .string()
      .trim()
      .length(2)
      .optional()
      .openapi({ description: 'ISO 3166-1 alpha-2 code; default NL', example: 'NL' }),
  })
  .openapi('AddressInput', {
    description:
      "Where the work happens: the delivery or visit address. The postcode is checked for its country (NL, BE, DE, LU, FR, GB, AT, CH, DK by their formats) and written the country's way; a job's customer postcode for the lookup defaults to it.",
  });

export const AddressOut = z
  .object({
    street: z.string(),
    number: z.string(),
    postcode: z.string(),
    city: z.string(),
    country: z.string(),
  })
  .openapi('Address');

/** Letters and digits of any script, then also . _ / # - */
const REFERENCE = /^[\p{L}\p{N}][\p{L}\p{N}._/#-]*$/u;

export const CreateJobBody = z
  .object({
    reference: z
      .string()
      .min(1)
      .max(LIMITS.reference)
      .regex(REFERENCE, 'letters, digits and . _ / # - only')
      // The generator would print the RegExp with its `/u`; JSON Schema patterns are Unicode already.
      .openapi({ example: 'WO-2026-0142', pattern: REFERENCE.source }),
    title: z.string().trim().min(1).max(LIMITS.title).openapi({ example: 'APK + grote beurt, VW Golf' }),
    customer: z.object({
      name: z.string().trim().min(1).max(LIMITS.personName).openapi({ example: 'Sanne de Vries' }),
      email: z.email().max(LIMITS.email).optional(),
      phone: z.string().trim().min(3).max(40).optional(),
      postcode: z.string().trim().min(2).max(12).optional(),
      locale: Locale.optional().openapi({
        description: "The customer's language; without it the tracker follows the browser.",
      }),
    }),
    address: AddressBody.nullable().optional(),
    workflowId: Id('wf_Gm4k8Rq2Vx7pT1nb')
      .optional()
      .openapi({ description: 'Build the steps from this workflow.' }),
    steps: z
      .array(
        z.object({
          title: z.string().trim().min(1).max(LIMITS.title),
          description: z.string().max(LIMITS.stepDescription).optional(),
          translations: StepTranslations.optional(),
          assigneeId: Id('spec_Lk3m9Qw2Er8tY5ui').nullable().optional(),
          promisedAt: Timestamp.nullable().optional(),
        }),
      )
      .min(1)
      .max(50)
      .optional()
      .openapi({ description: 'Explicit steps, instead of a workflow.' }),
  })
  .openapi('CreateJob');

export const ReasonBody = z
  .object({ reason: z.string().trim().min(1).max(LIMITS.reason).optional() })
  .openapi('Reason');

export const AssignBody = z
  .object({ assigneeId: Id('spec_Lk3m9Qw2Er8tY5ui').nullable().openapi({ description: 'null to unassign' }) })
  .openapi('Assign');

export const PromiseBody = z
  .object({
    promisedAt: Timestamp.nullable(),
    reason: z
      .string()
      .trim()
      .min(1)
      .max(LIMITS.reason)
      .optional()
      .openapi({ description: 'Shown to the customer; required when the promise moves later.' }),
    fixed: z
      .boolean()
      .optional()
      .openapi({ description: 'A fixed appointment: re-planning the steps before it never moves it.' }),
  })
  .openapi('Promise');

export const ReplannedOut = z
  .object({
    stepId: z.string(),
    title: z.string(),
    previousPromisedAt: z.string().nullable(),
    promisedAt: z.string().nullable(),
    fixed: z.boolean(),
    atRisk: z.boolean().openapi({ description: 'A fixed appointment the work before it no longer fits' }),
  })
  .openapi('Replanned');

export const NoteBody = z
  .object({
    markdown: z
      .string()
      .trim()
      .min(1)
      .max(LIMITS.note)
      .openapi({ example: 'Remblokken vervangen, **schijven nog goed**.' }),
    visibility: z.enum(['customer', 'internal']).default('customer'),
    authorId: Id('spec_Lk3m9Qw2Er8tY5ui').optional(),
    photoIds: z
      .array(Id('img_vR4c…'))
      .max(LIMITS.photosPerNote)
      .optional()
      .openapi({ description: 'Images uploaded first with `POST /media`.' }),
  })
  .openapi('NewNote');

const Quantity = z
  .number()
  .positive()
  .max(1_000_000)
  .refine((q) => Number.isInteger(Math.round(q * 1000)) && Math.abs(q * 1000 - Math.round(q * 1000)) < 1e-6, {
    message: 'at most 3 decimals',
  });
const VatRate = z
  .number()
  .min(0)
  .max(100)
  .refine((r) => Math.abs(r * 100 - Math.round(r * 100)) < 1e-6, { message: 'at most 2 decimals' })
  .openapi({ description: 'VAT rate in percent', example: 21 });

const costLineFields = {
  kind: z.enum(['labour', 'part', 'fee', 'discount']),
  description: z.string().trim().min(1).max(LIMITS.title).openapi({ example: 'Remblokken voor' }),
  quantity: Quantity.openapi({ example: 1.5 }),
  unitPriceCents: z.number().int().min(0).max(1_000_000_000).openapi({ example: 8950 }),
  vatRate: VatRate,
  state: z.enum(['estimate', 'actual', 'awaiting_approval']).openapi({
    description: '`awaiting_approval` asks the customer to approve or decline (give an `explanation`).',
  }),
  stepId: Id('step_Qx8m2LpN5vR4tY7c').nullable().optional(),
  specialistId: Id('spec_Lk3m9Qw2Er8tY5ui').nullable().optional(),
  explanation: z.string().trim().min(1).max(LIMITS.explanation).nullable().optional().openapi({
    description: 'Why the work is needed; shown to the customer with the approval request.',
  }),
  photoId: Id('img_vR4c…')
    .nullable()
    .optional()
    .openapi({ description: 'An image uploaded with `POST /media`.' }),
  stepWaits: z.boolean().optional().openapi({
    description:
      'With `awaiting_approval` and a `stepId`: the step waits (blocked) until the customer decides.',
  }),
};

export const NewCostLineBody = z
  .object({ ...costLineFields, state: costLineFields.state.default('estimate') })
  .openapi('NewCostLine');
export const CostLinePatchBody = z
  .object(costLineFields)
  .partial()
  .refine((p) => Object.keys(p).length > 0, { message: 'change at least one field' })
  .openapi('CostLinePatch');

export const ListJobsQuery = z.object({
  status: z.enum(['open', 'done', 'cancelled']).optional(),
  workflowId: z.string().max(64).optional(),
  q: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .optional()
    .openapi({ description: 'Search reference, title and customer name' }),
  updatedSince: Timestamp.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(200).optional(),
});

export const EventsQuery = z.object({
  after: z.coerce.number().int().min(0).optional().openapi({ description: 'Return events after this id' }),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  visibility: z.enum(['customer', 'internal']).optional(),
});

const wholeMinutes = z.number().int();
export const BookingRulesBody = z
  .object({
    slotMinutes: wholeMinutes.optional().openapi({ description: 'Length of a slot (15–1440; default 120)' }),
    capacity: wholeMinutes.optional().openapi({
      description: "Bookings per slot, shared by every step of the step's role (1–500; default 1)",
    }),
    horizonDays: wholeMinutes
      .optional()
      .openapi({ description: 'How far ahead slots are offered (1–365; default 28)' }),
    cutoffWorkingDays: wholeMinutes.optional().openapi({
      description: 'Working days before the slot until which the customer may change it (0–30; default 1)',
    }),
    leadMinutes: wholeMinutes
      .optional()
      .openapi({ description: 'How soon from now the first slot may start (default 60)' }),
  })
  .openapi('BookingRules', {
    description:
      "The customer books this step's moment from free slots in the working calendar; the booked window becomes the step's promise.",
  });

export const WorkflowBody = z
  .object({
    name: z.string().trim().min(1).max(LIMITS.workflowName),
    answerMinutes: z.number().int().min(1).max(LIMITS.answerMinutes).nullable().optional().openapi({
      description:
        "Working minutes within which its jobs' questions are answered (never after the promise of the step asked about); null or absent: the organisation's answer time",
      example: 30,
    }),
    steps: z
      .array(
        z.object({
          id: z.string().min(1).max(LIMITS.id).optional().openapi({
            description:
              'On an update: the id of the saved step this one is (from GET /workflows/{id}); it keeps its id, and with it the capacity its bookings share. Steps without an id are new; saved steps left out are removed.',
          }),
          title: z.string().trim().min(1).max(LIMITS.title),
          description: z.string().max(LIMITS.stepDescription).optional(),
          translations: StepTranslations.optional(),
          defaultRoleId: z.string().min(1).max(LIMITS.id).nullable().optional().openapi({
            description: "Who its jobs' step goes to first: one of the organisation's roles (GET /roles).",
          }),
          defaultRole: z.string().trim().min(1).max(LIMITS.role).nullable().optional().openapi({
            description:
              "The same role by name, compared without regard to case or spacing; it must be on the organisation's list (422 otherwise). `defaultRoleId` wins when both are given.",
            example: 'APK-keurmeester',
          }),
          expectedMinutes: z
            .number()
            .int()
            .min(1)
            .max(60 * 24 * 365)
            .nullable()
            .optional(),
          notifyCustomer: z.boolean().optional().openapi({
            description: 'Email the customer when this step starts and finishes (default true).',
          }),
          booking: BookingRulesBody.nullable().optional(),
        }),
      )
      .min(1)
      .max(50),
  })
  .openapi('NewWorkflow');

// Responses: described for the OpenAPI document; the presenters in present.ts produce them.
const Specialist = z
  .object({
    id: z.string(),
    name: z.string(),
    initials: z.string(),
    role: z.string(),
    photoUrl: z.string().nullable(),
    bio: z.string(),
    translations: SpecialistTranslations,
  })
  .openapi('SpecialistProfile');

export const StepOut = z
  .object({
    id: z.string(),
    position: z.number(),
    title: z.string(),
    description: z.string(),
    translations: StepTranslations,
    status: z.enum(['pending', 'active', 'done', 'skipped', 'blocked']),
    assigneeId: z.string().nullable(),
    assignee: Specialist.nullable(),
    promisedAt: z.string().nullable(),
    originalPromisedAt: z.string().nullable(),
    promiseReason: z.string().nullable(),
    promiseCauseStepId: z
      .string()
      .nullable()
      .openapi({ description: 'The step whose change moved this promise (itself when moved by hand)' }),
    fixedPromise: z.boolean().openapi({ description: 'A fixed appointment: re-planning does not move it' }),
    atRisk: z
      .boolean()
      .optional()
      .openapi({ description: 'A fixed appointment the plan before it no longer fits (staff only)' }),
    startedAt: z.string().nullable(),
    doneAt: z.string().nullable(),
    blockedReason: z.string().nullable(),
    late: z.boolean(),
  })
  .openapi('Step');

export const NoteOut = z
  .object({
    id: z.string(),
    stepId: z.string(),
    visibility: z.enum(['customer', 'internal']),
    markdown: z.string(),
    html: z.string(),
    photos: z.array(z.object({ url: z.string(), width: z.number().int(), height: z.number().int() })),
    createdAt: z.string(),
    author: z.object({ name: z.string(), role: z.string() }).nullable(),
  })
  .openapi('Note');

export const CostLineOut = z
  .object({
    id: z.string(),
    stepId: z.string().nullable(),
    specialistId: z.string().nullable(),
    kind: z.enum(['labour', 'part', 'fee', 'discount']),
    description: z.string(),
    quantity: z.number(),
    unitPriceCents: z.number(),
    vatRate: z.number(),
    state: z.enum(['estimate', 'awaiting_approval', 'approved', 'declined', 'actual']),
    netCents: z.number(),
    vatCents: z.number(),
    grossCents: z.number(),
    estimateNetCents: z.number().nullable(),
    explanation: z.string().nullable(),
    photoUrl: z.string().nullable(),
    decidedAt: z.string().nullable().openapi({ description: 'When the customer approved or declined' }),
  })
  .openapi('CostLine');

export const TotalsOut = z
  .object({
    currency: z.string(),
    netCents: z.number(),
    vatCents: z.number(),
    grossCents: z.number(),
    vatByRate: z.array(z.object({ vatRate: z.number(), vatCents: z.number() })),
    estimatedGrossCents: z.number(),
    awaitingApprovalGrossCents: z.number(),
    final: z.boolean(),
  })
  .openapi('Totals');

export const JobSummaryOut = z
  .object({
    id: z.string(),
    reference: z.string(),
    title: z.string(),
    status: z.enum(['open', 'done', 'cancelled']),
    workflowId: z.string().nullable(),
    customer: z.object({
      name: z.string(),
      email: z.string().nullable(),
      phone: z.string().nullable(),
      postcode: z.string().nullable(),
      locale: Locale.nullable(),
    }),
    address: AddressOut.nullable().openapi({
      description: 'Where the work happens; null for work at the business',
    }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('JobSummary');

export const JobOut = JobSummaryOut.extend({
  promisedDoneAt: z
    .string()
    .nullable()
    .openapi({ description: 'When the whole job will be done: the promise of its last step that has one' }),
  firstPromisedDoneAt: z.string().nullable().openapi({ description: 'The first promise made for that' }),
  promiseChange: z
    .object({
      reason: z.string().nullable().openapi({ description: 'The reason the customer reads' }),
      cause: z.enum(['moved', 'finished_late', 'finished_early', 'skipped']),
      stepId: z.string().openapi({ description: 'The step whose change moved it' }),
    })
    .nullable()
    .openapi({ description: 'Why promisedDoneAt differs from firstPromisedDoneAt; null when it does not' }),
  steps: z.array(StepOut),
  notes: z.array(NoteOut),
  costLines: z.array(CostLineOut),
  totals: TotalsOut,
}).openapi('Job');

export const CreatedJobOut = JobOut.extend({
  trackerUrl: z
    .string()
    .openapi({ description: "The customer's private link. Shown once: store or send it now." }),
}).openapi('CreatedJob');

export const EventOut = z
  .object({
    id: z.number(),
    type: z.string().openapi({ example: 'step.started' }),
    stepId: z.string().nullable(),
    visibility: z.enum(['customer', 'internal']),
    actor: z.object({ type: z.string(), id: z.string().nullable() }),
    payload: z.record(z.string(), z.unknown()).openapi({
      description:
        "What changed, as the customer sees it. A step snapshot's `assignee` is the specialist's profile as it is now (name, role, bio, photo): profiles belong to the specialist, not to the event.",
    }),
    createdAt: z.string(),
  })
  .openapi('Event');

const Clock = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'a time as HH:MM')
  .openapi({ example: '09:00' });
const Periods = z.array(z.object({ open: Clock, close: Clock })).max(6);
export const WEEKDAYS = [
  'sunday',
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
] as const;

export const CalendarBody = z
  .object({
    hours: z
      .object(
        Object.fromEntries(WEEKDAYS.map((d) => [d, Periods])) as Record<
          (typeof WEEKDAYS)[number],
          typeof Periods
        >,
      )
      .openapi({
        description: 'Opening periods per weekday, local time; an empty list is a closed day',
        example: {
          sunday: [],
          monday: [{ open: '09:00', close: '17:30' }],
          tuesday: [{ open: '09:00', close: '17:30' }],
          wednesday: [{ open: '09:00', close: '17:30' }],
          thursday: [{ open: '09:00', close: '17:30' }],
          friday: [{ open: '09:00', close: '17:30' }],
          saturday: [],
        },
      }),
    closedDates: z
      .array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD'))
      .max(400)
      .openapi({
        description: 'Own closed days (local dates), on top of the public holidays',
        example: ['2026-12-31'],
      }),
    holidayCountry: z
      .string()
      .regex(/^[A-Za-z]{2}$/, 'an ISO 3166 country code')
      .nullable()
      .openapi({ description: 'Whose public holidays are closed days (null: none)', example: 'NL' }),
  })
  .openapi('CalendarInput');

export const CalendarOut = CalendarBody.extend({
  timeZone: z
    .string()
    .openapi({ description: "The organisation's time zone (set in Settings)", example: 'Europe/Amsterdam' }),
}).openapi('Calendar');
