import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { organisations, publishedAnswers } from '../../db/schema';
import { contextFor } from '../../src/runtime';
import { answerQuestion, askQuestion } from '../../src/services/customer-voice/questions';
import { giveKudos, rateSpecialist } from '../../src/services/customer-voice/ratings';
import { insightJobs } from '../../src/services/insights/drill-down';
import {
  promiseRecord,
  questionInsights,
  resolvePeriod,
  specialistInsights,
  workflowInsights,
} from '../../src/services/insights/figures';
import { insightsBacklog } from '../../src/services/insights/fold';
import {
  coverPeriod,
  dayNumber,
  distribution,
  localDay,
  percentile,
  select,
} from '../../src/services/insights/rollup';
import { createJob } from '../../src/services/jobs/create-job';
import { getJob } from '../../src/services/jobs/read-job';
import { markAnswered } from '../../src/services/knowledge/search';
import { getWorkflow } from '../../src/services/organisation/workflows';
import { newId } from '../../src/services/platform/ids';
import { changeStepStatus } from '../../src/services/steps/change-step-status';
import { promiseStep } from '../../src/services/steps/promise-step';
import { fakeClock, makeOrganisation, refusal, sampleJob, type TestOrg, testRuntime } from '../helpers';

/**
 * A known history on a fake clock, then every figure checked exactly. All times are UTC; the
 * organisation is in Europe/Amsterdam (UTC+1 in November), so 2026-11-23 08:00Z is 09:00 local.
 */
const MIN = 60_000;
const t0 = Date.parse('2026-11-23T08:00:00Z');
const clock = fakeClock(t0);
const rt = await testRuntime({ clock });
let org: TestOrg;
const as = (id: string) => contextFor(rt, org.id, { type: 'specialist', id });
const customer = () => contextFor(rt, org.id, { type: 'customer', id: null });
const at = (ms: number) => clock.set(ms);
const ids: Record<string, string> = {};

async function newJob(start: number, name: string) {
  at(start);
  const { jobId, trackerToken } = await createJob(org.ctx, {
    ...sampleJob(`${name}-${org.id.slice(-4)}`),
    workflowId: org.workflowId,
  });
  const [intake, keuring, klaar] = (await getJob(org.ctx, jobId)).steps.map((s) => s.id) as [
    string,
    string,
    string,
  ];
  ids[name] = jobId;
  return { jobId, trackerToken, intake, keuring, klaar };
}

beforeAll(async () => {
  org = await makeOrganisation(rt);
  const step = (jobId: string, stepId: string, action: 'start' | 'finish' | 'skip', when: number) => {
    at(when);
    return changeStepStatus(org.ctx, jobId, stepId, action);
  };
  // The workflow promises Intake 15 min after creation and Keuring 60 min after that; Klaar has no promise.
  // Job A: late twice, a moved promise, the last step finished without being started.
  const a = await newJob(t0, 'A');
  await step(a.jobId, a.intake, 'start', t0 + 10 * MIN);
  await step(a.jobId, a.intake, 'finish', t0 + 20 * MIN);
  await step(a.jobId, a.keuring, 'start', t0 + 50 * MIN);
  at(t0 + 60 * MIN);
  await promiseStep(org.ctx, a.jobId, a.keuring, {
    promisedAt: t0 + 150 * MIN,
    reason: 'Onderdeel komt later',
  });
  await step(a.jobId, a.keuring, 'finish', t0 + 120 * MIN);
  await step(a.jobId, a.klaar, 'finish', t0 + 150 * MIN);

  // Job B: on time, no handoff gap before Keuring, a question on the tracker answered in 20 minutes.
  const b0 = t0 + 240 * MIN;
  const b = await newJob(b0, 'B');
  await step(b.jobId, b.intake, 'start', b0 + 5 * MIN);
  await step(b.jobId, b.intake, 'finish', b0 + 10 * MIN);
  await step(b.jobId, b.keuring, 'start', b0 + 10 * MIN);
  at(b0 + 20 * MIN);
  const qb = await askQuestion(customer(), b.jobId, {
    stepId: b.keuring,
    body: 'Wanneer is hij klaar?',
    channel: 'tracker',
  });
  at(b0 + 40 * MIN);
  await answerQuestion(as(org.inspector.id), qb.id, { answer: 'Vanmiddag.' });
  // A published answer at Keuring answered the customer's next question before it was sent.
  const answerId = newId('ans');
  const keuringStep = (await getWorkflow(org.ctx, org.workflowId)).steps[1]?.id ?? null;
  await rt.database.db.insert(publishedAnswers).values({
    id: answerId,
    organisationId: org.id,
    workflowId: org.workflowId,
    workflowStepId: keuringStep,
    roleId: org.inspector.roleId as string,
    status: 'published',
    question: 'Mag ik wachten?',
    answer: 'Ja, in de kantine.',
    authorId: org.inspector.id,
    createdAt: b0,
    updatedAt: b0,
  });
  at(b0 + 45 * MIN);
  await markAnswered({ db: rt.database.db, clock }, b.trackerToken, answerId);
  await step(b.jobId, b.keuring, 'finish', b0 + 70 * MIN);
  await step(b.jobId, b.klaar, 'skip', b0 + 80 * MIN);

  // Job C: late Intake; a phone question about Keuring answered after five hours (promised: four).
  const c0 = t0 + 360 * MIN;
  const c = await newJob(c0, 'C');
  await step(c.jobId, c.intake, 'start', c0 + 30 * MIN);
  await step(c.jobId, c.intake, 'finish', c0 + 60 * MIN);
  at(c0 + 70 * MIN);
  const qc = await askQuestion(as(org.mechanic.id), c.jobId, {
    stepId: c.keuring,
    body: 'Belde: kosten?',
    channel: 'phone',
  });
  at(c0 + 370 * MIN);
  await answerQuestion(as(org.inspector.id), qc.id, { answer: 'Teruggebeld.' });

  // Ratings and kudos for the finished jobs.
  at(t0 + 600 * MIN);
  await rateSpecialist(customer(), a.jobId, { specialistId: org.mechanic.id, score: 4 });
  await rateSpecialist(customer(), a.jobId, { specialistId: org.inspector.id, score: 5 });
  await rateSpecialist(customer(), b.jobId, { specialistId: org.mechanic.id, score: 2 });
  await giveKudos(as(org.inspector.id), a.jobId, a.intake, { note: 'Netjes' });

  // Two days later, Job D: one quick Intake, on time.
  const d0 = Date.parse('2026-11-25T09:00:00Z');
  const d = await newJob(d0, 'D');
  await step(d.jobId, d.intake, 'start', d0);
  await step(d.jobId, d.intake, 'finish', d0 + 12 * MIN);
  at(Date.parse('2026-11-26T12:00:00Z'));
});

const day23 = { from: '2026-11-23', to: '2026-11-23' };
const dist = (count: number, median: number | null, p90: number | null, mean: number | null) => ({
  count,
  median,
  p90,
  mean,
});

describe('percentiles (nearest rank)', () => {
  it('takes the value at rank ⌈p·n⌉, the lower middle for an even count', () => {
    expect(percentile([], 50)).toBeNull();
    expect(percentile([7], 90)).toBe(7);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4], 90)).toBe(4);
    const ten = Float64Array.from([10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
    expect(distribution(ten)).toEqual(dist(10, 5, 9, 6));
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 90)).toBe(10);
  });

  it('selects (without sorting) exactly the value sorting would give', () => {
    let seed = 7;
    const next = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed;
    };
    for (let round = 0; round < 200; round++) {
      const n = 1 + (next() % 300);
      // Few distinct values on some rounds, so ties are exercised too.
      const values = Array.from({ length: n }, () => next() % (round % 2 ? 7 : 1_000_000));
      const sorted = [...values].sort((a, b) => a - b);
      for (const p of [0, 1, 10, 50, 90, 99, 100]) {
        expect(select(Float64Array.from(values), p), `n=${n} p=${p}`).toBe(percentile(sorted, p));
      }
    }
  });

  it('covers a period with whole months and the loose days around them', () => {
    const d = (date: string) => dayNumber(date) ?? -1;
    expect(coverPeriod(d('2026-11-03'), d('2026-11-20'))).toEqual({
      months: [],
      days: [[d('2026-11-03'), d('2026-11-20')]],
    });
    expect(coverPeriod(d('2026-10-15'), d('2027-01-31'))).toEqual({
      months: [d('2026-11-01'), d('2026-12-01'), d('2027-01-01')],
      days: [[d('2026-10-15'), d('2026-10-31')]],
    });
    expect(coverPeriod(d('2026-02-01'), d('2026-03-02'))).toEqual({
      months: [d('2026-02-01')],
      days: [[d('2026-03-01'), d('2026-03-02')]],
    });
  });

  it('counts days in the organisation time zone', () => {
    // 23:30 UTC on the 23rd is already the 24th in Amsterdam.
    expect(localDay(Date.parse('2026-11-23T23:30:00Z'), 'Europe/Amsterdam')).toBe(
      localDay(Date.parse('2026-11-24T12:00:00Z'), 'UTC'),
    );
  });
});

describe('workflow insights from the event log', () => {
  it('gives every figure per step exactly', async () => {
    const { period, workflows } = await workflowInsights(org.ctx, day23);
    expect(period).toEqual({ from: '2026-11-23', to: '2026-11-23', days: 1, timeZone: 'Europe/Amsterdam' });
    // Reading folded the whole log first.
    expect(await insightsBacklog(rt.database.db)).toBe(0);
    expect(workflows).toHaveLength(1);
    const [apk] = workflows;
    expect(apk?.name).toBe('APK');
    expect(apk?.jobs).toEqual({
      created: 3,
      completed: 2,
      cancelled: 0,
      leadTime: dist(2, 80 * MIN, 150 * MIN, 115 * MIN),
    });
    const [intake, keuring, klaar] = apk?.steps ?? [];
    expect(intake).toEqual({
      position: 0,
      title: 'Intake',
      jobs: 3,
      skipped: 0,
      timeInStep: dist(3, 10 * MIN, 30 * MIN, 15 * MIN),
      waitBefore: dist(3, 10 * MIN, 30 * MIN, 15 * MIN),
      promises: {
        promised: 3,
        kept: 1,
        keptShare: 1 / 3,
        late: 2,
        averageLatenessMs: 25 * MIN,
        changed: 0,
        changedShare: 0,
        changes: 0,
      },
      questions: { asked: 0, perJob: 0 },
    });
    expect(keuring).toEqual({
      position: 1,
      title: 'Keuring',
      jobs: 2,
      skipped: 0,
      timeInStep: dist(2, 60 * MIN, 70 * MIN, 65 * MIN),
      waitBefore: dist(2, 0, 30 * MIN, 15 * MIN),
      promises: {
        promised: 2,
        kept: 1,
        keptShare: 0.5,
        late: 1,
        averageLatenessMs: 45 * MIN,
        changed: 1,
        changedShare: 0.5,
        changes: 1,
      },
      questions: { asked: 2, perJob: 2 / 3 },
    });
    expect(klaar).toEqual({
      position: 2,
      title: 'Klaar voor ophalen',
      jobs: 1,
      skipped: 1,
      timeInStep: dist(1, 0, 0, 0),
      waitBefore: dist(1, 30 * MIN, 30 * MIN, 30 * MIN),
      promises: {
        promised: 0,
        kept: 0,
        keptShare: null,
        late: 0,
        averageLatenessMs: null,
        changed: 0,
        changedShare: 0,
        changes: 0,
      },
      questions: { asked: 0, perJob: 0 },
    });
  });

  it('sums the chosen period only', async () => {
    const later = await workflowInsights(org.ctx, { from: '2026-11-24', to: '2026-11-25' });
    expect(later.workflows[0]?.steps[0]?.jobs).toBe(1);
    expect(later.workflows[0]?.steps[0]?.timeInStep).toEqual(dist(1, 12 * MIN, 12 * MIN, 12 * MIN));
    expect(later.workflows[0]?.steps[1]?.jobs).toBe(0);
    const all = await workflowInsights(org.ctx, {});
    expect(all.period).toMatchObject({ from: '2026-10-28', to: '2026-11-26', days: 30 });
    expect(all.workflows[0]?.steps[0]?.jobs).toBe(4);
    expect(all.workflows[0]?.jobs.created).toBe(4);
  });

  it('gives the same figures from month totals as from day totals', async () => {
    const strip = (r: Awaited<ReturnType<typeof workflowInsights>>) => r.workflows;
    const byDays = strip(await workflowInsights(org.ctx, { from: '2026-11-02', to: '2026-11-30' }));
    expect(strip(await workflowInsights(org.ctx, { from: '2026-11-01', to: '2026-11-30' }))).toEqual(byDays);
    expect(strip(await workflowInsights(org.ctx, { from: '2026-10-20', to: '2026-12-10' }))).toEqual(byDays);
    expect(byDays[0]?.steps[0]?.jobs).toBe(4);
    const q = await questionInsights(org.ctx, { from: '2026-10-20', to: '2026-12-10' });
    expect(q.total.answerTime).toEqual(dist(2, 20 * MIN, 300 * MIN, 160 * MIN));
  });

  it('drills down to the jobs behind a figure', async () => {
    const late = await insightJobs(org.ctx, {
      ...day23,
      kind: 'steps',
      workflowId: org.workflowId,
      position: 0,
      filter: 'late',
    });
    expect(late.total).toBe(2);
    expect(late.items.map((i) => i.jobId)).toEqual([ids.C, ids.A]);
    expect(late.items.map((i) => i.lateMs)).toEqual([45 * MIN, 5 * MIN]);
    const changed = await insightJobs(org.ctx, {
      ...day23,
      kind: 'steps',
      workflowId: org.workflowId,
      position: 1,
      filter: 'changed',
    });
    expect(changed.items.map((i) => [i.jobId, i.promiseChanges, i.waitMs, i.timeInStepMs])).toEqual([
      [ids.A, 1, 30 * MIN, 70 * MIN],
    ]);
    const skipped = await insightJobs(org.ctx, { ...day23, kind: 'steps', position: 2, filter: 'skipped' });
    expect(skipped.items.map((i) => i.jobId)).toEqual([ids.B]);
    const slow = await insightJobs(org.ctx, { ...day23, kind: 'questions', filter: 'late' });
    expect(slow.items.map((i) => [i.jobId, i.channel, i.answerMs, i.inTime])).toEqual([
      [ids.C, 'phone', 300 * MIN, false],
    ]);
  });
});

describe('question insights', () => {
  it('counts questions per job, step and channel, with answer times and their cost in effort', async () => {
    const q = await questionInsights(org.ctx, day23);
    expect(q.hourlyRateCents).toBe(6000);
    expect(q.total).toEqual({
      asked: 2,
      answered: 2,
      answerTime: dist(2, 20 * MIN, 300 * MIN, 160 * MIN),
      inTime: 1,
      inTimeShare: 0.5,
      // Effort, not waiting: neither was opened in the console nor had minutes entered, so each costs its
      // channel's default (tracker 5, phone 8 minutes): 13 minutes at €60 an hour.
      effortMinutes: 13,
      costCents: 1300,
      // One question answered by a published answer: a tracker question's 5 minutes saved.
      deflected: 1,
      savedMinutes: 5,
      savedCents: 500,
      // No paid consults were asked (test/services/paid-consults.test.ts counts them).
      consults: 0,
      consultNetCents: 0,
      jobs: 3,
      perJob: 2 / 3,
    });
    expect(q.questionMinutes).toEqual({ tracker: 5, phone: 8, desk: 10, email: 6 });
    expect(q.overTime).toEqual([
      {
        month: '2026-11',
        asked: 2,
        jobs: 3,
        perJob: 2 / 3,
        deflected: 1,
        steps: [{ workflowId: org.workflowId, position: 1, title: 'Keuring', asked: 2, perJob: 2 / 3 }],
      },
    ]);
    const channel = Object.fromEntries(q.byChannel.map((c) => [c.channel, c]));
    expect(channel.tracker).toMatchObject({
      asked: 1,
      answered: 1,
      inTimeShare: 1,
      effortMinutes: 5,
      costCents: 500,
      deflected: 1,
    });
    expect(channel.phone).toMatchObject({
      asked: 1,
      answered: 1,
      inTimeShare: 0,
      effortMinutes: 8,
      costCents: 800,
      deflected: 0,
    });
    expect(channel.email).toMatchObject({ asked: 0, answered: 0, inTimeShare: null, costCents: 0 });
    expect(q.byStep).toEqual([
      {
        workflowId: org.workflowId,
        workflowName: 'APK',
        position: 1,
        title: 'Keuring',
        asked: 2,
        answered: 2,
        answerTime: dist(2, 20 * MIN, 300 * MIN, 160 * MIN),
        inTime: 1,
        inTimeShare: 0.5,
        effortMinutes: 13,
        costCents: 1300,
        deflected: 1,
        savedMinutes: 5,
        savedCents: 500,
        consults: 0,
        consultNetCents: 0,
        perJob: 2 / 3,
      },
    ]);
  });

  it('prices answers at the hourly rate in settings', async () => {
    await rt.database.db
      .update(organisations)
      .set({ hourlyRateCents: 9000 })
      .where(eq(organisations.id, org.id));
    expect((await questionInsights(org.ctx, day23)).total).toMatchObject({
      costCents: 1950,
      savedCents: 750,
    });
    await rt.database.db
      .update(organisations)
      .set({ hourlyRateCents: 6000 })
      .where(eq(organisations.id, org.id));
  });
});

describe('specialist insights', () => {
  it('gives jobs and steps handled, ratings, kudos and answer times; former colleagues without work are left out', async () => {
    const { specialists } = await specialistInsights(org.ctx, day23);
    expect(specialists).toEqual([
      {
        id: org.inspector.id,
        name: 'Fatima El Amrani',
        role: 'APK-keurmeester',
        active: true,
        jobs: 2,
        steps: 2,
        ratings: { count: 1, average: 5 },
        kudos: 0,
        answers: dist(2, 20 * MIN, 300 * MIN, 160 * MIN),
      },
      {
        id: org.mechanic.id,
        name: 'Jan de Boer',
        role: 'Monteur',
        active: true,
        jobs: 3,
        steps: 3,
        ratings: { count: 2, average: 3 },
        kudos: 1,
        answers: dist(0, null, null, null),
      },
    ]);
  });

  it('shows a specialist their own figures only', async () => {
    const own = await specialistInsights(as(org.inspector.id), day23);
    expect(own.specialists.map((s) => s.id)).toEqual([org.inspector.id]);
    expect(
      (await refusal(specialistInsights(as(org.inspector.id), { ...day23, specialistId: org.mechanic.id })))
        .kind,
    ).toBe('not_found');
    expect((await refusal(workflowInsights(as(org.inspector.id), day23))).code).toBe('admin_only');
    const mine = await insightJobs(as(org.inspector.id), { ...day23, kind: 'steps' });
    expect(mine.total).toBe(2);
  });
});

describe('input and isolation', () => {
  it('names the field of a bad period', async () => {
    expect((await refusal(workflowInsights(org.ctx, { from: '2026-02-30' }))).details).toEqual({
      field: 'from',
    });
    expect(
      (await refusal(workflowInsights(org.ctx, { from: '2026-11-24', to: '2026-11-23' }))).details,
    ).toEqual({
      field: 'from',
    });
    expect(
      (await refusal(workflowInsights(org.ctx, { from: '2024-01-01', to: '2026-01-01' }))).message,
    ).toMatch(/366 days/);
    expect((await refusal(workflowInsights(org.ctx, { to: '2031-01-01' }))).details).toEqual({ field: 'to' });
    expect(() => resolvePeriod({ from: 'yesterday' }, 'UTC', t0)).toThrow(/from/);
  });

  it("does not show another organisation's workflow or jobs", async () => {
    const other = await makeOrganisation(rt);
    expect((await refusal(workflowInsights(other.ctx, { workflowId: org.workflowId }))).kind).toBe(
      'not_found',
    );
    expect((await refusal(insightJobs(other.ctx, { kind: 'steps', workflowId: org.workflowId }))).kind).toBe(
      'not_found',
    );
    expect((await insightJobs(other.ctx, { ...day23, kind: 'steps' })).total).toBe(0);
    const theirs = await workflowInsights(other.ctx, day23);
    expect(theirs.workflows[0]?.jobs.created).toBe(0);
  });
});

describe("the tracker's promise record", () => {
  it('is off until switched on, and counts steps finished by their first promise in the last 90 days', async () => {
    expect(await promiseRecord(org.ctx, org.workflowId, 1)).toBeNull();
    await rt.database.db
      .update(organisations)
      .set({ showPromiseRecord: true })
      .where(eq(organisations.id, org.id));
    // Intake 3 + 1, Keuring 2 promised; kept: Intake B and D, Keuring B.
    expect(await promiseRecord(org.ctx, org.workflowId, 1)).toEqual({
      days: 90,
      promised: 6,
      kept: 3,
      share: 0.5,
    });
    expect(await promiseRecord(org.ctx, org.workflowId)).toBeNull();
    expect(await promiseRecord(org.ctx, null, 1)).toBeNull();
  });
});
