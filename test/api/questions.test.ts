import { describe, expect, it } from 'vitest';
import { apiClient, makeOrganisation, sampleJob, testRuntime } from '../helpers';

/** The helpdesk's view of conversations: threads, recording, answering, asking back (contract-checked). */
const rt = await testRuntime();
const call = apiClient(rt);
const org = await makeOrganisation(rt);
const other = await makeOrganisation(rt);

async function newJob() {
  const created = await call('POST', '/jobs', {
    key: org.key,
    body: { ...sampleJob(), workflowId: org.workflowId },
  });
  expect(created.status).toBe(201);
  return created.json as { id: string; steps: { id: string }[] };
}

describe('conversations through the API', () => {
  it('records a phone question, answers it, records a follow-up, asks the customer back, and lists the thread', async () => {
    const job = await newJob();
    const phone = await call('POST', `/jobs/${job.id}/questions`, {
      key: org.key,
      body: {
        channel: 'phone',
        body: 'Kan ik de auto morgen om 8 uur brengen?',
        stepId: job.steps[1]?.id,
        recordedById: org.mechanic.id,
      },
    });
    expect(phone.status).toBe(201);
    expect(phone.json).toMatchObject({
      channel: 'phone',
      askedBy: 'customer',
      answerer: { name: 'Fatima El Amrani' },
    });
    const id = phone.json.id as string;

    const answered = await call('POST', `/jobs/${job.id}/questions/${id}/answer`, {
      key: org.key,
      body: { answer: 'Ja, vanaf 7:30.', answeredById: org.inspector.id },
    });
    expect(answered.status).toBe(200);
    expect(answered.json).toMatchObject({
      answer: 'Ja, vanaf 7:30.',
      answeredBy: { name: 'Fatima El Amrani' },
    });

    const follow = await call('POST', `/jobs/${job.id}/questions`, {
      key: org.key,
      body: { channel: 'desk', body: 'En kan ik wachten?', threadId: id },
    });
    expect(follow.json).toMatchObject({ threadId: id, stepId: job.steps[1]?.id });

    const ask = await call('POST', `/jobs/${job.id}/asks`, {
      key: org.key,
      body: { body: 'Wilt u koffie?', askedById: org.mechanic.id, threadId: id },
    });
    expect(ask.status).toBe(201);
    expect(ask.json).toMatchObject({
      askedBy: 'specialist',
      dueAt: null,
      askedByPerson: { name: 'Jan de Boer' },
    });

    const list = await call('GET', `/jobs/${job.id}/threads`, { key: org.key });
    expect(list.status).toBe(200);
    expect(list.json.threads).toHaveLength(1);
    expect(list.json.threads[0]).toMatchObject({ id, waitingFor: 'team' });
    expect(list.json.threads[0].turns.map((t: { body: string }) => t.body)).toEqual([
      'Kan ik de auto morgen om 8 uur brengen?',
      'En kan ik wachten?',
      'Wilt u koffie?',
    ]);
  });

  it('refuses in the error shape: another organisation’s job, a customer-only question, a tracker channel, no answerer', async () => {
    const job = await newJob();
    expect((await call('GET', `/jobs/${job.id}/threads`, { key: other.key })).status).toBe(404);
    expect(
      (
        await call('POST', `/jobs/${job.id}/questions`, {
          key: other.key,
          body: { channel: 'phone', body: 'Hoi' },
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await call('POST', `/jobs/${job.id}/questions`, {
          key: org.key,
          body: { channel: 'tracker', body: 'Hoi' },
        })
      ).status,
    ).toBe(422);
    const ask = await call('POST', `/jobs/${job.id}/asks`, {
      key: org.key,
      body: { body: 'Welke kleur?', askedById: org.mechanic.id },
    });
    const notYours = await call('POST', `/jobs/${job.id}/questions/${ask.json.id}/answer`, {
      key: org.key,
      body: { answer: 'Rood', answeredById: org.mechanic.id },
    });
    expect(notYours.status).toBe(409);
    expect(notYours.json.error.code).toBe('not_your_turn');
    const q = await call('POST', `/jobs/${job.id}/questions`, {
      key: org.key,
      body: { channel: 'phone', body: 'Hoi' },
    });
    const otherJob = await newJob();
    expect(
      (
        await call('POST', `/jobs/${otherJob.id}/questions/${q.json.id}/answer`, {
          key: org.key,
          body: { answer: 'Ja', answeredById: org.mechanic.id },
        })
      ).status,
    ).toBe(404);
    const missing = await call('POST', `/jobs/${job.id}/questions/${q.json.id}/answer`, {
      key: org.key,
      body: { answer: 'Ja' },
    });
    expect(missing.status).toBe(422);
    expect((await call('GET', `/jobs/${job.id}/threads`, { key: org.readKey })).status).toBe(200);
    expect(
      (
        await call('POST', `/jobs/${job.id}/questions`, {
          key: org.readKey,
          body: { channel: 'phone', body: 'Hoi' },
        })
      ).status,
    ).toBe(403);
  });

  it('takes an Idempotency-Key: the same post twice records one question', async () => {
    const job = await newJob();
    const headers = { 'idempotency-key': `"${crypto.randomUUID()}"` };
    const body = { channel: 'email', body: 'Doorgestuurd uit de helpdesk' };
    const first = await call('POST', `/jobs/${job.id}/questions`, { key: org.key, body, headers });
    const again = await call('POST', `/jobs/${job.id}/questions`, { key: org.key, body, headers });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.json.id).toBe(first.json.id);
    const list = await call('GET', `/jobs/${job.id}/threads`, { key: org.key });
    expect(list.json.threads).toHaveLength(1);
  });
});
