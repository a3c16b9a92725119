import { beforeAll, describe, expect, it } from 'vitest';
import { apiClient, makeOrganisation, sampleJob, type TestOrg, testRuntime } from '../helpers';

let call: ReturnType<typeof apiClient>;
let org: TestOrg;
let other: TestOrg;

beforeAll(async () => {
  const rt = await testRuntime();
  call = apiClient(rt);
  org = await makeOrganisation(rt);
  other = await makeOrganisation(rt);
});

const errorShape = {
  error: { code: expect.any(String), message: expect.any(String) },
  requestId: expect.any(String),
};

async function newJob(key = org.key) {
  const res = await call('POST', '/jobs', { key, body: { ...sampleJob(), workflowId: org.workflowId } });
  expect(res.status).toBe(201);
  return res.json as { id: string; trackerUrl: string; steps: { id: string }[] };
}

describe('authentication', () => {
  it('asks for a key, refuses unknown keys and read-only writes', async () => {
    const missing = await call('GET', '/jobs');
    expect(missing.status).toBe(401);
    expect(missing.json).toMatchObject(errorShape);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    expect((await call('GET', '/jobs', { key: 'ok_live_not-a-real-key' })).status).toBe(401);
    expect((await call('GET', '/jobs', { key: org.readKey })).status).toBe(200);
    const write = await call('POST', '/jobs', { key: org.readKey, body: sampleJob() });
    expect(write.status).toBe(403);
    expect(write.json.error.code).toBe('forbidden');
  });
});

describe('creating jobs', () => {
  it('returns the job with its tracker link, once', async () => {
    const res = await call('POST', '/jobs', {
      key: org.key,
      body: { ...sampleJob('WO-API-1'), workflowId: org.workflowId },
    });
    expect(res.status).toBe(201);
    expect(res.json.trackerUrl).toMatch(/^http:\/\/tracker\.test\/t\/[A-Za-z0-9_-]{32}$/);
    expect(res.json.steps).toHaveLength(3);
    expect(res.json.steps[0]).toMatchObject({
      title: 'Intake',
      status: 'pending',
      assignee: { name: 'Jan de Boer', role: 'Monteur' },
    });
    expect(res.headers.get('location')).toBe(`/api/v1/jobs/${res.json.id}`);
    const read = await call('GET', `/jobs/${res.json.id}`, { key: org.key });
    expect(read.status).toBe(200);
    expect(JSON.stringify(read.json)).not.toContain(res.json.trackerUrl.split('/t/')[1]);
  });

  it('names the invalid field in a 422', async () => {
    const res = await call('POST', '/jobs', {
      key: org.key,
      body: { reference: '', title: 'x', customer: {} },
    });
    expect(res.status).toBe(422);
    expect(res.json).toMatchObject(errorShape);
    const fields = res.json.error.details.fields.map((f: { field: string }) => f.field);
    expect(fields).toEqual(expect.arrayContaining(['body.reference', 'body.customer.name']));
    const badTime = await call('POST', '/jobs', {
      key: org.key,
      body: { ...sampleJob(), steps: [{ title: 'A', promisedAt: 'tomorrow' }] },
    });
    expect(badTime.status).toBe(422);
    expect(badTime.json.error.message).toMatch(/^body\.steps\.0\.promisedAt/);
  });

  it('answers malformed JSON with 400, a taken reference with 409', async () => {
    const malformed = await call('POST', '/jobs', { key: org.key, raw: '{"reference":' });
    expect(malformed.status).toBe(400);
    expect(malformed.json).toMatchObject(errorShape);
    await call('POST', '/jobs', { key: org.key, body: { ...sampleJob('DUP-1'), steps: [{ title: 'A' }] } });
    const dup = await call('POST', '/jobs', {
      key: org.key,
      body: { ...sampleJob('DUP-1'), steps: [{ title: 'A' }] },
    });
    expect(dup.status).toBe(409);
    expect(dup.json.error.code).toBe('reference_taken');
    const both = await call('POST', '/jobs', {
      key: org.key,
      body: { ...sampleJob(), workflowId: org.workflowId, steps: [{ title: 'A' }] },
    });
    expect(both.status).toBe(422);
    expect(both.json.error.details.field).toBe('steps');
  });
});

describe('changing a job', () => {
  it('starts, blocks, finishes steps; promises; notes; cost lines', async () => {
    const job = await newJob();
    const step = job.steps[0]?.id;
    const base = `/jobs/${job.id}/steps/${step}`;
    expect((await call('POST', `${base}/start`, { key: org.key })).json).toMatchObject({
      status: 'active',
      late: false,
    });
    const blocked = await call('POST', `${base}/block`, {
      key: org.key,
      body: { reason: 'Wacht op onderdeel' },
    });
    expect(blocked.json).toMatchObject({ status: 'blocked', blockedReason: 'Wacht op onderdeel' });
    const conflict = await call('POST', `${base}/block`, { key: org.key });
    expect(conflict.status).toBe(409);
    expect(conflict.json.error.code).toBe('invalid_transition');
    const promise = await call('PUT', `${base}/promise`, {
      key: org.key,
      body: { promisedAt: '2026-11-24T16:00:00+01:00', reason: 'Onderdeel komt morgen' },
    });
    expect(promise.status).toBe(200);
    expect(promise.json).toMatchObject({
      promisedAt: '2026-11-24T15:00:00.000Z',
      promiseReason: 'Onderdeel komt morgen',
    });
    const assign = await call('PUT', `${base}/assignee`, {
      key: org.key,
      body: { assigneeId: org.inspector.id },
    });
    expect(assign.json.assignee.name).toBe('Fatima El Amrani');
    const note = await call('POST', `${base}/notes`, {
      key: org.key,
      body: { markdown: 'Remmen **vervangen**' },
    });
    expect(note.status).toBe(201);
    expect(note.json).toMatchObject({
      visibility: 'customer',
      html: '<p>Remmen <strong>vervangen</strong></p>',
    });
    const line = await call('POST', `/jobs/${job.id}/cost-lines`, {
      key: org.key,
      body: { kind: 'part', description: 'Remblokken', quantity: 2, unitPriceCents: 4250, vatRate: 21 },
    });
    expect(line.status).toBe(201);
    expect(line.json).toMatchObject({
      state: 'estimate',
      netCents: 8500,
      vatCents: 1785,
      grossCents: 10285,
      vatRate: 21,
      quantity: 2,
    });
    const patched = await call('PATCH', `/jobs/${job.id}/cost-lines/${line.json.id}`, {
      key: org.key,
      body: { state: 'actual', quantity: 1.5 },
    });
    expect(patched.json).toMatchObject({ state: 'actual', netCents: 6375, estimateNetCents: 8500 });
    const badLine = await call('POST', `/jobs/${job.id}/cost-lines`, {
      key: org.key,
      body: { kind: 'gift', description: 'x', quantity: 0.0001, unitPriceCents: -1, vatRate: 21 },
    });
    expect(badLine.status).toBe(422);
    expect(badLine.json.error.details.fields.map((f: { field: string }) => f.field)).toEqual(
      expect.arrayContaining(['body.kind', 'body.quantity', 'body.unitPriceCents']),
    );
    expect(
      (await call('DELETE', `/jobs/${job.id}/cost-lines/${line.json.id}`, { key: org.key })).status,
    ).toBe(204);

    const log = await call('GET', `/jobs/${job.id}/events?limit=3`, { key: org.key });
    expect(log.json.events.map((e: { type: string }) => e.type)).toEqual([
      'job.created',
      'step.started',
      'step.blocked',
    ]);
    const rest = await call('GET', `/jobs/${job.id}/events?after=${log.json.nextAfter}`, { key: org.key });
    expect(rest.json.events.map((e: { type: string }) => e.type)).toEqual([
      'step.promise_changed',
      'step.promise_changed', // the next step, re-planned after the moved one
      'step.assigned',
      'note.posted',
      'cost_line.added',
      'cost_line.changed',
      'cost_line.removed',
    ]);
    expect(rest.json.nextAfter).toBeNull();
  });
});

describe('listing jobs', () => {
  it('filters, searches and pages with a cursor', async () => {
    const rt = await testRuntime();
    const list = apiClient(rt);
    const mine = await makeOrganisation(rt);
    for (let i = 0; i < 5; i++) {
      await list('POST', '/jobs', {
        key: mine.key,
        body: { ...sampleJob(`LIST-${i}`), steps: [{ title: 'A' }] },
      });
    }
    const first = await list('GET', '/jobs?limit=2', { key: mine.key });
    expect(first.json.jobs.map((j: { reference: string }) => j.reference)).toEqual(['LIST-4', 'LIST-3']);
    const second = await list('GET', `/jobs?limit=2&cursor=${first.json.nextCursor}`, { key: mine.key });
    expect(second.json.jobs.map((j: { reference: string }) => j.reference)).toEqual(['LIST-2', 'LIST-1']);
    const third = await list('GET', `/jobs?limit=2&cursor=${second.json.nextCursor}`, { key: mine.key });
    expect(third.json.jobs.map((j: { reference: string }) => j.reference)).toEqual(['LIST-0']);
    expect(third.json.nextCursor).toBeNull();
    expect((await list('GET', '/jobs?q=LIST%25', { key: mine.key })).json.jobs).toHaveLength(0);
    expect((await list('GET', '/jobs?q=L_ST', { key: mine.key })).json.jobs).toHaveLength(0);
    const search = await list('GET', '/jobs?q=LIST-3', { key: mine.key });
    expect(search.json.jobs).toHaveLength(1);
    expect(search.json.jobs[0].currentStep).toMatchObject({ title: 'A', status: 'pending' });
    expect((await list('GET', '/jobs?status=done', { key: mine.key })).json.jobs).toHaveLength(0);
    expect((await list('GET', '/jobs?limit=1000', { key: mine.key })).status).toBe(422);
    const badCursor = await list('GET', '/jobs?cursor=garbage', { key: mine.key });
    expect(badCursor.status).toBe(422);
    expect(badCursor.json.error.details.field).toBe('cursor');
  });
});

describe('another organisation', () => {
  it('gets 404 on every job route and changes nothing', async () => {
    const job = await newJob();
    const step = job.steps[0]?.id;
    const line = await call('POST', `/jobs/${job.id}/cost-lines`, {
      key: org.key,
      body: { kind: 'fee', description: 'Milieutoeslag', quantity: 1, unitPriceCents: 495, vatRate: 21 },
    });
    const before = await call('GET', `/jobs/${job.id}`, { key: org.key });
    const attempts: [string, string, unknown?][] = [
      ['GET', `/jobs/${job.id}`],
      ['GET', `/jobs/${job.id}/events`],
      ['POST', `/jobs/${job.id}/steps/${step}/start`],
      ['POST', `/jobs/${job.id}/steps/${step}/finish`],
      ['POST', `/jobs/${job.id}/steps/${step}/skip`],
      ['POST', `/jobs/${job.id}/steps/${step}/block`, { reason: 'x' }],
      ['PUT', `/jobs/${job.id}/steps/${step}/assignee`, { assigneeId: other.mechanic.id }],
      ['PUT', `/jobs/${job.id}/steps/${step}/promise`, { promisedAt: '2026-12-01T10:00:00Z' }],
      ['POST', `/jobs/${job.id}/steps/${step}/notes`, { markdown: 'hallo' }],
      [
        'POST',
        `/jobs/${job.id}/cost-lines`,
        { kind: 'fee', description: 'x', quantity: 1, unitPriceCents: 1, vatRate: 21 },
      ],
      ['PATCH', `/jobs/${job.id}/cost-lines/${line.json.id}`, { description: 'x' }],
      ['DELETE', `/jobs/${job.id}/cost-lines/${line.json.id}`],
    ];
    for (const [method, path, body] of attempts) {
      const res = await call(method, path, { key: other.key, body });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.json).toMatchObject(errorShape);
    }
    const list = await call('GET', '/jobs', { key: other.key });
    expect(list.json.jobs.map((j: { id: string }) => j.id)).not.toContain(job.id);
    const after = await call('GET', `/jobs/${job.id}`, { key: org.key });
    expect(after.json).toEqual(before.json);
  });
});

describe('the API document', () => {
  it('describes the API as OpenAPI 3.1 and unknown routes answer in the error shape', async () => {
    const doc = await call('GET', '/openapi.json');
    expect(doc.json.openapi).toBe('3.1.0');
    expect(Object.keys(doc.json.paths)).toEqual(
      expect.arrayContaining([
        '/jobs',
        '/jobs/{jobId}',
        '/jobs/{jobId}/steps/{stepId}/start',
        '/track/{token}/events',
      ]),
    );
    expect(doc.json.components.securitySchemes.bearer.scheme).toBe('bearer');
    const missing = await call('GET', '/nope', { key: org.key });
    expect(missing.status).toBe(404);
    expect(missing.json).toMatchObject(errorShape);
  });
});
