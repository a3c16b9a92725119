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
import { createWorkflow, getWorkflow, updateWorkflow } from '../../src/services/organisation/workflows';
import { newId } from '../../src/services/platform/ids';
import { assignStep } from '../../src/services/steps/assign-step';
import { changeStepStatus } from '../../src/services/steps/change-step-status';
import { fakeClock, makeOrganisation, PRODUCT_CALENDAR, refusal, sampleJob, testRuntime } from '../helpers';

const clock = fakeClock();
const rt = await testRuntime({ clock });
// An hour to answer: inside the inspection's own promise (75 minutes after a job is made), so it counts.
const org = await makeOrganisation(rt, { answerMinutes: 60 });
// A second inspector, so an overdue question has a colleague with the same role to move to.
const colleague = {
  id: newId('spec'),
  organisationId: org.id,
  name: 'Zoë Visser',
  roleId: org.inspector.roleId,
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
    expect(q.dueAt - q.askedAt).toBe(60 * 60_000);
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
    clock.advance(59 * 60_000);
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
    clock.advance(61 * 60_000);
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

describe('answer times that fit the work', () => {
  // An organisation answering within four working hours, and its delivery workflow answering within
  // half an hour; the van is on its way for an hour.
  const delivery = {
    name: 'Bezorging',
    answerMinutes: 30,
    steps: [
      { title: 'In het depot', defaultRole: 'Monteur', expectedMinutes: 120 },
      { title: 'Onderweg', defaultRole: 'Monteur', expectedMinutes: 60 },
      { title: 'Bezorgd' },
    ],
  };

  it("promises an answer within the workflow's own answer time, else the organisation's", async () => {
    const shop = await makeOrganisation(rt, { answerMinutes: 240 });
    const workflowId = await createWorkflow(shop.ctx, delivery);
    expect((await getWorkflow(shop.ctx, workflowId)).answerMinutes).toBe(30);
    const { jobId } = await createJob(shop.ctx, { ...sampleJob(), workflowId });
    const asker = contextFor(rt, shop.id, { type: 'customer', id: null });
    const q = await askQuestion(asker, jobId, { body: 'Waar is mijn pakket?', channel: 'tracker' });
    expect(q.dueAt - q.askedAt).toBe(30 * 60_000);

    // Following the organisation again: four hours, cut short by the depot step's promise (two hours).
    await updateWorkflow(shop.ctx, workflowId, { ...delivery, answerMinutes: null });
    expect((await getWorkflow(shop.ctx, workflowId)).answerMinutes).toBeNull();
    const later = await askQuestion(asker, jobId, { body: 'En nu?', channel: 'tracker' });
    expect(later.dueAt - later.askedAt).toBe(120 * 60_000);
  });

  it('never promises an answer after the promise of the step the question is about', async () => {
    const shop = await makeOrganisation(rt, { answerMinutes: 240 });
    const workflowId = await createWorkflow(shop.ctx, { ...delivery, answerMinutes: null });
    const { jobId } = await createJob(shop.ctx, { ...sampleJob(), workflowId });
    const [depot, onTheWay] = (await getJob(shop.ctx, jobId)).steps;
    await changeStepStatus(shop.ctx, jobId, depot?.id ?? '', 'start');
    await changeStepStatus(shop.ctx, jobId, depot?.id ?? '', 'finish');
    await changeStepStatus(shop.ctx, jobId, onTheWay?.id ?? '', 'start');
    const promised = (await getJob(shop.ctx, jobId)).steps[1]?.promisedAt ?? 0;
    const asker = contextFor(rt, shop.id, { type: 'customer', id: null });
    const q = await askQuestion(asker, jobId, {
      stepId: onTheWay?.id,
      body: 'Hoe laat bent u er?',
      channel: 'tracker',
    });
    // Four hours would be after the delivery itself; the answer is due by the delivery's promise.
    expect(q.dueAt).toBe(promised);
    expect(q.dueAt).toBeLessThan(q.askedAt + 240 * 60_000);

    // A question about a step already done keeps the plain answer time.
    const aboutDepot = await askQuestion(asker, jobId, {
      stepId: depot?.id,
      body: 'Hoe lang lag het in het depot?',
      channel: 'tracker',
    });
    expect(aboutDepot.dueAt - aboutDepot.askedAt).toBe(240 * 60_000);
  });

  it('counts the answer time in working time: asked at closing on Friday, answered on Monday morning', async () => {
    const office = await makeOrganisation(rt, { ...PRODUCT_CALENDAR, answerMinutes: 120 });
    const asker = contextFor(rt, office.id, { type: 'customer', id: null });
    // Friday 27 November 2026, 17:00 in Amsterdam: half an hour before closing.
    clock.set(Date.parse('2026-11-27T17:00:00+01:00'));
    const { jobId } = await createJob(office.ctx, { ...sampleJob(), steps: [{ title: 'Advies' }] });
    const q = await askQuestion(asker, jobId, { body: 'Wanneer hoor ik iets?', channel: 'tracker' });
    // 30 minutes on Friday, 90 on Monday from 09:00.
    expect(new Date(q.dueAt).toISOString()).toBe('2026-11-30T09:30:00.000Z');
  });
});
