import { eq, max } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { events, logCursors, mailMessages, mailPending, steps } from '../../db/schema';
import { wants } from '../../src/notify/preferences';
import { createJob } from '../../src/services/jobs/create-job';
import { changeStepStatus } from '../../src/services/steps/change-step-status';
import { consoleClient, signedUpAdmin } from '../console-client';
import { eventually } from '../helpers';
import { type Mailbox, startMailbox } from '../mailbox';
import { startProduct } from '../server';

let product: Awaited<ReturnType<typeof startProduct>>;
let admin: Awaited<ReturnType<typeof signedUpAdmin>>;
let mailbox: Mailbox;

beforeAll(async () => {
  mailbox = await startMailbox();
  // The server sends through the test's SMTP server; no coalescing wait, so messages go on its next tick.
  product = await startProduct({ SMTP_URL: mailbox.url, MAIL_COALESCE_MS: '0', MAIL_MIN_GAP_MS: '0' });
  admin = await signedUpAdmin(product.url, product.rt, 'Garage Mail');
  // The server's mail worker starts following the log at its end: wait until it has.
  const { db } = product.rt.database;
  await eventually(
    async () => (await db.select().from(logCursors).where(eq(logCursors.name, 'mail'))).length > 0,
  );
});

/** Resolves once the server's mail worker has read the whole log and coalesced everything pending. */
async function mailWorkerCaughtUp() {
  const { db } = product.rt.database;
  const [last] = await db.select({ id: max(events.id) }).from(events);
  await eventually(async () => {
    const [cursor] = await db.select().from(logCursors).where(eq(logCursors.name, 'mail'));
    const pending = await db.select().from(mailPending);
    const queued = await db.select().from(mailMessages).where(eq(mailMessages.status, 'queued'));
    return (cursor?.lastEventId ?? 0) >= (last?.id ?? 0) && pending.length === 0 && queued.length === 0;
  });
}

describe('email to the customer through the running server', () => {
  it('sends the tracker link, takes preferences on the tracker without JavaScript, and one-click unsubscribes', async () => {
    const { jobId } = await createJob(admin.ctx, {
      reference: 'E-1',
      title: 'Grote beurt',
      customer: { name: 'Noor', email: 'noor@example.nl', locale: 'nl' },
      steps: [{ title: 'Beurt' }, { title: 'Proefrit' }],
    });
    const [welcome] = await mailbox.waitFor(1);
    expect(welcome?.parsed.subject).toBe('Garage Mail: volg uw opdracht E-1');
    const trackerPath = /\/t\/[A-Za-z0-9_-]+/.exec(welcome?.parsed.text ?? '')?.[0] ?? '';
    expect(trackerPath).not.toBe('');

    // The link in the email opens the tracker, with the preferences form.
    const customer = consoleClient(product.url);
    const page = await customer.get(trackerPath);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<h2 id="notify-heading">Waarover u hoort</h2>');
    expect(page.text).toContain('name="email.progress" value="1" checked');
    // Everything on but "a step starts or is done" by email: the unchecked box is a no.
    const choices: Record<string, string> = { _action: 'preferences', channels: 'email,push' };
    for (const kind of ['promise', 'answer', 'approval', 'done']) choices[`email.${kind}`] = '1';
    for (const kind of ['progress', 'promise', 'answer', 'approval', 'done']) choices[`push.${kind}`] = '1';
    const saved = await customer.post(trackerPath, choices);
    expect(saved.status).toBe(303);
    expect(saved.location).toBe(`${trackerPath}?saved=preferences#notify-heading`);
    expect((await customer.get(`${trackerPath}?saved=preferences`)).text).toContain(
      'Uw keuzes zijn opgeslagen.',
    );
    const { db } = product.rt.database;
    expect(await wants(db, jobId, 'email', 'progress')).toBe(false);
    expect(await wants(db, jobId, 'email', 'done')).toBe(true);
    expect(await wants(db, jobId, 'push', 'progress')).toBe(true);

    const [first, second] = (await db.select().from(steps).where(eq(steps.jobId, jobId))).sort(
      (a, b) => a.position - b.position,
    );
    await changeStepStatus(admin.ctx, jobId, first?.id ?? '', 'start');
    await mailWorkerCaughtUp();
    expect(mailbox.received).toHaveLength(1);

    // One-click unsubscribe as a mail program sends it: a POST from elsewhere, no cookie, no Origin.
    const link = /^<([^>]+)>$/.exec(welcome?.header('list-unsubscribe') ?? '')?.[1] ?? '';
    const path = new URL(link).pathname;
    const opened = await fetch(`${product.url}${path}`);
    expect(opened.status).toBe(200);
    expect(await wants(db, jobId, 'email', 'done')).toBe(true);
    const posted = await fetch(`${product.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(posted.status).toBe(200);
    expect(await wants(db, jobId, 'email', 'done')).toBe(false);

    // The job is done: the customer would have been asked to rate it, but unsubscribed.
    await changeStepStatus(admin.ctx, jobId, first?.id ?? '', 'finish');
    await changeStepStatus(admin.ctx, jobId, second?.id ?? '', 'finish');
    await mailWorkerCaughtUp();
    expect(mailbox.received).toHaveLength(1);
    expect(await db.select().from(mailMessages).where(eq(mailMessages.jobId, jobId))).toHaveLength(1);
  });
});
