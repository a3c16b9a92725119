import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  apiKeys,
  consultOffers,
  costLines,
  documents,
  events,
  invites,
  jobs,
  notes,
  organisations,
  publishedAnswers,
  questions,
  signoffs,
  specialists,
  steps,
  webhookEndpoints,
  workflows,
} from '../../db/schema';
import { simplePdf } from '../../src/demo/simple-pdf';
import { queueMail } from '../../src/notify/mail/outbox';
import { createEndpoint } from '../../src/notify/webhook-endpoints';
import { contextFor } from '../../src/runtime';
import { createConsultOffer } from '../../src/services/consults/offers';
import { addCostLine } from '../../src/services/costs/cost-lines';
import { askQuestion } from '../../src/services/customer-voice/questions';
import { addDocument } from '../../src/services/documents/documents';
import { listInvoices } from '../../src/services/invoices/read';
import { createJob } from '../../src/services/jobs/create-job';
import { proposeAnswer } from '../../src/services/knowledge/answers';
import { issueApiKey } from '../../src/services/organisation/settings';
import { createWorkflow } from '../../src/services/organisation/workflows';
import { inviteSpecialist } from '../../src/services/staff/team';
import { postNote } from '../../src/services/steps/post-note';
import { type ConsoleClient, signedUpAdmin } from '../console-client';
import { roleIdFor } from '../helpers';
import { finishJob, INVOICE_DETAILS, LINES } from '../invoices/fixtures';
import { startProduct } from '../server';

/**
 * Every console page and form, used by organisation A with organisation B's ids: 404 (or, where B's id
 * is only named in input, the same answer as an id that does not exist), and nothing of B changes.
 */
let product: Awaited<ReturnType<typeof startProduct>>;
let a: ConsoleClient;
let aJob: { jobId: string; stepId: string };
let b: {
  job: string;
  step: string;
  line: string;
  specialist: string;
  workflow: string;
  invite: string;
  key: string;
  question: string;
  endpoint: string;
  mail: string;
  doneJob: string;
  invoice: string;
  document: string;
  version: string;
  answer: string;
  offer: string;
};
let aWorkflow: string;
let bOrg: string;

const snapshotOfB = async () => {
  const db = product.rt.database.db;
  return JSON.stringify({
    organisation: await db.select().from(organisations).where(eq(organisations.id, bOrg)),
    jobs: await db.select().from(jobs).where(eq(jobs.organisationId, bOrg)),
    steps: await db.select().from(steps).where(eq(steps.jobId, b.job)),
    notes: await db.select().from(notes).where(eq(notes.jobId, b.job)),
    costLines: await db.select().from(costLines).where(eq(costLines.jobId, b.job)),
    events: await db.select().from(events).where(eq(events.organisationId, bOrg)),
    specialists: await db.select().from(specialists).where(eq(specialists.organisationId, bOrg)),
    invites: await db.select().from(invites).where(eq(invites.organisationId, bOrg)),
    apiKeys: await db.select().from(apiKeys).where(eq(apiKeys.organisationId, bOrg)),
    workflows: await db.select().from(workflows).where(eq(workflows.organisationId, bOrg)),
    questions: await db.select().from(questions).where(eq(questions.organisationId, bOrg)),
    answers: await db.select().from(publishedAnswers).where(eq(publishedAnswers.organisationId, bOrg)),
    webhooks: await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.organisationId, bOrg)),
    documents: await db.select().from(documents).where(eq(documents.organisationId, bOrg)),
    signoffs: await db.select().from(signoffs).where(eq(signoffs.organisationId, bOrg)),
    offers: await db.select().from(consultOffers).where(eq(consultOffers.organisationId, bOrg)),
  });
};

beforeAll(async () => {
  product = await startProduct();
  const [adminA, adminB] = await Promise.all([
    signedUpAdmin(product.url, product.rt, 'Garage A'),
    signedUpAdmin(product.url, product.rt, 'Garage B'),
  ]);
  a = adminA.client;
  bOrg = adminB.organisationId;
  const ctxB = adminB.ctx;
  const workflow = await createWorkflow(ctxB, {
    name: 'B flow',
    steps: [{ title: 'B step' }, { title: 'B two' }],
  });
  const { jobId } = await createJob(ctxB, {
    reference: 'B-1',
    title: 'B job',
    customer: { name: 'B customer' },
    workflowId: workflow,
  });
  const [step] = await product.rt.database.db.select().from(steps).where(eq(steps.jobId, jobId));
  if (!step) throw new Error('no step');
  await postNote(ctxB, jobId, step.id, { markdown: 'B note', visibility: 'internal' });
  const line = await addCostLine(ctxB, jobId, {
    kind: 'part',
    description: 'B part',
    quantityMilli: 1000,
    unitPriceCents: 1000,
    vatRateBp: 2100,
    state: 'estimate',
  });
  const invite = await inviteSpecialist(ctxB, {
    email: 'b.colleague@example.test',
    name: 'B Colleague',
    roleId: await roleIdFor(ctxB, 'Monteur'),
    permission: 'specialist',
  });
  const key = await issueApiKey(ctxB, 'B key', 'write');
  const endpoint = await createEndpoint(ctxB, {
    url: 'https://b.example/hook',
    description: 'B hook',
    eventTypes: [],
  });
  const question = await askQuestion(contextFor(product.rt, bOrg, { type: 'customer', id: null }), jobId, {
    body: 'B question',
    channel: 'tracker',
  });
  const mailId = await queueMail(
    product.rt.database.db,
    {
      organisationId: bOrg,
      recipient: 'b.customer@example.test',
      locale: 'en',
      kind: 'tracker_link',
      subject: 'B job',
      html: '<p>B job</p>',
      text: 'B job',
      jobId,
    },
    Date.now(),
  );
  // A done job of B's with its invoice.
  await product.rt.database.db
    .update(organisations)
    .set({ invoiceDetails: INVOICE_DETAILS })
    .where(eq(organisations.id, bOrg));
  const done = await createJob(ctxB, {
    reference: 'B-2',
    title: 'B job done',
    customer: { name: 'B customer' },
    workflowId: await createWorkflow(ctxB, { name: 'B short', steps: [{ title: 'B only' }] }),
  });
  await addCostLine(ctxB, done.jobId, { ...LINES[0] });
  await finishJob(ctxB, done.jobId);
  const [invoice] = await listInvoices(ctxB, done.jobId);
  if (!invoice) throw new Error('no invoice');
  const document = await addDocument(
    ctxB,
    jobId,
    step.id,
    { title: 'B document', visibleToCustomer: true },
    { bytes: simplePdf('B document', ['B job']), name: 'b.pdf' },
  );
  b = {
    doneJob: done.jobId,
    invoice: invoice.id,
    document: document.id,
    version: document.versionId,
    job: jobId,
    step: step.id,
    line: line.id,
    specialist: adminB.specialist.id,
    workflow,
    invite: invite.id,
    key: key.id,
    question: question.id,
    endpoint,
    mail: mailId.replace(/^<|@.*$/g, ''),
    answer: (
      await proposeAnswer(ctxB, {
        question: 'B vraag',
        answer: 'B antwoord',
        workflowId: workflow,
        position: 0,
      })
    ).id,
    offer: (
      await createConsultOffer(ctxB, {
        workflowId: workflow,
        titleNl: 'B consult',
        titleEn: 'B consult',
        minutes: 15,
        priceCents: 2500,
        vatRateBp: 2100,
      })
    ).id,
  };

  const workflowA = await createWorkflow(adminA.ctx, { name: 'A flow', steps: [{ title: 'A step' }] });
  aWorkflow = workflowA;
  const created = await createJob(adminA.ctx, {
    reference: 'A-1',
    title: 'A job',
    customer: { name: 'A customer' },
    workflowId: workflowA,
  });
  const [stepA] = await product.rt.database.db.select().from(steps).where(eq(steps.jobId, created.jobId));
  aJob = { jobId: created.jobId, stepId: stepA?.id ?? '' };
});

const STEP_ACTIONS = [
  'start',
  'finish',
  'skip',
  'block',
  'assign',
  'promise',
  'previewPromise',
  'note',
  'kudos',
  'bookSlot',
  'cancelBooking',
] as const;
const LINE_ACTIONS = ['editCost', 'removeCost'] as const;
const costFields = {
  kind: 'part',
  description: 'x',
  quantity: '1',
  unitPrice: '1',
  vatRate: '2100',
  state: 'estimate',
};
const fieldsFor = (action: string): Record<string, string> =>
  ({
    assign: { assigneeId: '' },
    promise: { promisedAt: '2026-12-01T10:00' },
    previewPromise: { promisedAt: '2026-12-01T10:00', reason: 'x' },
    note: { markdown: 'hello', visibility: 'customer' },
    bookSlot: { startsAt: '2026-12-01T10:00:00.000Z', reason: 'x', force: '1' },
    cancelBooking: { reason: 'x' },
    record: { channel: 'phone', body: 'Taken' },
    answer: { answer: 'Taken' },
    addCost: costFields,
    editCost: costFields,
    removeCost: { reason: 'x', confirm: '1' },
    cancel: { reason: 'x', confirm: '1' },
    reissue: { reason: 'x', confirm: '1' },
  })[action] ?? {};

/** Every console page file, so a new page without a case here fails this test. */
const PAGES_COVERED = new Set([
  'index.astro',
  'sign-in.astro',
  'sign-up.astro',
  'sign-out.astro',
  'language.astro',
  'invite/[token].astro',
  'jobs/new.astro',
  'jobs/[id].astro',
  'jobs/[id]/invoices/[invoiceId].pdf.ts',
  // A version of a document: found only by the viewer's organisation and the job in the path.
  'jobs/[id]/documents/[versionId].ts',
  'questions.astro',
  'team.astro',
  'team/[id].astro',
  'settings.astro',
  'calendar.astro',
  'workflows.astro',
  'workflows/[id].astro',
  'workflows/[id]/answers.astro',
  'workflows/[id]/consults.astro',
  'webhooks/[id].astro',
  'widget.astro',
  'insights.astro',
  'insights.csv.ts',
  'insights/jobs.astro',
  'outbox.astro',
  'outbox/[id].astro',
  // The day plan reads bookings by the viewer's organisation only.
  'day.astro',
  // The driver's stops: a route of the viewer's organisation only.
  'stops.astro',
  // Public, and about no organisation: an email address in, one user's single-use token out.
  'forgot-password.astro',
  'reset-password.astro',
]);

describe('organisation A reaching for organisation B through the console', () => {
  it('has a case for every console page', () => {
    const root = join('src', 'pages', 'console');
    const walk = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? walk(join(dir, e.name)) : [relative(root, join(dir, e.name))],
      );
    expect(new Set(walk(root))).toEqual(PAGES_COVERED);
  });

  it("gets 404 for B's pages and streams, and never sees B's data", async () => {
    const before = await snapshotOfB();
    for (const path of [
      `/console/jobs/${b.job}`,
      `/console/team/${b.specialist}`,
      `/console/workflows/${b.workflow}`,
      `/console/workflows/${b.workflow}/answers`,
      `/console/workflows/${b.workflow}/consults`,
      `/console/live/jobs/${b.job}/events`,
      `/console/webhooks/${b.endpoint}`,
      `/console/insights/jobs?workflowId=${b.workflow}`,
      `/console/insights/jobs?specialistId=${b.specialist}`,
      `/console/outbox/${b.mail}`,
      `/console/jobs/${b.doneJob}/invoices/${b.invoice}.pdf`,
      `/console/jobs/${aJob.jobId}/invoices/${b.invoice}.pdf`,
      `/console/jobs/${b.job}/documents/${b.version}`,
      `/console/jobs/${aJob.jobId}/documents/${b.version}`,
      `/console/stops?route=specialist:${b.specialist}`,
    ]) {
      const response = await a.get(path);
      expect(response.status, path).toBe(404);
      expect(response.text, path).not.toContain('B job');
    }
    for (const path of [
      '/console/?q=cust',
      '/console/?filter=all',
      '/console/team',
      '/console/settings',
      '/console/workflows',
      '/console/jobs/new',
      '/console/questions?who=all',
      '/console/widget',
      '/console/insights',
      '/console/insights.csv?table=steps',
      '/console/insights.csv?table=questions',
      '/console/insights.csv?table=specialists',
      '/console/insights/jobs',
      '/console/insights/jobs?kind=questions',
      '/console/outbox',
      '/console/day',
      '/console/stops',
    ]) {
      const response = await a.get(path);
      expect(response.status, path).toBe(200);
      for (const secret of [
        'B-1',
        'B job',
        'B customer',
        'B flow',
        'Admin of Garage B',
        'B Colleague',
        'B key',
        'B question',
        'B hook',
        'b.example',
      ]) {
        expect(response.text, `${path} shows ${secret}`).not.toContain(secret);
      }
    }
    // A's widget settings are A's own.
    expect(
      (await a.post('/console/widget', { _action: 'origins', origins: 'https://a.example' })).status,
    ).toBe(303);
    expect(await snapshotOfB()).toBe(before);
  });

  it("gets 404 for every form aimed at B's objects, and nothing of B is written", async () => {
    const before = await snapshotOfB();
    const cases: [string, Record<string, string>][] = [
      // B's job, through every action of the job page.
      ...[...STEP_ACTIONS, ...LINE_ACTIONS, 'addCost', 'cancel', 'reissue', 'record', 'answer'].map(
        (action): [string, Record<string, string>] => [
          `/console/jobs/${b.job}`,
          { _action: action, stepId: b.step, lineId: b.line, questionId: b.question, ...fieldsFor(action) },
        ],
      ),
      // A's own job, with B's step or cost line.
      ...STEP_ACTIONS.map((action): [string, Record<string, string>] => [
        `/console/jobs/${aJob.jobId}`,
        { _action: action, stepId: b.step, ...fieldsFor(action) },
      ]),
      ...LINE_ACTIONS.map((action): [string, Record<string, string>] => [
        `/console/jobs/${aJob.jobId}`,
        { _action: action, lineId: b.line, ...fieldsFor(action) },
      ]),
      ...['addDocument', 'requestQuote'].map((action): [string, Record<string, string>] => [
        `/console/jobs/${b.job}`,
        { _action: action, stepId: b.step, title_nl: 'Taken', visible: '1' },
      ]),
      ...['documentVersion', 'documentVisibility', 'requestSignoff'].map(
        (action): [string, Record<string, string>] => [
          `/console/jobs/${aJob.jobId}`,
          { _action: action, documentId: b.document, visible: '0' },
        ],
      ),
      ['/console/team', { _action: 'permission', specialistId: b.specialist, permission: 'specialist' }],
      ['/console/team', { _action: 'deactivate', specialistId: b.specialist }],
      ['/console/team', { _action: 'reactivate', specialistId: b.specialist }],
      ['/console/team', { _action: 'revoke', inviteId: b.invite }],
      [
        `/console/team/${b.specialist}`,
        { _action: 'profile', name: 'Taken', role: 'x', bio: '', expertise: '' },
      ],
      ['/console/settings', { _action: 'revokeKey', keyId: b.key }],
      ['/console/questions', { _action: 'answer', questionId: b.question, answer: 'Taken' }],
      [`/console/webhooks/${b.endpoint}`, { _action: 'disable' }],
      [`/console/webhooks/${b.endpoint}`, { _action: 'enable' }],
      [`/console/webhooks/${b.endpoint}`, { _action: 'retry', deliveryId: 'msg_1_x' }],
      [`/console/jobs/${aJob.jobId}`, { _action: 'answer', questionId: b.question, answer: 'Taken' }],
      [`/console/workflows/${b.workflow}`, { _action: 'update', name: 'Taken', 'steps.0.title': 'x' }],
      // Answers: B's through B's workflow page, and through A's own.
      ...['approve', 'retire', 'merge', 'edit'].flatMap((action): [string, Record<string, string>][] =>
        [b.workflow, aWorkflow].map((workflowId) => [
          `/console/workflows/${workflowId}/answers`,
          {
            _action: action,
            answerId: b.answer,
            intoId: b.answer,
            question: 'Taken',
            answer: 'Taken',
            workflowStepId: 'wfs_x',
          },
        ]),
      ),
      // Consult offers: B's through B's workflow page, and through A's own.
      ...['edit', 'remove'].flatMap((action): [string, Record<string, string>][] =>
        [b.workflow, aWorkflow].map((workflowId) => [
          `/console/workflows/${workflowId}/consults`,
          {
            _action: action,
            offerId: b.offer,
            titleNl: 'Taken',
            titleEn: 'Taken',
            minutes: '15',
            price: '1',
            vatRate: '2100',
          },
        ]),
      ),
      [
        '/console/calendar',
        {
          _action: 'workflowCalendar',
          workflowId: b.workflow,
          ...Object.fromEntries([0, 1, 2, 3, 4, 5, 6].map((d) => [`day${d}`, '08:00-21:00'])),
          holidayCountry: '',
          closedDates: '',
        },
      ],
      ['/console/calendar', { _action: 'dropWorkflowCalendar', workflowId: b.workflow }],
      ...(['deliver', 'done'] as const).map((action): [string, Record<string, string>] => [
        '/console/stops',
        { _action: action, route: 'x', date: '2026-12-01', jobId: b.job, stepId: b.step, recipientName: 'A' },
      ]),
      [
        '/console/stops',
        {
          _action: 'reorder',
          route: `specialist:${b.specialist}`,
          date: '2026-12-01',
          stop: 'bkg_x',
          direction: 'up',
        },
      ],
    ];
    for (const [path, form] of cases) {
      const response = await a.post(path, form);
      expect(response.status, `${form._action} on ${path}`).toBe(404);
    }
    expect(await snapshotOfB()).toBe(before);
  });

  it("answers B's specialist named as an assignee exactly like an id that does not exist", async () => {
    const before = await snapshotOfB();
    const post = (assigneeId: string) =>
      a.post(`/console/jobs/${aJob.jobId}`, { _action: 'assign', stepId: aJob.stepId, assigneeId });
    const foreign = await post(b.specialist);
    const unknown = await post('spec_doesnotexist');
    expect([foreign.status, unknown.status]).toEqual([422, 422]);
    expect(foreign.text).toContain('Kies iemand uit uw team.');
    expect(unknown.text).toContain('Kies iemand uit uw team.');
    expect(foreign.text).not.toContain('Admin of Garage B');
    expect(await snapshotOfB()).toBe(before);
  });
});
