import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueWebhookMessages, sendDueWebhooks } from '../../src/notify/outbox';
import { createEndpoint } from '../../src/notify/webhook-endpoints';
import { handleTrackerPost } from '../../src/pages/t/_forms';
import { contextFor } from '../../src/runtime';
import { apiClient, makeOrganisation, sampleJob, testRuntime } from '../helpers';

/**
 * Feedback for an integration (a CRM): read one job's, list it across jobs, close a follow-up. Feedback
 * is given the customer's way, through the tracker's form; every answer is contract-checked.
 */
const rt = await testRuntime();
const call = apiClient(rt);
const org = await makeOrganisation(rt);
const other = await makeOrganisation(rt);

type Job = { id: string; trackerUrl: string; steps: { id: string }[] };

async function newJob(key = org.key, workflowId = org.workflowId): Promise<Job> {
  const created = await call('POST', '/jobs', { key, body: { ...sampleJob(), workflowId } });
  expect(created.status).toBe(201);
  return created.json as Job;
}

/** A job whose steps were all finished through the API (Intake by the mechanic, Keuring by the inspector). */
async function finishedJob(key = org.key, workflowId = org.workflowId): Promise<Job> {
  const job = await newJob(key, workflowId);
  for (const step of job.steps) {
    const done = await call('POST', `/jobs/${job.id}/steps/${step.id}/finish`, { key });
    expect(done.status).toBe(200);
  }
  return job;
}

/** The customer posts the tracker's feedback form, as their browser does. */
async function giveOnTracker(job: Job, fields: Record<string, string>) {
  const token = job.trackerUrl.split('/t/')[1] ?? '';
  const request = new Request(`http://tracker.test/t/${token}`, {
    method: 'POST',
    body: new URLSearchParams({ _action: 'feedback', ...fields }),
  });
  const answer = await handleTrackerPost(rt, token, request);
  expect(answer).toEqual({ redirect: `/t/${token}#rate-heading` });
}

const feedbackOf = async (jobId: string, key = org.key) => call('GET', `/jobs/${jobId}/feedback`, { key });

describe('reading a job’s feedback', () => {
  it('is null until the customer gives it, and 404 for an unknown or another organisation’s job', async () => {
    const open = await newJob();
    expect((await feedbackOf(open.id)).json).toEqual({ feedback: null });
    const done = await finishedJob();
    const none = await feedbackOf(done.id);
    expect([none.status, none.json]).toEqual([200, { feedback: null }]);

    const stranger = await feedbackOf(done.id, other.key);
    expect(stranger.status).toBe(404);
    expect(stranger.json.error.code).toBe('not_found');
    expect((await feedbackOf('job_doesnotexist')).status).toBe(404);
    expect((await feedbackOf(done.id, 'ok_live_nonsense')).status).toBe(401);
    expect((await call('GET', `/jobs/${'x'.repeat(65)}/feedback`, { key: org.key })).status).toBe(422);
  });

  it('reads back what the customer gave on the tracker: score, comment, stars per person, no follow-up', async () => {
    const job = await finishedJob();
    await giveOnTracker(job, {
      score: '9',
      comment: 'Snel en vriendelijk.',
      [`stars.${org.mechanic.id}`]: '5',
      [`stars.${org.inspector.id}`]: '4',
    });
    const read = await feedbackOf(job.id);
    expect(read.status).toBe(200);
    expect(read.json.feedback).toMatchObject({
      jobId: job.id,
      title: 'APK + kleine beurt',
      customer: { name: 'Sanne de Vries', email: 'sanne@example.nl' },
      score: 9,
      comment: 'Snel en vriendelijk.',
      at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      followUp: null,
    });
    expect(
      read.json.feedback.ratings.map((r: { name: string; score: number }) => [r.name, r.score]).sort(),
    ).toEqual([
      ['Fatima El Amrani', 4],
      ['Jan de Boer', 5],
    ]);
    // A good score starts no follow-up: there is nothing to close.
    const close = await call('POST', `/jobs/${job.id}/feedback/follow-up`, {
      key: org.key,
      body: { note: 'Gebeld' },
    });
    expect([close.status, close.json.error.code]).toEqual([404, 'not_found']);
  });
});

describe('listing feedback and closing follow-ups', () => {
  it('lists low scores to follow up, closes one for the named admin, once', async () => {
    const org2 = await makeOrganisation(rt);
    const good = await finishedJob(org2.key, org2.workflowId);
    await giveOnTracker(good, { score: '10' });
    const low = await finishedJob(org2.key, org2.workflowId);
    await giveOnTracker(low, { score: '3', comment: 'Twee dagen te laat.' });
    const lower = await finishedJob(org2.key, org2.workflowId);
    await giveOnTracker(lower, { score: '1', [`stars.${org2.inspector.id}`]: '2' });

    const all = await call('GET', '/feedback', { key: org2.key });
    expect(all.status).toBe(200);
    expect(all.json.feedback.map((f: { jobId: string }) => f.jobId)).toEqual([good.id, low.id, lower.id]);
    expect(all.json.nextCursor).toBeNull();

    const open = await call('GET', '/feedback?followUp=open', { key: org2.key });
    expect(open.json.feedback.map((f: { jobId: string }) => f.jobId)).toEqual([low.id, lower.id]);
    expect(open.json.feedback[0]).toMatchObject({
      score: 3,
      comment: 'Twee dagen te laat.',
      followUp: {
        status: 'open',
        assignee: { id: org2.mechanic.id, name: 'Jan de Boer', role: 'Monteur' },
        doneAt: null,
        doneBy: null,
        note: null,
      },
    });
    expect(open.json.feedback[1].ratings).toMatchObject([{ specialistId: org2.inspector.id, score: 2 }]);
    expect(
      (await call('GET', '/feedback?followUp=none', { key: org2.key })).json.feedback.map(
        (f: { jobId: string }) => f.jobId,
      ),
    ).toEqual([good.id]);
    expect(
      (await call('GET', '/feedback?maxScore=1', { key: org2.key })).json.feedback.map(
        (f: { jobId: string }) => f.jobId,
      ),
    ).toEqual([lower.id]);
    // Another organisation sees none of it.
    const theirs = await call('GET', '/feedback', { key: other.key });
    expect(theirs.json.feedback.map((f: { jobId: string }) => f.jobId)).not.toContain(low.id);

    // The CRM closes the loop; nobody named, so it is the admin who was given the follow-up.
    const closed = await call('POST', `/jobs/${low.id}/feedback/follow-up`, {
      key: org2.key,
      body: { note: '  Gebeld; excuses en 10% korting.  ' },
    });
    expect(closed.status).toBe(200);
    expect(closed.json).toMatchObject({
      jobId: low.id,
      followUp: {
        status: 'done',
        doneAt: expect.any(String),
        doneBy: { id: org2.mechanic.id, name: 'Jan de Boer' },
        note: 'Gebeld; excuses en 10% korting.',
      },
    });
    expect((await feedbackOf(low.id, org2.key)).json.feedback).toEqual(closed.json);
    const again = await call('POST', `/jobs/${low.id}/feedback/follow-up`, {
      key: org2.key,
      body: { note: 'Nog eens gebeld' },
    });
    expect([again.status, again.json.error.code]).toEqual([409, 'follow_up_done']);
    expect((await feedbackOf(low.id, org2.key)).json.feedback.followUp.note).toBe(
      'Gebeld; excuses en 10% korting.',
    );

    // In the log as the API key did it, for the person it names.
    const log = await call('GET', `/jobs/${low.id}/events`, { key: org2.key });
    const event = log.json.events.find((e: { type: string }) => e.type === 'feedback.followed_up');
    expect(event).toMatchObject({
      visibility: 'internal',
      actor: { type: 'api_key' },
      payload: { by: { id: org2.mechanic.id }, note: 'Gebeld; excuses en 10% korting.' },
    });

    // Naming who did it: any active colleague; someone unknown or deactivated is refused.
    for (const doneById of ['spec_nobody', org2.retired.id]) {
      const refused = await call('POST', `/jobs/${lower.id}/feedback/follow-up`, {
        key: org2.key,
        body: { note: 'Gebeld', doneById },
      });
      expect([refused.status, refused.json.error.details?.field]).toEqual([422, 'doneById']);
    }
    const named = await call('POST', `/jobs/${lower.id}/feedback/follow-up`, {
      key: org2.key,
      body: { note: 'Fatima belde terug.', doneById: org2.inspector.id },
    });
    expect(named.json.followUp.doneBy).toEqual({ id: org2.inspector.id, name: 'Fatima El Amrani' });

    expect((await call('GET', '/feedback?followUp=open', { key: org2.key })).json.feedback).toEqual([]);
    expect(
      (await call('GET', '/feedback?followUp=done', { key: org2.key })).json.feedback.map(
        (f: { jobId: string }) => f.jobId,
      ),
    ).toEqual([low.id, lower.id]);
  });

  it('pages with a cursor, picks up later with since, and refuses bad queries in the error shape', async () => {
    const org3 = await makeOrganisation(rt);
    const ids: string[] = [];
    for (const score of [2, 8, 5, 10, 0]) {
      const job = await finishedJob(org3.key, org3.workflowId);
      await giveOnTracker(job, { score: String(score) });
      ids.push(job.id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const path: string = `/feedback?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await call('GET', path, { key: org3.key });
      expect(page.json.feedback.length).toBeLessThanOrEqual(2);
      seen.push(...page.json.feedback.map((f: { jobId: string }) => f.jobId));
      cursor = page.json.nextCursor;
    } while (cursor);
    expect(seen).toEqual(ids);

    const all = (await call('GET', '/feedback', { key: org3.key })).json.feedback as { at: string }[];
    const last = all.at(-1)?.at ?? '';
    const since = await call('GET', `/feedback?since=${encodeURIComponent(last)}`, { key: org3.key });
    expect(since.json.feedback.map((f: { jobId: string }) => f.jobId)).toContain(ids.at(-1));
    const later = new Date(Date.parse(last) + 1).toISOString();
    expect(
      (await call('GET', `/feedback?since=${encodeURIComponent(later)}`, { key: org3.key })).json.feedback,
    ).toEqual([]);

    for (const query of [
      'followUp=maybe',
      'limit=0',
      'limit=101',
      'limit=ten',
      'maxScore=11',
      'maxScore=-1',
      'since=yesterday',
      'cursor=not-a-cursor',
      `cursor=${'x'.repeat(201)}`,
    ]) {
      const bad = await call('GET', `/feedback?${query}`, { key: org3.key });
      expect([bad.status, bad.json.error.code], query).toEqual([422, 'invalid_input']);
    }
    expect((await call('GET', '/feedback')).status).toBe(401);
  });

  it('refuses bad bodies, read-only keys and other organisations’ jobs in the error shape, never 500', async () => {
    const job = await finishedJob();
    await giveOnTracker(job, { score: '4' });
    const post = (
      body: unknown,
      options: { key?: string; raw?: string; headers?: Record<string, string> } = {},
    ) => call('POST', `/jobs/${job.id}/feedback/follow-up`, { key: org.key, body, ...options });

    for (const body of [
      {},
      { note: '' },
      { note: '   ' },
      { note: 'x'.repeat(501) },
      { note: 42 },
      { note: 'Gebeld', doneById: '' },
      { note: 'Gebeld', doneById: 'x'.repeat(65) },
      [],
      null,
    ]) {
      const bad = await post(body);
      expect([bad.status, bad.json.error.code], JSON.stringify(body)).toEqual([422, 'invalid_input']);
    }
    expect((await post(undefined, { raw: '{"note": "Gebeld"' })).status).toBe(400);
    const notJson = await post(undefined, { raw: 'note=Gebeld', headers: { 'content-type': 'text/plain' } });
    expect([notJson.status, notJson.json.error.code]).toEqual([415, 'unsupported_media_type']);
    expect((await post({ note: 'Gebeld' }, { key: org.readKey })).status).toBe(403);
    const stranger = await post({ note: 'Gebeld' }, { key: other.key });
    expect([stranger.status, stranger.json.error.code]).toEqual([404, 'not_found']);
    // Nothing of that changed it.
    expect((await feedbackOf(job.id)).json.feedback.followUp).toMatchObject({ status: 'open', note: null });
  });
});

describe('webhooks', () => {
  let server: Server;
  let base = '';
  const received: { type: string; data: Record<string, unknown> }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', () => {
        received.push(JSON.parse(body));
        res.end();
      });
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));

  it('deliver feedback.given and feedback.followed_up to an endpoint that asks for feedback.*', async () => {
    const org4 = await makeOrganisation(rt);
    const admin = contextFor(rt, org4.id, { type: 'specialist', id: org4.mechanic.id });
    await enqueueWebhookMessages(rt.database.db, rt.clock); // the log cursor starts here
    await createEndpoint(admin, { url: `${base}/crm`, description: 'CRM', eventTypes: ['feedback.*'] });
    const job = await finishedJob(org4.key, org4.workflowId);
    await giveOnTracker(job, { score: '2', comment: 'Niet goed.' });
    const closed = await call('POST', `/jobs/${job.id}/feedback/follow-up`, {
      key: org4.key,
      body: { note: 'Gebeld.' },
    });
    expect(closed.status).toBe(200);
    while ((await enqueueWebhookMessages(rt.database.db, rt.clock)) > 0) {}
    await sendDueWebhooks(rt.database.db, rt.clock, { allowPrivate: true });
    const mine = received.filter((m) => m.data.jobId === job.id);
    expect(mine.map((m) => m.type)).toEqual(['feedback.given', 'feedback.followed_up']);
    expect(mine[0]?.data).toMatchObject({
      feedback: { score: 2, comment: 'Niet goed.', followUp: { id: org4.mechanic.id, name: 'Jan de Boer' } },
    });
    expect(mine[1]?.data).toMatchObject({
      visibility: 'internal',
      actor: { type: 'api_key' },
      by: { id: org4.mechanic.id, name: 'Jan de Boer' },
      note: 'Gebeld.',
    });
  });
});
