import { and, asc, desc, eq, gte, inArray, lt } from 'drizzle-orm';
import {
  type Consult,
  type ConsultOffer,
  consultOffers,
  consults,
  costLines,
  organisations,
  questions,
  type Specialist,
  signoffs,
  slotLoads,
  specialists,
  steps,
} from '../../../db/schema';
import { consultMessages } from '../../i18n/consults';
import type { Locale } from '../../i18n/messages';
import { calendarFor } from '../calendar/calendars';
import { type Slot, slotsBetween } from '../calendar/working-time';
import {
  answeringStep,
  insertQuestion,
  type PublicQuestion,
  plainText,
  publicQuestion,
} from '../customer-voice/questions';
import { type Evidence, publicSignoff, sha256Hex } from '../documents/signoffs';
import { loadJob } from '../jobs/load';
import { type PublicCostLine, publicCostLine } from '../jobs/views';
import { type Ctx, type Db, inTransaction } from '../platform/context';
import { conflict, invalid, notFound } from '../platform/errors';
import { appendEvent } from '../platform/events';
import { newId } from '../platform/ids';
import { LIMITS } from '../platform/limits';
import { lineNetCents } from '../platform/money';
import { takePlace } from '../slots/booking';
import { consultTerms, offerTitle, type TrackerOffer } from './terms';

export { consultTerms, offerPrice, offerTitle, type TrackerOffer } from './terms';

/**
 * Paid expert time (docs/decisions/consults.md): the customer sees an offer's price before asking and,
 * with their consent, asks a paid consult instead of the free question. One transaction writes the
 * question (paid, so it goes first), an `actual` `fee` cost line and the approval record the product
 * keeps for approved lines (a `cost_line` sign-off with the hash of the terms as shown), or nothing.
 */

/**
 * The offer shown at each step of a job: one for the role of whoever answers there, else the workflow's
 * first other offer (its consult then goes to the offer's role on the job, or the step's specialist).
 */
export async function offersByStep(
  db: Db,
  organisationId: string,
  workflowId: string | null,
  stepRows: { id: string; status: string; assigneeId: string | null; position?: number }[],
  now: number = Date.now(),
): Promise<Record<string, TrackerOffer>> {
  if (!workflowId || stepRows.length === 0) return {};
  const offers = await db
    .select()
    .from(consultOffers)
    .where(and(eq(consultOffers.organisationId, organisationId), eq(consultOffers.workflowId, workflowId)))
    .orderBy(asc(consultOffers.createdAt), asc(consultOffers.id));
  if (offers.length === 0) return {};
  const ids = [...new Set(stepRows.flatMap((s) => (s.assigneeId ? [s.assigneeId] : [])))];
  const people = ids.length
    ? await db
        .select({ id: specialists.id, roleId: specialists.roleId, active: specialists.active })
        .from(specialists)
        .where(inArray(specialists.id, ids))
    : [];
  const person = new Map(people.map((p) => [p.id, p]));
  const slots = new Map<string, Slot[]>();
  const out: Record<string, TrackerOffer> = {};
  for (const s of stepRows) {
    const answering = answeringStep(stepRows, s.id);
    const role = answering?.assigneeId ? person.get(answering.assigneeId)?.roleId : null;
    const offer = offers.find((o) => role && o.roleId === role) ?? offers.find((o) => !o.roleId) ?? offers[0];
    if (!offer) continue;
    // Who would answer: the job's specialist with the offer's role, else whoever answers at this step.
    const expertStep =
      expertStepFor(stepRows, s.id, offer.roleId, (r) => person.get(r.assigneeId ?? '')) ?? answering;
    const expertId =
      expertStep?.assigneeId && person.get(expertStep.assigneeId)?.active ? expertStep.assigneeId : null;
    const key = `${expertId}|${offer.minutes}`;
    if (expertId && !slots.has(key))
      slots.set(key, await freeTalkSlots(db, organisationId, workflowId, expertId, offer.minutes, now));
    out[s.id] = { ...shown(offer), talk: (expertId && slots.get(key)) || [] };
  }
  return out;
}

/** Times to talk: from an hour ahead, the next few working days, this many at most on the tracker. */
export const TALK = { leadMinutes: 60, horizonDays: 5, shown: 8 } as const;
const talkKey = (expertId: string) => `consult:${expertId}`;

/**
 * An expert's free times to talk: slots of the consult's length in the working calendar of the job's
 * workflow (else the organisation's) that no other consult with this expert took (`slot_loads`, one
 * place per start). None when the calendar has no working time ahead.
 */
export async function freeTalkSlots(
  db: Db,
  organisationId: string,
  workflowId: string | null,
  expertId: string,
  minutes: number,
  now: number,
  /** How many (the tracker shows `TALK.shown`); null: all, to check a choice. */
  limit: number | null = TALK.shown,
): Promise<Slot[]> {
  const calendar = await calendarFor(db, organisationId, workflowId);
  const from = now + TALK.leadMinutes * 60_000;
  const to = now + TALK.horizonDays * 86_400_000;
  const candidates = slotsBetween(calendar, minutes, from, to);
  if (candidates.length === 0) return [];
  const taken = await db
    .select({ startsAt: slotLoads.startsAt })
    .from(slotLoads)
    .where(
      and(
        eq(slotLoads.organisationId, organisationId),
        eq(slotLoads.capacityKey, talkKey(expertId)),
        gte(slotLoads.startsAt, from),
        lt(slotLoads.startsAt, to),
        gte(slotLoads.taken, 1),
      ),
    );
  const busy = new Set(taken.map((t) => t.startsAt));
  const free = candidates.filter((c) => !busy.has(c.startsAt));
  return limit === null ? free : free.slice(0, limit);
}

const shown = (o: ConsultOffer): TrackerOffer => ({
  id: o.id,
  titleNl: o.titleNl,
  titleEn: o.titleEn,
  minutes: o.minutes,
  priceCents: o.priceCents,
  vatRateBp: o.vatRateBp,
});

export type ConsultInput = {
  offerId: string;
  stepId?: string | null;
  body: string;
  /** The terms as the customer was shown them (`consultTerms`). */
  terms: string;
  /** The consent box was ticked. */
  consent: boolean;
  /** The language the terms were shown in. */
  locale: Locale;
  /** A time to talk, one of the expert's free slots (`freeTalkSlots`); absent or null: none. */
  talkAt?: number | null;
};

export type ConsultView = {
  id: string;
  jobId: string;
  stepId: string | null;
  questionId: string;
  costLineId: string;
  signoffId: string;
  offerId: string;
  expertId: string | null;
  title: string;
  locale: Locale;
  minutes: number;
  priceCents: number;
  vatRateBp: number;
  createdAt: number;
  /** The question as it stands now (answered or not). */
  answered: boolean;
};

export type ConsultResult = {
  consult: ConsultView;
  question: PublicQuestion;
  costLine: PublicCostLine;
  /** The same consult was asked a moment ago (`REPEAT_WINDOW_MS`): this is it, nothing new was written. */
  repeated?: boolean;
};

/**
 * The customer asks a paid consult (actor `customer`, on the tracker or through its API). Refusals write
 * nothing: another organisation's or workflow's offer is not found, a closed job 409 `job_closed`,
 * terms that changed since they were shown 409 `consult_changed`, no consent 422 on `consent`.
 */
export async function requestConsult(
  ctx: Ctx,
  jobId: string,
  input: ConsultInput,
  evidence: Evidence = { ip: null, userAgent: null },
): Promise<ConsultResult> {
  if (ctx.actor.type !== 'customer') throw invalid('channel', 'channel_not_yours');
  const body = plainText('body', input.body, LIMITS.question);
  const locale: Locale = input.locale === 'nl' ? 'nl' : 'en';
  return inTransaction(ctx, async (tx) => {
    const job = await loadJob(tx, ctx, jobId);
    const [offer] = await tx
      .select()
      .from(consultOffers)
      .where(
        and(
          eq(consultOffers.id, input.offerId),
          eq(consultOffers.organisationId, ctx.organisationId),
          eq(consultOffers.workflowId, job.workflowId ?? ''),
        ),
      );
    if (!offer) throw notFound('consult offer');
    if (job.status !== 'open') throw conflict('job_closed', { status: job.status }, { status: job.status });
    if (input.terms !== consultTerms(offer, locale)) throw conflict('consult_changed');
    if (!input.consent) throw invalid('consent', 'confirm_required');
    const again = await sameConsultJustAsked(tx, ctx, jobId, offer.id, body);
    if (again) return again;
    const expert = await expertOnJob(tx, jobId, offer.roleId, input.stepId ?? null);
    const question = await insertQuestion(
      tx,
      ctx,
      jobId,
      { stepId: input.stepId ?? null, body, channel: 'tracker' },
      { effortMinutes: null, recorderId: null },
      { paid: true, expert, talkAt: input.talkAt ?? null },
    );
    const now = ctx.clock.now();
    const title = offerTitle(offer, locale);
    const assigneeId = expert?.id ?? (await assigneeOf(tx, question.id));
    if (input.talkAt != null) {
      // Only a free slot of the expert it went to, taken in this transaction (or everything is undone).
      const free = assigneeId
        ? await freeTalkSlots(tx, ctx.organisationId, job.workflowId, assigneeId, offer.minutes, now, null)
        : [];
      if (!assigneeId || !free.some((f) => f.startsAt === input.talkAt))
        throw invalid('talkAt', 'not_a_slot');
      if (!(await takePlace(tx, ctx.organisationId, talkKey(assigneeId), input.talkAt, 1)))
        throw conflict('slot_full');
    }
    const [line] = await tx
      .insert(costLines)
      .values({
        id: newId('cost'),
        jobId,
        stepId: question.stepId,
        specialistId: assigneeId,
        kind: 'fee',
        description: title,
        quantityMilli: 1000,
        unitPriceCents: offer.priceCents,
        vatRateBp: offer.vatRateBp,
        state: 'actual',
        estimateNetCents: null,
        explanation: null,
        photoId: null,
        decidedAt: now,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    if (!line) throw new Error('cost line insert returned no row');
    const [org] = await tx
      .select({ currency: organisations.currency })
      .from(organisations)
      .where(eq(organisations.id, ctx.organisationId));
    // What the customer agreed to, as canonical JSON (hashed, kept with the record): the offer's terms as
    // shown, and the line they make (its `line` is read back like any approved line's).
    const content = JSON.stringify({
      subject: 'cost_line',
      consult: { offerId: offer.id, title, minutes: offer.minutes, locale },
      currency: org?.currency ?? 'EUR',
      line: {
        id: line.id,
        kind: line.kind,
        description: line.description,
        quantityMilli: line.quantityMilli,
        unitPriceCents: line.unitPriceCents,
        vatRateBp: line.vatRateBp,
        netCents: lineNetCents(line),
        explanation: null,
      },
    });
    const [record] = await tx
      .insert(signoffs)
      .values({
        id: newId('sign'),
        organisationId: ctx.organisationId,
        jobId,
        subject: 'cost_line',
        costLineId: line.id,
        status: 'signed',
        requestedAt: now,
        decidedAt: now,
        ip: evidence.ip,
        userAgent: evidence.userAgent?.slice(0, 512) ?? null,
        sha256: sha256Hex(content),
        content,
        consentText: consultMessages[locale].consent,
        locale,
      })
      .returning();
    if (!record) throw new Error('sign-off insert returned no row');
    const [row] = await tx
      .insert(consults)
      .values({
        id: newId('cst'),
        organisationId: ctx.organisationId,
        jobId,
        stepId: question.stepId,
        questionId: question.id,
        costLineId: line.id,
        signoffId: record.id,
        offerId: offer.id,
        expertId: line.specialistId,
        title,
        locale,
        minutes: offer.minutes,
        priceCents: offer.priceCents,
        vatRateBp: offer.vatRateBp,
        createdAt: now,
      })
      .returning();
    if (!row) throw new Error('consult insert returned no row');
    const people = await tx
      .select()
      .from(specialists)
      .where(eq(specialists.id, line.specialistId ?? ''));
    const costLine = publicCostLine(line, people[0]);
    await appendEvent(tx, ctx, {
      jobId,
      stepId: line.stepId,
      type: 'cost_line.added',
      payload: { costLine },
    });
    const consult = consultView(row, false);
    await appendEvent(tx, ctx, {
      jobId,
      stepId: line.stepId,
      type: 'consult.requested',
      payload: { consult, signoff: publicSignoff(record), assigneeId: line.specialistId },
    });
    return { consult, question, costLine };
  });
}

/** A repeated post of the same consult within this long returns the first instead of charging twice. */
export const REPEAT_WINDOW_MS = 10 * 60_000;

/**
 * The same paid question on the same offer, asked on this job a moment ago: a form sent twice (a double
 * click, a reload that re-posts, a retry after a lost answer) takes no second fee. The tracker's routes carry
 * no idempotency key, so the content is the key. `repeated` tells the caller nothing new was written.
 */
async function sameConsultJustAsked(
  tx: Db,
  ctx: Ctx,
  jobId: string,
  offerId: string,
  body: string,
): Promise<ConsultResult | null> {
  const [hit] = await tx
    .select({ consult: consults, question: questions, line: costLines })
    .from(consults)
    .innerJoin(questions, eq(questions.id, consults.questionId))
    .innerJoin(costLines, eq(costLines.id, consults.costLineId))
    .where(
      and(
        eq(consults.jobId, jobId),
        eq(consults.organisationId, ctx.organisationId),
        eq(consults.offerId, offerId),
        eq(questions.body, body),
        gte(consults.createdAt, ctx.clock.now() - REPEAT_WINDOW_MS),
      ),
    )
    .orderBy(desc(consults.createdAt))
    .limit(1);
  if (!hit) return null;
  const ids = [hit.question.assigneeId, hit.line.specialistId].filter((id): id is string => !!id);
  const people = ids.length ? await tx.select().from(specialists).where(inArray(specialists.id, ids)) : [];
  const byId = new Map(people.map((p) => [p.id, p]));
  return {
    consult: consultView(hit.consult, hit.question.answeredAt !== null),
    question: publicQuestion(hit.question, byId),
    costLine: publicCostLine(hit.line, byId.get(hit.line.specialistId ?? '')),
    repeated: true,
  };
}

async function assigneeOf(tx: Db, questionId: string): Promise<string | null> {
  const [q] = await tx
    .select({ assigneeId: questions.assigneeId })
    .from(questions)
    .where(eq(questions.id, questionId));
  return q?.assigneeId ?? null;
}

/**
 * The step whose specialist answers a consult whose offer names `roleId`, asked at `stepId`: among the
 * job's steps (in order) whose specialist is active and has the role, the one asked about, else one in
 * progress, else the first; null when there is none (or no role), and the question's routing decides.
 * One rule for the tracker's offers (who would answer) and the consult itself (who does).
 */
export function expertStepFor<S extends { id: string; status: string; assigneeId: string | null }>(
  all: S[],
  stepId: string | null,
  roleId: string | null,
  personOf: (step: S) => { roleId: string | null; active: boolean } | undefined,
): S | null {
  if (!roleId) return null;
  const able = all.filter((step) => {
    const person = step.assigneeId ? personOf(step) : undefined;
    return !!person?.active && person.roleId === roleId;
  });
  return (
    able.find((step) => step.id === stepId) ??
    able.find((step) => step.status === 'active' || step.status === 'blocked') ??
    able[0] ??
    null
  );
}

/** Who answers a consult with a role (see `expertStepFor`); null leaves it to the question's routing. */
async function expertOnJob(
  tx: Db,
  jobId: string,
  roleId: string | null,
  stepId: string | null,
): Promise<Specialist | null> {
  if (!roleId) return null;
  const rows = await tx
    .select({ step: steps, person: specialists })
    .from(steps)
    .leftJoin(specialists, eq(specialists.id, steps.assigneeId))
    .where(eq(steps.jobId, jobId))
    .orderBy(asc(steps.position));
  const pick = expertStepFor(
    rows.map((r) => ({ ...r.step, person: r.person })),
    stepId,
    roleId,
    (step) => step.person ?? undefined,
  );
  return pick?.person ?? null;
}

const consultView = (row: Consult, answered: boolean): ConsultView => ({
  id: row.id,
  jobId: row.jobId,
  stepId: row.stepId,
  questionId: row.questionId,
  costLineId: row.costLineId,
  signoffId: row.signoffId,
  offerId: row.offerId,
  expertId: row.expertId,
  title: row.title,
  locale: row.locale,
  minutes: row.minutes,
  priceCents: row.priceCents,
  vatRateBp: row.vatRateBp,
  createdAt: row.createdAt,
  answered,
});

/** A job's consults for staff (another organisation's job is not found), oldest first. */
export async function jobConsults(ctx: Ctx, jobId: string): Promise<ConsultView[]> {
  await loadJob(ctx.db, ctx, jobId);
  const rows = await ctx.db
    .select({ consult: consults, answeredAt: questions.answeredAt })
    .from(consults)
    .innerJoin(questions, eq(questions.id, consults.questionId))
    .where(and(eq(consults.jobId, jobId), eq(consults.organisationId, ctx.organisationId)))
    .orderBy(asc(consults.createdAt), asc(consults.id));
  return rows.map((r) => consultView(r.consult, r.answeredAt !== null));
}
