import { beforeAll, describe, expect, it } from 'vitest';
import { mailFailingAddresses } from '../../db/schema';
import { queueMail } from '../../src/notify/mail/outbox';
import { createJob } from '../../src/services/jobs/create-job';
import { createApiKey } from '../../src/services/organisation/api-keys';
import { createWorkflow, listWorkflows } from '../../src/services/organisation/workflows';
import { writeTransaction } from '../../src/services/platform/context';
import { signedUpAdmin } from '../console-client';
import { apiClient, eventually } from '../helpers';
import { startProduct } from '../server';

let product: Awaited<ReturnType<typeof startProduct>>;
let admin: Awaited<ReturnType<typeof signedUpAdmin>>;
let other: Awaited<ReturnType<typeof signedUpAdmin>>;
let jobId: string;

beforeAll(async () => {
  // No SMTP_URL: the server keeps every message in its outbox.
  product = await startProduct();
  admin = await signedUpAdmin(product.url, product.rt, 'Garage Outbox');
  other = await signedUpAdmin(product.url, product.rt, 'Garage Elders', 'en');
  const workflowId = await createWorkflow(admin.ctx, { name: 'APK', steps: [{ title: 'Keuring' }] });
  ({ jobId } = await createJob(admin.ctx, {
    reference: 'M-1',
    title: 'APK',
    customer: { name: 'Sanne', email: 'sanne@example.nl' },
    workflowId,
  }));
});

/** A Dutch update to the job's customer in the outbox: its Message-ID and the outbox id the console uses. */
async function queueForSanne(
  message: Pick<Parameters<typeof queueMail>[1], 'subject' | 'html' | 'text' | 'replyTo' | 'calendars'>,
) {
  const messageId = await writeTransaction(product.rt.database.db, (tx) =>
    queueMail(
      tx,
      {
        organisationId: admin.organisationId,
        jobId,
        recipient: 'sanne@example.nl',
        locale: 'nl',
        kind: 'update',
        ...message,
      },
      Date.now(),
    ),
  );
  return { messageId, id: messageId.slice(1, messageId.indexOf('@')) };
}

describe('the outbox in the console', () => {
  it('shows kept messages to their organisation only, the HTML sandboxed', async () => {
    const { messageId, id } = await queueForSanne({
      subject: 'De keuring is begonnen',
      html: '<!doctype html><html lang="nl"><body><h1>Begonnen</h1><script>alert(1)</script></body></html>',
      text: 'De keuring is begonnen.',
    });
    // The server's background work turns it from queued into kept.
    await eventually(async () =>
      (await admin.client.get('/console/outbox')).text.includes('Bewaard (niet verstuurd)'),
    );
    const list = await admin.client.get('/console/outbox');
    expect(list.status).toBe(200);
    expect(list.text).toContain('geen mailserver ingesteld');
    expect(list.text).toContain(`href="/console/outbox/${id}"`);
    expect(list.text).toContain('>M-1</a>');
    const forJob = await admin.client.get(`/console/outbox?job=${jobId}`);
    expect(forJob.text).toContain('De keuring is begonnen');

    const one = await admin.client.get(`/console/outbox/${id}`);
    expect(one.status).toBe(200);
    expect(one.text).toMatch(/<iframe[^>]*sandbox=""/);
    // The message's HTML is only inside the quoted srcdoc (its quotes escaped), in a sandbox without
    // scripts: nothing in it runs in the console.
    expect(one.text).toContain('srcdoc="<!doctype html><html lang=&quot;nl&quot;><body><h1>Begonnen</h1>');
    expect(one.text.split('<script>alert(1)</script>')).toHaveLength(2);
    expect(one.text).toContain('De keuring is begonnen.</pre>');
    expect(one.text).toContain(messageId.replace('<', '&lt;').replace('>', '&gt;'));

    const elsewhere = await other.client.get(`/console/outbox/${id}`);
    expect(elsewhere.status).toBe(404);
    expect((await other.client.get('/console/outbox')).text).not.toContain('De keuring is begonnen');
  });

  it('shows the headers as sent, and names what goes with the message instead of its internal pointers', async () => {
    const { id } = await queueForSanne({
      subject: 'Uw afspraak is verzet',
      html: '<!doctype html><html lang="nl"><body><p>Verzet</p></body></html>',
      text: 'Uw afspraak is verzet.',
      replyTo: 'antwoord@mail.test',
      calendars: 'REQUEST bk_nieuw tracker.example, CANCEL bk_oud tracker.example',
    });
    const one = await admin.client.get(`/console/outbox/${id}`);
    expect(one.status).toBe(200);
    expect(one.text).toContain('antwoord@mail.test');
    expect(one.text).not.toContain('X-Open-Kitchen-Calendar');
    expect(one.text).not.toContain('bk_nieuw');
    expect(one.text).toContain('<h2>Bijlagen</h2>');
    expect(one.text).toContain('<li>Agenda-afspraak (.ics, nieuw of gewijzigd)</li>');
    expect(one.text).toContain('<li>Annulering voor de agenda (.ics)</li>');
  });

  it('warns staff on the job page when the customer address fails, and lets them try again', async () => {
    await product.rt.database.db.insert(mailFailingAddresses).values({
      organisationId: admin.organisationId,
      address: 'sanne@example.nl',
      reason: '550 no such user here',
      failedAt: Date.now(),
    });
    const page = await admin.client.get(`/console/jobs/${jobId}`);
    expect(page.text).toContain('E-mail aan sanne@example.nl mislukt: 550 no such user here.');
    const retried = await admin.client.post(`/console/jobs/${jobId}`, { _action: 'retryMailAddress' });
    expect(retried.status).toBe(303);
    const after = await admin.client.get(retried.location ?? '');
    expect(after.text).not.toContain('mislukt: 550');
    expect(after.text).toContain('E-mail aan dit adres wordt weer geprobeerd.');
  });

  it('keeps the per-step "email the customer" choice from the workflow editor and the API', async () => {
    const created = await admin.client.post('/console/workflows', {
      _action: 'create',
      name: 'Stille stap',
      'steps.0.title': 'Binnenwerk',
      'steps.0.notifyShown': '1',
      'steps.1.title': 'Ophalen',
      'steps.1.notifyShown': '1',
      'steps.1.notifyCustomer': '1',
    });
    expect(created.status).toBe(303);
    const flows = await listWorkflows(admin.ctx);
    const flow = flows.find((w) => w.name === 'Stille stap');
    expect(flow?.steps.map((s) => [s.title, s.notifyCustomer])).toEqual([
      ['Binnenwerk', false],
      ['Ophalen', true],
    ]);
    const editor = await admin.client.get(`/console/workflows/${flow?.id}`);
    expect(editor.text).toMatch(/name="steps\.0\.notifyCustomer" value="1"(?! checked)/);
    expect(editor.text).toMatch(/name="steps\.1\.notifyCustomer" value="1" checked/);

    const call = apiClient(product.rt);
    const { key } = await createApiKey(
      product.rt.database.db,
      product.rt.clock,
      admin.organisationId,
      'test',
    );
    const made = await call('POST', '/workflows', {
      key,
      body: { name: 'Via de API', steps: [{ title: 'Stil', notifyCustomer: false }, { title: 'Luid' }] },
    });
    expect(made.status).toBe(201);
    const listed = await call('GET', '/workflows', { key });
    const api = listed.json.workflows.find((w: { name: string }) => w.name === 'Via de API');
    expect(api.steps.map((s: { notifyCustomer: boolean }) => s.notifyCustomer)).toEqual([false, true]);
  });
});
