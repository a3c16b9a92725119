import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { mailMessages, specialists, steps } from '../../db/schema';
import { collectMailMoments } from '../../src/notify/mail/customer';
import { contextFor, mailWorkOptions } from '../../src/runtime';
import {
  completeFollowUp,
  feedbackFor,
  giveFeedback,
  openFollowUps,
} from '../../src/services/customer-voice/feedback';
import { ratableSpecialists } from '../../src/services/customer-voice/ratings';
import { feedbackInsights } from '../../src/services/insights/feedback-figures';
import { createJob } from '../../src/services/jobs/create-job';
import { getJob, getJobEvents } from '../../src/services/jobs/read-job';
import { changeStepStatus } from '../../src/services/steps/change-step-status';
import { makeOrganisation, refusal, sampleJob, testRuntime } from '../helpers';

const rt = await testRuntime();
const org = await makeOrganisation(rt);
const customer = contextFor(rt, org.id, { type: 'customer', id: null });
const as = (id: string) => contextFor(rt, org.id, { type: 'specialist', id });
const { db } = rt.database;
await db.update(specialists).set({ email: 'jan@garage.test' }).where(eq(specialists.id, org.mechanic.id));

/** A finished job from the APK workflow (Intake by the mechanic, Keuring by the inspector). */
async function finishedJob() {
  const { jobId } = await createJob(org.ctx, { ...sampleJob(), workflowId: org.workflowId });
  for (const s of (await getJob(org.ctx, jobId)).steps)
    await changeStepStatus(org.ctx, jobId, s.id, 'finish');
  return jobId;
}

describe('feedback on a finished job', () => {
  it('takes a 0–10 score, a comment and stars for the people in one go, once', async () => {
    const jobId = await finishedJob();
    const given = await giveFeedback(customer, jobId, {
      score: 9,
      comment: 'Snel klaar.',
      stars: { [org.mechanic.id]: 5, [org.inspector.id]: 4 },
    });
    expect(given.followUp).toBeNull();
    const people = await ratableSpecialists(db, jobId);
    expect(Object.fromEntries(people.map((p) => [p.name, p.score]))).toEqual({
      'Jan de Boer': 5,
      'Fatima El Amrani': 4,
    });
    expect(await feedbackFor(db, jobId)).toMatchObject({ score: 9, comment: 'Snel klaar.', followUp: null });
    const types = (await getJobEvents(org.ctx, jobId, { limit: 100 })).events.map((e) => e.type);
    expect(types.filter((t) => t === 'rating.given')).toHaveLength(2);
    expect(types).toContain('feedback.given');
    expect((await refusal(giveFeedback(customer, jobId, { score: 3 }))).code).toBe('feedback_given');
  });

  it('refuses what is not a score, stars out of range, people not on the job, and unfinished jobs, writing nothing', async () => {
    const jobId = await finishedJob();
    for (const score of [-1, 11, 7.5, Number.NaN]) {
      expect((await refusal(giveFeedback(customer, jobId, { score }))).reason).toBe('score_range_10');
    }
    expect(
      (await refusal(giveFeedback(customer, jobId, { score: 8, stars: { [org.mechanic.id]: 6 } }))).reason,
    ).toBe('score_range');
    expect(
      (await refusal(giveFeedback(customer, jobId, { score: 8, stars: { [org.retired.id]: 4 } }))).reason,
    ).toBe('not_on_job');
    expect((await refusal(giveFeedback(customer, jobId, { score: 8, comment: '<b>hoi</b>' }))).kind).toBe(
      'invalid',
    );
    expect(await feedbackFor(db, jobId)).toBeNull();
    expect((await ratableSpecialists(db, jobId)).every((p) => p.score === null)).toBe(true);
    const { jobId: open } = await createJob(org.ctx, { ...sampleJob(), workflowId: org.workflowId });
    expect((await refusal(giveFeedback(customer, open, { score: 8 }))).code).toBe('job_not_done');
    // Another organisation's job is not there at all.
    const other = await makeOrganisation(rt);
    const stranger = contextFor(rt, other.id, { type: 'customer', id: null });
    expect((await refusal(giveFeedback(stranger, jobId, { score: 8 }))).kind).toBe('not_found');
  });

  it('starts a follow-up after a low score: an admin is named, told by email, and marks it done', async () => {
    const mailOptions = mailWorkOptions(rt.config);
    await collectMailMoments({ db, clock: rt.clock }, mailOptions); // the mail cursor starts here
    const jobId = await finishedJob();
    const given = await giveFeedback(customer, jobId, { score: 4, comment: 'Twee dagen te laat.' });
    expect(given.followUp?.id).toBe(org.mechanic.id); // the organisation's one admin
    expect((await openFollowUps(org.ctx)).map((f) => [f.jobId, f.score, f.by])).toContainEqual([
      jobId,
      4,
      'Jan de Boer',
    ]);
    // The business is told: the follow-up's email, in the organisation's language.
    while ((await collectMailMoments({ db, clock: rt.clock }, mailOptions)) > 0) {}
    const mail = await db.select().from(mailMessages).where(eq(mailMessages.kind, 'staff_feedback'));
    expect(mail.map((m) => [m.recipient, m.jobId])).toContainEqual(['jan@garage.test', jobId]);
    const message = mail.find((m) => m.jobId === jobId);
    expect(message?.subject).toContain('gaf een 4 van 10');
    expect(message?.text).toContain('Twee dagen te laat.');
    expect(message?.text).toContain(`/console/jobs/${jobId}#feedback`);

    // Only an admin marks it done, and only once.
    expect((await refusal(completeFollowUp(as(org.inspector.id), jobId, { note: 'Gebeld' }))).kind).toBe(
      'forbidden',
    );
    expect((await refusal(completeFollowUp(as(org.mechanic.id), jobId, { note: '  ' }))).reason).toBe(
      'required',
    );
    await completeFollowUp(as(org.mechanic.id), jobId, { note: 'Gebeld; korting gegeven.' });
    expect(await feedbackFor(db, jobId)).toMatchObject({ followUpNote: 'Gebeld; korting gegeven.' });
    expect((await openFollowUps(org.ctx)).map((f) => f.jobId)).not.toContain(jobId);
    expect((await refusal(completeFollowUp(as(org.mechanic.id), jobId, { note: 'Nog eens' }))).code).toBe(
      'follow_up_done',
    );
    const events = (await getJobEvents(org.ctx, jobId, { limit: 100 })).events;
    expect(events.find((e) => e.type === 'feedback.followed_up')).toMatchObject({ visibility: 'internal' });
  });

  it('shows the score per workflow, and per step the score of jobs where it was late beside on time', async () => {
    const other = await makeOrganisation(rt);
    const ctx = other.ctx;
    const customerOf = contextFor(rt, other.id, { type: 'customer', id: null });
    const make = async (lateKeuring: boolean, score: number) => {
      const { jobId } = await createJob(ctx, { ...sampleJob(), workflowId: other.workflowId });
      for (const s of (await getJob(ctx, jobId)).steps) {
        await changeStepStatus(ctx, jobId, s.id, 'finish');
        // Keuring finished a day after its first promise: late.
        const promise =
          lateKeuring && s.position === 1 ? rt.clock.now() - 86_400_000 : rt.clock.now() + 86_400_000;
        await db
          .update(steps)
          .set({ originalPromisedAt: promise, promisedAt: promise })
          .where(eq(steps.id, s.id));
      }
      await giveFeedback(customerOf, jobId, { score });
    };
    await make(true, 3);
    await make(true, 5);
    await make(false, 9);
    await make(false, 10);
    const [apk, ...rest] = await feedbackInsights(ctx, {});
    expect(rest).toEqual([]);
    expect(apk).toMatchObject({
      name: 'APK',
      responses: 4,
      average: 6.8,
      promoters: 2,
      detractors: 2,
      nps: 0,
    });
    expect(apk?.lateSteps.map((s) => [s.title, s.late.average, s.late.responses, s.onTime.average])).toEqual([
      ['Keuring', 4, 2, 9.5],
    ]);
    // Whole-organisation figures are for admins.
    expect((await refusal(feedbackInsights(as(org.inspector.id), {}))).kind).toBe('forbidden');
  });
});
