import type {
  ContentLocale,
  CostLine,
  QuestionAsker,
  QuestionChannel,
  ReplyChannel,
  SpecialistTranslations,
  Step,
  StepTranslations,
} from '../../db/schema';

/**
 * The shapes a customer may see of a job's parts. Events carry them as snapshots of the thing that
 * changed (./catalogue.ts checks them), so webhooks, web push and the insights read what the customer
 * would; src/services/jobs/views.ts builds them from the rows.
 */

export type PublicSpecialist = {
  id: string;
  name: string;
  initials: string;
  role: string;
  photoUrl: string | null;
  bio: string;
  expertise: string[];
  /** Role and bio in the other language; `role` and `bio` are in the organisation's own. */
  translations: SpecialistTranslations;
  /** Set once shown to a reader: the language of a text shown as a fallback (see i18n/content.ts). */
  lang?: { role?: ContentLocale; bio?: ContentLocale };
};

export type PublicStep = {
  id: string;
  position: number;
  title: string;
  description: string;
  /** Title and description in the other language; `title` and `description` are in the organisation's own. */
  translations: StepTranslations;
  /** Set once shown to a reader: the language of a text shown as a fallback (see i18n/content.ts). */
  lang?: { title?: ContentLocale; description?: ContentLocale };
  status: Step['status'];
  promisedAt: number | null;
  originalPromisedAt: number | null;
  promiseReason: string | null;
  /** The step whose change moved this promise (this step itself when moved by hand); null if never moved. */
  promiseCauseStepId: string | null;
  /** A fixed appointment: re-planning does not move it. */
  fixedPromise: boolean;
  /** A booked window's start (the promise is its end); null when nothing is booked. */
  windowStartsAt: number | null;
  /** The customer books this step's moment (src/pages/t/[token]/book/[stepId].astro). */
  bookable: boolean;
  startedAt: number | null;
  doneAt: number | null;
  blockedReason: string | null;
  /** A blocked step waiting for the customer ("waiting for you"). */
  waitingOn: Step['waitingOn'];
  assignee: PublicSpecialist | null;
};

export type PublicNote = {
  id: string;
  stepId: string;
  html: string;
  photos: { url: string; width: number; height: number }[];
  createdAt: number;
  author: { name: string; role: string } | null;
};

export type PublicCostLine = {
  id: string;
  stepId: string | null;
  kind: CostLine['kind'];
  description: string;
  quantityMilli: number;
  unitPriceCents: number;
  vatRateBp: number;
  state: CostLine['state'];
  estimateNetCents: number | null;
  netCents: number;
  vatCents: number;
  specialistName: string | null;
  /** For a line that asks the customer's approval: why, and a photo that shows it. */
  explanation: string | null;
  photoUrl: string | null;
  decidedAt: number | null;
};

/** A question as the customer and the console see it. */
export type PublicQuestion = {
  id: string;
  stepId: string | null;
  channel: QuestionChannel;
  body: string;
  askedAt: number;
  dueAt: number;
  /** Who answers (now): the specialist of the step, or a colleague it moved to. */
  answerer: { name: string; role: string } | null;
  movedToColleague: boolean;
  answer: string | null;
  answeredAt: number | null;
  answeredBy: { name: string; role: string } | null;
  /** The conversation this turn belongs to: the id of its first turn. */
  threadId: string;
  /** `specialist`: the team asks the customer (`askedByPerson`), and `answer` is the customer's reply. */
  askedBy: QuestionAsker;
  askedByPerson: { name: string; role: string } | null;
  /** How the customer replied to a specialist's question. */
  answerChannel: ReplyChannel | null;
  /** A paid consult (docs/decisions/consults.md): it goes first with the specialist. */
  paid: boolean;
  /** A paid consult's time to talk, when one was chosen. */
  talkAt: number | null;
  photos: { url: string; width: number; height: number }[];
};
