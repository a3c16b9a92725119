import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { organisations } from '../../db/schema';
import { foldInsights } from '../../src/services/insights/fold';
import { createJob } from '../../src/services/jobs/create-job';
import { getJob } from '../../src/services/jobs/read-job';
import { createWorkflow } from '../../src/services/organisation/workflows';
import { inviteSpecialist } from '../../src/services/staff/team';
import { changeStepStatus } from '../../src/services/steps/change-step-status';
import { consoleClient, signedUpAdmin } from '../console-client';
import { roleIdFor } from '../helpers';
import { startProduct } from '../server';

let product: Awaited<ReturnType<typeof startProduct>>;
let admin: Awaited<ReturnType<typeof signedUpAdmin>>;
let workflowId: string;
const tokens: string[] = [];

beforeAll(async () => {
  product = await startProduct();
  admin = await signedUpAdmin(product.url, product.rt, 'Garage Inzicht');
  workflowId = await createWorkflow(admin.ctx, {
    name: 'Bezorging',
    steps: [{ title: 'Inladen', expectedMinutes: 600 }],
  });
  // Ten jobs, each with one promised step, finished at once: ten promises kept.
  for (let i = 0; i < 10; i++) {
    const { jobId, trackerToken } = await createJob(admin.ctx, {
      reference: `INS-${i}`,
      title: 'Bank bezorgen',
      customer: { name: 'Klant' },
      workflowId,
    });
    tokens.push(trackerToken);
    const [step] = (await getJob(admin.ctx, jobId)).steps;
    await changeStepStatus(admin.ctx, jobId, step?.id ?? '', 'finish');
  }
});

describe('insights in the console', () => {
  it('draws every measure as a bar chart whose rows are text, a table and links to the jobs', async () => {
    const page = await admin.client.get('/console/insights');
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/<h1[^>]*>Inzichten<\/h1>/);
    expect(page.text).toContain('Bezorging');
    expect(page.text.match(/<figure class="chart"/g)?.length).toBeGreaterThanOrEqual(9);
    expect(page.text).toMatch(
      /<figcaption id="wf0-jobs-caption"[^>]*><strong[^>]*>Opdrachten per stap<\/strong>/,
    );
    // Each row reads as "label: value" (the colon for screen readers); the bars are drawn beside it, hidden from them.
    expect(page.text).toMatch(
      /Inladen<\/span><span class="sr-only"[^>]*>: <\/span><span class="line"[^>]*><svg aria-hidden="true"[^>]*>.*?<\/svg><span class="value"[^>]*>100% \(10\/10\)<\/span>/,
    );
    expect(page.text).toContain(`/console/insights/jobs?from=`);
    expect(page.text).toMatch(/<table class="list numbers"/);
    // A table wider than a phone scrolls in its own region, named and reachable by keyboard.
    expect(page.text).toMatch(
      /<div class="table-wrap" role="region" aria-label="De cijfers als tabel: Bezorging" tabindex="0"/,
    );

    const english = await admin.client.get('/console/language?to=en&back=/console/insights');
    expect(english.status).toBe(303);
    const en = await admin.client.get('/console/insights');
    expect(en.text).toMatch(/<h1[^>]*>Insights<\/h1>/);
    expect(en.text).toContain('Jobs through each step');
    await admin.client.get('/console/language?to=nl&back=/console/insights');
  });

  it('answers a bad period with 422 and the message, and still shows the default period', async () => {
    const page = await admin.client.get('/console/insights?from=2026-02-30');
    expect(page.status).toBe(422);
    expect(page.text).toContain('Kies datums als 2026-11-23');
  });

  it('offers each table as CSV', async () => {
    const response = await fetch(`${product.url}/console/insights.csv?table=steps`, {
      headers: { cookie: [...admin.client.jar].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/csv');
    const lines = (await response.text())
      .replace(/^\ufeff/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toMatch(/^Werkwijzen,Stap,Opdrachten,/);
    expect(lines[1]).toMatch(/^Bezorging,Inladen,10,0,/);
    expect((await admin.client.get('/console/insights.csv?table=nope')).status).toBe(422);
  });

  it('drills down to the jobs behind a figure', async () => {
    const page = await admin.client.get(`/console/insights/jobs?workflowId=${workflowId}&position=0`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('10 gevonden');
    expect(page.text).toContain('INS-9');
    const late = await admin.client.get(
      `/console/insights/jobs?workflowId=${workflowId}&position=0&filter=late`,
    );
    expect(late.text).toContain('0 gevonden');
    expect((await admin.client.get('/console/insights/jobs?workflowId=wf_nope')).status).toBe(404);
  });

  it('shows a specialist their own figures only', async () => {
    const { token } = await inviteSpecialist(admin.ctx, {
      email: 'chauffeur@example.test',
      name: 'Chris Chauffeur',
      roleId: await roleIdFor(admin.ctx, 'Chauffeur'),
      permission: 'specialist',
    });
    const colleague = consoleClient(product.url);
    const joined = await colleague.post(`/console/invite/${token}`, {
      name: 'Chris Chauffeur',
      password: 'long enough secret',
    });
    expect(joined.status).toBe(303);
    const page = await colleague.get('/console/insights');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Uw eigen cijfers');
    expect(page.text).not.toContain('Bezorging');
    expect(page.text).toContain('Chris Chauffeur');
    expect(page.text).not.toContain(admin.specialist.name);
  });

  it('keeps the hourly rate and the promise record switch in settings; the tracker shows the record', async () => {
    const bad = await admin.client.post('/console/settings', { _action: 'insights', hourlyRate: 'veel' });
    expect(bad.status).toBe(422);
    const saved = await admin.client.post('/console/settings', {
      _action: 'insights',
      hourlyRate: '75,50',
      showPromiseRecord: '1',
    });
    expect(saved.status).toBe(303);
    const [org] = await product.rt.database.db
      .select()
      .from(organisations)
      .where(eq(organisations.id, admin.organisationId));
    expect([org?.hourlyRateCents, org?.showPromiseRecord]).toEqual([7550, true]);
    await foldInsights(product.rt.database.db);
    const tracker = await fetch(`${product.url}/t/${tokens[0]}`, { headers: { 'accept-language': 'nl' } });
    expect(await tracker.text()).toContain('100% van de stappen klaar op de beloofde tijd, laatste 90 dagen');
  });
});
