import { describe, expect, it } from 'vitest';
import { specialists } from '../../db/schema';
import { createJob } from '../../src/services/jobs/create-job';
import { newId } from '../../src/services/platform/ids';
import { apiClient, makeOrganisation, sampleJob, testRuntime } from '../helpers';

/** The knowledge API: propose, check, publish, search from the tracker, deflect; tenants apart. */
const rt = await testRuntime();
const call = apiClient(rt);
const a = await makeOrganisation(rt);
const b = await makeOrganisation(rt);
const colleague = newId('spec');
await rt.database.db.insert(specialists).values({
  id: colleague,
  organisationId: a.id,
  name: 'Piet Smit',
  roleId: a.mechanic.roleId,
  role: 'Monteur',
  createdAt: rt.clock.now(),
});

const proposal = {
  question: 'Kan ik wachten tijdens de APK?',
  answer: 'Ja, in de kantine met gratis café en wifi.',
  translations: { en: { question: 'Can I wait during the MOT?', answer: 'Yes, in the canteen.' } },
  workflowId: a.workflowId,
  position: 0,
  authorId: a.mechanic.id,
};

describe('answers through the API', () => {
  it('publishes after a same-role check and is found from the tracker in the customer language', async () => {
    const made = await call('POST', '/answers', { key: a.key, body: proposal });
    expect(made.status).toBe(201);
    const id = made.json.id as string;
    const self = await call('POST', `/answers/${id}/approve`, {
      key: a.key,
      body: { reviewerId: a.mechanic.id },
    });
    expect([self.status, self.json.error.code]).toEqual([403, 'no_self_review']);
    const otherRole = await call('POST', `/answers/${id}/approve`, {
      key: a.key,
      body: { reviewerId: a.inspector.id },
    });
    expect([otherRole.status, otherRole.json.error.code]).toEqual([403, 'review_same_role']);
    const ok = await call('POST', `/answers/${id}/approve`, { key: a.key, body: { reviewerId: colleague } });
    expect(ok.json).toMatchObject({ status: 'published', reviewedBy: { name: 'Piet Smit' } });

    const { trackerToken } = await createJob(a.ctx, { ...sampleJob(), workflowId: a.workflowId });
    const en = await call(
      'GET',
      `/track/${trackerToken}/answers?q=${encodeURIComponent('CAFE "wait" OR *')}&lang=en`,
    );
    expect(en.json.answers).toEqual([
      expect.objectContaining({
        id,
        question: 'Can I wait during the MOT?',
        checkedBy: { name: 'Piet Smit', role: 'Monteur' },
      }),
    ]);
    const long = await call('GET', `/track/${trackerToken}/answers?q=${'a'.repeat(201)}`);
    expect(long.status).toBe(422);
    const marked = await call('POST', `/track/${trackerToken}/answers/${id}/answered`, {
      body: { shown: [id] },
    });
    expect(marked.json).toEqual({ counted: true });
    const shown = await call('POST', `/track/${trackerToken}/answers/shown`, {
      body: { ids: [id, 'ans_nope'] },
    });
    expect(shown.status).toBe(204);
    expect((await call('GET', `/answers/${id}`, { key: a.key })).json).toMatchObject({
      shownCount: 2,
      answeredCount: 1,
    });

    // Organisation B: none of it.
    for (const [method, path, body] of [
      ['GET', `/answers/${id}`, undefined],
      ['PUT', `/answers/${id}`, { question: 'x', answer: 'y', authorId: b.mechanic.id }],
      ['POST', `/answers/${id}/approve`, { reviewerId: b.mechanic.id }],
      ['POST', `/answers/${id}/retire`, undefined],
      ['POST', `/answers/${id}/merge`, { intoId: id }],
    ] as const) {
      const r = await call(method, path, { key: b.key, body });
      expect(r.status, `${method} ${path}`).toBe(404);
    }
    expect((await call('GET', '/answers', { key: b.key })).json.answers).toEqual([]);
    const theirs = await createJob(b.ctx, { ...sampleJob(), workflowId: b.workflowId });
    expect((await call('GET', `/track/${theirs.trackerToken}/answers?q=cafe`)).json.answers).toEqual([]);
    expect(
      (await call('POST', `/track/${theirs.trackerToken}/answers/${id}/answered`, { body: {} })).status,
    ).toBe(404);

    const retired = await call('POST', `/answers/${id}/retire`, { key: a.key });
    expect(retired.json.status).toBe('retired');
    expect((await call('GET', `/track/${trackerToken}/answers?q=cafe`)).json.answers).toEqual([]);
  });

  it('a workflow edit that removes a step with answers retires them (200, never a 500)', async () => {
    const list = await call('GET', '/workflows', { key: a.key });
    const wf = (list.json.workflows as { id: string; steps: { id: string; title: string }[] }[]).find(
      (w) => w.id === a.workflowId,
    );
    const steps = wf?.steps ?? [];
    const made = await call('POST', '/answers', {
      key: a.key,
      body: { ...proposal, workflowStepId: steps[2]?.id, position: undefined },
    });
    expect(made.json).toMatchObject({ workflowStepId: steps[2]?.id, position: 2 });
    const id = made.json.id as string;
    await call('POST', `/answers/${id}/approve`, { key: a.key, body: { reviewerId: colleague } });
    const put = await call('PUT', `/workflows/${a.workflowId}`, {
      key: a.key,
      body: { name: 'APK', steps: steps.slice(0, 2).map((s) => ({ id: s.id, title: s.title })) },
    });
    expect(put.status).toBe(200);
    expect((await call('GET', `/answers/${id}`, { key: a.key })).json).toMatchObject({
      status: 'retired',
      position: null,
    });
    // Another workflow's step is not a place for this workflow's answer.
    const wrong = await call('POST', '/answers', {
      key: a.key,
      body: { ...proposal, workflowStepId: 'wfs_nope', position: undefined },
    });
    expect([wrong.status, wrong.json.error.details]).toEqual([422, expect.anything()]);
  });
});
