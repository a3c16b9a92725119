import type { InsightMessages } from '../i18n/insights';
import { bookingInsights } from '../services/insights/booking-figures';
import {
  type DrillInput,
  insightJobs,
  QUESTION_FILTERS,
  type QuestionDrill,
  STEP_FILTERS,
  type StepDrill,
} from '../services/insights/drill-down';
import { feedbackInsights } from '../services/insights/feedback-figures';
import {
  insightsViewer,
  type PeriodInput,
  questionInsights,
  specialistInsights,
  workflowInsights,
} from '../services/insights/figures';
import { insightsBacklog } from '../services/insights/fold';
import { listWorkflows } from '../services/organisation/workflows';
import type { Ctx } from '../services/platform/context';
import { ServiceError } from '../services/platform/errors';

/** The console's insights: what the viewer may see for a period; a bad period falls back to the default. */
export async function loadInsights(ctx: Ctx, input: PeriodInput) {
  const viewer = await insightsViewer(ctx);
  const load = async (period: PeriodInput) => {
    const [flows, questions, people, feedback, bookings] = await Promise.all([
      viewer.all ? workflowInsights(ctx, period) : null,
      viewer.all ? questionInsights(ctx, period) : null,
      specialistInsights(ctx, period),
      viewer.all ? feedbackInsights(ctx, period) : null,
      viewer.all ? bookingInsights(ctx, period) : null,
    ]);
    return {
      viewer,
      period: people.period,
      workflows: flows?.workflows ?? null,
      questions,
      specialists: people.specialists,
      feedback,
      bookings: bookings?.figures ?? null,
      backlog: await insightsBacklog(ctx.db),
    };
  };
  try {
    return { ...(await load(input)), badPeriod: false };
  } catch (error) {
    if (!(error instanceof ServiceError) || error.kind !== 'invalid') throw error;
    return { ...(await load({})), badPeriod: true };
  }
}

export type LoadedInsights = Awaited<ReturnType<typeof loadInsights>>;

/** A link to the jobs behind a figure, for the same period. */
export function drillHref(
  period: { from: string; to: string },
  params: Record<string, string | number | null | undefined>,
): string {
  const query = new URLSearchParams({ from: period.from, to: period.to });
  for (const [key, value] of Object.entries(params))
    if (value !== null && value !== undefined) query.set(key, String(value));
  return `/console/insights/jobs?${query}`;
}

export const stepLabel = (t: InsightMessages, title: string | null, position: number) =>
  title ?? t.stepN.replace('{n}', String(position + 1));

const cell = (value: string | number | null | undefined) => {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\n\r;]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};
const minutes = (ms: number | null) => (ms === null ? '' : (ms / 60_000).toFixed(2));
const percent = (share: number | null) => (share === null ? '' : (share * 100).toFixed(1));

/** The page's tables as CSV (comma separated, a dot for decimals; minutes and percentages as plain numbers). */
export function insightsCsv(table: string, data: LoadedInsights, t: InsightMessages): string | null {
  const tt = t.table;
  const rows: (string | number | null)[][] = [];
  if (table === 'steps' && data.workflows) {
    rows.push([
      t.workflows,
      tt.step,
      tt.jobs,
      tt.skipped,
      `${tt.timeMedian} (min)`,
      `${tt.timeP90} (min)`,
      `${tt.waitMedian} (min)`,
      `${tt.waitP90} (min)`,
      tt.promised,
      tt.kept,
      `${tt.keptShare} (%)`,
      tt.late,
      `${tt.lateness} (min)`,
      tt.changed,
      `${tt.changedShare} (%)`,
      tt.questions,
      tt.perJob,
    ]);
    for (const w of data.workflows)
      for (const s of w.steps)
        rows.push([
          w.name ?? t.adHoc,
          stepLabel(t, s.title, s.position),
          s.jobs,
          s.skipped,
          minutes(s.timeInStep.median),
          minutes(s.timeInStep.p90),
          minutes(s.waitBefore.median),
          minutes(s.waitBefore.p90),
          s.promises.promised,
          s.promises.kept,
          percent(s.promises.keptShare),
          s.promises.late,
          minutes(s.promises.averageLatenessMs),
          s.promises.changed,
          percent(s.promises.changedShare),
          s.questions.asked,
          s.questions.perJob === null ? '' : s.questions.perJob.toFixed(3),
        ]);
  } else if (table === 'questions' && data.questions) {
    const q = t.questions;
    // The same figures per step and per channel, after two label columns.
    const heads = [
      q.asked,
      q.answered,
      `${q.medianAnswer} (min)`,
      `${q.p90Answer} (min)`,
      `${q.inTime} (%)`,
      `${q.costLabel} (cents)`,
    ];
    const figures = (
      g: (typeof data.questions.byChannel)[number] | (typeof data.questions.byStep)[number],
    ) => [
      g.asked,
      g.answered,
      minutes(g.answerTime.median),
      minutes(g.answerTime.p90),
      percent(g.inTimeShare),
      g.costCents,
    ];
    rows.push([t.workflows, tt.step, ...heads]);
    for (const s of data.questions.byStep)
      rows.push([
        s.workflowName ?? (s.workflowId ? '' : t.adHoc),
        s.position === null ? q.noStep : stepLabel(t, s.title, s.position),
        ...figures(s),
      ]);
    rows.push([]);
    rows.push([q.channel, '', ...heads]);
    for (const c of data.questions.byChannel) rows.push([q.channels[c.channel], '', ...figures(c)]);
  } else if (table === 'specialists') {
    const p = t.specialists;
    rows.push([
      p.name,
      p.jobs,
      p.stepsCol,
      p.ratings,
      p.average,
      p.kudos,
      p.answers,
      `${p.medianAnswer} (min)`,
    ]);
    for (const s of data.specialists)
      rows.push([
        s.name,
        s.jobs,
        s.steps,
        s.ratings.count,
        s.ratings.average,
        s.kudos,
        s.answers.count,
        minutes(s.answers.median),
      ]);
  } else return null;
  return `${rows.map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`;
}

/** The filters the drill-down offers for each kind of figure. */
export const drillFilters: Record<DrillInput['kind'], readonly string[]> = {
  steps: STEP_FILTERS,
  questions: QUESTION_FILTERS,
};

/**
 * The drill-down's query (src/pages/console/insights/jobs.astro): the figure it opens, as the insights
 * page links it; values it does not know fall back (steps, all, the first page).
 */
export function drillQuery(q: URLSearchParams): DrillInput {
  const text = (name: string) => q.get(name) || undefined;
  const integer = (name: string) => {
    const value = q.get(name);
    return value && /^\d{1,5}$/.test(value) ? Number(value) : undefined;
  };
  const kind = q.get('kind') === 'questions' ? 'questions' : 'steps';
  const filters = drillFilters[kind];
  return {
    kind,
    from: text('from'),
    to: text('to'),
    workflowId: text('workflowId'),
    position: integer('position'),
    channel: ['tracker', 'phone', 'desk', 'email'].includes(q.get('channel') ?? '')
      ? (q.get('channel') as string)
      : undefined,
    specialistId: text('specialistId'),
    filter: filters.includes(q.get('filter') ?? '') ? (q.get('filter') as string) : 'all',
    page: integer('page') ?? 0,
  };
}

/**
 * The jobs behind one figure, and the workflows that name its steps, read together. A bad period or an
 * unknown workflow or person is what the page says (`problem`, with its status), not a fault.
 */
export async function loadDrill(ctx: Ctx, input: DrillInput) {
  const [drill, flows] = await Promise.all([
    insightJobs(ctx, input).catch((error: unknown) => {
      if (error instanceof ServiceError && (error.kind === 'invalid' || error.kind === 'not_found'))
        return error;
      throw error;
    }),
    listWorkflows(ctx),
  ]);
  if (drill instanceof ServiceError) {
    return { drill: null, flows, problem: drill.kind as 'invalid' | 'not_found' };
  }
  return { drill: drill as StepDrill | QuestionDrill, flows, problem: null };
}
