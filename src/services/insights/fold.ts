import { and, asc, count, eq, gt, inArray, max, sql } from 'drizzle-orm';
import {
  events,
  type InsightQuestion,
  type InsightStep,
  insightQuestions,
  insightRollups,
  insightSteps,
  jobs,
  logCursors,
  organisations,
} from '../../../db/schema';
import { type LogEvent, readEvent } from '../../events/catalogue';
import type { PublicQuestion } from '../customer-voice/questions';
import type { PublicStep } from '../jobs/views';
import { cursorTransaction, type Db } from '../platform/context';
import { withProfiles } from '../platform/events';
import { encodeSamples, localDay, monthOf, readSamples, type Scope } from './rollup';

/**
 * Folds the event log into the insights' projection (db/schema/insights.ts): per-step and per-question
 * rows, and daily rollups with every duration kept. Runs on demand before insights are read (and can
 * run on a timer); each batch reads the events after the `insights` cursor and advances it in the same
 * transaction, so several processes may fold at once and every event counts exactly once.
 *
 * What is measured, from the log alone (the job's workflow is fixed at creation and read from `jobs`):
 * - a step is ready when the job was created (first step) or the previous step closed; its waiting time
 *   (the handoff gap) runs from ready to started, 0 if it started before the previous step closed;
 * - time in the step runs from started to finished (a step finished without being started took 0);
 * - a promise is kept when the step finished by the first promise made for it; later promises are
 *   counted as changes (an existing promise moved or withdrawn), not as a new chance to be on time;
 * - a step counts on the local day it finished or was skipped; a question on the day it was asked
 *   (its answer is added to that day), per workflow and step, with counts and answer times per channel.
 */

export const CURSOR = 'insights';
/**
 * Before a read, fold at most this many batches (about half a second here): enough to be current in
 * normal operation, while a long history (a first start on an old database) is caught up by the server's
 * timer without making a page wait minutes.
 */
export const READ_BATCHES = 40;
/** The timer's share per tick, so catching up leaves the database to requests in between. */
export const TIMER_BATCHES = 20;
/**
 * Events per batch, and per transaction. A batch holds the shared write lock on PostgreSQL and the event
 * loop while it folds: 4,000 at a time, a write that takes the write lock alone (mail's flush, sweeps)
 * queued behind a batch, and every organisation's writes behind that, for up to ~50 ms after a burst.
 */
const BATCH = 1000;
const CHUNK = 400;

type Delta = {
  organisationId: string;
  span: 'day' | 'month';
  day: number;
  scope: Scope;
  subject: string;
  counts: Record<string, number>;
  series: Record<string, number[]>;
};

/** Events that carry the step's snapshot (`step.at_risk` is a flag for staff, without one). */
type StepEvent = Exclude<Extract<LogEvent, { type: `step.${string}` }>, { type: 'step.at_risk' }>;
type QuestionEvent = Exclude<Extract<LogEvent, { type: `question.${string}` }>, { type: 'question.effort' }>;

/** Folds every event not yet folded; returns how many it folded. */
export async function foldInsights(db: Db, options: { maxBatches?: number } = {}): Promise<number> {
  let folded = 0;
  for (let batch = 0; batch < (options.maxBatches ?? Number.POSITIVE_INFINITY); batch++) {
    const [cursor] = await db
      .select({ id: logCursors.lastEventId })
      .from(logCursors)
      .where(eq(logCursors.name, CURSOR));
    const [latest] = await db.select({ id: max(events.id) }).from(events);
    if ((latest?.id ?? 0) <= (cursor?.id ?? 0)) break;
    const n = await cursorTransaction(db, CURSOR, (tx) => foldBatch(tx));
    if (n === 0) break;
    folded += n;
  }
  return folded;
}

/** How many events the projection is behind the log (0 when every figure is current). */
export async function insightsBacklog(db: Db): Promise<number> {
  const [cursor] = await db
    .select({ id: logCursors.lastEventId })
    .from(logCursors)
    .where(eq(logCursors.name, CURSOR));
  const [latest] = await db
    .select({ n: count() })
    .from(events)
    .where(gt(events.id, cursor?.id ?? 0));
  return latest?.n ?? 0;
}

async function foldBatch(tx: Db): Promise<number> {
  const [cursor] = await tx.select().from(logCursors).where(eq(logCursors.name, CURSOR));
  if (!cursor) await tx.insert(logCursors).values({ name: CURSOR, lastEventId: 0 });
  const after = cursor?.lastEventId ?? 0;
  const rows = await withProfiles(
    tx,
    await tx.select().from(events).where(gt(events.id, after)).orderBy(asc(events.id)).limit(BATCH),
  );
  const last = rows.at(-1);
  if (!last) return 0;

  const fold = new Fold(tx);
  // A row the catalogue cannot read (another version wrote it) is passed over, not guessed at.
  const known = rows.flatMap((row) => readEvent(row) ?? []);
  await fold.load(known);
  for (const event of known) fold.apply(event);
  await fold.save();
  await tx.update(logCursors).set({ lastEventId: last.id }).where(eq(logCursors.name, CURSOR));
  return rows.length;
}

const chunks = <T>(list: T[], size = CHUNK) =>
  Array.from({ length: Math.ceil(list.length / size) }, (_, i) => list.slice(i * size, (i + 1) * size));

class Fold {
  private steps = new Map<string, InsightStep>();
  private byJob = new Map<string, InsightStep[]>();
  private questions = new Map<string, InsightQuestion>();
  private workflows = new Map<string, string>();
  private zones = new Map<string, string>();
  private dirtySteps = new Set<InsightStep>();
  private dirtyQuestions = new Set<InsightQuestion>();
  private deltas = new Map<string, Delta>();

  constructor(private tx: Db) {}

  /** Reads, in a few queries, everything the batch's events refer to. */
  async load(rows: LogEvent[]) {
    const jobIds = [...new Set(rows.map((r) => r.jobId))];
    for (const part of chunks(jobIds)) {
      const found = await this.tx.select().from(insightSteps).where(inArray(insightSteps.jobId, part));
      for (const s of found) this.track(s);
      const owned = await this.tx
        .select({ id: jobs.id, workflowId: jobs.workflowId })
        .from(jobs)
        .where(inArray(jobs.id, part));
      for (const j of owned) this.workflows.set(j.id, j.workflowId ?? '');
    }
    const questionIds = [
      ...new Set(
        rows.flatMap((r) =>
          r.type === 'question.effort'
            ? [r.payload.questionId]
            : r.type === 'consult.requested'
              ? [r.payload.consult.questionId]
              : isQuestionEvent(r) && r.type !== 'question.asked'
                ? [r.payload.question.id]
                : [],
        ),
      ),
    ];
    for (const part of chunks(questionIds)) {
      const found = await this.tx
        .select()
        .from(insightQuestions)
        .where(inArray(insightQuestions.questionId, part));
      for (const q of found) this.questions.set(q.questionId, q);
    }
    const orgIds = [...new Set(rows.map((r) => r.organisationId))];
    const orgs = await this.tx
      .select({ id: organisations.id, timeZone: organisations.timeZone })
      .from(organisations)
      .where(inArray(organisations.id, orgIds));
    for (const o of orgs) this.zones.set(o.id, o.timeZone);
  }

  private track(step: InsightStep) {
    this.steps.set(step.stepId, step);
    const list = this.byJob.get(step.jobId);
    if (list) list.push(step);
    else this.byJob.set(step.jobId, [step]);
  }

  private day(organisationId: string, ms: number) {
    return localDay(ms, this.zones.get(organisationId) ?? 'UTC');
  }

  private add(
    organisationId: string,
    at: number,
    scope: Scope,
    subject: string,
    counts: Record<string, number>,
    samples: Record<string, number> = {},
  ) {
    const day = this.day(organisationId, at);
    for (const [span, first] of [
      ['day', day],
      ['month', monthOf(day)],
    ] as const) {
      const key = `${organisationId}|${span}|${first}|${scope}|${subject}`;
      let delta = this.deltas.get(key);
      if (!delta) {
        delta = { organisationId, span, day: first, scope, subject, counts: {}, series: {} };
        this.deltas.set(key, delta);
      }
      for (const [name, n] of Object.entries(counts)) delta.counts[name] = (delta.counts[name] ?? 0) + n;
      for (const [name, value] of Object.entries(samples)) {
        const list = delta.series[name] ?? [];
        list.push(value);
        delta.series[name] = list;
      }
    }
  }

  apply(event: LogEvent) {
    const { organisationId, createdAt } = event;
    switch (event.type) {
      case 'job.created':
        return this.jobCreated(event);
      case 'job.completed':
      case 'job.cancelled':
        return this.jobClosed(event);
      case 'question.asked':
        return this.asked(event, event.payload.question);
      case 'question.answered':
        return this.answered(event, event.payload.question);
      case 'question.effort': {
        // The specialist time it took, on the day it was asked (as its answer time is): what it cost.
        const row = this.questions.get(event.payload.questionId);
        if (!row) return;
        const { channel, minutes } = event.payload;
        return this.add(row.organisationId, row.askedAt, 'question', questionSubject(row), {
          effortMin: minutes,
          [`effortMin:${channel}`]: minutes,
          effortN: 1,
          [`effortN:${channel}`]: 1,
        });
      }
      case 'consult.requested': {
        // A paid consult (docs/decisions/consults.md): counted with its question (same step and day), with
        // its price excluding VAT as the revenue.
        const row = this.questions.get(event.payload.consult.questionId);
        if (!row) return;
        return this.add(row.organisationId, row.askedAt, 'question', questionSubject(row), {
          consults: 1,
          consultNetCents: event.payload.consult.priceCents,
        });
      }
      case 'answer.deflected':
        // A question a published answer answered before it was sent (docs/decisions/knowledge.md): counted
        // at the step it belongs to, on the day it happened.
        return this.add(
          organisationId,
          createdAt,
          'question',
          `${event.payload.workflowId}|${event.payload.position ?? -1}`,
          { deflected: 1 },
        );
      case 'rating.given':
        return this.add(organisationId, createdAt, 'person', event.payload.rating.specialistId, {
          ratings: 1,
          ratingSum: event.payload.rating.score,
        });
      case 'kudos.given':
        return this.add(organisationId, createdAt, 'person', event.payload.kudos.toId, { kudos: 1 });
      default:
        if (isStepEvent(event)) this.stepChanged(event, event.payload.step);
    }
  }

  private jobCreated(event: Extract<LogEvent, { type: 'job.created' }>) {
    const workflowId = this.workflows.get(event.jobId) ?? '';
    for (const s of event.payload.steps) {
      if (this.steps.has(s.id)) continue;
      const position = s.position;
      const step: InsightStep = {
        stepId: s.id,
        organisationId: event.organisationId,
        jobId: event.jobId,
        workflowId,
        position,
        assigneeId: s.assignee?.id ?? null,
        readyAt: position === 0 ? event.createdAt : null,
        startedAt: null,
        closedAt: null,
        status: 'pending',
        firstPromisedAt: s.originalPromisedAt ?? s.promisedAt ?? null,
        promisedAt: s.promisedAt ?? null,
        promiseChanges: 0,
      };
      this.track(step);
      this.dirtySteps.add(step);
    }
    this.add(event.organisationId, event.createdAt, 'job', workflowId, { created: 1 });
  }

  private jobClosed(event: LogEvent) {
    const own = this.byJob.get(event.jobId) ?? [];
    const workflowId = own[0]?.workflowId ?? this.workflows.get(event.jobId) ?? '';
    if (event.type === 'job.cancelled') {
      this.add(event.organisationId, event.createdAt, 'job', workflowId, { cancelled: 1 });
      return;
    }
    const createdAt = own.find((s) => s.position === 0)?.readyAt;
    this.add(
      event.organisationId,
      event.createdAt,
      'job',
      workflowId,
      { completed: 1 },
      createdAt != null ? { lead: event.createdAt - createdAt } : {},
    );
  }

  private stepChanged(event: StepEvent, snap: PublicStep) {
    const step = event.stepId ? this.steps.get(event.stepId) : undefined;
    if (!step || step.closedAt !== null) return;
    this.dirtySteps.add(step);
    step.assigneeId = snap.assignee?.id ?? null;
    step.promisedAt = snap.promisedAt ?? null;
    step.firstPromisedAt ??= snap.originalPromisedAt ?? snap.promisedAt ?? null;
    const at = event.createdAt;
    switch (event.type) {
      case 'step.promise_changed':
        if (event.payload.previousPromisedAt !== null && event.payload.previousPromisedAt !== snap.promisedAt)
          step.promiseChanges++;
        return;
      case 'step.started':
        this.start(step, snap.startedAt ?? at);
        step.status = 'active';
        return;
      case 'step.finished': {
        this.start(step, snap.startedAt ?? at);
        this.finish(step, snap.doneAt ?? at);
        return;
      }
      case 'step.skipped':
        step.status = 'skipped';
        step.closedAt = at;
        this.add(step.organisationId, at, 'step', `${step.workflowId}|${step.position}`, { skipped: 1 });
        this.readyNext(step);
        return;
      default:
        if (snap.startedAt != null) this.start(step, snap.startedAt);
    }
  }

  private start(step: InsightStep, at: number) {
    if (step.startedAt !== null) return;
    step.startedAt = at;
    // Started before the previous step closed: it did not wait for a handoff.
    step.readyAt ??= at;
  }

  private finish(step: InsightStep, at: number) {
    const startedAt = step.startedAt ?? at;
    const readyAt = step.readyAt ?? startedAt;
    const own = this.byJob.get(step.jobId) ?? [];
    const firstForPerson =
      !!step.assigneeId &&
      !own.some((s) => s !== step && s.status === 'done' && s.assigneeId === step.assigneeId);
    step.status = 'done';
    step.closedAt = at;
    const counts: Record<string, number> = { done: 1 };
    if (step.firstPromisedAt !== null) {
      counts.promised = 1;
      if (at <= step.firstPromisedAt) counts.kept = 1;
      else {
        counts.late = 1;
        counts.lateMs = at - step.firstPromisedAt;
      }
    }
    if (step.promiseChanges > 0) {
      counts.changed = 1;
      counts.changes = step.promiseChanges;
    }
    this.add(step.organisationId, at, 'step', `${step.workflowId}|${step.position}`, counts, {
      duration: at - startedAt,
      wait: Math.max(0, startedAt - readyAt),
    });
    if (step.assigneeId)
      this.add(step.organisationId, at, 'person', step.assigneeId, {
        steps: 1,
        ...(firstForPerson ? { jobs: 1 } : {}),
      });
    this.readyNext(step);
  }

  private readyNext(step: InsightStep) {
    const next = this.byJob.get(step.jobId)?.find((s) => s.position === step.position + 1);
    if (next && next.readyAt === null && next.startedAt === null && step.closedAt !== null) {
      next.readyAt = step.closedAt;
      this.dirtySteps.add(next);
    }
  }

  private asked(event: QuestionEvent, q: PublicQuestion) {
    if (this.questions.has(q.id)) return;
    const step = q.stepId ? this.steps.get(q.stepId) : undefined;
    const workflowId =
      step?.workflowId ??
      this.byJob.get(event.jobId)?.[0]?.workflowId ??
      this.workflows.get(event.jobId) ??
      '';
    const row: InsightQuestion = {
      questionId: q.id,
      organisationId: event.organisationId,
      jobId: event.jobId,
      workflowId,
      position: step?.position ?? -1,
      channel: q.channel,
      askedAt: q.askedAt,
      dueAt: q.dueAt,
      answeredAt: null,
      answeredById: null,
    };
    this.questions.set(q.id, row);
    this.dirtyQuestions.add(row);
    this.add(row.organisationId, row.askedAt, 'question', questionSubject(row), {
      asked: 1,
      [`asked:${row.channel}`]: 1,
    });
  }

  private answered(event: QuestionEvent, q: PublicQuestion) {
    const row = this.questions.get(q.id);
    if (!row || row.answeredAt !== null || q.answeredAt == null) return;
    row.answeredAt = q.answeredAt;
    row.answeredById = event.actorType === 'specialist' ? event.actorId : null;
    this.dirtyQuestions.add(row);
    const took = row.answeredAt - row.askedAt;
    this.add(
      row.organisationId,
      row.askedAt,
      'question',
      questionSubject(row),
      {
        answered: 1,
        inTime: row.answeredAt <= row.dueAt ? 1 : 0,
        answerMs: took,
        [`answered:${row.channel}`]: 1,
        [`inTime:${row.channel}`]: row.answeredAt <= row.dueAt ? 1 : 0,
        [`answerMs:${row.channel}`]: took,
      },
      { [row.channel]: took },
    );
    if (row.answeredById)
      this.add(
        row.organisationId,
        row.answeredAt,
        'person',
        row.answeredById,
        { answers: 1 },
        { answer: took },
      );
  }

  /** Writes the changed rows and merges the day totals into the stored ones. */
  async save() {
    for (const part of chunks([...this.dirtySteps], 200)) {
      await this.tx
        .insert(insightSteps)
        .values(part)
        .onConflictDoUpdate({
          target: insightSteps.stepId,
          set: {
            assigneeId: sql`excluded.assignee_id`,
            readyAt: sql`excluded.ready_at`,
            startedAt: sql`excluded.started_at`,
            closedAt: sql`excluded.closed_at`,
            status: sql`excluded.status`,
            firstPromisedAt: sql`excluded.first_promised_at`,
            promisedAt: sql`excluded.promised_at`,
            promiseChanges: sql`excluded.promise_changes`,
          },
        });
    }
    for (const part of chunks([...this.dirtyQuestions], 200)) {
      await this.tx
        .insert(insightQuestions)
        .values(part)
        .onConflictDoUpdate({
          target: insightQuestions.questionId,
          set: { answeredAt: sql`excluded.answered_at`, answeredById: sql`excluded.answered_by_id` },
        });
    }
    await this.saveRollups();
  }

  private async saveRollups() {
    const deltas = [...this.deltas.values()];
    const wanted = new Map<string, { organisationId: string; span: string; days: Set<number> }>();
    for (const d of deltas) {
      const key = `${d.organisationId}|${d.span}`;
      const entry = wanted.get(key) ?? { organisationId: d.organisationId, span: d.span, days: new Set() };
      entry.days.add(d.day);
      wanted.set(key, entry);
    }
    const stored = new Map<string, { counts: Record<string, number>; samples: Buffer | null }>();
    for (const { organisationId, span, days } of wanted.values()) {
      for (const part of chunks([...days])) {
        const rows = await this.tx
          .select()
          .from(insightRollups)
          .where(
            and(
              eq(insightRollups.organisationId, organisationId),
              eq(insightRollups.span, span),
              inArray(insightRollups.day, part),
            ),
          );
        for (const r of rows) stored.set(`${r.organisationId}|${r.span}|${r.day}|${r.scope}|${r.subject}`, r);
      }
    }
    const merged = deltas.map((d) => {
      const old = stored.get(`${d.organisationId}|${d.span}|${d.day}|${d.scope}|${d.subject}`);
      const counts: Record<string, number> = { ...(old?.counts ?? {}) };
      for (const [name, n] of Object.entries(d.counts)) counts[name] = (counts[name] ?? 0) + n;
      const before: Record<string, Float64Array> = {};
      if (old)
        readSamples(d.scope, old.samples, old.counts, (name, values) => {
          before[name] = values;
        });
      return {
        organisationId: d.organisationId,
        span: d.span,
        day: d.day,
        scope: d.scope,
        subject: d.subject,
        counts,
        samples: encodeSamples(d.scope, before, d.series, counts),
      };
    });
    for (const part of chunks(merged, 200)) {
      await this.tx
        .insert(insightRollups)
        .values(part)
        .onConflictDoUpdate({
          target: [
            insightRollups.organisationId,
            insightRollups.span,
            insightRollups.day,
            insightRollups.scope,
            insightRollups.subject,
          ],
          set: { counts: sql`excluded.counts`, samples: sql`excluded.samples` },
        });
    }
  }
}

const isStepEvent = (e: LogEvent): e is StepEvent => e.type.startsWith('step.') && 'step' in e.payload;
const isQuestionEvent = (e: LogEvent): e is QuestionEvent =>
  e.type.startsWith('question.') && e.type !== 'question.effort';

const questionSubject = (q: InsightQuestion) => `${q.workflowId}|${q.position}`;
