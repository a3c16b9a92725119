import { Socket } from 'node:net';
import { and, asc, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { events, insightSteps } from '../../db/schema';
import { foldInsights } from '../../src/services/insights/fold';
import { createJob } from '../../src/services/jobs/create-job';
import { getJob } from '../../src/services/jobs/read-job';
import { createWorkflow } from '../../src/services/organisation/workflows';
import { changeStepStatus } from '../../src/services/steps/change-step-status';
import { previewPromise, promiseStep } from '../../src/services/steps/promise-step';
import {
  fakeClock,
  makeOrganisation,
  PRODUCT_CALENDAR,
  refusal,
  sampleJob,
  type TestOrg,
  testRuntime,
} from '../helpers';
import { ON_POSTGRES } from '../postgres';

/**
 * Re-planning on a fake clock. The organisation works Monday to Friday 09:00–17:30 in
 * Europe/Amsterdam; Monday 23 November 2026 09:00 there is 08:00Z.
 */
const local = (time: string, date = '2026-11-23') => Date.parse(`${date}T${time}:00+01:00`);
const clock = fakeClock(local('09:00'));
const rt = await testRuntime({ clock });
let org: TestOrg;
let workflowId: string;

beforeAll(async () => {
  org = await makeOrganisation(rt, PRODUCT_CALENDAR);
  workflowId = await createWorkflow(org.ctx, {
    name: 'Reparatie',
    steps: [
      { title: 'Diagnose', expectedMinutes: 60 },
      { title: 'Reparatie', expectedMinutes: 120 },
      { title: 'Proefrit', expectedMinutes: 60 },
      { title: 'Klaar voor ophalen', expectedMinutes: 30 },
    ],
  });
});

async function newJob() {
  clock.set(local('09:00'));
  const { jobId } = await createJob(org.ctx, { ...sampleJob(), workflowId });
  const steps = (await getJob(org.ctx, jobId)).steps;
  return { jobId, ids: steps.map((s) => s.id) as [string, string, string, string] };
}

const promises = async (jobId: string) => (await getJob(org.ctx, jobId)).steps.map((s) => s.promisedAt);

const movedEvents = (jobId: string) =>
  rt.database.db
    .select()
    .from(events)
    .where(and(eq(events.jobId, jobId), eq(events.type, 'step.promise_changed')))
    .orderBy(asc(events.id));

describe('a plan that cascades', () => {
  it('plans a new job in working time', async () => {
    const { jobId } = await newJob();
    expect(await promises(jobId)).toEqual([local('10:00'), local('12:00'), local('13:00'), local('13:30')]);
  });

  it('moving a promise later re-plans the later steps, each with one event naming the one reason', async () => {
    const { jobId, ids } = await newJob();
    const moved = await promiseStep(org.ctx, jobId, ids[0], {
      promisedAt: local('16:00'),
      reason: 'De remschijven komen vanmiddag',
    });
    // 16:00 + 2 h: 1.5 h today, 0.5 h from 09:00 tomorrow.
    expect(await promises(jobId)).toEqual([
      local('16:00'),
      local('09:30', '2026-11-24'),
      local('10:30', '2026-11-24'),
      local('11:00', '2026-11-24'),
    ]);
    expect(moved.replanned.map((c) => c.stepId)).toEqual(ids.slice(1));
    const log = await movedEvents(jobId);
    expect(log.map((e) => e.stepId)).toEqual(ids);
    for (const e of log.slice(1)) {
      expect(e.payload).toMatchObject({
        reason: 'De remschijven komen vanmiddag',
        cause: { stepId: ids[0], kind: 'moved' },
      });
    }
    const { steps } = await getJob(org.ctx, jobId);
    expect(steps[3]).toMatchObject({
      originalPromisedAt: local('13:30'),
      promiseReason: 'De remschijven komen vanmiddag',
      promiseCauseStepId: ids[0],
    });
  });

  it('a promise that moves later needs a reason; an earlier one does not', async () => {
    const { jobId, ids } = await newJob();
    const refused = await refusal(promiseStep(org.ctx, jobId, ids[1], { promisedAt: local('15:00') }));
    expect(refused.code).toBe('invalid_input');
    expect(refused.details).toEqual({ field: 'reason' });
    const blank = await refusal(
      promiseStep(org.ctx, jobId, ids[1], { promisedAt: local('15:00'), reason: '  ' }),
    );
    expect(blank.details).toEqual({ field: 'reason' });
    await promiseStep(org.ctx, jobId, ids[1], { promisedAt: local('11:30') });
    expect(await promises(jobId)).toEqual([local('10:00'), local('11:30'), local('12:30'), local('13:00')]);
  });

  it('an early finish brings the later promises forward', async () => {
    const { jobId, ids } = await newJob();
    await changeStepStatus(org.ctx, jobId, ids[0], 'start');
    clock.set(local('09:30'));
    await changeStepStatus(org.ctx, jobId, ids[0], 'finish');
    expect(await promises(jobId)).toEqual([local('10:00'), local('11:30'), local('12:30'), local('13:00')]);
    const log = await movedEvents(jobId);
    expect(log).toHaveLength(3);
    expect(log[0]?.payload).toMatchObject({ reason: null, cause: { stepId: ids[0], kind: 'finished' } });
  });

  it('a late finish pushes the later promises back', async () => {
    const { jobId, ids } = await newJob();
    await changeStepStatus(org.ctx, jobId, ids[0], 'start');
    clock.set(local('11:00'));
    await changeStepStatus(org.ctx, jobId, ids[0], 'finish');
    expect(await promises(jobId)).toEqual([local('10:00'), local('13:00'), local('14:00'), local('14:30')]);
  });

  it('a finish within a quarter of an hour of its promise leaves the plan alone', async () => {
    const { jobId, ids } = await newJob();
    clock.set(local('10:05'));
    await changeStepStatus(org.ctx, jobId, ids[0], 'finish');
    expect(await movedEvents(jobId)).toHaveLength(0);
  });

  it('skipping a step plans the next ones from the step before it', async () => {
    const { jobId, ids } = await newJob();
    clock.set(local('09:10'));
    await changeStepStatus(org.ctx, jobId, ids[1], 'skip', { reason: 'Niet nodig' });
    // Diagnose is still promised for 10:00; without the repair the test drive follows it.
    expect(await promises(jobId)).toEqual([local('10:00'), local('12:00'), local('11:00'), local('11:30')]);
    const log = await movedEvents(jobId);
    expect(log.map((e) => e.payload.cause)).toEqual([
      { stepId: ids[1], kind: 'skipped' },
      { stepId: ids[1], kind: 'skipped' },
    ]);
  });

  it('a fixed appointment does not move; it is flagged at risk for staff', async () => {
    const { jobId, ids } = await newJob();
    await promiseStep(org.ctx, jobId, ids[2], { promisedAt: local('13:00'), fixed: true });
    await promiseStep(org.ctx, jobId, ids[0], { promisedAt: local('12:00'), reason: 'Onderdeel later' });
    const { steps } = await getJob(org.ctx, jobId);
    expect(steps.map((s) => s.promisedAt)).toEqual([
      local('12:00'),
      local('14:00'),
      local('13:00'),
      local('15:30'), // after the test drive that no longer fits before 13:00 (14:00–15:00)
    ]);
    expect(steps.map((s) => s.atRisk)).toEqual([false, false, true, false]);
    const [risk] = await rt.database.db
      .select()
      .from(events)
      .where(and(eq(events.jobId, jobId), eq(events.type, 'step.at_risk')));
    expect(risk).toMatchObject({ stepId: ids[2], visibility: 'internal', payload: { atRisk: true } });
    // Moving back in time lifts the risk.
    await promiseStep(org.ctx, jobId, ids[0], { promisedAt: local('09:30') });
    expect((await getJob(org.ctx, jobId)).steps[2]?.atRisk).toBe(false);
  });

  it('the preview shows what a move would do, without saving it', async () => {
    const { jobId, ids } = await newJob();
    const preview = await previewPromise(org.ctx, jobId, ids[0], {
      promisedAt: local('11:00'),
      reason: 'Later',
    });
    expect(preview.map((c) => [c.title, c.previousPromisedAt, c.promisedAt])).toEqual([
      ['Reparatie', local('12:00'), local('13:00')],
      ['Proefrit', local('13:00'), local('14:00')],
      ['Klaar voor ophalen', local('13:30'), local('14:30')],
    ]);
    expect(await promises(jobId)).toEqual([local('10:00'), local('12:00'), local('13:00'), local('13:30')]);
    expect(await movedEvents(jobId)).toHaveLength(0);
    expect(
      (await refusal(previewPromise(org.ctx, jobId, ids[0], { promisedAt: local('11:00') }))).details,
    ).toEqual({
      field: 'reason',
    });
  });

  it('steps without a workflow duration keep the working time the old plan gave them', async () => {
    clock.set(local('09:00'));
    const { jobId } = await createJob(org.ctx, {
      ...sampleJob(),
      steps: [
        { title: 'Intake', promisedAt: local('10:00') },
        { title: 'Taxatie', promisedAt: local('17:00') },
        { title: 'Advies', promisedAt: local('10:00', '2026-11-24') },
      ],
    });
    const ids = (await getJob(org.ctx, jobId)).steps.map((s) => s.id);
    await promiseStep(org.ctx, jobId, ids[0] ?? '', { promisedAt: local('11:00'), reason: 'Later begonnen' });
    // 7 working hours to Taxatie, then 1.5 working hours (17:00–17:30, 09:00–10:00) to Advies.
    expect(await promises(jobId)).toEqual([
      local('11:00'),
      local('09:30', '2026-11-24'),
      local('11:00', '2026-11-24'),
    ]);
  });

  it('insights keep measuring against the first promise', async () => {
    const { jobId, ids } = await newJob();
    await promiseStep(org.ctx, jobId, ids[0], { promisedAt: local('11:00'), reason: 'Later' });
    await changeStepStatus(org.ctx, jobId, ids[0], 'start');
    clock.set(local('10:30'));
    await changeStepStatus(org.ctx, jobId, ids[0], 'finish');
    await foldInsights(rt.database.db);
    const rows = await rt.database.db.select().from(insightSteps).where(eq(insightSteps.jobId, jobId));
    const byStep = new Map(rows.map((r) => [r.stepId, r]));
    expect(byStep.get(ids[0])?.firstPromisedAt).toBe(local('10:00'));
    expect(byStep.get(ids[3])?.firstPromisedAt).toBe(local('13:30'));
    expect(byStep.get(ids[3])?.promiseChanges).toBeGreaterThan(0);
  });

  it('saves the later steps together: on PostgreSQL a re-plan costs as many round trips for three steps as for one', async () => {
    // System calls that write to the database's socket: statements asked for in the same tick leave in one.
    const writes = [vi.spyOn(Socket.prototype, '_write'), vi.spyOn(Socket.prototype, '_writev')];
    const socketWrites = () => writes.reduce((n, spy) => n + spy.mock.calls.length, 0);
    const roundTrips = async (step: 0 | 2) => {
      const { jobId, ids } = await newJob();
      const before = socketWrites();
      const moved = await promiseStep(org.ctx, jobId, ids[step], {
        promisedAt: local('16:00'),
        reason: 'Later',
      });
      const sent = socketWrites() - before;
      // Each moved step logged once, in the steps' order.
      expect(moved.replanned.map((c) => c.stepId)).toEqual(ids.slice(step + 1));
      expect((await movedEvents(jobId)).map((e) => e.stepId)).toEqual(ids.slice(step));
      return sent;
    };
    try {
      const three = await roundTrips(0);
      const one = await roundTrips(2);
      if (ON_POSTGRES) expect(three).toBe(one);
    } finally {
      for (const spy of writes) spy.mockRestore();
    }
  });
});
