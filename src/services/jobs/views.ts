import type {
  ContentLocale,
  CostLine,
  Note,
  QuestionChannel,
  Specialist,
  SpecialistTranslations,
  Step,
  StepTranslations,
} from '../../../db/schema';
import { mediaUrl } from '../platform/media';
import { lineNetCents, vatCents } from '../platform/money';

/** The shapes a customer may see. Events carry these snapshots, so the live timeline can upsert them. */
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

export const initials = (name: string) =>
  name
    .split(/\s+/)
    .filter((part) => /^\p{Lu}/u.test(part))
    .map((part) => part[0])
    .slice(0, 2)
    .join('') || name.slice(0, 1).toUpperCase();

export const publicSpecialist = (s: Specialist): PublicSpecialist => ({
  id: s.id,
  name: s.name,
  initials: initials(s.name),
  role: s.role,
  photoUrl: s.photoUrl,
  bio: s.bio,
  expertise: s.expertise,
  translations: s.translations,
});

export const publicStep = (step: Step, assignee: Specialist | null | undefined): PublicStep => ({
  id: step.id,
  position: step.position,
  title: step.title,
  description: step.description,
  translations: step.translations,
  status: step.status,
  promisedAt: step.promisedAt,
  originalPromisedAt: step.originalPromisedAt,
  promiseReason: step.promiseReason,
  promiseCauseStepId: step.promiseCauseStepId,
  fixedPromise: step.fixedPromise,
  startedAt: step.startedAt,
  doneAt: step.doneAt,
  blockedReason: step.blockedReason,
  waitingOn: step.waitingOn,
  assignee: assignee ? publicSpecialist(assignee) : null,
});

export const publicNote = (note: Note, author: Specialist | null | undefined): PublicNote => ({
  id: note.id,
  stepId: note.stepId,
  html: note.html,
  photos: note.photos.map((p) => ({ url: mediaUrl(p.id), width: p.width, height: p.height })),
  createdAt: note.createdAt,
  author: author ? { name: author.name, role: author.role } : null,
});

export const publicCostLine = (line: CostLine, specialist: Specialist | null | undefined): PublicCostLine => {
  const net = lineNetCents(line);
  return {
    id: line.id,
    stepId: line.stepId,
    kind: line.kind,
    description: line.description,
    quantityMilli: line.quantityMilli,
    unitPriceCents: line.unitPriceCents,
    vatRateBp: line.vatRateBp,
    state: line.state,
    estimateNetCents: line.estimateNetCents,
    netCents: net,
    vatCents: vatCents(net, line.vatRateBp),
    specialistName: specialist?.name ?? null,
    explanation: line.explanation,
    photoUrl: line.photoId ? mediaUrl(line.photoId) : null,
    decidedAt: line.decidedAt,
  };
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
};
