import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { events, specialists } from '../../db/schema';
import { contextFor } from '../../src/runtime';
import {
  answerQuestion,
  askQuestion,
  escalateOverdueQuestions,
  jobQuestions,
  openQuestionCounts,
  openQuestions,
} from '../../src/services/customer-voice/questions';
import { createJob } from '../../src/services/jobs/create-job';
import { cancelJob } from '../../src/services/jobs/job-admin';
import { getJob } from '../../src/services/jobs/read-job';
import { newId } from '../../src/services/platform/ids';
import { assignStep } from '../../src/services/steps/assign-step';
import { changeStepStatus } from '../../src/services/steps/change-step-status';
import { fakeClock, makeOrganisation, refusal, sampleJob, testRuntime } from '../helpers';

const clock = fakeClock();
const rt = await testRuntime({ clock });
const org = await makeOrganisation(rt, { answerMinutes: 120 });
// A second inspector, so an overdue question has a colleague with the same role to move to.
const colleague = {
  id: newId('spec'),
  organisationId: org.id,
  name: 'Zoë Visser',
  role: 'APK-keurmeester',
  // Joined later than Fatima, so workflows keep assigning inspections to her.
  createdAt: clock.now() + 100,
};
await rt.database.db.insert(specialists).values(colleague);

const customer = contextFor(rt, org.id, { type: 'customer', id: null });
const as = (id: string) => contextFor(rt, org.id, { type: 'specialist', id });

async function newJob() {
  const { jobId } = await createJob(org.ctx, { ...sampleJob(), workflowId: org.workflowId });
  const detail = await getJob(org.ctx, jobId);
  return { jobId, steps: detail.steps };
}

describe('ask the expert', () => {
  it("routes a question to the step's specialist, with the promised answer time, and logs it for the customer", async () => {
    const { jobId, steps } = await newJob();
    const keuring = steps[1];
    const q = await askQuestion(customer, jobId, {
      stepId: keuring?.id,
      body: 'Is de APK vandaag klaar?',
      channel: 'tracker',
    });
    expect(q.answerer).toEqual({ name: 'Fatima El Amrani', role: 'APK-keurmeester' });
    expect(q.dueAt - q.askedAt).toBe(120 * 60_000);
    const [event] = await rt.database.db.select().from(events).where(eq(events.type, 'question.asked'));
    expect(event).toMatchObject({ visibility: 'customer', actorType: 'customer', stepId: keuring?.id });
    expect((await openQuestionCounts(org.ctx, org.inspector.id)).mine).toBeGreaterThanOrEqual(1);
  });

  it('routes to the active step when the asked step has nobody, and to nobody when no step has anyone', async () => {
    const { jobId, steps } = await newJob();
    const [intake, , pickUp] = steps;
    await changeStepStatus(org.ctx, jobId, intake?.id ?? '', 'start');
    const q = await askQuestion(customer, jobId, {
      stepId: pickUp?.id,
      body: 'Wanneer kan ik de auto halen?',
      channel: 'tracker',
    });
    expect(q.answerer?.name).toBe('Jan de Boer');
    expect(q.stepId).toBe(intake?.id);

    const bare = await createJob(org.ctx, { ...sampleJob(), steps: [{ title: 'Alles' }] });
    const nobody = await askQuestion(customer, bare.jobId, { body: 'Hallo?', channel: 'tracker' });
    expect(nobody.answerer).toBeNull();
  });

  it('refuses markup, empty and overlong questions, questions on closed jobs, and more than five an hour per link', async () => {
    const { jobId } = await newJob();
    expect(
      (await refusal(askQuestion(customer, jobId, { body: '<b>hoi</b>', channel: 'tracker' }))).details,
    ).toEqual({ field: 'body' });
    expect(
      (await refusal(askQuestion(customer, jobId, { body: '   ', channel: 'tracker' }))).details,
    ).toEqual({ field: 'body' });
    expect(
      (await refusal(askQuestion(customer, jobId, { body: 'x'.repeat(1001), channel: 'tracker' }))).details,
    ).toEqual({ field: 'body' });
    // A customer cannot claim a phone call; staff cannot pose as the tracker.
    expect((await refusal(askQuestion(customer, jobId, { body: 'Hoi', channel: 'phone' }))).details).toEqual({
      field: 'channel',
    });
    expect(
      (await refusal(askQuestion(as(org.mechanic.id), jobId, { body: 'Hoi', channel: 'tracker' }))).details,
    ).toEqual({ field: 'channel' });

    for (let i = 0; i < 5; i++)
      await askQuestion(customer, jobId, { body: `Vraag ${i}`, channel: 'tracker' });
    expect((await refusal(askQuestion(customer, jobId, { body: 'Nog een', channel: 'tracker' }))).code).toBe(
      'too_many_questions',
    );
    // Staff recording a phone call are not limited by the link's budget.
    await askQuestion(as(org.mechanic.id), jobId, { body: 'Belde: is er een leenauto?', channel: 'phone' });
    clock.advance(61 * 60_000);
    await askQuestion(customer, jobId, { body: 'Een uur later', channel: 'tracker' });

    await cancelJob(org.ctx, jobId);
    const closed = await refusal(askQuestion(customer, jobId, { body: 'En nu?', channel: 'tracker' }));
    expect([closed.kind, closed.code]).toEqual(['conflict', 'job_closed']);
  });

  it('records questions from other channels in the same thread, and answers them on the timeline', async () => {
    const { jobId, steps } = await newJob();
    const phone = await askQuestion(as(org.mechanic.id), jobId, {
      stepId: steps[1]?.id,
      body: 'Klant belde: mag de ruitenwisser ook vervangen worden?',
      channel: 'phone',
    });
    expect(phone.channel).toBe('phone');
    const answered = await answerQuestion(as(org.inspector.id), phone.id, {
      answer: 'Ja, die nemen we mee.',
    });
    expect(answered).toMatchObject({
      answer: 'Ja, die nemen we mee.',
      answeredBy: { name: 'Fatima El Amrani' },
    });
    expect((await refusal(answerQuestion(as(org.inspector.id), phone.id, { answer: 'Nogmaals' }))).code).toBe(
      'already_answered',
    );
    const thread = await jobQuestions(rt.database.db, jobId);
    expect(thread.map((q) => q.channel)).toEqual(['phone']);
    const [logged] = await rt.database.db.select().from(events).where(eq(events.type, 'question.answered'));
    expect(logged?.visibility).toBe('customer');
  });
});

describe('escalation on a fake clock', () => {
  it('moves an unanswered question to a colleague with the same role once it is overdue, once', async () => {
    const { jobId, steps } = await newJob();
    const q = await askQuestion(customer, jobId, {
      stepId: steps[1]?.id,
      body: 'Hoe lang nog?',
      channel: 'tracker',
    });
    const movedEvents = async () =>
      (await rt.database.db.select().from(events).where(eq(events.type, 'question.moved'))).filter(
        (e) => (e.payload as { question: { id: string } }).question.id === q.id,
      );
    clock.advance(119 * 60_000);
    await escalateOverdueQuestions({ db: rt.database.db, clock });
    expect(await movedEvents()).toHaveLength(0);
    clock.advance(60_000);
    expect(await escalateOverdueQuestions({ db: rt.database.db, clock })).toBeGreaterThanOrEqual(1);
    await escalateOverdueQuestions({ db: rt.database.db, clock });
    expect(await movedEvents()).toHaveLength(1);

    const [moved] = (await jobQuestions(rt.database.db, jobId)).filter((x) => x.id === q.id);
    expect(moved).toMatchObject({ answerer: { name: 'Zoë Visser' }, movedToColleague: true });
    // Both see it: the colleague has it now, and the log names who had it.
    expect((await openQuestions(org.ctx, { assigneeId: colleague.id })).map((x) => x.id)).toContain(q.id);
    const [logged] = await movedEvents();
    expect(logged?.payload).toMatchObject({
      previousAssigneeId: org.inspector.id,
      assigneeId: colleague.id,
    });
  });

  it('flags an overdue question when nobody shares the role, without moving it', async () => {
    const { jobId, steps } = await newJob();
    await assignStep(org.ctx, jobId, steps[0]?.id ?? '', org.mechanic.id);
    const q = await askQuestion(customer, jobId, {
      stepId: steps[0]?.id,
      body: 'Is de auto binnen?',
      channel: 'tracker',
    });
    clock.advance(121 * 60_000);
    await escalateOverdueQuestions({ db: rt.database.db, clock });
    const [open] = (await openQuestions(org.ctx)).filter((x) => x.id === q.id);
    expect(open).toMatchObject({
      escalated: true,
      answerer: { name: 'Jan de Boer' },
      movedToColleague: false,
    });
    const [logged] = await rt.database.db.select().from(events).where(eq(events.type, 'question.overdue'));
    expect(logged?.visibility).toBe('internal');
  });
});
