import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { costLines, jobs, notes, sessions, specialists } from '../../db/schema';
import { createJob } from '../../src/services/jobs/create-job';
import { createWorkflow } from '../../src/services/organisation/workflows';
import { inviteSpecialist } from '../../src/services/staff/team';
import { assignStep } from '../../src/services/steps/assign-step';
import { consoleClient, signedUpAdmin } from '../console-client';
import { roleIdFor } from '../helpers';
import { startProduct } from '../server';

let product: Awaited<ReturnType<typeof startProduct>>;
let admin: Awaited<ReturnType<typeof signedUpAdmin>>;
let jobId: string;
let stepId: string;
/** Sign-in attempts from this test process so far (they share one client address). */
let signIns = 0;

beforeAll(async () => {
  product = await startProduct();
  admin = await signedUpAdmin(product.url, product.rt, 'Garage Formulier');
  const workflowId = await createWorkflow(admin.ctx, { name: 'APK', steps: [{ title: 'Keuring' }] });
  ({ jobId } = await createJob(admin.ctx, {
    reference: 'F-1',
    title: 'APK',
    customer: { name: 'Klant' },
    workflowId,
  }));
  const [job] = await product.rt.database.db.select().from(jobs).where(eq(jobs.id, jobId));
  const detail = await product.rt.database.db.query.steps.findFirst({
    where: (s, { eq }) => eq(s.jobId, job?.id ?? ''),
  });
  stepId = detail?.id ?? '';
});

/** The text of the error tied to a field (by aria-describedby), or null. */
const fieldError = (html: string, id: string) =>
  new RegExp(`<p class="error" id="${id}-error">([^<]*)</p>`).exec(html)?.[1] ?? null;

describe('console forms', () => {
  it('sends a visitor without a session to sign in, and back afterwards', async () => {
    const visitor = consoleClient(product.url);
    const page = await visitor.get(`/console/jobs/${jobId}`);
    expect(page.status).toBe(303);
    expect(page.location).toBe(`/console/sign-in?next=${encodeURIComponent(`/console/jobs/${jobId}`)}`);
    const stream = await visitor.get('/console/live/events');
    expect(stream.status).toBe(401);
    const signIn = await visitor.post('/console/sign-in', {
      email: admin.email,
      password: 'a password of some length',
      next: `/console/jobs/${jobId}`,
    });
    expect([signIn.status, signIn.location]).toEqual([303, `/console/jobs/${jobId}`]);
    // An absolute or protocol-relative "next" is not followed.
    const other = consoleClient(product.url);
    const evil = await other.post('/console/sign-in', {
      email: admin.email,
      password: 'a password of some length',
      next: '//evil.example/console',
    });
    expect(evil.location).toBe('/console/');
    signIns += 2;
  });

  it('answers bad input on the form, next to the field, in Dutch, and saves nothing', async () => {
    const before = await product.rt.database.db.select().from(notes).where(eq(notes.jobId, jobId));
    const empty = await admin.client.post(`/console/jobs/${jobId}`, {
      _action: 'note',
      stepId,
      markdown: '   ',
      visibility: 'customer',
    });
    expect(empty.status).toBe(422);
    expect(fieldError(empty.text, `${stepId}-markdown`)).toBe('Vul dit in.');
    expect(empty.text).toContain('aria-invalid="true"');

    const cost = await admin.client.post(`/console/jobs/${jobId}`, {
      _action: 'addCost',
      kind: 'part',
      description: 'Remblokken',
      quantity: 'twee',
      unitPrice: '12,50',
      vatRate: '2100',
      state: 'estimate',
      stepId: '',
    });
    expect(cost.status).toBe(422);
    expect(fieldError(cost.text, 'cost-quantity')).toBe('Vul een getal in.');
    expect(cost.text).toContain('value="Remblokken"'); // what was typed stays
    expect(await product.rt.database.db.select().from(costLines).where(eq(costLines.jobId, jobId))).toEqual(
      [],
    );
    expect(await product.rt.database.db.select().from(notes).where(eq(notes.jobId, jobId))).toEqual(before);

    const ok = await admin.client.post(`/console/jobs/${jobId}`, {
      _action: 'addCost',
      kind: 'part',
      description: 'Remblokken',
      quantity: '2',
      unitPrice: '12,50',
      vatRate: '2100',
      state: 'estimate',
      stepId: '',
    });
    expect([ok.status, ok.location]).toEqual([303, `/console/jobs/${jobId}?done=addCost`]);
    const [line] = await product.rt.database.db.select().from(costLines).where(eq(costLines.jobId, jobId));
    expect(line).toMatchObject({ quantityMilli: 2000, unitPriceCents: 1250 });

    const english = consoleClient(product.url);
    await english.get('/console/language?to=en&back=/console/');
    english.jar.set('ok.session_token', admin.client.jar.get('ok.session_token') ?? '');
    const wrongDate = await english.post(`/console/jobs/${jobId}`, {
      _action: 'promise',
      stepId,
      promisedAt: 'tomorrow',
    });
    expect(wrongDate.status).toBe(422);
    expect(fieldError(wrongDate.text, `${stepId}-promisedAt`)).toBe('Enter a date and time.');
  });

  it('offers the tracker link to copy, and to send again by email or text message', async () => {
    const withContact = await createJob(admin.ctx, {
      reference: 'F-2',
      title: 'Banden',
      customer: { name: 'Piet Klant', email: 'piet@example.test', phone: '06 1234 5678' },
      steps: [{ title: 'Wisselen' }],
    });
    const page = await admin.client.get(`/console/jobs/${withContact.jobId}`);
    const url = `/t/${withContact.trackerToken}`;
    expect(page.text).toContain(`data-copy="http://127.0.0.1:0${url}"`);
    const mailto = /href="(mailto:[^"]+\?subject[^"]*)"/.exec(page.text)?.[1]?.replace(/&amp;/g, '&') ?? '';
    expect(mailto.startsWith('mailto:piet%40example.test?')).toBe(true);
    expect(decodeURIComponent(mailto)).toContain(url);
    const sms = /href="(sms:[^"]+)"/.exec(page.text)?.[1]?.replace(/&amp;/g, '&') ?? '';
    expect(sms.startsWith('sms:0612345678?body=')).toBe(true);
    expect(decodeURIComponent(sms)).toContain(url);
  });

  it('refuses a write from another site, JSON included', async () => {
    for (const origin of ['https://evil.example', 'null']) {
      const response = await admin.client.post(
        `/console/jobs/${jobId}`,
        { _action: 'cancel' },
        { origin, 'sec-fetch-site': 'cross-site' },
      );
      expect(response.status, origin).toBe(403);
      expect(JSON.parse(response.text).error.code).toBe('cross_site_request');
    }
    const json = await fetch(`${product.url}/console/sign-out`, {
      method: 'POST',
      headers: {
        origin: 'https://evil.example',
        'content-type': 'application/json',
        cookie: `ok.session_token=${admin.client.jar.get('ok.session_token')}`,
      },
      body: '{}',
    });
    expect(json.status).toBe(403);
    const [job] = await product.rt.database.db.select().from(jobs).where(eq(jobs.id, jobId));
    expect(job?.status).toBe('open');
  });

  it('keeps specialists out of admin pages, and deactivation ends their sessions at once', async () => {
    const { token } = await inviteSpecialist(admin.ctx, {
      email: 'monteur@example.test',
      name: 'Mo Monteur',
      roleId: await roleIdFor(admin.ctx, 'Monteur'),
      permission: 'specialist',
    });
    const colleague = consoleClient(product.url);
    const weak = await colleague.post(`/console/invite/${token}`, { name: 'Mo Monteur', password: 'short' });
    expect(weak.status).toBe(422);
    expect(fieldError(weak.text, 'f-password')).toBe('Gebruik minstens 10 tekens.');
    const joined = await colleague.post(`/console/invite/${token}`, {
      name: 'Mo Monteur',
      password: 'long enough secret',
    });
    expect([joined.status, joined.location]).toEqual([303, '/console/']);
    expect((await consoleClient(product.url).get(`/console/invite/${token}`)).status).toBe(404); // used once

    expect((await colleague.get('/console/settings')).status).toBe(303);
    const invite = await colleague.post('/console/team', {
      _action: 'invite',
      email: 'x@example.test',
      name: 'X',
      roleId: 'role_y',
      permission: 'admin',
    });
    expect(invite.status).toBe(403);
    expect((await colleague.get('/console/')).status).toBe(200);

    const [mo] = await product.rt.database.db
      .select()
      .from(specialists)
      .where(eq(specialists.email, 'monteur@example.test'));
    const lastAdmin = await admin.client.post('/console/team', {
      _action: 'permission',
      specialistId: admin.specialist.id,
      permission: 'specialist',
    });
    expect(lastAdmin.status).toBe(409);
    expect(lastAdmin.text).toContain('De organisatie heeft minstens één actieve beheerder nodig.');

    await assignStep(admin.ctx, jobId, stepId, mo?.id ?? null);
    const off = await admin.client.post('/console/team', {
      _action: 'deactivate',
      specialistId: mo?.id ?? '',
    });
    expect(off.status).toBe(303);
    expect(
      await product.rt.database.db
        .select()
        .from(sessions)
        .where(eq(sessions.userId, mo?.userId ?? '')),
    ).toEqual([]);
    expect((await colleague.get('/console/')).status).toBe(303);
    // Their name stays on the step they owned; they can no longer be chosen for new work.
    const page = await admin.client.get(`/console/jobs/${jobId}`);
    expect(page.text).toContain('Mo Monteur');
    const reassign = await admin.client.post(`/console/jobs/${jobId}`, {
      _action: 'assign',
      stepId,
      assigneeId: mo?.id ?? '',
    });
    expect(reassign.status).toBe(422);
    expect(reassign.text).toContain('Deze persoon is gedeactiveerd.');
    const again = await consoleClient(product.url).post('/console/sign-in', {
      email: 'monteur@example.test',
      password: 'long enough secret',
    });
    signIns += 1;
    expect(again.status).toBe(403);
    expect(again.text).toContain('This account has been deactivated.');
  });
  it('rate-limits sign-in per client: five attempts a minute, then 429', async () => {
    // Every sign-in in this file came from 127.0.0.1 and counts.
    const guesser = consoleClient(product.url);
    const statuses = [];
    for (let i = signIns; i < 6; i++) {
      statuses.push(
        (await guesser.post('/console/sign-in', { email: 'nobody@example.test', password: `guess ${i}` }))
          .status,
      );
    }
    expect(statuses.at(-1)).toBe(429);
    expect(statuses.slice(0, -1).every((s) => s === 422)).toBe(true);
    const refused = await guesser.post('/console/sign-in', {
      email: admin.email,
      password: 'a password of some length',
    });
    expect(refused.status).toBe(429);
    expect(refused.text).toContain('Too many attempts.');
  });
});
