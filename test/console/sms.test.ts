import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { logCursors, smsMessages } from '../../db/schema';
import { createJob } from '../../src/services/jobs/create-job';
import { createWorkflow } from '../../src/services/organisation/workflows';
import { signedUpAdmin } from '../console-client';
import { eventually } from '../helpers';
import { twilioServer } from '../notify/twilio-server';
import { startProduct } from '../server';

const SID = `AC${'fedcba9876543210'.repeat(2)}`;
const TOKEN = 'the console test auth token';

describe('the job page with text messages configured', () => {
  let product: Awaited<ReturnType<typeof startProduct>>;
  let twilio: Awaited<ReturnType<typeof twilioServer>>;
  let admin: Awaited<ReturnType<typeof signedUpAdmin>>;
  let jobId: string;

  beforeAll(async () => {
    twilio = await twilioServer(SID, TOKEN);
    product = await startProduct({
      TWILIO_ACCOUNT_SID: SID,
      TWILIO_AUTH_TOKEN: TOKEN,
      TWILIO_FROM: '+3197010203040',
      TWILIO_API_URL: twilio.url,
    });
    // The server's sender follows the log from where it first looked: wait until it has.
    await eventually(async () => {
      const [cursor] = await product.rt.database.db
        .select()
        .from(logCursors)
        .where(eq(logCursors.name, 'sms'));
      return !!cursor;
    });
    admin = await signedUpAdmin(product.url, product.rt, 'Garage Sms', 'en');
    const workflowId = await createWorkflow(admin.ctx, { name: 'APK', steps: [{ title: 'Keuring' }] });
    ({ jobId } = await createJob(admin.ctx, {
      reference: 'T-1',
      title: 'APK',
      customer: { name: 'Klant', phone: '06 98765432' },
      workflowId,
    }));
  });

  it('the server texts the tracker link on creation, and staff can send it again from the job page', async () => {
    await eventually(() => twilio.received.some((m) => m.to === '+31698765432'));
    const page = await admin.client.get(`/console/jobs/${jobId}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Send tracker link by text');
    expect(page.text).not.toContain('href="sms:');
    // The first text went out a moment ago: the page says so, and a second one within a minute is refused.
    expect(page.text).toMatch(/Tracker link · sent/);
    const again = await admin.client.post(`/console/jobs/${jobId}`, { _action: 'sendSms' });
    expect(again.status).toBe(409);
    expect(again.text).toContain('less than a minute ago');
    await product.rt.database.db
      .update(smsMessages)
      .set({ createdAt: Date.now() - 120_000 })
      .where(eq(smsMessages.jobId, jobId));
    const sent = await admin.client.post(`/console/jobs/${jobId}`, { _action: 'sendSms' });
    expect(sent.status).toBe(303);
    await eventually(() => twilio.received.filter((m) => m.to === '+31698765432').length === 2);
    const [first, second] = twilio.received.filter((m) => m.to === '+31698765432');
    expect(second?.body).toBe(first?.body);
    expect(second?.body).toMatch(/^Garage Sms: follow T-1 live here: http:\/\/127\.0\.0\.1:\d+\/t\/\S+$/);
  });
});

describe('the job page without text messages', () => {
  it('keeps the sms: link that opens the specialist’s own phone', async () => {
    const product = await startProduct();
    const admin = await signedUpAdmin(product.url, product.rt, 'Garage Zonder Sms', 'en');
    const workflowId = await createWorkflow(admin.ctx, { name: 'APK', steps: [{ title: 'Keuring' }] });
    const { jobId } = await createJob(admin.ctx, {
      reference: 'T-2',
      title: 'APK',
      customer: { name: 'Klant', phone: '06 98765432' },
      workflowId,
    });
    const page = await admin.client.get(`/console/jobs/${jobId}`);
    expect(page.text).toContain('href="sms:0698765432?body=');
    expect(page.text).not.toContain('Send tracker link by text');
    const refused = await admin.client.post(`/console/jobs/${jobId}`, { _action: 'sendSms' });
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(refused.status).toBeLessThan(500);
  });
});
