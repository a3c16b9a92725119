import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { organisations, questions, specialists } from '../../db/schema';
import { contextFor } from '../../src/runtime';
import { askQuestion } from '../../src/services/customer-voice/questions';
import { createJob } from '../../src/services/jobs/create-job';
import { approveAnswer, getAnswer, listAnswers, proposeAnswer } from '../../src/services/knowledge/answers';
import { createWorkflow, getWorkflow } from '../../src/services/organisation/workflows';
import { newId } from '../../src/services/platform/ids';
import { signedUpAdmin } from '../console-client';
import { startProduct } from '../server';

/**
 * The curation page of a workflow's answers (docs/decisions/knowledge.md): per step with counts, the
 * check by a same-role colleague, edit, retire, merge, propose, all as plain forms; and the flag on a
 * new question that resembles a published answer.
 */
let product: Awaited<ReturnType<typeof startProduct>>;

beforeAll(async () => {
  product = await startProduct();
});

const text = {
  question: 'Kan ik wachten tijdens de APK?',
  answer: 'Ja, in de kantine met gratis koffie en wifi.',
  translations: { en: { question: 'Can I wait during the MOT?', answer: 'Yes, in the canteen.' } },
};

describe('answers for others in the console', () => {
  it('shows answers per step, publishes after a colleague’s check, edits, merges and retires', async () => {
    const admin = await signedUpAdmin(product.url, product.rt, 'Garage Kennis');
    const db = product.rt.database.db;
    const colleagueId = newId('spec');
    await db.insert(specialists).values({
      id: colleagueId,
      organisationId: admin.organisationId,
      name: 'Piet Smit',
      role: 'Owner',
      roleId: admin.specialist.roleId,
      createdAt: Date.now(),
    });
    const piet = contextFor(product.rt, admin.organisationId, { type: 'specialist', id: colleagueId });
    const workflowId = await createWorkflow(admin.ctx, {
      name: 'APK',
      steps: [{ title: 'Ontvangst' }, { title: 'Keuring' }],
    });
    const [first, second] = (await getWorkflow(admin.ctx, workflowId)).steps;
    const path = `/console/workflows/${workflowId}/answers`;

    // The workflow page links to it.
    expect((await admin.client.get(`/console/workflows/${workflowId}`)).text).toContain(path);

    // Piet proposes; the admin (same role, not the writer) checks it on the page.
    const proposed = await proposeAnswer(piet, { ...text, workflowStepId: second?.id });
    let page = await admin.client.get(path);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Wacht op controle');
    expect(page.text).toContain('Gecontroleerd: publiceren');
    const approved = await admin.client.post(path, { _action: 'approve', answerId: proposed.id });
    expect(approved.status).toBe(303);
    expect(await getAnswer(admin.ctx, proposed.id)).toMatchObject({ status: 'published' });
    page = await admin.client.get(path);
    expect(page.text).toContain('Stap 2: Keuring');
    expect(page.text).toContain('Kan ik wachten tijdens de APK?');
    expect(page.text).toContain('0 keer getoond · 0 keer beantwoordde het de vraag');

    // An edit by the admin waits; the admin may not check their own edit.
    const edited = await admin.client.post(path, {
      _action: 'edit',
      answerId: proposed.id,
      question: 'Kan ik wachten tijdens de APK-keuring?',
      answer: 'Ja, in de kantine.',
      questionOther: 'Can I wait?',
      answerOther: '',
      workflowStepId: first?.id ?? '',
    });
    expect(edited.status).toBe(303);
    const afterEdit = await getAnswer(admin.ctx, proposed.id);
    expect(afterEdit).toMatchObject({
      question: text.question,
      workflowStepId: first?.id,
      draft: {
        question: 'Kan ik wachten tijdens de APK-keuring?',
        translations: { en: { question: 'Can I wait?' } },
      },
    });
    const self = await admin.client.post(path, { _action: 'approve', answerId: proposed.id });
    expect(self.status).toBe(403);
    await approveAnswer(piet, proposed.id);

    // Bad input: the message next to the field, nothing saved.
    const empty = await admin.client.post(path, {
      _action: 'propose',
      question: ' ',
      answer: 'x',
      workflowStepId: first?.id ?? '',
    });
    expect(empty.status).toBe(422);
    expect(empty.text).toContain('id="propose-q-error"');

    // A new customer question that resembles it is flagged to the specialist answering it.
    const job = await createJob(admin.ctx, {
      reference: 'K-1',
      title: 'Golf',
      customer: { name: 'Anna' },
      workflowId,
    });
    const customer = contextFor(product.rt, admin.organisationId, { type: 'customer', id: null });
    await askQuestion(customer, job.jobId, { body: 'Mag ik in de kantine wachten?', channel: 'tracker' });
    for (const where of [`/console/jobs/${job.jobId}`, '/console/questions?who=all']) {
      const shown = (await admin.client.get(where)).text;
      expect(shown, where).toContain('Mogelijk beantwoord door:');
      expect(shown, where).toContain('Kan ik wachten tijdens de APK-keuring?');
      expect(shown, where).toContain(`${path}#answer-${proposed.id}`);
    }

    // A duplicate is merged into it; then it is retired.
    const dup = await proposeAnswer(piet, { ...text, question: 'Is er koffie?', workflowStepId: first?.id });
    await approveAnswer(admin.ctx, dup.id);
    const merged = await admin.client.post(path, { _action: 'merge', answerId: dup.id, intoId: proposed.id });
    expect(merged.status).toBe(303);
    expect(await getAnswer(admin.ctx, dup.id)).toMatchObject({
      status: 'retired',
      mergedIntoId: proposed.id,
    });
    const retired = await admin.client.post(path, { _action: 'retire', answerId: proposed.id });
    expect(retired.status).toBe(303);
    expect(await listAnswers(admin.ctx, { workflowId, status: 'published' })).toEqual([]);
    // Proposing from the page.
    const made = await admin.client.post(path, {
      _action: 'propose',
      question: 'Hoe laat kan ik ophalen?',
      answer: 'Tot zes uur.',
      questionOther: 'When can I collect?',
      answerOther: 'Until six.',
      workflowStepId: second?.id ?? '',
    });
    expect(made.status).toBe(303);
    expect((await listAnswers(admin.ctx, { workflowId, status: 'in_review' }))[0]).toMatchObject({
      workflowStepId: second?.id,
      draft: { translations: { en: { question: 'When can I collect?' } } },
    });
    // In English too.
    admin.client.jar.set('ok_lang', 'en');
    const en = await admin.client.get(path);
    expect(en.text).toContain('Answers for others: APK');
  });

  it('takes the minutes a phone question took, and the defaults per channel in the settings', async () => {
    const admin = await signedUpAdmin(product.url, product.rt, 'Garage Moeite');
    const db = product.rt.database.db;
    const settings = await admin.client.post('/console/settings', {
      _action: 'insights',
      hourlyRate: '60',
      'minutes.tracker': '4',
      'minutes.phone': '9',
      'minutes.desk': '12',
      'minutes.email': '7',
    });
    expect(settings.status).toBe(303);
    const [org] = await db.select().from(organisations).where(eq(organisations.id, admin.organisationId));
    expect(org?.questionMinutes).toEqual({ tracker: 4, phone: 9, desk: 12, email: 7 });
    expect((await admin.client.get('/console/settings')).text).toContain('value="12"');
    const zero = await admin.client.post('/console/settings', {
      _action: 'insights',
      hourlyRate: '60',
      'minutes.tracker': '0',
      'minutes.phone': '9',
      'minutes.desk': '12',
      'minutes.email': '7',
    });
    expect(zero.status).toBe(422);

    const { jobId } = await createJob(admin.ctx, {
      reference: 'M-1',
      title: 'Polo',
      customer: { name: 'Bob' },
      steps: [{ title: 'Werk' }],
    });
    const wrong = await admin.client.post(`/console/jobs/${jobId}`, {
      _action: 'record',
      channel: 'phone',
      stepId: '',
      body: 'Belde over de prijs',
      effortMinutes: 'tien',
    });
    expect(wrong.status).toBe(422);
    expect(wrong.text).toContain('id="record-minutes-error"');
    const recorded = await admin.client.post(`/console/jobs/${jobId}`, {
      _action: 'record',
      channel: 'phone',
      stepId: '',
      body: 'Belde over de prijs',
      effortMinutes: '12',
    });
    expect(recorded.status).toBe(303);
    const [q] = await db.select().from(questions).where(eq(questions.jobId, jobId));
    expect(q?.effortMinutes).toBe(12);
    // Opening the job page with a customer's open question starts its effort.
    const customer = contextFor(product.rt, admin.organisationId, { type: 'customer', id: null });
    const asked = await askQuestion(customer, jobId, { body: 'Al klaar?', channel: 'tracker' });
    await admin.client.get(`/console/jobs/${jobId}`);
    const [opened] = await db.select().from(questions).where(eq(questions.id, asked.id));
    expect(opened?.openedAt).not.toBeNull();
  });
});
