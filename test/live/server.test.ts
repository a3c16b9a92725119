import { beforeAll, describe, expect, it } from 'vitest';
import { contextFor } from '../../src/runtime';
import { createJob } from '../../src/services/jobs/create-job';
import { getJob } from '../../src/services/jobs/read-job';
import { changeStepStatus } from '../../src/services/steps/change-step-status';
import { postNote } from '../../src/services/steps/post-note';
import { makeOrganisation, sampleJob, type TestOrg } from '../helpers';
import { startProduct } from '../server';
import { readSse } from '../sse';

let product: Awaited<ReturnType<typeof startProduct>>;
let org: TestOrg;

beforeAll(async () => {
  product = await startProduct({ LIVE_HEARTBEAT_MS: '1000' });
  org = await makeOrganisation(product.rt);
  // This runtime writes like a second app process: no in-process poke, only the server's log tail.
  org.ctx = contextFor(product.rt, org.id, { type: 'system', id: null });
  org.ctx.afterCommit = undefined;
});

async function open(path: string, headers: Record<string, string> = {}) {
  const controller = new AbortController();
  const response = await fetch(`${product.url}${path}`, { headers, signal: controller.signal });
  if (!response.body) throw new Error('no body');
  return { response, sse: readSse(response.body, () => controller.abort()) };
}

describe('live streams on the real server', () => {
  it('delivers events written by another process, resumes, and sends heartbeats', async () => {
    const { jobId, trackerToken } = await createJob(org.ctx, { ...sampleJob(), workflowId: org.workflowId });
    const [first] = (await getJob(org.ctx, jobId)).steps;
    const { response, sse } = await open(`/api/v1/track/${trackerToken}/events`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(response.headers.get('x-robots-tag')).toBe('noindex');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('x-request-id')).toBeTruthy();
    await sse.until((s) => s.events.length === 1);

    await changeStepStatus(org.ctx, jobId, first!.id, 'start');
    await postNote(org.ctx, jobId, first!.id, { markdown: 'alleen intern', visibility: 'internal' });
    await postNote(org.ctx, jobId, first!.id, { markdown: 'Auto staat op de brug', visibility: 'customer' });
    await sse.until((s) => s.events.length === 3);
    expect(sse.events.map((e) => e.json.type)).toEqual(['job.created', 'step.started', 'note.posted']);
    await sse.until((s) => s.comments.length > 0);
    const lastSeen = sse.events[1]?.id ?? '';
    sse.close();

    const again = await open(`/api/v1/track/${trackerToken}/events`, { 'last-event-id': lastSeen });
    await again.sse.until((s) => s.events.length === 1);
    await changeStepStatus(org.ctx, jobId, first!.id, 'finish');
    // Events come in log order: once the last one written is here, anything leaked would be too.
    await again.sse.until((s) => s.events.some((e) => e.json.type === 'step.finished'));
    expect(again.sse.events.map((e) => e.json.type)).toEqual(['note.posted', 'step.finished']);
    expect(JSON.stringify(again.sse.events)).not.toContain('intern');
    again.sse.close();
  });

  it('serves the tracker page with its headers, and 404 for a wrong token', async () => {
    const { trackerToken } = await createJob(org.ctx, { ...sampleJob(), workflowId: org.workflowId });
    const page = await fetch(`${product.url}/t/${trackerToken}`, { headers: { 'accept-language': 'en' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.headers.get('x-robots-tag')).toBe('noindex');
    const html = await page.text();
    expect(html).toContain('<html lang="nl"'); // the job's locale wins over the browser's
    expect(html).toContain('Intake');
    const wrong = await fetch(`${product.url}/t/not-a-real-token-at-all-123`);
    expect(wrong.status).toBe(404);
    expect(wrong.headers.get('x-robots-tag')).toBe('noindex');
    const api = await fetch(`${product.url}/api/v1/jobs`);
    expect(api.status).toBe(401);
    expect(await api.json()).toMatchObject({
      error: { code: 'unauthorized' },
      requestId: expect.any(String),
    });
  });

  it('serves the API reference without any CDN', async () => {
    const docs = await (await fetch(`${product.url}/api/docs`)).text();
    const sources = [...docs.matchAll(/src="([^"]+)"/g)].map((m) => m[1]);
    expect(sources.length).toBeGreaterThan(0);
    expect(sources.every((s) => s?.startsWith('/'))).toBe(true);
    const script = await fetch(`${product.url}${sources[0]}`);
    expect(script.status).toBe(200);
    expect((await script.arrayBuffer()).byteLength).toBeGreaterThan(100_000);
  });
});
