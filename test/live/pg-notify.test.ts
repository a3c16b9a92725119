import { beforeAll, describe, expect, it } from 'vitest';
import { contextFor } from '../../src/runtime';
import { createJob } from '../../src/services/jobs/create-job';
import { getJob } from '../../src/services/jobs/read-job';
import { changeStepStatus } from '../../src/services/steps/change-step-status';
import { makeOrganisation, sampleJob, type TestOrg } from '../helpers';
import { ON_POSTGRES } from '../postgres';
import { startProduct } from '../server';
import { readSse } from '../sse';

/**
 * On PostgreSQL, an event written by another process reaches a live stream because that process's
 * commit notifies this one (LISTEN/NOTIFY), not because this one polls: the server's unwoken read of
 * the log is set to once an hour here, so without the notification nothing would arrive.
 */
describe.runIf(ON_POSTGRES)('live streams across processes on PostgreSQL', () => {
  let product: Awaited<ReturnType<typeof startProduct>>;
  let org: TestOrg;

  beforeAll(async () => {
    product = await startProduct({ LIVE_SAFETY_POLL_MS: '3600000' });
    org = await makeOrganisation(product.rt);
    // This runtime writes like a second app process: no in-process poke.
    org.ctx = contextFor(product.rt, org.id, { type: 'system', id: null });
    org.ctx.afterCommit = undefined;
  });

  it('delivers another process’s events on its notification, in order', async () => {
    const { jobId, trackerToken } = await createJob(org.ctx, { ...sampleJob(), workflowId: org.workflowId });
    const steps = (await getJob(org.ctx, jobId)).steps;
    const controller = new AbortController();
    const response = await fetch(`${product.url}/api/v1/track/${trackerToken}/events`, {
      signal: controller.signal,
    });
    if (!response.body) throw new Error('no body');
    const sse = readSse(response.body, () => controller.abort());
    await sse.until((s) => s.events.length === 1);
    for (const step of steps.slice(0, 2)) {
      await changeStepStatus(org.ctx, jobId, step.id, 'start');
      await changeStepStatus(org.ctx, jobId, step.id, 'finish');
    }
    await sse.until((s) => s.events.filter((e) => e.json.type === 'step.finished').length === 2);
    const ids = sse.events.map((e) => Number(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(sse.events.map((e) => e.json.type)).toEqual([
      'job.created',
      'step.started',
      'step.finished',
      'step.started',
      'step.finished',
    ]);
    sse.close();
  });
});
