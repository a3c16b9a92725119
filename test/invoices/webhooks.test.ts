import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueWebhookMessages, sendDueWebhooks } from '../../src/notify/outbox';
import { createEndpoint } from '../../src/notify/webhook-endpoints';
import { contextFor } from '../../src/runtime';
import { creditInvoice } from '../../src/services/invoices/issue';
import { fakeClock, makeOrganisation, testRuntime } from '../helpers';
import { finishJob, jobWithLines, withInvoiceDetails } from './fixtures';

/** A business's bookkeeping hears of each invoice and credit note through its webhook (`invoice.*`). */
describe('invoice webhooks', () => {
  const clock = fakeClock();
  let server: Server;
  let base: string;
  const received: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        received.push(body);
        res.end();
      });
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));

  it('delivers invoice.issued and invoice.credited with the invoice', async () => {
    const rt = await testRuntime({ clock });
    const org = await makeOrganisation(rt);
    await withInvoiceDetails(rt, org);
    const admin = contextFor(rt, org.id, { type: 'specialist', id: org.mechanic.id });
    await enqueueWebhookMessages(rt.database.db, clock);
    await createEndpoint(admin, {
      url: `${base}/books`,
      description: 'Boekhouding',
      eventTypes: ['invoice.*'],
    });
    clock.advance(1000);
    const jobId = await jobWithLines(org.ctx, org);
    await finishJob(org.ctx, jobId);
    await enqueueWebhookMessages(rt.database.db, clock);
    await sendDueWebhooks(rt.database.db, clock, { allowPrivate: true });
    const issued = received.map((b) => JSON.parse(b)).filter((m) => m.data.jobId === jobId);
    expect(issued.map((m) => m.type)).toEqual(['invoice.issued']);
    const invoice = issued[0].data.invoice;
    expect(invoice).toMatchObject({ kind: 'invoice', number: expect.stringMatching(/^\d{4}-0001$/) });

    clock.advance(1000);
    await creditInvoice(org.ctx, jobId, invoice.id, { reason: 'Dubbel gefactureerd' });
    await enqueueWebhookMessages(rt.database.db, clock);
    await sendDueWebhooks(rt.database.db, clock, { allowPrivate: true });
    const all = received.map((b) => JSON.parse(b)).filter((m) => m.data.jobId === jobId);
    expect(all.map((m) => m.type)).toEqual(['invoice.issued', 'invoice.credited']);
    expect(all[1].data.invoice).toMatchObject({
      kind: 'credit_note',
      creditsId: invoice.id,
      grossCents: -invoice.grossCents,
      reason: 'Dubbel gefactureerd',
    });
  });
});
