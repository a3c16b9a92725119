import type { CostLine, Note, Specialist, Step } from '../../../db/schema';
import type {
  PublicCostLine,
  PublicNote,
  PublicQuestion,
  PublicSpecialist,
  PublicStep,
} from '../../events/snapshots';
import { mediaUrl } from '../platform/media';
import { lineNetCents, vatCents } from '../platform/money';

/** The customer's views of a job's parts, built from its rows; the shapes are in src/events/snapshots.ts. */
export type { PublicCostLine, PublicNote, PublicQuestion, PublicSpecialist, PublicStep };

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
  windowStartsAt: step.windowStartsAt,
  bookable: step.booking !== null,
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
