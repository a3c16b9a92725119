import { and, asc, eq, gte, inArray, lte, or, sql } from 'drizzle-orm';
import { insightRollups, type Organisation, specialists, workflowSteps, workflows } from '../../../db/schema';
import { fromLocalInput } from '../../i18n/format';
import { getOrganisation } from '../organisation/settings';
import type { BaseCtx, Ctx } from '../platform/context';
import { invalid, notFound, ServiceError } from '../platform/errors';
import { actingSpecialist } from '../staff/team';
import { findTrackedJob } from '../tracker/tracker';
import { foldInsights, READ_BATCHES } from './fold';
import {
  coverPeriod,
  type Distribution,
  dayNumber,
  dayString,
  distribution,
  localDay,
  readSamples,
  SampleBag,
  type Scope,
  share,
} from './rollup';

/**
 * Insights: where a business's process makes customers wait, which promises slip and what questions
 * cost. Computed from the event log through the projection in fold.ts (folded up to the
 * newest event before every read), summed over the chosen period's days. Definitions are there and in
 * rollup.ts (percentiles: nearest rank).
 */

export const MAX_PERIOD_DAYS = 366;
export const DEFAULT_PERIOD_DAYS = 30;
/** 2000-01-01: nothing here is older. */
const EARLIEST_DAY = 10_957;

export type PeriodInput = { from?: string | undefined; to?: string | undefined };
export type Period = {
  from: string;
  to: string;
  days: number;
  /** The period as instants: [start, end) in the organisation's time zone. */
  startMs: number;
  endMs: number;
  timeZone: string;
};

/** Who sees what: admins and API keys everything; a specialist their own figures. */
export type Viewer = { all: true } | { all: false; specialistId: string };

export async function insightsViewer(ctx: Ctx): Promise<Viewer> {
  if (ctx.actor.type === 'api_key' || ctx.actor.type === 'system') return { all: true };
  const me = await actingSpecialist(ctx);
  return me.permission === 'admin' ? { all: true } : { all: false, specialistId: me.id };
}

/** Figures for the whole organisation are for admins and API keys. */
async function requireWholeOrganisation(ctx: Ctx): Promise<void> {
  const viewer = await insightsViewer(ctx);
  if (!viewer.all) throw new ServiceError('forbidden', 'admin_only');
}

/**
 * A period of whole local days, `from` and `to` included (YYYY-MM-DD). Without them: the last 30
 * days up to today. At most 366 days; `to` not before `from`.
 */
export function resolvePeriod(input: PeriodInput, timeZone: string, now: number): Period {
  const today = localDay(now, timeZone);
  const parse = (field: 'from' | 'to', value: string | undefined, fallback: number) => {
    if (value === undefined || value === '') return fallback;
    const day = dayNumber(value);
    if (day === null) throw invalid(field, 'date_format');
    if (day < EARLIEST_DAY || day > today + 366) throw invalid(field, 'date_out_of_range');
    return day;
  };
  const to = parse('to', input.to, today);
  const from = parse('from', input.from, to - DEFAULT_PERIOD_DAYS + 1);
  if (from > to) throw invalid('from', 'period_reversed');
  if (to - from + 1 > MAX_PERIOD_DAYS) throw invalid('from', 'period_too_long', { max: MAX_PERIOD_DAYS });
  const startMs = fromLocalInput(`${dayString(from)}T00:00`, timeZone) ?? from * 86_400_000;
  const endMs = fromLocalInput(`${dayString(to + 1)}T00:00`, timeZone) ?? (to + 1) * 86_400_000;
  return { from: dayString(from), to: dayString(to), days: to - from + 1, startMs, endMs, timeZone };
}

type Row = {
  scope: string;
  subject: string;
  counts: Record<string, number>;
  samples: Uint8Array | ArrayBuffer | null;
};

/**
 * The period's rollup rows, after folding what the log gained since the last read. Only the scopes in
 * `samplesFor` bring their durations along (the rest are counted, not measured, by the caller).
 */
async function rollups(
  ctx: Ctx,
  period: Period,
  scopes: Scope[],
  options: { fold?: boolean; samplesFor?: Scope[] } = {},
): Promise<Row[]> {
  if (options.fold ?? true) await foldInsights(ctx.db, { maxBatches: READ_BATCHES });
  const cover = coverPeriod(dayNumber(period.from) ?? 0, dayNumber(period.to) ?? 0);
  const r = insightRollups;
  const measured = options.samplesFor ?? scopes;
  const spans = [
    ...cover.days.map(([first, last]) => and(eq(r.span, 'day'), gte(r.day, first), lte(r.day, last))),
    ...(cover.months.length
      ? [and(eq(r.span, 'month'), gte(r.day, cover.months[0] ?? 0), lte(r.day, cover.months.at(-1) ?? 0))]
      : []),
  ];
  return ctx.db
    .select({
      scope: r.scope,
      subject: r.subject,
      counts: r.counts,
      samples: measured.length
        ? sql<ArrayBuffer | null>`case when ${inArray(r.scope, measured)} then ${r.samples} end`
        : sql<null>`null`,
    })
    .from(r)
    .where(and(eq(r.organisationId, ctx.organisationId), or(...spans), inArray(r.scope, scopes)));
}

/** Sums counts and gathers samples per subject. */
function gather(rows: Row[], scope: Scope, subjectOf: (subject: string) => string | null = (s) => s) {
  const counts = new Map<string, Record<string, number>>();
  const bag = new SampleBag();
  for (const row of rows) {
    if (row.scope !== scope) continue;
    const key = subjectOf(row.subject);
    if (key === null) continue;
    const sum = counts.get(key) ?? {};
    for (const [name, n] of Object.entries(row.counts))
      if (!name.startsWith('#')) sum[name] = (sum[name] ?? 0) + n;
    counts.set(key, sum);
    readSamples(scope, row.samples, row.counts, (name, values) => bag.add(`${key}|${name}`, values));
  }
  return {
    counts,
    samples: (key: string, ...names: string[]) =>
      distribution(bag.take(names.map((name) => `${key}|${name}`))),
  };
}

export type StepFigures = {
  position: number;
  title: string | null;
  /** Steps finished in the period (one per job that went through the step). */
  jobs: number;
  skipped: number;
  timeInStep: Distribution;
  waitBefore: Distribution;
  promises: {
    promised: number;
    kept: number;
    keptShare: number | null;
    late: number;
    /** Mean lateness of the late steps, whole ms. */
    averageLatenessMs: number | null;
    changed: number;
    changedShare: number | null;
    changes: number;
  };
  questions: { asked: number; perJob: number | null };
};

export type WorkflowFigures = {
  id: string | null;
  name: string | null;
  jobs: { created: number; completed: number; cancelled: number; leadTime: Distribution };
  steps: StepFigures[];
};

const n = (counts: Record<string, number> | undefined, name: string) => counts?.[name] ?? 0;

/** The organisation's workflows (or the one asked for), by name, and the titles of their steps. */
async function workflowCatalogue(ctx: Ctx, workflowId?: string) {
  const flows = await ctx.db
    .select({ id: workflows.id, name: workflows.name })
    .from(workflows)
    .where(
      and(
        eq(workflows.organisationId, ctx.organisationId),
        workflowId ? eq(workflows.id, workflowId) : undefined,
      ),
    )
    .orderBy(asc(workflows.name));
  const templates = flows.length
    ? await ctx.db
        .select({
          workflowId: workflowSteps.workflowId,
          position: workflowSteps.position,
          title: workflowSteps.title,
        })
        .from(workflowSteps)
        .where(
          inArray(
            workflowSteps.workflowId,
            flows.map((f) => f.id),
          ),
        )
    : [];
  const titles = new Map(templates.map((t) => [`${t.workflowId}|${t.position}`, t.title]));
  return {
    flows,
    templates,
    title: (id: string | null, position: number) => titles.get(`${id}|${position}`) ?? null,
  };
}

/** Per workflow and per step. `workflowId` narrows to one (404 if it is not this organisation's). */
export async function workflowInsights(ctx: Ctx, input: PeriodInput & { workflowId?: string }) {
  await requireWholeOrganisation(ctx);
  const org = await getOrganisation(ctx);
  const period = resolvePeriod(input, org.timeZone, ctx.clock.now());
  const { flows, templates, title } = await workflowCatalogue(ctx, input.workflowId);
  if (input.workflowId && flows.length === 0) throw notFound('workflow');
  const rows = await rollups(ctx, period, ['step', 'job', 'question'], { samplesFor: ['step', 'job'] });
  const steps = gather(rows, 'step');
  const jobs = gather(rows, 'job');
  const asked = gather(rows, 'question');

  const subjects: { id: string | null; name: string | null }[] = flows.map((f) => ({
    id: f.id,
    name: f.name,
  }));
  // Jobs made of explicit steps have no workflow; they are shown together, unless one workflow was asked for.
  const adHoc = [...steps.counts.keys(), ...jobs.counts.keys()].some((k) => k.split('|')[0] === '');
  if (!input.workflowId && adHoc) subjects.push({ id: null, name: null });

  const figures: WorkflowFigures[] = subjects.map(({ id, name }) => {
    const key = id ?? '';
    const job = jobs.counts.get(key);
    const positions = new Set<number>();
    for (const t of templates) if (t.workflowId === id) positions.add(t.position);
    for (const k of [...steps.counts.keys(), ...asked.counts.keys()]) {
      const [wf, pos] = k.split('|');
      if (wf === key && Number(pos) >= 0) positions.add(Number(pos));
    }
    const created = n(job, 'created');
    return {
      id,
      name,
      jobs: {
        created,
        completed: n(job, 'completed'),
        cancelled: n(job, 'cancelled'),
        leadTime: jobs.samples(key, 'lead'),
      },
      steps: [...positions]
        .sort((a, b) => a - b)
        .map((position) => {
          const c = steps.counts.get(`${key}|${position}`);
          const q = asked.counts.get(`${key}|${position}`);
          const late = n(c, 'late');
          return {
            position,
            title: title(id, position),
            jobs: n(c, 'done'),
            skipped: n(c, 'skipped'),
            timeInStep: steps.samples(`${key}|${position}`, 'duration'),
            waitBefore: steps.samples(`${key}|${position}`, 'wait'),
            promises: {
              promised: n(c, 'promised'),
              kept: n(c, 'kept'),
              keptShare: share(n(c, 'kept'), n(c, 'promised')),
              late,
              averageLatenessMs: late ? Math.round(n(c, 'lateMs') / late) : null,
              changed: n(c, 'changed'),
              changedShare: share(n(c, 'changed'), n(c, 'done')),
              changes: n(c, 'changes'),
            },
            questions: { asked: n(q, 'asked'), perJob: share(n(q, 'asked'), created) },
          };
        }),
    };
  });
  return { period: publicPeriod(period), workflows: figures };
}

export type QuestionGroup = {
  asked: number;
  answered: number;
  answerTime: Distribution;
  inTime: number;
  /** Of the answered questions, the share answered by the promised time. */
  inTimeShare: number | null;
  /**
   * Specialist time spent answering (docs/decisions/knowledge.md): minutes entered for phone and desk
   * questions, else opened → answered in the console when plausible, else the channel's default.
   */
  effortMinutes: number;
  /** That effort × the hourly rate in settings, in cents (effort, not waiting). */
  costCents: number;
  /** Questions a published answer answered before they were sent ("this answers my question"). */
  deflected: number;
  /** What those deflections saved: each a tracker question's default minutes, × the hourly rate. */
  savedMinutes: number;
  savedCents: number;
  /** Paid consults asked (docs/decisions/consults.md; on the tracker), and their revenue excluding VAT. */
  consults: number;
  consultNetCents: number;
};

/** Questions per job per step, month by month (the months the period touches, at most the last 24). */
export type QuestionMonth = {
  month: string;
  asked: number;
  jobs: number;
  perJob: number | null;
  deflected: number;
  steps: {
    workflowId: string | null;
    position: number | null;
    title: string | null;
    asked: number;
    perJob: number | null;
  }[];
};

/** The months (`YYYY-MM`) from `from` to `to` (`YYYY-MM-DD`), each with its days inside the period. */
function monthsOf(from: string, to: string): { month: string; from: string; to: string }[] {
  const out: { month: string; from: string; to: string }[] = [];
  let y = Number(from.slice(0, 4));
  let m = Number(from.slice(5, 7));
  for (;;) {
    const month = `${y}-${String(m).padStart(2, '0')}`;
    if (month > to.slice(0, 7)) break;
    const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
    const first = `${month}-01`;
    const end = `${month}-${String(last).padStart(2, '0')}`;
    out.push({ month, from: first < from ? from : first, to: end > to ? to : end });
    m += 1;
    if (m > 12) {
      m = 1;
      y += 1;
    }
  }
  return out.slice(-24);
}

/** Questions: totals, per channel and per step asked at, with answer times and their estimated cost. */
export async function questionInsights(ctx: Ctx, input: PeriodInput) {
  await requireWholeOrganisation(ctx);
  const org = await getOrganisation(ctx);
  const period = resolvePeriod(input, org.timeZone, ctx.clock.now());
  const { flows, title } = await workflowCatalogue(ctx);
  const rows = await rollups(ctx, period, ['question', 'job'], { samplesFor: ['question'] });
  const channels = ['tracker', 'phone', 'desk', 'email'] as const;
  const figures = (
    g: ReturnType<typeof gather>,
    key: string,
    only?: (typeof channels)[number],
  ): QuestionGroup => {
    const c = g.counts.get(key);
    const name = (base: string) => (only ? `${base}:${only}` : base);
    return {
      asked: n(c, name('asked')),
      answered: n(c, name('answered')),
      answerTime: g.samples(key, ...(only ? [only] : channels)),
      inTime: n(c, name('inTime')),
      inTimeShare: share(n(c, name('inTime')), n(c, name('answered'))),
      effortMinutes: effort(c, only),
      costCents: Math.round((effort(c, only) / 60) * org.hourlyRateCents),
      ...saved(!only || only === 'tracker' ? n(c, 'deflected') : 0),
      consults: !only || only === 'tracker' ? n(c, 'consults') : 0,
      consultNetCents: !only || only === 'tracker' ? n(c, 'consultNetCents') : 0,
    };
  };
  // Answers from before effort was recorded (no `question.effort` event) count their channel's default.
  const effort = (c: Record<string, number> | undefined, only?: (typeof channels)[number]) => {
    let minutes = n(c, only ? `effortMin:${only}` : 'effortMin');
    for (const ch of only ? [only] : channels) {
      const unrecorded = n(c, `answered:${ch}`) - n(c, `effortN:${ch}`);
      if (unrecorded > 0) minutes += unrecorded * (org.questionMinutes?.[ch] ?? 5);
    }
    return minutes;
  };
  // Deflections happen on the tracker: per channel, only there; each saved a tracker question's effort.
  const saved = (deflected: number) => {
    const savedMinutes = deflected * (org.questionMinutes?.tracker ?? 5);
    return { deflected, savedMinutes, savedCents: Math.round((savedMinutes / 60) * org.hourlyRateCents) };
  };
  const all = gather(rows, 'question', () => 'all');
  const steps = gather(rows, 'question');
  const jobsCreated = gather(rows, 'job');
  let createdAll = 0;
  for (const c of jobsCreated.counts.values()) createdAll += n(c, 'created');

  const total = figures(all, 'all');
  const stepKeys = new Set(rows.filter((r) => r.scope === 'question').map((r) => r.subject));
  const names = new Map(flows.map((f) => [f.id, f.name]));
  const overTime: QuestionMonth[] = [];
  for (const m of monthsOf(period.from, period.to)) {
    const monthRows = await rollups(ctx, { ...period, from: m.from, to: m.to }, ['question', 'job'], {
      fold: false,
      samplesFor: [],
    });
    const byStep = gather(monthRows, 'question');
    const created = gather(monthRows, 'job');
    let jobs = 0;
    for (const c of created.counts.values()) jobs += n(c, 'created');
    let asked = 0;
    let deflected = 0;
    const monthSteps: QuestionMonth['steps'] = [];
    for (const [key, c] of byStep.counts) {
      const [wf = '', pos = '-1'] = key.split('|');
      const position = Number(pos);
      asked += n(c, 'asked');
      deflected += n(c, 'deflected');
      if (n(c, 'asked') === 0) continue;
      monthSteps.push({
        workflowId: wf || null,
        position: position >= 0 ? position : null,
        title: title(wf, position),
        asked: n(c, 'asked'),
        perJob: share(n(c, 'asked'), n(created.counts.get(wf), 'created')),
      });
    }
    monthSteps.sort((a, b) => b.asked - a.asked);
    overTime.push({ month: m.month, asked, jobs, perJob: share(asked, jobs), deflected, steps: monthSteps });
  }
  return {
    period: publicPeriod(period),
    hourlyRateCents: org.hourlyRateCents,
    /** A question's minutes per channel when nothing was entered or measured (settings). */
    questionMinutes: org.questionMinutes,
    total: { ...total, jobs: createdAll, perJob: share(total.asked, createdAll) },
    overTime,
    byChannel: channels.map((channel) => ({ channel, ...figures(all, 'all', channel) })),
    byStep: [...stepKeys]
      .map((key) => {
        const [wf = '', pos = '-1'] = key.split('|');
        const position = Number(pos);
        const created = n(jobsCreated.counts.get(wf), 'created');
        const step = figures(steps, key);
        return {
          workflowId: wf || null,
          workflowName: names.get(wf) ?? null,
          position: position >= 0 ? position : null,
          title: title(wf, position),
          ...step,
          perJob: share(step.asked, created),
        };
      })
      .sort(
        (a, b) =>
          (a.workflowName ?? '\uffff').localeCompare(b.workflowName ?? '\uffff') ||
          (a.position ?? -1) - (b.position ?? -1),
      ),
  };
}

export type SpecialistFigures = {
  id: string;
  name: string;
  role: string;
  active: boolean;
  jobs: number;
  steps: number;
  ratings: { count: number; average: number | null };
  kudos: number;
  answers: Distribution;
};

/** Per specialist: jobs and steps handled, ratings, kudos and answer times. A specialist sees their own. */
export async function specialistInsights(ctx: Ctx, input: PeriodInput & { specialistId?: string }) {
  const viewer = await insightsViewer(ctx);
  const org = await getOrganisation(ctx);
  const period = resolvePeriod(input, org.timeZone, ctx.clock.now());
  const wanted = viewer.all ? input.specialistId : viewer.specialistId;
  if (!viewer.all && input.specialistId && input.specialistId !== viewer.specialistId)
    throw notFound('specialist');
  const team = await ctx.db
    .select()
    .from(specialists)
    .where(
      and(
        eq(specialists.organisationId, ctx.organisationId),
        wanted ? eq(specialists.id, wanted) : undefined,
      ),
    )
    .orderBy(asc(specialists.name));
  if (wanted && team.length === 0) throw notFound('specialist');
  const people = gather(await rollups(ctx, period, ['person']), 'person');
  const figures: SpecialistFigures[] = team
    .map((s) => {
      const c = people.counts.get(s.id);
      const ratings = n(c, 'ratings');
      return {
        id: s.id,
        name: s.name,
        role: s.role,
        active: s.active,
        jobs: n(c, 'jobs'),
        steps: n(c, 'steps'),
        ratings: {
          count: ratings,
          average: ratings ? Math.round((n(c, 'ratingSum') / ratings) * 100) / 100 : null,
        },
        kudos: n(c, 'kudos'),
        answers: people.samples(s.id, 'answer'),
      };
    })
    // Former colleagues without figures in the period are left out; active ones always show.
    .filter((s) => s.active || s.steps || s.ratings.count || s.kudos || s.answers.count);
  return { period: publicPeriod(period), specialists: figures };
}

export const publicPeriod = (p: Period) => ({ from: p.from, to: p.to, days: p.days, timeZone: p.timeZone });

/** The promise record the tracker may show: steps of this kind of job finished by their first promise, last 90 days. */
/** Fewer promises than this say nothing honest about a record, so the tracker shows none. */
export const MIN_PROMISES_SHOWN = 10;

export async function promiseRecord(ctx: Ctx, workflowId: string | null, minimum = MIN_PROMISES_SHOWN) {
  return promiseRecordOf(ctx, await getOrganisation(ctx), workflowId, minimum, true);
}

/**
 * For the customer's tracker: by tracker token, without folding (the server folds on a timer, so a
 * page view never waits for it); null when the organisation has not switched the record on.
 */
export async function trackerPromiseRecord({ db, clock }: BaseCtx, token: string) {
  const found = await findTrackedJob(db, token);
  if (!found?.organisation.showPromiseRecord) return null;
  const ctx: Ctx = { db, clock, organisationId: found.organisation.id, actor: { type: 'system', id: null } };
  return promiseRecordOf(ctx, found.organisation, found.job.workflowId, MIN_PROMISES_SHOWN, false);
}

async function promiseRecordOf(
  ctx: Ctx,
  org: Organisation,
  workflowId: string | null,
  minimum: number,
  fold: boolean,
) {
  if (!org.showPromiseRecord) return null;
  const now = ctx.clock.now();
  const today = localDay(now, org.timeZone);
  const period = resolvePeriod({ from: dayString(today - 89), to: dayString(today) }, org.timeZone, now);
  const rows = await rollups(ctx, period, ['step'], { fold, samplesFor: [] });
  let promised = 0;
  let kept = 0;
  for (const row of rows) {
    if (row.subject.split('|')[0] !== (workflowId ?? '')) continue;
    promised += row.counts.promised ?? 0;
    kept += row.counts.kept ?? 0;
  }
  if (promised < Math.max(1, minimum)) return null;
  return { days: 90, promised, kept, share: kept / promised };
}
