import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { costLines, events, jobs, specialists } from '../../db/schema';
import { contextFor } from '../../src/runtime';
import { addCostLine } from '../../src/services/costs/cost-lines';
import { askQuestion } from '../../src/services/customer-voice/questions';
import { createJob } from '../../src/services/jobs/create-job';
import { createWorkflow } from '../../src/services/organisation/workflows';
import { inviteSpecialist } from '../../src/services/staff/team';
import { assignStep } from '../../src/services/steps/assign-step';
import { type ConsoleClient, consoleClient, signedUpAdmin } from '../console-client';
import { roleIdFor } from '../helpers';
import { startProduct } from '../server';

/**
 * The job page as each permission sees it (src/services/staff/permissions.ts): only what the person may
 * do is offered, a form posted anyway is refused with 403, and destructive actions ask for a reason and a
 * ticked box before they act.
 */
let product: Awaited<ReturnType<typeof startProduct>>;
let admin: Awaited<ReturnType<typeof signedUpAdmin>>;
let desk: ConsoleClient;
let mechanic: ConsoleClient;
let mechanicId: string;
let jobId: string;
let trackerToken: string;
let stepIds: string[];
let lineId: string;

async function joined(email: string, name: string, permission: 'front_desk' | 'specialist') {
  const { token } = await inviteSpecialist(admin.ctx, {
    email,
    name,
    roleId: await roleIdFor(admin.ctx, 'Monteur'),
    permission,
  });
  const client = consoleClient(product.url);
  const response = await client.post(`/console/invite/${token}`, { name, password: 'long enough secret' });
  expect(response.status).toBe(303);
  return client;
}

beforeAll(async () => {
  product = await startProduct();
  admin = await signedUpAdmin(product.url, product.rt, 'Garage Rechten', 'en');
  desk = await joined('balie@example.test', 'Bo Balie', 'front_desk');
  mechanic = await joined('monteur@example.test', 'Mo Monteur', 'specialist');
  const [mo] = await product.rt.database.db
    .select()
    .from(specialists)
    .where(eq(specialists.email, 'monteur@example.test'));
  mechanicId = mo?.id ?? '';
  const workflowId = await createWorkflow(admin.ctx, {
    name: 'Onderhoud',
    steps: [{ title: 'Inspectie' }, { title: 'Reparatie' }],
  });
  const created = await createJob(admin.ctx, {
    reference: 'R-1',
    title: 'Onderhoud',
    customer: { name: 'Klant', locale: 'en' },
    workflowId,
  });
  jobId = created.jobId;
  trackerToken = created.trackerToken;
  const job = await product.rt.database.db.query.steps.findMany({
    where: (s, { eq: equal }) => equal(s.jobId, jobId),
    orderBy: (s, { asc }) => asc(s.position),
  });
  stepIds = job.map((s) => s.id);
  await assignStep(admin.ctx, jobId, stepIds[0] ?? '', mechanicId);
  await assignStep(admin.ctx, jobId, stepIds[1] ?? '', admin.specialist.id);
  await askQuestion(contextFor(product.rt, admin.organisationId, { type: 'customer', id: null }), jobId, {
    body: 'Is de auto morgen klaar?',
    channel: 'tracker',
    stepId: stepIds[0] ?? null,
  });
  lineId = (
    await addCostLine(admin.ctx, jobId, {
      kind: 'part',
      description: 'Remblokken',
      quantityMilli: 1000,
      unitPriceCents: 4500,
      vatRateBp: 2100,
      state: 'estimate',
    })
  ).id;
});

const page = (client: ConsoleClient) => client.get(`/console/jobs/${jobId}`);
const actions = (html: string) =>
  new Set([...html.matchAll(/name="_action" value="(\w+)"/g)].map((m) => m[1]));
const stepForm = (html: string, stepId: string, action: string) =>
  html.includes(`name="_action" value="${action}"><input type="hidden" name="stepId" value="${stepId}"`);

describe('the job page by permission', () => {
  it('offers the front desk questions, planning and the link, but no costs, progress or cancelling', async () => {
    const html = (await page(desk)).text;
    // Staff read who asked, not the customer's own "Your question".
    expect(html).toContain('Question from Klant');
    expect(html).not.toContain('<strong>Your question</strong>');
    const offered = actions(html);
    for (const action of ['record', 'askBack', 'assign', 'note', 'reissue'])
      expect(offered, action).toContain(action);
    for (const action of ['addCost', 'editCost', 'removeCost', 'cancel', 'start', 'finish', 'skip', 'block'])
      expect(offered, action).not.toContain(action);

    const removed = await desk.post(`/console/jobs/${jobId}`, {
      _action: 'removeCost',
      lineId,
      reason: 'Niet nodig',
      confirm: '1',
    });
    expect(removed.status).toBe(403);
    expect(removed.text).toContain('Only admins can do this.');
    const started = await desk.post(`/console/jobs/${jobId}`, { _action: 'start', stepId: stepIds[0] ?? '' });
    expect(started.status).toBe(403);
    expect(started.text).toContain('Your permission does not allow this.');
    expect(
      await product.rt.database.db.select().from(costLines).where(eq(costLines.id, lineId)),
    ).toHaveLength(1);
  });

  it("lets a specialist work on their own step, not a colleague's, and remove no cost line", async () => {
    const html = (await page(mechanic)).text;
    const [own = '', colleagues = ''] = stepIds;
    expect(stepForm(html, own, 'start')).toBe(true);
    expect(stepForm(html, colleagues, 'start')).toBe(false);
    expect(actions(html)).toContain('addCost');
    expect(actions(html)).not.toContain('removeCost');
    expect(actions(html)).not.toContain('cancel');

    const refused = await mechanic.post(`/console/jobs/${jobId}`, { _action: 'start', stepId: colleagues });
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('Only the specialist assigned to this step (or an admin) can do this.');
    const ownStart = await mechanic.post(`/console/jobs/${jobId}`, { _action: 'start', stepId: own });
    expect(ownStart.status).toBe(303);
    // Back to the step acted on, not the top of the page.
    expect(ownStart.location).toBe(`/console/jobs/${jobId}?done=start#step-${own}`);
    // Working on it now: the note-and-photo form is out, not folded into "More for …".
    const working = (await page(mechanic)).text;
    const noteAt = working.indexOf(
      `name="_action" value="note"><input type="hidden" name="stepId" value="${own}"`,
    );
    const foldAt = working.indexOf('<details class="actions"', working.indexOf(`value="${own}"`));
    expect(noteAt).toBeGreaterThan(-1);
    expect(noteAt).toBeLessThan(foldAt);
  });

  it('asks for a reason and a ticked box before cancelling, and shows the reason to the customer', async () => {
    const bare = await admin.client.post(`/console/jobs/${jobId}`, { _action: 'cancel' });
    expect(bare.status).toBe(422);
    expect(bare.text).toContain('Fill this in.');
    expect(bare.text).toContain('Tick the box to confirm.');
    const unticked = await admin.client.post(`/console/jobs/${jobId}`, {
      _action: 'cancel',
      reason: 'Car sold',
    });
    expect(unticked.status).toBe(422);
    const [still] = await product.rt.database.db.select().from(jobs).where(eq(jobs.id, jobId));
    expect(still?.status).toBe('open');

    const removed = await admin.client.post(`/console/jobs/${jobId}`, {
      _action: 'removeCost',
      lineId,
      reason: 'Klant brengt eigen blokken',
      confirm: '1',
      _anchor: 'cost-heading',
    });
    expect(removed.status).toBe(303);
    expect(removed.location).toBe(`/console/jobs/${jobId}?done=removeCost#cost-heading`);
    const log = await product.rt.database.db.select().from(events).where(eq(events.jobId, jobId));
    const removal = log.find((e) => e.type === 'cost_line.removed');
    expect((removal?.payload as { reason?: string } | undefined)?.reason).toBe('Klant brengt eigen blokken');

    const cancelled = await admin.client.post(`/console/jobs/${jobId}`, {
      _action: 'cancel',
      reason: 'Car sold',
      confirm: '1',
    });
    expect(cancelled.status).toBe(303);
    const tracker = await fetch(`${product.url}/t/${trackerToken}`);
    expect(await tracker.text()).toContain('Car sold');
  });
});

describe('a new API key', () => {
  it('is shown once, at the top of the settings page, with a button to copy it', async () => {
    const created = await admin.client.post('/console/settings', {
      _action: 'createKey',
      label: 'Planning',
      scope: 'write',
    });
    expect(created.status).toBe(200);
    const banner = created.text.indexOf('class="panel key-banner"');
    expect(banner).toBeGreaterThan(-1);
    expect(banner).toBeGreaterThan(created.text.indexOf('<h1>'));
    expect(banner).toBeLessThan(created.text.indexOf('<form', created.text.indexOf('<h1>')));
    const key = /id="new-key">(ok_live_[\w-]+)</.exec(created.text)?.[1];
    expect(key).toBeTruthy();
    expect(created.text).toContain(`data-copy="${key}"`);
    expect(created.text).toContain('>Copy key</button>');
    expect((await admin.client.get('/console/settings')).text).not.toContain(key);
  });
});
