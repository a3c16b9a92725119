import { asc, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { events, jobs } from '../../db/schema';
import { addCostLine, changeCostLine, removeCostLine } from '../../src/services/costs/cost-lines';
import { createJob } from '../../src/services/jobs/create-job';
import { getJob } from '../../src/services/jobs/read-job';
import { ServiceError } from '../../src/services/platform/errors';
import { sha256 } from '../../src/services/platform/ids';
import { assignStep } from '../../src/services/steps/assign-step';
import { changeStepStatus } from '../../src/services/steps/change-step-status';
import { postNote } from '../../src/services/steps/post-note';
import { promiseStep } from '../../src/services/steps/promise-step';
import { getTrackerView } from '../../src/services/tracker/tracker';
import { fakeClock, makeOrganisation, sampleJob, type TestOrg, testRuntime } from '../helpers';

const clock = fakeClock();
let rt: Awaited<ReturnType<typeof testRuntime>>;
let org: TestOrg;

beforeAll(async () => {
  rt = await testRuntime({ clock });
  org = await makeOrganisation(rt);
});

const kindOf = async (p: Promise<unknown>) => {
  const error = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ServiceError);
  return (error as ServiceError).code;
};

const logOf = (jobId: string) =>
  rt.database.db.select().from(events).where(eq(events.jobId, jobId)).orderBy(asc(events.id));

describe('creating a job', () => {
  it('builds steps, promises and assignees from a workflow and logs job.created', async () => {
    const start = clock.now();
    const { jobId, trackerToken } = await createJob(org.ctx, { ...sampleJob(), workflowId: org.workflowId });
    const { steps } = await getJob(org.ctx, jobId);
    expect(steps.map((s) => s.title)).toEqual(['Intake', 'Keuring', 'Klaar voor ophalen']);
    expect(steps.map((s) => s.assigneeId)).toEqual([org.mechanic.id, org.inspector.id, null]);
    expect(steps.map((s) => s.promisedAt)).toEqual([start + 15 * 60_000, start + 75 * 60_000, null]);
    expect(trackerToken.length).toBeGreaterThanOrEqual(22); // ≥ 128 bits in base64url
    const [row] = await rt.database.db.select().from(jobs).where(eq(jobs.id, jobId));
    expect(row?.trackerTokenHash).toBe(sha256(trackerToken));
    expect(JSON.stringify(row)).not.toContain(trackerToken);
    expect((await logOf(jobId)).map((e) => e.type)).toEqual(['job.created']);
  });

  it('refuses a reference the organisation already used, and leaves nothing behind', async () => {
    const job = sampleJob();
    await createJob(org.ctx, { ...job, steps: [{ title: 'Een' }] });
    const before = (await rt.database.db.select().from(jobs)).length;
    expect(await kindOf(createJob(org.ctx, { ...job, steps: [{ title: 'Twee' }] }))).toBe('reference_taken');
    expect((await rt.database.db.select().from(jobs)).length).toBe(before);
  });

  it('lets two organisations use the same reference', async () => {
    const other = await makeOrganisation(rt);
    const job = sampleJob();
    await createJob(org.ctx, { ...job, steps: [{ title: 'Een' }] });
    await expect(createJob(other.ctx, { ...job, steps: [{ title: 'Een' }] })).resolves.toBeTruthy();
  });

  it('refuses an assignee from another organisation or a deactivated one, naming the field', async () => {
    const other = await makeOrganisation(rt);
    const error = await createJob(org.ctx, {
      ...sampleJob(),
      steps: [{ title: 'A' }, { title: 'B', assigneeId: other.mechanic.id }],
    }).catch((e) => e);
    expect(error).toBeInstanceOf(ServiceError);
    expect(error.details).toEqual({ field: 'steps.1.assigneeId' });
    expect(
      await kindOf(
        createJob(org.ctx, { ...sampleJob(), steps: [{ title: 'A', assigneeId: org.retired.id }] }),
      ),
    ).toBe('invalid_input');
    expect(await kindOf(createJob(org.ctx, { ...sampleJob(), workflowId: other.workflowId }))).toBe(
      'invalid_input',
    );
  });
});

describe('steps', () => {
  it('moves through start, block, start, finish; the job completes when the last step closes', async () => {
    const { jobId } = await createJob(org.ctx, {
      ...sampleJob(),
      steps: [{ title: 'Diagnose' }, { title: 'Reparatie' }],
    });
    const [a, b] = (await getJob(org.ctx, jobId)).steps as unknown as [{ id: string }, { id: string }];
    clock.advance(60_000);
    const started = await changeStepStatus(org.ctx, jobId, a.id, 'start');
    expect(started).toMatchObject({ status: 'active', startedAt: clock.now() });
    const blocked = await changeStepStatus(org.ctx, jobId, a.id, 'block', { reason: 'Wacht op onderdeel' });
    expect(blocked).toMatchObject({ status: 'blocked', blockedReason: 'Wacht op onderdeel' });
    expect(await kindOf(changeStepStatus(org.ctx, jobId, a.id, 'block'))).toBe('invalid_transition');
    await changeStepStatus(org.ctx, jobId, a.id, 'start');
    clock.advance(60_000);
    const done = await changeStepStatus(org.ctx, jobId, a.id, 'finish');
    expect(done).toMatchObject({ status: 'done', doneAt: clock.now(), blockedReason: null });
    expect(await kindOf(changeStepStatus(org.ctx, jobId, a.id, 'start'))).toBe('invalid_transition');
    await changeStepStatus(org.ctx, jobId, b.id, 'skip');
    expect((await getJob(org.ctx, jobId)).job.status).toBe('done');
    expect(await kindOf(changeStepStatus(org.ctx, jobId, b.id, 'start'))).toBe('job_closed');
    expect((await logOf(jobId)).map((e) => e.type)).toEqual([
      'job.created',
      'step.started',
      'step.blocked',
      'step.started',
      'step.finished',
      'step.skipped',
      'job.completed',
    ]);
  });

  it('keeps the first promise and logs each change with the previous one and the reason', async () => {
    const { jobId } = await createJob(org.ctx, {
      ...sampleJob(),
      steps: [{ title: 'Reparatie', promisedAt: clock.now() + 3_600_000 }],
    });
    const [step] = (await getJob(org.ctx, jobId)).steps;
    const first = clock.now() + 3_600_000;
    const moved = await promiseStep(org.ctx, jobId, step!.id, {
      promisedAt: first + 7_200_000,
      reason: 'Onderdeel komt morgen',
    });
    expect(moved).toMatchObject({
      promisedAt: first + 7_200_000,
      originalPromisedAt: first,
      promiseReason: 'Onderdeel komt morgen',
    });
    const last = (await logOf(jobId)).at(-1);
    expect(last?.type).toBe('step.promise_changed');
    expect(last?.payload).toMatchObject({ previousPromisedAt: first, reason: 'Onderdeel komt morgen' });
  });

  it('assigns and unassigns, refusing strangers', async () => {
    const { jobId } = await createJob(org.ctx, { ...sampleJob(), steps: [{ title: 'A' }] });
    const [step] = (await getJob(org.ctx, jobId)).steps;
    expect((await assignStep(org.ctx, jobId, step!.id, org.inspector.id)).assignee?.name).toBe(
      'Fatima El Amrani',
    );
    expect((await assignStep(org.ctx, jobId, step!.id, null)).assignee).toBeNull();
    expect(await kindOf(assignStep(org.ctx, jobId, step!.id, 'spec_nope'))).toBe('invalid_input');
  });

  it("hides another organisation's job and steps", async () => {
    const other = await makeOrganisation(rt);
    const { jobId } = await createJob(org.ctx, { ...sampleJob(), steps: [{ title: 'A' }] });
    const [step] = (await getJob(org.ctx, jobId)).steps;
    expect(await kindOf(getJob(other.ctx, jobId))).toBe('not_found');
    expect(await kindOf(changeStepStatus(other.ctx, jobId, step!.id, 'start'))).toBe('not_found');
    expect((await getJob(org.ctx, jobId)).steps[0]?.status).toBe('pending');
  });

  it('answers a step write with what is missing: the job (also another organisation’s), else the step', async () => {
    const other = await makeOrganisation(rt);
    const { jobId } = await createJob(org.ctx, { ...sampleJob(), steps: [{ title: 'A' }] });
    const [step] = (await getJob(org.ctx, jobId)).steps;
    const what = async (p: Promise<unknown>) => {
      const error = await p.then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ServiceError);
      return `${(error as ServiceError).code} ${(error as ServiceError).params?.what ?? ''}`.trim();
    };
    const writes = (ctx: TestOrg['ctx'], job: string, stepId: string) => [
      () => changeStepStatus(ctx, job, stepId, 'start'),
      () => promiseStep(ctx, job, stepId, { promisedAt: clock.now() + 3_600_000 }),
      () => assignStep(ctx, job, stepId, null),
      () => postNote(ctx, job, stepId, { markdown: 'x', visibility: 'internal' }),
    ];
    for (const write of writes(other.ctx, jobId, step!.id)) expect(await what(write())).toBe('not_found job');
    for (const write of writes(org.ctx, 'job_nope', step!.id))
      expect(await what(write())).toBe('not_found job');
    for (const write of writes(org.ctx, jobId, 'step_nope'))
      expect(await what(write())).toBe('not_found step');
    expect((await logOf(jobId)).map((e) => e.type)).not.toContain('step.started');
  });
});

describe('notes', () => {
  it('renders Markdown safely and keeps internal notes off the tracker', async () => {
    const { jobId, trackerToken } = await createJob(org.ctx, { ...sampleJob(), steps: [{ title: 'A' }] });
    const [step] = (await getJob(org.ctx, jobId)).steps;
    const note = await postNote(org.ctx, jobId, step!.id, {
      markdown: '**Klaar**<script>alert(1)</script> [link](javascript:alert(1)) <img src=x onerror=alert(1)>',
      visibility: 'customer',
      authorId: org.mechanic.id,
    });
    expect(note.html).toContain('<strong>Klaar</strong>');
    expect(note.html).not.toMatch(/script|onerror|javascript:|<img/i);
    await postNote(org.ctx, jobId, step!.id, { markdown: 'Klant is lastig', visibility: 'internal' });
    const view = await getTrackerView(rt.database.db, trackerToken);
    expect(view?.notes.map((n) => n.author?.name)).toEqual(['Jan de Boer']);
    expect(JSON.stringify(view)).not.toContain('lastig');
    const log = await logOf(jobId);
    expect(log.at(-1)).toMatchObject({ type: 'note.posted', visibility: 'internal' });
  });
});

describe('cost lines', () => {
  it('computes lines in integer cents and keeps the estimate when a line becomes actual', async () => {
    const { jobId } = await createJob(org.ctx, { ...sampleJob(), steps: [{ title: 'A' }] });
    const labour = await addCostLine(org.ctx, jobId, {
      kind: 'labour',
      description: 'Arbeid',
      quantityMilli: 1500,
      unitPriceCents: 8950,
      vatRateBp: 2100,
      state: 'estimate',
      specialistId: org.mechanic.id,
    });
    expect(labour).toMatchObject({
      netCents: 13425,
      vatCents: 2819,
      estimateNetCents: 13425,
      specialistName: 'Jan de Boer',
    });
    const actual = await changeCostLine(org.ctx, jobId, labour.id, { quantityMilli: 2000, state: 'actual' });
    expect(actual).toMatchObject({ netCents: 17900, estimateNetCents: 13425, state: 'actual' });
    const discount = await addCostLine(org.ctx, jobId, {
      kind: 'discount',
      description: 'Vaste klant',
      quantityMilli: 1000,
      unitPriceCents: 1000,
      vatRateBp: 2100,
      state: 'actual',
    });
    expect(discount.netCents).toBe(-1000);
    const { totals } = await getJob(org.ctx, jobId);
    expect(totals).toMatchObject({ netCents: 16900, vatCents: 3549, grossCents: 20449, final: true });
    await removeCostLine(org.ctx, jobId, discount.id);
    expect((await getJob(org.ctx, jobId)).costLines.map((l) => l.id)).toEqual([labour.id]);
    expect((await logOf(jobId)).map((e) => e.type).slice(-4)).toEqual([
      'cost_line.added',
      'cost_line.changed',
      'cost_line.added',
      'cost_line.removed',
    ]);
    expect(await kindOf(changeCostLine(org.ctx, jobId, discount.id, { description: 'x' }))).toBe('not_found');
  });
});
