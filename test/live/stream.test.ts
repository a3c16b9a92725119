import { beforeAll, describe, expect, it } from 'vitest';
import { events } from '../../db/schema';
import { createApi } from '../../src/api';
import type { Runtime } from '../../src/runtime';
import { createJob } from '../../src/services/jobs/create-job';
import { getJob } from '../../src/services/jobs/read-job';
import { changeStepStatus } from '../../src/services/steps/change-step-status';
import { postNote } from '../../src/services/steps/post-note';
import { eventually, makeOrganisation, sampleJob, type TestOrg, testRuntime } from '../helpers';
import { readSse } from '../sse';

let rt: Runtime;
let org: TestOrg;

beforeAll(async () => {
  rt = await testRuntime({ config: { liveHeartbeatMs: 150 } });
  org = await makeOrganisation(rt);
});

async function trackedJob() {
  const { jobId, trackerToken } = await createJob(org.ctx, { ...sampleJob(), workflowId: org.workflowId });
  const steps = (await getJob(org.ctx, jobId)).steps.map((s) => s.id) as [string, string, string];
  return { jobId, token: trackerToken, steps };
}

async function open(token: string, headers: Record<string, string> = {}, query = '') {
  const controller = new AbortController();
  const response = await createApi(rt).request(`/api/v1/track/${token}/events${query}`, {
    headers,
    signal: controller.signal,
  });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
  if (!response.body) throw new Error('no body');
  return readSse(response.body, () => controller.abort());
}

/** The event types a stream delivered (test organisations are always open: no time-of-day re-plans). */
const delivered = (events: { json: { type: string } }[]) => events.map((e) => e.json.type);

describe('the tracker event stream', () => {
  it('sends the backlog, then live events, in order, with ids; never internal notes', async () => {
    const job = await trackedJob();
    await changeStepStatus(org.ctx, job.jobId, job.steps[0], 'start');
    const sse = await open(job.token);
    await sse.until((s) => s.events.length === 2);
    expect(sse.retry).toBe(2000);
    expect(sse.events.map((e) => e.json.type)).toEqual(['job.created', 'step.started']);

    await postNote(org.ctx, job.jobId, job.steps[0], {
      markdown: 'intern: klant belt veel',
      visibility: 'internal',
    });
    await postNote(org.ctx, job.jobId, job.steps[0], {
      markdown: 'Auto staat op de brug',
      visibility: 'customer',
    });
    await changeStepStatus(org.ctx, job.jobId, job.steps[0], 'finish');
    await sse.until((s) => s.events.some((e) => e.json.type === 'step.finished'));
    expect(delivered(sse.events)).toEqual(['job.created', 'step.started', 'note.posted', 'step.finished']);
    expect(JSON.stringify(sse.events)).not.toContain('intern');
    const ids = sse.events.map((e) => Number(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(sse.events.find((e) => e.json.type === 'step.finished')?.json).toMatchObject({
      type: 'step.finished',
      step: { status: 'done', title: 'Intake' },
    });
    sse.close();
  });

  it('resumes after Last-Event-ID with nothing missed or repeated', async () => {
    const job = await trackedJob();
    const first = await open(job.token);
    await first.until((s) => s.events.length === 1);
    await changeStepStatus(org.ctx, job.jobId, job.steps[0], 'start');
    await first.until((s) => s.events.length === 2);
    const lastSeen = first.events[1]?.id ?? '';
    first.close();

    // While disconnected, things happen.
    await postNote(org.ctx, job.jobId, job.steps[0], {
      markdown: 'Remmen vervangen',
      visibility: 'customer',
    });
    await changeStepStatus(org.ctx, job.jobId, job.steps[0], 'finish');

    const resumed = await open(job.token, { 'last-event-id': lastSeen });
    await resumed.until((s) => s.events.some((e) => e.json.type === 'step.finished'));
    await changeStepStatus(org.ctx, job.jobId, job.steps[1], 'start');
    // Events come in log order: once the last one written is here, anything extra would be too.
    await resumed.until((s) => s.events.some((e) => e.json.type === 'step.started'));
    expect(delivered(resumed.events)).toEqual(['note.posted', 'step.finished', 'step.started']);
    expect(Number(resumed.events[0]?.id)).toBeGreaterThan(Number(lastSeen));
    resumed.close();

    const byQuery = await open(job.token, {}, `?lastEventId=${lastSeen}`);
    await byQuery.until((s) => s.events.some((e) => e.json.type === 'step.started'));
    expect(delivered(byQuery.events)).toEqual(['note.posted', 'step.finished', 'step.started']);
    byQuery.close();
  });

  it('replays a long history completely, then goes live', async () => {
    const job = await trackedJob();
    const rows = Array.from({ length: 1200 }, (_, i) => ({
      organisationId: org.id,
      jobId: job.jobId,
      type: 'note.posted',
      visibility: i % 3 === 0 ? ('internal' as const) : ('customer' as const),
      actorType: 'system' as const,
      payload: { n: i },
      createdAt: Date.now(),
    }));
    await rt.database.db.insert(events).values(rows);
    const sse = await open(job.token);
    await sse.until((s) => s.events.length === 801);
    await changeStepStatus(org.ctx, job.jobId, job.steps[0], 'start');
    await sse.until((s) => s.events.length === 802);
    expect(sse.events.at(-1)?.json.type).toBe('step.started');
    expect(new Set(sse.events.map((e) => e.id)).size).toBe(802);
    sse.close();
  });

  it('keeps idle streams open with heartbeat comments', async () => {
    const job = await trackedJob();
    const sse = await open(job.token);
    await sse.until((s) => s.comments.length >= 2);
    expect(sse.comments[0]?.trim()).toBe('heartbeat');
    sse.close();
  });

  it('answers an unknown token with a 404 in the error shape, and a bad Last-Event-ID with 422', async () => {
    const app = createApi(rt);
    const res = await app.request('/api/v1/track/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/events');
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 'not_found' } });
    expect(res.headers.get('x-robots-tag')).toBe('noindex');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    const job = await trackedJob();
    const bad = await app.request(`/api/v1/track/${job.token}/events`, {
      headers: { 'last-event-id': 'abc' },
    });
    expect(bad.status).toBe(422);
  });

  it('lets go of subscribers that disconnect', async () => {
    const job = await trackedJob();
    const before = rt.live.hub.size;
    const sse = await open(job.token);
    await sse.until((s) => s.events.length === 1);
    expect(rt.live.hub.size).toBe(before + 1);
    sse.close();
    await eventually(() => rt.live.hub.size === before);
  });
});
