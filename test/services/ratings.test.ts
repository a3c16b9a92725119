import { describe, expect, it } from 'vitest';
import { contextFor } from '../../src/runtime';
import {
  giveKudos,
  kudosFor,
  ratableSpecialists,
  rateSpecialist,
  ratingSummaries,
} from '../../src/services/customer-voice/ratings';
import { createJob } from '../../src/services/jobs/create-job';
import { getJob } from '../../src/services/jobs/read-job';
import { changeStepStatus } from '../../src/services/steps/change-step-status';
import { makeOrganisation, refusal, sampleJob, testRuntime } from '../helpers';

const rt = await testRuntime();
const org = await makeOrganisation(rt);
const customer = contextFor(rt, org.id, { type: 'customer', id: null });
const as = (id: string) => contextFor(rt, org.id, { type: 'specialist', id });

/** A job from the APK workflow (Intake by the mechanic, Keuring by the inspector), finished or not. */
async function job(finish = true) {
  const { jobId } = await createJob(org.ctx, { ...sampleJob(), workflowId: org.workflowId });
  const steps = (await getJob(org.ctx, jobId)).steps;
  if (finish) for (const s of steps) await changeStepStatus(org.ctx, jobId, s.id, 'finish');
  return { jobId, steps };
}

describe('rating the work', () => {
  it('lets the customer rate each specialist of a finished job once, 1 to 5, with a comment', async () => {
    const { jobId } = await job();
    const people = await ratableSpecialists(rt.database.db, jobId);
    expect(people.map((p) => p.name).sort()).toEqual(['Fatima El Amrani', 'Jan de Boer']);
    await rateSpecialist(customer, jobId, {
      specialistId: org.inspector.id,
      score: 5,
      comment: 'Heel duidelijk uitgelegd.',
    });
    expect(
      (await refusal(rateSpecialist(customer, jobId, { specialistId: org.inspector.id, score: 1 }))).code,
    ).toBe('already_rated');
    expect(
      (await refusal(rateSpecialist(customer, jobId, { specialistId: org.mechanic.id, score: 6 }))).details,
    ).toEqual({
      field: 'score',
    });
    expect(
      (await refusal(rateSpecialist(customer, jobId, { specialistId: org.retired.id, score: 4 }))).details,
    ).toEqual({ field: 'specialistId' });
    expect(
      (await ratableSpecialists(rt.database.db, jobId)).find((p) => p.id === org.inspector.id)?.score,
    ).toBe(5);
  });

  it('refuses ratings before the job is done', async () => {
    const { jobId } = await job(false);
    expect(
      (await refusal(rateSpecialist(customer, jobId, { specialistId: org.mechanic.id, score: 4 }))).code,
    ).toBe('job_not_done');
  });

  it('shows an average only from three ratings on', async () => {
    const before = await ratingSummaries(rt.database.db, [org.mechanic.id]);
    expect(before.get(org.mechanic.id)).toBeUndefined();
    for (const score of [4, 5, 3]) {
      const { jobId } = await job();
      await rateSpecialist(customer, jobId, { specialistId: org.mechanic.id, score });
    }
    expect((await ratingSummaries(rt.database.db, [org.mechanic.id])).get(org.mechanic.id)).toEqual({
      average: 4,
      count: 3,
    });
  });
});

describe('kudos', () => {
  it('lets a colleague give kudos on a step once, not to themselves, and the specialist sees them', async () => {
    const { jobId, steps } = await job();
    const keuring = steps[1]?.id ?? '';
    await giveKudos(as(org.mechanic.id), jobId, keuring, { note: 'Strak gekeurd!' });
    expect((await refusal(giveKudos(as(org.mechanic.id), jobId, keuring, {}))).code).toBe('already_given');
    expect((await refusal(giveKudos(as(org.inspector.id), jobId, keuring, {}))).details).toEqual({
      field: 'stepId',
    });
    expect(await kudosFor(org.ctx, org.inspector.id)).toEqual([
      expect.objectContaining({ from: 'Jan de Boer', step: 'Keuring', note: 'Strak gekeurd!' }),
    ]);
  });
});
