import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { events, questions } from '../../db/schema';
import { contextFor } from '../../src/runtime';
import {
  answerQuestion,
  askQuestion,
  effortOf,
  markQuestionsOpened,
} from '../../src/services/customer-voice/questions';
import { createJob } from '../../src/services/jobs/create-job';
import { updateInsightSettings } from '../../src/services/organisation/settings';
import { fakeClock, makeOrganisation, refusal, sampleJob, testRuntime } from '../helpers';

/**
 * What a question costs is the specialist's effort, not the customer's wait (docs/decisions/knowledge.md):
 * minutes entered (phone, desk), else opened → answered in the console when plausible, else the channel's
 * default in the settings; written on the question and in a `question.effort` event the insights fold.
 */
const MIN = 60_000;
const clock = fakeClock();
const rt = await testRuntime({ clock });
const org = await makeOrganisation(rt);
const jan = contextFor(rt, org.id, { type: 'specialist', id: org.mechanic.id });
const fatima = contextFor(rt, org.id, { type: 'specialist', id: org.inspector.id });
const customer = contextFor(rt, org.id, { type: 'customer', id: null });
const defaults = { tracker: 5, phone: 8, desk: 10, email: 6 };

async function effortEvent(questionId: string) {
  const rows = await rt.database.db
    .select({ payload: events.payload })
    .from(events)
    .where(and(eq(events.organisationId, org.id), eq(events.type, 'question.effort')));
  return rows.map((r) => r.payload).find((p) => p.questionId === questionId);
}

describe('question effort', () => {
  it('chooses entered minutes, then a plausible opened → answered, then the default', () => {
    const q = { channel: 'tracker' as const, effortMinutes: null, openedAt: null };
    expect(effortOf(q, 1_000, defaults)).toEqual({ minutes: 5, source: 'default' });
    expect(effortOf({ ...q, openedAt: 0 }, 7 * MIN, defaults)).toEqual({ minutes: 7, source: 'opened' });
    expect(effortOf({ ...q, openedAt: 0 }, 10_000, defaults)).toEqual({ minutes: 1, source: 'opened' });
    // Opened in the morning, answered after lunch: not 3 hours of work.
    expect(effortOf({ ...q, openedAt: 0 }, 180 * MIN, defaults)).toEqual({ minutes: 5, source: 'default' });
    expect(effortOf({ ...q, channel: 'phone', effortMinutes: 12 }, 0, defaults)).toEqual({
      minutes: 12,
      source: 'entered',
    });
  });

  it('measures from the first opening in the console to the answer', async () => {
    const { jobId } = await createJob(org.ctx, { ...sampleJob('EF-1'), workflowId: org.workflowId });
    const q = await askQuestion(customer, jobId, { body: 'Wanneer klaar?', channel: 'tracker' });
    clock.advance(60 * MIN);
    await markQuestionsOpened(jan, [q.id]);
    clock.advance(3 * MIN);
    // Opening it again (another page view) does not restart it; customers opening nothing count.
    await markQuestionsOpened(jan, [q.id]);
    await markQuestionsOpened(customer, [q.id]);
    clock.advance(4 * MIN);
    await answerQuestion(jan, q.id, { answer: 'Om vier uur.' });
    const [row] = await rt.database.db.select().from(questions).where(eq(questions.id, q.id));
    expect(row?.effortMinutes).toBe(7);
    expect(await effortEvent(q.id)).toEqual({
      questionId: q.id,
      channel: 'tracker',
      minutes: 7,
      source: 'opened',
    });
  });

  it('takes the minutes entered with a phone question, in range', async () => {
    const { jobId } = await createJob(org.ctx, { ...sampleJob('EF-2'), workflowId: org.workflowId });
    const bad = await refusal(askQuestion(jan, jobId, { body: 'Belde', channel: 'phone', effortMinutes: 0 }));
    expect([bad.field, bad.reason]).toEqual(['effortMinutes', 'effort_minutes_range']);
    expect(
      (await refusal(askQuestion(jan, jobId, { body: 'Belde', channel: 'phone', effortMinutes: 481 })))
        .reason,
    ).toBe('effort_minutes_range');
    const q = await askQuestion(jan, jobId, { body: 'Belde: kosten?', channel: 'phone', effortMinutes: 12 });
    clock.advance(120 * MIN);
    await answerQuestion(jan, q.id, { answer: 'Teruggebeld.' });
    expect(await effortEvent(q.id)).toMatchObject({ minutes: 12, source: 'entered' });
  });

  it("falls back to the channel's default in the settings, which admins set", async () => {
    const bad = await refusal(
      updateInsightSettings(org.ctx, {
        hourlyRateCents: 6000,
        showPromiseRecord: false,
        questionMinutes: { tracker: 0, phone: 8, desk: 10, email: 6 },
      }),
    );
    expect([bad.field, bad.reason]).toEqual(['minutes.tracker', 'effort_minutes_range']);
    expect(
      (
        await refusal(
          updateInsightSettings(fatima, {
            hourlyRateCents: 6000,
            showPromiseRecord: false,
            questionMinutes: { ...defaults, tracker: 3 },
          }),
        )
      ).kind,
    ).toBe('forbidden');
    await updateInsightSettings(org.ctx, {
      hourlyRateCents: 6000,
      showPromiseRecord: false,
      questionMinutes: { ...defaults, email: 9 },
    });
    const { jobId } = await createJob(org.ctx, { ...sampleJob('EF-3'), workflowId: org.workflowId });
    const q = await askQuestion(jan, jobId, { body: 'Mail: factuur?', channel: 'email' });
    clock.advance(300 * MIN);
    await answerQuestion(jan, q.id, { answer: 'Verstuurd.' });
    expect(await effortEvent(q.id)).toMatchObject({ minutes: 9, source: 'default' });
  });
});
