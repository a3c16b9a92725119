import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { specialists, steps } from '../../db/schema';
import { createApi } from '../../src/api';
import { answerActions } from '../../src/console/answers-page';
import { boardActions } from '../../src/console/board-page';
import { jobForms } from '../../src/console/job-forms';
import { settingsActions } from '../../src/console/settings-page';
import { stopActions } from '../../src/console/stops-page';
import { teamActions } from '../../src/console/team-page';
import { consoleMessages } from '../../src/i18n/console';
import { queueTrackerLinkSms } from '../../src/notify/sms/queue';
import { listEndpoints } from '../../src/notify/webhook-endpoints';
import type { Runtime } from '../../src/runtime';
import { contextFor } from '../../src/runtime';
import { setCalendar } from '../../src/services/calendar/calendars';
import { addCostLine, changeCostLine, removeCostLine } from '../../src/services/costs/cost-lines';
import { askCustomer } from '../../src/services/customer-voice/conversations';
import { completeFollowUp } from '../../src/services/customer-voice/feedback';
import { answerQuestion, askQuestion } from '../../src/services/customer-voice/questions';
import { giveKudos } from '../../src/services/customer-voice/ratings';
import { addDocument } from '../../src/services/documents/documents';
import { requestQuoteSignoff } from '../../src/services/documents/signoffs';
import { creditInvoice, issueInvoice } from '../../src/services/invoices/issue';
import { createJob } from '../../src/services/jobs/create-job';
import { cancelJob, reissueTrackerToken } from '../../src/services/jobs/job-admin';
import { approveAnswer, proposeAnswer, retireAnswer } from '../../src/services/knowledge/answers';
import { createRole } from '../../src/services/organisation/roles';
import { listApiKeys } from '../../src/services/organisation/settings';
import { createWorkflow } from '../../src/services/organisation/workflows';
import type { Ctx } from '../../src/services/platform/context';
import { ServiceError } from '../../src/services/platform/errors';
import { newId } from '../../src/services/platform/ids';
import { reorderStops } from '../../src/services/slots/route';
import { ACTIONS, type Action, permits, RULES, type Who } from '../../src/services/staff/permissions';
import { listInvites } from '../../src/services/staff/team';
import { assignStep } from '../../src/services/steps/assign-step';
import { changeStepStatus } from '../../src/services/steps/change-step-status';
import { postNote } from '../../src/services/steps/post-note';
import { promiseStep } from '../../src/services/steps/promise-step';
import { issueEmbedToken, setEmbedOrigins } from '../../src/services/tracker/widget';
import { ALWAYS_OPEN, makeOrganisation, sampleJob, type TestOrg, testRuntime } from '../helpers';

/**
 * The permission matrix: every action of src/services/staff/permissions.ts × every kind of actor, done
 * through the services as the console and the API call them. A cell says allowed or refused (403); `own`
 * cells are tried on the actor's own step and on a colleague's. The console's forms and the API's
 * operations each map to a row, so a new form or operation without one fails here.
 */
let rt: Runtime;
let org: TestOrg;
let actors: Record<Who, Ctx>;
let deskId: string;

beforeAll(async () => {
  rt = await testRuntime();
  org = await makeOrganisation(rt);
  deskId = newId('spec');
  await rt.database.db.insert(specialists).values({
    id: deskId,
    organisationId: org.id,
    name: 'Bram Balie',
    role: 'Balie',
    permission: 'front_desk',
    createdAt: rt.clock.now() + 5,
  });
  const as = (id: string) => contextFor(rt, org.id, { type: 'specialist', id });
  actors = {
    admin: as(org.mechanic.id),
    front_desk: as(deskId),
    specialist: as(org.inspector.id),
    api_key: contextFor(rt, org.id, { type: 'api_key', id: 'key_matrix' }),
  };
});

const me = (ctx: Ctx) => (ctx.actor.type === 'specialist' ? ctx.actor.id : null);
/** Someone other than the actor, to own the colleague's step (and to be thanked for it). */
const colleagueOf = (ctx: Ctx) => (me(ctx) === org.inspector.id ? org.mechanic.id : org.inspector.id);
/** API calls name the specialist they act for where a person is needed. */
const onBehalf = (ctx: Ctx) => (ctx.actor.type === 'api_key' ? org.mechanic.id : undefined);

type Fixture = { jobId: string; stepId: string; lineId: string; questionId: string };

async function fixture(assigneeId: string | null): Promise<Fixture> {
  const system = contextFor(rt, org.id, { type: 'system', id: null });
  const { jobId } = await createJob(system, { ...sampleJob(), workflowId: org.workflowId });
  const [step] = await rt.database.db
    .select({ id: steps.id })
    .from(steps)
    .where(eq(steps.jobId, jobId))
    .orderBy(steps.position);
  const stepId = step?.id ?? '';
  await assignStep(system, jobId, stepId, assigneeId);
  const line = await addCostLine(system, jobId, {
    kind: 'part',
    description: 'Ruitenwisser',
    quantityMilli: 1000,
    unitPriceCents: 1500,
    vatRateBp: 2100,
    state: 'estimate',
  });
  const question = await askQuestion(contextFor(rt, org.id, { type: 'customer', id: null }), jobId, {
    body: 'Wanneer is de auto klaar?',
    channel: 'tracker',
  });
  return { jobId, stepId, lineId: line.id, questionId: question.id };
}

let roles = 0;
const DO: Record<Action, (ctx: Ctx, f: Fixture) => Promise<unknown>> = {
  'job:create': (ctx) => createJob(ctx, { ...sampleJob(), workflowId: org.workflowId }),
  'job:cancel': (ctx, f) => cancelJob(ctx, f.jobId, { reason: 'Klant belde af' }),
  'job:reissue_link': (ctx, f) => reissueTrackerToken(ctx, f.jobId),
  // No phone on the job: allowed ends in a conflict, refused in 403.
  'job:send_link': (ctx, f) => queueTrackerLinkSms(ctx, f.jobId, 'http://tracker.test'),
  'step:progress': (ctx, f) => changeStepStatus(ctx, f.jobId, f.stepId, 'start'),
  'step:assign': (ctx, f) => assignStep(ctx, f.jobId, f.stepId, me(ctx) ?? org.mechanic.id),
  'step:promise': (ctx, f) =>
    promiseStep(ctx, f.jobId, f.stepId, {
      promisedAt: rt.clock.now() + 86_400_000,
      reason: 'Onderdeel later',
    }),
  'step:note': (ctx, f) =>
    postNote(ctx, f.jobId, f.stepId, { markdown: 'Remmen gecontroleerd', visibility: 'customer' }),
  'cost:add': (ctx, f) =>
    addCostLine(ctx, f.jobId, {
      kind: 'labour',
      description: 'Uitlijnen',
      quantityMilli: 500,
      unitPriceCents: 8000,
      vatRateBp: 2100,
      state: 'estimate',
    }),
  'cost:change': (ctx, f) => changeCostLine(ctx, f.jobId, f.lineId, { description: 'Ruitenwissers (2)' }),
  'cost:remove': (ctx, f) => removeCostLine(ctx, f.jobId, f.lineId),
  // The fixture's job is open: allowed ends in a conflict (not done yet), refused in 403.
  'invoice:issue': (ctx, f) => issueInvoice(ctx, f.jobId),
  // No invoice on the fixture's job: allowed ends in a 404 for the invoice, refused in 403.
  'invoice:credit': (ctx, f) => creditInvoice(ctx, f.jobId, 'inv_none', { reason: 'Verkeerde prijs' }),
  'document:manage': (ctx, f) =>
    addDocument(
      ctx,
      f.jobId,
      f.stepId,
      { title: 'Keuringsrapport', visibleToCustomer: true },
      { bytes: new TextEncoder().encode('%PDF-1.4\n%%EOF\n'), name: 'rapport.pdf' },
    ),
  // The fixture's job has an estimate line: allowed opens the request.
  'signoff:request': (ctx, f) => requestQuoteSignoff(ctx, f.jobId),
  'question:answer': (ctx, f) =>
    answerQuestion(ctx, f.questionId, { answer: 'Morgen om vier uur.', answeredById: onBehalf(ctx) }),
  'question:record': (ctx, f) =>
    askQuestion(ctx, f.jobId, { channel: 'phone', body: 'Belde over de prijs', recordedById: onBehalf(ctx) }),
  'customer:ask': (ctx, f) =>
    askCustomer(ctx, f.jobId, { body: 'Mogen we de banden ook doen?', askedById: onBehalf(ctx) }),
  'kudos:give': (ctx, f) => giveKudos(ctx, f.jobId, f.stepId, { note: 'Mooi werk' }),
  // No feedback on the fixture's job: allowed ends in a 404 for the follow-up, refused in 403.
  'feedback:follow_up': (ctx, f) => completeFollowUp(ctx, f.jobId, { note: 'Gebeld, opgelost' }),
  'embed_token:issue': (ctx, f) => issueEmbedToken(ctx, f.jobId),
  'route:reorder': (ctx) => reorderStops(ctx, `specialist:${org.mechanic.id}`, '2026-12-01', []),
  'workflow:manage': (ctx) => createWorkflow(ctx, { name: 'Poetsen', steps: [{ title: 'Wassen' }] }),
  'role:manage': (ctx) => createRole(ctx, { name: `Poetser ${++roles}` }),
  'calendar:manage': (ctx) => setCalendar(ctx, ALWAYS_OPEN),
  'team:manage': (ctx) => listInvites(ctx),
  'settings:manage': (ctx) => listApiKeys(ctx),
  'webhook:manage': (ctx) => listEndpoints(ctx),
  'widget:manage': (ctx) => setEmbedOrigins(ctx, []),
  'answer:propose': (ctx) =>
    proposeAnswer(ctx, { ...ANSWER, workflowId: org.workflowId, position: 0, authorId: onBehalf(ctx) }),
  // Checked by a colleague with the writer's role: the writer is someone else with the reviewer's.
  'answer:review': async (ctx) =>
    approveAnswer(ctx, (await proposal(me(ctx) ?? org.mechanic.id)).id, { reviewerId: onBehalf(ctx) }),
  'answer:curate': async (ctx) => retireAnswer(ctx, (await proposal(org.mechanic.id)).id),
};

const ANSWER = { question: 'Hoe lang duurt het?', answer: 'Een uur.' };

/** An answer proposed by a new colleague with the same role as `reviewer`. */
async function proposal(reviewer: string) {
  const { db } = rt.database;
  const [person] = await db.select().from(specialists).where(eq(specialists.id, reviewer));
  const writer = newId('spec');
  await db.insert(specialists).values({
    id: writer,
    organisationId: org.id,
    name: 'Collega',
    roleId: person?.roleId ?? org.mechanic.roleId,
    role: person?.role ?? 'Monteur',
    createdAt: rt.clock.now(),
  });
  const system = contextFor(rt, org.id, { type: 'system', id: null });
  return proposeAnswer(system, { ...ANSWER, workflowId: org.workflowId, position: 0, authorId: writer });
}

/** Refused for want of permission, or not (done, or stopped by something else: a conflict, a rule). */
async function refused(work: Promise<unknown>): Promise<string | null> {
  try {
    await work;
    return null;
  } catch (error) {
    if (error instanceof ServiceError && error.kind === 'forbidden') return error.reason;
    if (error instanceof ServiceError) return null;
    throw error;
  }
}

describe('the permission matrix', () => {
  it('tries every action of the table', () => {
    expect(Object.keys(DO).sort()).toEqual([...ACTIONS].sort());
  });

  for (const action of Object.keys(RULES) as Action[]) {
    it(`${action}: ${Object.entries(RULES[action])
      .map(([who, grant]) => `${who} ${grant}`)
      .join(', ')}`, async () => {
      const cells: string[] = [];
      for (const who of Object.keys(actors) as Who[]) {
        const ctx = actors[who];
        // Kudos go to a colleague; every other step action is tried on a colleague's step and the actor's own.
        const owners =
          action === 'kudos:give'
            ? [colleagueOf(ctx)]
            : RULES[action][who] === 'own'
              ? [colleagueOf(ctx), me(ctx)]
              : [colleagueOf(ctx)];
        for (const owner of owners) {
          const expected = permits(who, action, { assigneeId: owner }, me(ctx));
          const reason = await refused(DO[action](ctx, await fixture(owner)));
          cells.push(`${who} on ${owner === me(ctx) ? 'own' : "colleague's"} step: ${reason ?? 'allowed'}`);
          expect(reason === null, cells.at(-1)).toBe(expected);
        }
      }
    });
  }

  it('lets a specialist take a step or hand it back, never give it to a colleague', async () => {
    const ctx = actors.specialist;
    const f = await fixture(null);
    await assignStep(ctx, f.jobId, f.stepId, org.inspector.id);
    expect(await refused(assignStep(ctx, f.jobId, f.stepId, org.mechanic.id))).toBe('not_permitted');
    await assignStep(ctx, f.jobId, f.stepId, null);
    expect(await refused(assignStep(actors.front_desk, f.jobId, f.stepId, org.mechanic.id))).toBeNull();
  });
});

/** Every console form names the row of the table it needs (null: the page itself is the check). */
const CONSOLE_FORMS: Record<string, Action | null> = {
  start: 'step:progress',
  finish: 'step:progress',
  skip: 'step:progress',
  block: 'step:progress',
  assign: 'step:assign',
  promise: 'step:promise',
  bookSlot: 'step:promise',
  cancelBooking: 'step:promise',
  previewPromise: null, // shows what a promise would move; saving it is `promise`
  note: 'step:note',
  addCost: 'cost:add',
  editCost: 'cost:change',
  removeCost: 'cost:remove',
  issueInvoice: 'invoice:issue',
  creditInvoice: 'invoice:credit',
  cancel: 'job:cancel',
  answer: 'question:answer',
  record: 'question:record',
  askBack: 'customer:ask',
  kudos: 'kudos:give',
  followUp: 'feedback:follow_up',
  reissue: 'job:reissue_link',
  sendSms: 'job:send_link',
  addDocument: 'document:manage',
  documentVersion: 'document:manage',
  documentVisibility: 'document:manage',
  requestSignoff: 'signoff:request',
  requestQuote: 'signoff:request',
  // Settings page
  settings: 'settings:manage',
  createKey: 'settings:manage',
  invoiceDetails: 'settings:manage',
  revokeKey: 'settings:manage',
  addEndpoint: 'webhook:manage',
  insights: 'settings:manage',
  // Board
  hideSetup: 'settings:manage',
  // The driver's stops
  deliver: 'step:progress',
  done: 'step:progress',
  reorder: 'route:reorder',
  // Team page
  invite: 'team:manage',
  permission: 'team:manage',
  deactivate: 'team:manage',
  reactivate: 'team:manage',
  revoke: 'team:manage',
  addRole: 'role:manage',
  renameRole: 'role:manage',
  deleteRole: 'role:manage',
  // Answers for others (a workflow's curation page)
  propose: 'answer:propose',
  edit: 'answer:propose',
  approve: 'answer:review',
  retire: 'answer:curate',
  merge: 'answer:curate',
};

/** Every API operation that changes something, with its row (customer and public routes: their own checks). */
const API_OPERATIONS: Record<string, Action | 'preview' | 'customer' | 'public' | 'images' | 'refused'> = {
  'post /jobs': 'job:create',
  'post /jobs/{jobId}/cancel': 'job:cancel',
  'post /jobs/{jobId}/tracker-link': 'job:reissue_link',
  'post /jobs/{jobId}/steps/{stepId}/start': 'step:progress',
  'post /jobs/{jobId}/steps/{stepId}/finish': 'step:progress',
  'post /jobs/{jobId}/steps/{stepId}/skip': 'step:progress',
  'post /jobs/{jobId}/steps/{stepId}/block': 'step:progress',
  'put /jobs/{jobId}/steps/{stepId}/assignee': 'step:assign',
  'put /jobs/{jobId}/steps/{stepId}/promise': 'step:promise',
  // Shows what a promise would move, changes nothing.
  'post /jobs/{jobId}/steps/{stepId}/promise/preview': 'preview',
  'post /jobs/{jobId}/steps/{stepId}/notes': 'step:note',
  'post /jobs/{jobId}/cost-lines': 'cost:add',
  'patch /jobs/{jobId}/cost-lines/{lineId}': 'cost:change',
  'delete /jobs/{jobId}/cost-lines/{lineId}': 'cost:remove',
  'post /jobs/{jobId}/invoices': 'invoice:issue',
  'post /jobs/{jobId}/invoices/{invoiceId}/credit-note': 'invoice:credit',
  // An issued invoice never changes: refused for everyone (409), a credit note corrects it.
  'patch /jobs/{jobId}/invoices/{invoiceId}': 'refused',
  'delete /jobs/{jobId}/invoices/{invoiceId}': 'refused',
  'post /jobs/{jobId}/steps/{stepId}/documents': 'document:manage',
  'post /jobs/{jobId}/documents/{documentId}/versions': 'document:manage',
  'patch /jobs/{jobId}/documents/{documentId}': 'document:manage',
  'post /jobs/{jobId}/documents/{documentId}/signoff-request': 'signoff:request',
  'post /jobs/{jobId}/quote/signoff-request': 'signoff:request',
  'post /jobs/{jobId}/questions': 'question:record',
  'post /jobs/{jobId}/questions/{questionId}/answer': 'question:answer',
  'post /jobs/{jobId}/asks': 'customer:ask',
  'post /jobs/{jobId}/feedback/follow-up': 'feedback:follow_up',
  'post /jobs/{jobId}/embed-tokens': 'embed_token:issue',
  'post /workflows': 'workflow:manage',
  'put /workflows/{workflowId}': 'workflow:manage',
  'post /roles': 'role:manage',
  'put /jobs/{jobId}/steps/{stepId}/booking': 'step:promise',
  'post /jobs/{jobId}/steps/{stepId}/delivery': 'step:progress',
  'put /routes/{route}/stops/order': 'route:reorder',
  'delete /jobs/{jobId}/steps/{stepId}/booking': 'step:promise',
  'put /roles/{roleId}': 'role:manage',
  'delete /roles/{roleId}': 'role:manage',
  'post /consult-offers': 'workflow:manage',
  'put /consult-offers/{offerId}': 'workflow:manage',
  'delete /consult-offers/{offerId}': 'workflow:manage',
  'put /calendar': 'calendar:manage',
  'put /workflows/{workflowId}/calendar': 'calendar:manage',
  'delete /workflows/{workflowId}/calendar': 'calendar:manage',
  // Images belong to nobody until a note or cost line links them, which is checked there.
  'post /media': 'images',
  'post /track/{token}/push-subscriptions': 'customer',
  'post /widget/{organisation}/lookup': 'public',
  'post /inbound/mail': 'public',
  'post /answers': 'answer:propose',
  'put /answers/{answerId}': 'answer:propose',
  'post /answers/{answerId}/approve': 'answer:review',
  'post /answers/{answerId}/retire': 'answer:curate',
  'post /answers/{answerId}/merge': 'answer:curate',
  'post /track/{token}/answers/{answerId}/answered': 'customer',
  'post /track/{token}/answers/shown': 'customer',
  'post /track/{token}/consults': 'customer',
};

describe('every way in has a row', () => {
  it('maps each console form to an action of the table', () => {
    const page = { ctx: actors.admin, t: consoleMessages.en, rt };
    const forms = [
      ...Object.keys(
        jobForms(actors.admin, 'job', consoleMessages.en, 'Europe/Amsterdam', { publicUrl: 'x' }),
      ),
      ...Object.keys(settingsActions(actors.admin, consoleMessages.en)),
      ...Object.keys(teamActions(page, 'nl')),
      ...Object.keys(boardActions(actors.admin)),
      ...Object.keys(stopActions(actors.admin, consoleMessages.en)),
      ...Object.keys(answerActions(page, org.workflowId, 'nl')),
    ];
    expect([...new Set(forms)].sort()).toEqual(Object.keys(CONSOLE_FORMS).sort());
    for (const action of Object.values(CONSOLE_FORMS)) if (action) expect(ACTIONS).toContain(action);
  });

  it('maps each API operation that changes something to an action of the table', async () => {
    const document = (await (await createApi(rt).request('/api/v1/openapi.json')).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const operations = Object.entries(document.paths).flatMap(([path, ops]) =>
      Object.keys(ops)
        .filter((method) => ['post', 'put', 'patch', 'delete'].includes(method))
        .map((method) => `${method} ${path}`),
    );
    expect(operations.sort()).toEqual(Object.keys(API_OPERATIONS).sort());
    for (const action of Object.values(API_OPERATIONS))
      if (!['preview', 'customer', 'public', 'images', 'refused'].includes(action))
        expect(ACTIONS).toContain(action);
  });
});
