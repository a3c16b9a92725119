import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { specialists, steps } from '../../db/schema';
import { contextFor } from '../../src/runtime';
import { askQuestion } from '../../src/services/customer-voice/questions';
import { createJob } from '../../src/services/jobs/create-job';
import {
  approveAnswer,
  editAnswer,
  getAnswer,
  listAnswers,
  mergeAnswers,
  proposeAnswer,
  publishedForWorkflow,
  retireAnswer,
  reviewQueue,
} from '../../src/services/knowledge/answers';
import {
  markAnswered,
  recordShown,
  searchForTracker,
  searchPublished,
} from '../../src/services/knowledge/search';
import { getWorkflow, updateWorkflow } from '../../src/services/organisation/workflows';
import { newId } from '../../src/services/platform/ids';
import { getTrackerView } from '../../src/services/tracker/tracker';
import { makeOrganisation, refusal, sampleJob, testRuntime } from '../helpers';

/** Knowledge that grows: peer review, search in both languages, isolation (docs/decisions/knowledge.md). */
const rt = await testRuntime();
const org = await makeOrganisation(rt);
const other = await makeOrganisation(rt);
const db = rt.database.db;
const base = { db, clock: rt.clock };

// A second active mechanic: Jan's colleague with the same role.
const [piet] = await db
  .insert(specialists)
  .values({
    id: newId('spec'),
    organisationId: org.id,
    name: 'Piet Smit',
    roleId: org.mechanic.roleId,
    role: 'Monteur',
    translations: { en: { role: 'Mechanic' } },
    createdAt: rt.clock.now(),
  })
  .returning();
if (!piet) throw new Error('no colleague');
const jan = contextFor(rt, org.id, { type: 'specialist', id: org.mechanic.id });
const pietCtx = contextFor(rt, org.id, { type: 'specialist', id: piet.id });
const fatima = contextFor(rt, org.id, { type: 'specialist', id: org.inspector.id });

const text = {
  question: 'Hoe lang duurt de APK-keuring?',
  answer: 'Een APK-keuring duurt ongeveer een uur; u kunt erop wachten in onze kantine met café.',
  translations: {
    en: {
      question: 'How long does the MOT inspection take?',
      answer: 'About an hour; you can wait in our canteen, coffee included.',
    },
  },
};

async function published(input = text, position = 0, ctx = jan) {
  const proposed = await proposeAnswer(ctx, { ...input, workflowId: org.workflowId, position });
  return approveAnswer(ctx === jan ? pietCtx : jan, proposed.id);
}

describe('peer review', () => {
  it('waits for a colleague with the same role; the writer and other roles cannot approve', async () => {
    const proposed = await proposeAnswer(jan, { ...text, workflowId: org.workflowId, position: 0 });
    expect(proposed).toMatchObject({ status: 'in_review', question: null, draft: { byId: org.mechanic.id } });
    // Not on the tracker, not found.
    expect(await publishedForWorkflow(db, org.id, org.workflowId)).toEqual([]);

    const self = await refusal(approveAnswer(jan, proposed.id));
    expect([self.kind, self.reason]).toEqual(['forbidden', 'no_self_review']);
    const otherRole = await refusal(approveAnswer(fatima, proposed.id));
    expect([otherRole.kind, otherRole.reason]).toEqual(['forbidden', 'review_same_role']);
    // Another organisation does not see it at all.
    expect((await refusal(approveAnswer(other.ctx, proposed.id))).kind).toBe('not_found');

    expect((await reviewQueue(pietCtx, piet)).map((a) => a.id)).toContain(proposed.id);
    expect((await reviewQueue(jan, org.mechanic)).map((a) => a.id)).not.toContain(proposed.id);

    const approved = await approveAnswer(pietCtx, proposed.id);
    expect(approved).toMatchObject({
      status: 'published',
      question: text.question,
      draft: null,
      reviewedBy: { name: 'Piet Smit', role: 'Monteur' },
    });
    const shown = await publishedForWorkflow(db, org.id, org.workflowId);
    expect(shown.map((a) => a.id)).toEqual([proposed.id]);
    expect(shown[0]?.checkedBy).toMatchObject({
      name: 'Piet Smit',
      roleTranslations: { en: { role: 'Mechanic' } },
    });
    await retireAnswer(org.ctx, proposed.id);
  });

  it('keeps the published text until an edit is checked; the editor cannot check their own edit', async () => {
    const first = await published();
    await editAnswer(pietCtx, first.id, { ...text, answer: 'Reken op anderhalf uur, koffie staat klaar.' });
    // Customers still read the published text, and the search still finds it by it.
    expect((await getAnswer(org.ctx, first.id)).answer).toBe(text.answer);
    expect((await searchPublished(db, org.id, 'kantine')).map((a) => a.id)).toEqual([first.id]);
    const self = await refusal(approveAnswer(pietCtx, first.id));
    expect(self.reason).toBe('no_self_review');
    await approveAnswer(jan, first.id);
    const after = await getAnswer(org.ctx, first.id);
    expect(after).toMatchObject({
      answer: 'Reken op anderhalf uur, koffie staat klaar.',
      reviewedBy: { name: 'Jan de Boer' },
    });
    expect(await searchPublished(db, org.id, 'kantine')).toEqual([]);
    expect((await searchPublished(db, org.id, 'anderhalf')).map((a) => a.id)).toEqual([first.id]);
    await retireAnswer(org.ctx, first.id);
  });

  it('retired answers disappear from the tracker and the search; specialists cannot retire', async () => {
    const a = await published();
    expect((await refusal(retireAnswer(pietCtx, a.id))).kind).toBe('forbidden');
    await retireAnswer(org.ctx, a.id);
    expect(await publishedForWorkflow(db, org.id, org.workflowId)).toEqual([]);
    expect(await searchPublished(db, org.id, 'APK')).toEqual([]);
    expect((await refusal(editAnswer(jan, a.id, text))).reason).toBe('answer_retired');
  });

  it('merges duplicates: the counts add up and the retired one points at the kept one', async () => {
    const keep = await published();
    const dup = await published({ ...text, question: 'Duurt de keuring lang?' });
    const job = await createJob(org.ctx, { ...sampleJob(), workflowId: org.workflowId });
    await markAnswered(base, job.trackerToken, dup.id, [keep.id]);
    await markAnswered(base, job.trackerToken, keep.id);
    const merged = await mergeAnswers(org.ctx, dup.id, keep.id);
    expect(merged).toMatchObject({ shownCount: 3, answeredCount: 2 });
    expect(await getAnswer(org.ctx, dup.id)).toMatchObject({ status: 'retired', mergedIntoId: keep.id });
    expect((await listAnswers(org.ctx, { status: 'published' })).map((a) => a.id)).toEqual([keep.id]);
    await retireAnswer(org.ctx, keep.id);
  });

  it('grows from a customer question at its step', async () => {
    const job = await createJob(org.ctx, { ...sampleJob(), workflowId: org.workflowId });
    const customer = contextFor(rt, org.id, { type: 'customer', id: null });
    const [step] = await db
      .select()
      .from(steps)
      .where(and(eq(steps.jobId, job.jobId), eq(steps.position, 1)));
    const q = await askQuestion(customer, job.jobId, {
      stepId: step?.id ?? null,
      body: 'Mag ik wachten?',
      channel: 'tracker',
    });
    const proposed = await proposeAnswer(fatima, { ...text, sourceQuestionId: q.id });
    expect(proposed).toMatchObject({ position: 1, sourceQuestionId: q.id, roleId: org.inspector.roleId });
    expect((await refusal(proposeAnswer(other.ctx, { ...text, sourceQuestionId: q.id }))).kind).toBe(
      'forbidden',
    );
    await retireAnswer(org.ctx, proposed.id);
  });
});

describe('search', () => {
  it('finds answers in both languages, without regard to accents, case or word endings', async () => {
    const a = await published();
    const b = await published(
      {
        question: 'Wanneer is mijn één reservewiel geplaatst?',
        answer: 'Het reservewiel wordt bij de eindcontrole geplaatst (ook bij een Citroën).',
        translations: { en: { question: 'When is my spare wheel fitted?', answer: 'At the final check.' } },
      },
      2,
    );
    const ids = async (q: string) => (await searchPublished(db, org.id, q)).map((x) => x.id);
    expect(await ids('KANTINE')).toEqual([a.id]);
    expect(await ids('cafe')).toEqual([a.id]);
    expect(await ids('café')).toEqual([a.id]);
    expect(await ids('citroen')).toEqual([b.id]);
    expect(await ids('CITROËN')).toEqual([b.id]);
    expect(await ids('een reservew')).toEqual([b.id]);
    expect(await ids('spare')).toEqual([b.id]);
    expect(await ids('inspection')).toEqual([a.id]);
    expect(await ids('keuri')).toEqual([a.id]);
    // A typo after the fourth letter is forgiven; a stopword alone finds nothing.
    expect(await ids('kantnie')).toEqual([a.id]);
    expect(await ids('de het een the')).toEqual([]);
    // The customer's language comes back, the other as fallback.
    const job = await createJob(org.ctx, { ...sampleJob(), workflowId: org.workflowId });
    const en = await searchForTracker(db, job.trackerToken, 'spare wheel', 'en');
    expect(en?.[0]).toMatchObject({
      question: 'When is my spare wheel fitted?',
      checkedBy: { name: 'Piet Smit', role: 'Mechanic' },
    });
    const nl = await searchForTracker(db, job.trackerToken, 'spare wheel', 'nl');
    expect(nl?.[0]).toMatchObject({
      question: 'Wanneer is mijn één reservewiel geplaatst?',
      checkedBy: { role: 'Monteur' },
    });
    expect(await searchForTracker(db, 'x'.repeat(30), 'spare', 'en')).toBeNull();
    for (const id of [a.id, b.id]) await retireAnswer(org.ctx, id);
  });

  it('never reads the input as query syntax: operators and quotes neither break nor widen it', async () => {
    const a = await published();
    const ids = async (q: string) => (await searchPublished(db, org.id, q)).map((x) => x.id);
    for (const q of [
      '"',
      '""',
      '*',
      '"kantine',
      'kantine"*',
      'NEAR(kantine',
      'NEAR(',
      ':',
      'body:',
      'tenant:x',
      '-',
      '(',
      ')',
      '^',
      "'",
      "kantine'",
      'AND',
      'OR NOT',
      '{}',
      '\\',
      '%',
      '_',
    ]) {
      await expect(ids(q), q).resolves.toBeDefined();
    }
    expect(await ids('"kantine')).toEqual([a.id]);
    expect(await ids('body:kantine')).toEqual([a.id]);
    // `OR` is a word, not an operator: "xyzzy OR kantine" ranks like two words, and "*" widens nothing.
    expect(await ids('*')).toEqual([]);
    expect(await ids('-kantine')).toEqual([a.id]);
    expect(await ids('NOT kantine')).toEqual([a.id]);
    expect(await ids('zzzq NEAR(zzzr')).toEqual([]);
    // Another tenant's token typed in does not reach its answers.
    const theirs = await published(text, 0, jan);
    expect(await searchPublished(db, other.id, 'kantine')).toEqual([]);
    expect(await searchPublished(db, other.id, `${org.id} kantine`)).toEqual([]);
    for (const id of [a.id, theirs.id]) await retireAnswer(org.ctx, id);
  });

  it('keeps tenants apart', async () => {
    const mine = await published();
    const otherJan = contextFor(rt, other.id, { type: 'specialist', id: other.mechanic.id });
    // The other organisation has no second mechanic: its inspector cannot check a mechanic's answer.
    const theirs = await proposeAnswer(otherJan, { ...text, workflowId: other.workflowId, position: 0 });
    expect((await refusal(approveAnswer(other.ctx, theirs.id))).kind).toBe('forbidden');
    expect((await searchPublished(db, other.id, 'kantine')).map((a) => a.id)).toEqual([]);
    expect((await searchPublished(db, org.id, 'kantine')).map((a) => a.id)).toEqual([mine.id]);
    const theirJob = await createJob(other.ctx, { ...sampleJob(), workflowId: other.workflowId });
    expect(await searchForTracker(db, theirJob.trackerToken, 'kantine', 'nl')).toEqual([]);
    expect((await refusal(markAnswered(base, theirJob.trackerToken, mine.id))).kind).toBe('not_found');
    await recordShown(base, theirJob.trackerToken, [mine.id]);
    expect((await getAnswer(org.ctx, mine.id)).shownCount).toBe(0);
    await retireAnswer(org.ctx, mine.id);
  });

  it('counts a deflection once per job and answer', async () => {
    const a = await published();
    const job = await createJob(org.ctx, { ...sampleJob(), workflowId: org.workflowId });
    expect(await markAnswered(base, job.trackerToken, a.id)).toEqual({ counted: true });
    expect(await markAnswered(base, job.trackerToken, a.id)).toEqual({ counted: false });
    expect(await getAnswer(org.ctx, a.id)).toMatchObject({ answeredCount: 1, shownCount: 2 });
    await retireAnswer(org.ctx, a.id);
  });
});

describe('answers belong to a workflow step', () => {
  const stepsInput = async () =>
    (await getWorkflow(org.ctx, org.workflowId)).steps.map((s) => ({
      id: s.id,
      title: s.title,
      defaultRoleId: s.defaultRoleId,
    }));

  it('a reorder keeps answers at their step, on the tracker too', async () => {
    const before = await stepsInput();
    const a = await published(text, 1);
    expect(a.workflowStepId).toBe(before[1]?.id);
    const reordered = [before[1], before[0], ...before.slice(2)] as typeof before;
    await updateWorkflow(org.ctx, org.workflowId, { name: 'APK', steps: reordered });
    expect(await getAnswer(org.ctx, a.id)).toMatchObject({
      status: 'published',
      workflowStepId: before[1]?.id,
      position: 0,
    });
    // A job made after the reorder shows it at its first step, which is that workflow step.
    const job = await createJob(org.ctx, { ...sampleJob(), workflowId: org.workflowId });
    const view = await getTrackerView(db, job.trackerToken);
    const first = view?.steps[0];
    expect(view?.answers.map((x) => [x.id, x.stepId])).toEqual([[a.id, first?.id]]);
    const found = await searchForTracker(db, job.trackerToken, 'kantine', 'nl');
    expect(found?.map((x) => [x.id, x.stepId])).toEqual([[a.id, first?.id]]);
    // Marked as answering: the log names that job step.
    await markAnswered(base, job.trackerToken, a.id);
    await updateWorkflow(org.ctx, org.workflowId, { name: 'APK', steps: before });
    expect((await getAnswer(org.ctx, a.id)).position).toBe(1);
    await retireAnswer(org.ctx, a.id);
  });

  it('an edit that removes a step retires its answers in the same transaction', async () => {
    const before = await stepsInput();
    const kept = await published(text, 0);
    const gone = await published({ ...text, question: 'Wat gebeurt er bij de eindcontrole?' }, 2);
    const waiting = await proposeAnswer(jan, { ...text, workflowId: org.workflowId, position: 2 });
    await updateWorkflow(org.ctx, org.workflowId, {
      name: 'APK',
      steps: before.filter((_, i) => i !== 2),
    });
    expect(await getAnswer(org.ctx, gone.id)).toMatchObject({
      status: 'retired',
      workflowStepId: before[2]?.id,
      position: null,
    });
    expect((await getAnswer(org.ctx, waiting.id)).status).toBe('retired');
    expect((await getAnswer(org.ctx, kept.id)).status).toBe('published');
    expect((await searchPublished(db, org.id, 'eindcontrole')).map((x) => x.id)).toEqual([]);
    // Through the API too: no foreign key failure, no 500 (the API's workflow update).
    await updateWorkflow(org.ctx, org.workflowId, {
      name: 'APK',
      steps: [...before.filter((_, i) => i !== 2), { title: before[2]?.title ?? 'x' }],
    });
    await retireAnswer(org.ctx, kept.id);
  });
});
