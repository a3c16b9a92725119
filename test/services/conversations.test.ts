import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { events, mailMessages } from '../../db/schema';
import { unsubscribeEmail } from '../../src/notify/preferences';
import { contextFor } from '../../src/runtime';
import { askCustomer, jobThreads, replyToTeam } from '../../src/services/customer-voice/conversations';
import {
  answerQuestion,
  askQuestion,
  escalateOverdueQuestions,
  openQuestionCounts,
  openQuestions,
} from '../../src/services/customer-voice/questions';
import { createJob } from '../../src/services/jobs/create-job';
import { cancelJob } from '../../src/services/jobs/job-admin';
import { getJob } from '../../src/services/jobs/read-job';
import { fakeClock, makeOrganisation, refusal, sampleJob, testRuntime } from '../helpers';

/** Threads: follow-ups are questions in their thread; the team's questions wait for the customer. */
const clock = fakeClock();
const rt = await testRuntime({ clock });
const org = await makeOrganisation(rt, { answerMinutes: 60 });
const other = await makeOrganisation(rt);
const customer = contextFor(rt, org.id, { type: 'customer', id: null });
const as = (id: string) => contextFor(rt, org.id, { type: 'specialist', id });

async function newJob() {
  const { jobId } = await createJob(org.ctx, { ...sampleJob(), workflowId: org.workflowId });
  return { jobId, steps: (await getJob(org.ctx, jobId)).steps };
}

describe('conversations', () => {
  it('a follow-up joins the thread, keeps its step, and is routed, due and counted like a question', async () => {
    const { jobId, steps } = await newJob();
    const keuring = steps[1];
    const first = await askQuestion(customer, jobId, {
      stepId: keuring?.id,
      body: 'APK vandaag?',
      channel: 'tracker',
    });
    clock.advance(1000);
    await answerQuestion(as(org.inspector.id), first.id, { answer: 'Ja, om 15 uur.' });
    const follow = await askQuestion(customer, jobId, {
      threadId: first.id,
      body: 'En de remmen?',
      channel: 'tracker',
    });
    expect(follow).toMatchObject({
      threadId: first.id,
      stepId: keuring?.id,
      askedBy: 'customer',
      answerer: { name: 'Fatima El Amrani' },
    });
    expect(follow.dueAt - follow.askedAt).toBe(60 * 60_000);
    expect((await openQuestionCounts(org.ctx, org.inspector.id)).mine).toBe(1);
    // A follow-up on a follow-up stays in the first thread.
    await answerQuestion(as(org.inspector.id), follow.id, { answer: 'Die zijn goed.' });
    clock.advance(1000);
    const third = await askQuestion(customer, jobId, {
      threadId: follow.id,
      body: 'Dank!',
      channel: 'tracker',
    });
    expect(third.threadId).toBe(first.id);
    const [thread] = await jobThreads(org.ctx, jobId);
    expect(thread?.turns.map((t) => t.body)).toEqual(['APK vandaag?', 'En de remmen?', 'Dank!']);
  });

  it('the team asks the customer back; the customer replies once; nobody on the staff owes an answer', async () => {
    const { jobId, steps } = await newJob();
    const first = await askQuestion(customer, jobId, {
      stepId: steps[0]?.id,
      body: 'Kan het sneller?',
      channel: 'tracker',
    });
    const ask = await askCustomer(as(org.mechanic.id), jobId, {
      threadId: first.id,
      body: 'Mag het onderdeel duurder?',
    });
    expect(ask).toMatchObject({
      threadId: first.id,
      askedBy: 'specialist',
      askedByPerson: { name: 'Jan de Boer' },
      channel: 'tracker',
    });
    const [logged] = await rt.database.db.select().from(events).where(eq(events.type, 'question.asked_back'));
    expect(logged).toMatchObject({ visibility: 'customer', jobId });
    // The team's question is not in anyone's queue, and is never escalated.
    expect((await openQuestions(org.ctx)).map((q) => q.id)).not.toContain(ask.id);
    expect((await refusal(answerQuestion(as(org.mechanic.id), ask.id, { answer: 'Zelf' }))).code).toBe(
      'not_your_turn',
    );
    clock.advance(24 * 60 * 60_000);
    await escalateOverdueQuestions({ db: rt.database.db, clock });
    const moved = await rt.database.db.select().from(events).where(eq(events.type, 'question.overdue'));
    expect(moved.map((e) => (e.payload as { question: { id: string } }).question.id)).not.toContain(ask.id);

    const reply = await replyToTeam(customer, jobId, ask.id, { body: 'Ja, prima.', channel: 'tracker' });
    expect(reply).toMatchObject({ answer: 'Ja, prima.', answerChannel: 'tracker' });
    const [replied] = await rt.database.db.select().from(events).where(eq(events.type, 'question.replied'));
    expect(replied?.payload).toMatchObject({ assigneeId: org.mechanic.id });
    expect(
      (await refusal(replyToTeam(customer, jobId, ask.id, { body: 'Nog eens', channel: 'tracker' }))).code,
    ).toBe('already_answered');
    expect(
      (await refusal(replyToTeam(customer, jobId, first.id, { body: 'Hm', channel: 'tracker' }))).code,
    ).toBe('not_asked_of_you');
  });

  it('the team’s question reaches a tracker customer by email too, unless they unsubscribed', async () => {
    const { jobId, steps } = await newJob();
    const ask = await askCustomer(as(org.mechanic.id), jobId, {
      stepId: steps[0]?.id,
      body: 'Heeft u de sleutel nog?',
    });
    const [mail] = await rt.database.db
      .select()
      .from(mailMessages)
      .where(eq(mailMessages.questionId, ask.id));
    expect(mail).toMatchObject({
      recipient: 'sanne@example.nl',
      kind: 'thread_answer',
      subject: 'Een vraag over APK + kleine beurt',
    });
    expect(mail?.text).toContain('Heeft u de sleutel nog?');
    expect(mail?.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    expect(mail?.headers['Reply-To']).toMatch(/^reply\+/);
    await unsubscribeEmail(rt.database.db, jobId, clock.now());
    const quiet = await askCustomer(as(org.mechanic.id), jobId, {
      stepId: steps[0]?.id,
      body: 'En de papieren?',
    });
    expect(
      await rt.database.db.select().from(mailMessages).where(eq(mailMessages.questionId, quiet.id)),
    ).toEqual([]);
  });

  it('a new thread from the team is about a step; API callers name who asks', async () => {
    const { jobId, steps } = await newJob();
    const ask = await askCustomer(org.ctx, jobId, {
      stepId: steps[2]?.id,
      body: 'Wanneer haalt u de auto op?',
      askedById: org.inspector.id,
    });
    expect(ask).toMatchObject({
      stepId: steps[2]?.id,
      threadId: ask.id,
      askedByPerson: { name: 'Fatima El Amrani' },
    });
    expect((await refusal(askCustomer(org.ctx, jobId, { body: 'Wie?' }))).code).toBe('staff_only');
    expect(
      (await refusal(askCustomer(org.ctx, jobId, { body: 'Hoi', askedById: org.retired.id }))).details,
    ).toEqual({
      field: 'askedById',
    });
  });

  it('another job’s or organisation’s thread is not found; a closed job takes no turns', async () => {
    const a = await newJob();
    const b = await newJob();
    const onA = await askQuestion(customer, a.jobId, { body: 'Vraag A', channel: 'tracker' });
    expect(
      (await refusal(askQuestion(customer, b.jobId, { threadId: onA.id, body: 'X', channel: 'tracker' })))
        .kind,
    ).toBe('not_found');
    const foreign = contextFor(rt, other.id, { type: 'specialist', id: other.mechanic.id });
    expect((await refusal(jobThreads(foreign, a.jobId))).kind).toBe('not_found');
    const ask = await askCustomer(as(org.mechanic.id), a.jobId, { threadId: onA.id, body: 'Kleur?' });
    await cancelJob(org.ctx, a.jobId);
    expect(
      (await refusal(replyToTeam(customer, a.jobId, ask.id, { body: 'Rood', channel: 'tracker' }))).code,
    ).toBe('job_closed');
    expect((await refusal(askCustomer(as(org.mechanic.id), a.jobId, { body: 'Nog iets?' }))).code).toBe(
      'job_closed',
    );
  });
});
