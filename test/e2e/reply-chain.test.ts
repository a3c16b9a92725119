import { and, eq, gt } from 'drizzle-orm';
import nodemailer from 'nodemailer';
import type { Browser } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { events, logCursors, mailMessages, mailPending } from '../../db/schema';
import { signedUpAdmin } from '../console-client';
import { apiClient, eventually } from '../helpers';
import { type Mailbox, startProductWithMail } from '../mailbox';
import type { startProduct } from '../server';
import { launchBrowser } from './browser';

/**
 * The chain in Chromium: a job created through the API → the tracker-link email arrives in the
 * test mailbox → its link opens the tracker → a reply to that email appears in the specialist's console
 * live → the answer arrives by email with threading headers, and on the tracker live → one-click
 * unsubscribe stops the next message.
 */
let product: Awaited<ReturnType<typeof startProduct>>;
let browser: Browser;
let mailbox: Mailbox;
let smtpPort: number;

beforeAll(async () => {
  let started: Awaited<ReturnType<typeof startProductWithMail>>;
  [started, browser] = await Promise.all([
    startProductWithMail({ MAIL_COALESCE_MS: '50', MAIL_MIN_GAP_MS: '0' }),
    launchBrowser(),
  ]);
  ({ product, mailbox, smtpPort } = started);
});

describe('replies come back, end to end', () => {
  it('API job → tracker-link email → tracker → emailed reply live in the console → threaded answer → unsubscribe', async () => {
    const admin = await signedUpAdmin(product.url, product.rt, 'Garage Keten');
    // The mail worker starts its cursor at the end of the log the first time it runs: wait for it, so
    // the job below is after it (a later start would not replay this job's history).
    await eventually(
      async () =>
        (await product.rt.database.db.query.logCursors.findFirst({
          where: (c, { eq }) => eq(c.name, 'mail'),
        })) != null,
    );
    const { createApiKey } = await import('../../src/services/organisation/api-keys');
    const { key } = await createApiKey(
      product.rt.database.db,
      product.rt.clock,
      admin.organisationId,
      'keten',
    );
    const created = await apiClient(product.rt)('POST', '/jobs', {
      key,
      body: {
        reference: 'K-1',
        title: 'Uitlaat',
        customer: { name: 'Eva', email: 'eva@example.nl', locale: 'nl' },
        steps: [{ title: 'Keuren', assigneeId: admin.specialist.id }, { title: 'Monteren' }],
      },
    });
    expect(created.status).toBe(201);
    const jobId = created.json.id as string;

    // The tracker link arrives by email; its link opens the tracker.
    await eventually(() => mailbox.to('eva@example.nl').length >= 1);
    const link = mailbox.to('eva@example.nl')[0];
    if (!link) throw new Error('no tracker-link email');
    const url = /https?:\/\/\S+\/t\/[\w-]+/.exec(link.parsed.text ?? '')?.[0] ?? '';
    const trackerPath = new URL(url).pathname;
    const customerContext = await browser.newContext({ locale: 'nl-NL' });
    const tracker = await customerContext.newPage();
    tracker.setDefaultTimeout(20_000);
    await tracker.goto(`${product.url}${trackerPath}`);
    await tracker.locator('.connection.live').waitFor();
    expect(await tracker.locator('h1').innerText()).toBe('Uitlaat');

    // The specialist watches the job; the customer replies to the email.
    const staff = await browser.newContext({ locale: 'nl-NL' });
    const [name, value] = [...admin.client.jar.entries()][0] ?? ['', ''];
    await staff.addCookies([{ name, value, url: product.url }]);
    const desk = await staff.newPage();
    desk.setDefaultTimeout(20_000);
    await desk.goto(`${product.url}/console/jobs/${jobId}`);
    await desk.locator('.connection.live').waitFor();
    const replyTo = link.parsed.replyTo?.value[0]?.address ?? '';
    expect(replyTo).toMatch(/^reply\+.*@replies\.test$/);
    const customerMail = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, ignoreTLS: true });
    await customerMail.sendMail({
      from: 'Eva <eva@example.nl>',
      to: replyTo,
      subject: `Re: ${link.parsed.subject}`,
      messageId: '<eva-1@example.nl>',
      inReplyTo: link.parsed.messageId,
      references: [link.parsed.messageId ?? ''],
      text: `Rammelt hij nog?\n\nOp ${new Date().toDateString()} schreef Garage Keten <${replyTo}>:\n> Volg uw opdracht`,
    });
    customerMail.close();
    const thread = desk.locator('section[data-live-region="questions"]');
    await thread.getByText('Rammelt hij nog?').waitFor();

    // The answer: by email, threaded under the customer's reply, and live on the tracker.
    await thread.getByLabel('Uw antwoord (de klant ziet het)').fill('Nee, de beugel zit weer vast.');
    await thread.getByRole('button', { name: 'Antwoord versturen' }).click();
    await tracker.locator('.question-body', { hasText: 'Nee, de beugel zit weer vast.' }).waitFor();
    await eventually(() => mailbox.received.some((m) => m.parsed.inReplyTo === '<eva-1@example.nl>'));
    const answer = mailbox.received.find((m) => m.parsed.inReplyTo === '<eva-1@example.nl>');
    expect(answer?.header('references')).toBe(`${link.parsed.messageId} <eva-1@example.nl>`);
    expect(answer?.parsed.subject).toBe(`Re: ${link.parsed.subject}`);

    // One-click unsubscribe (RFC 8058) from the tracker-link email stops the next message.
    const unsubscribe = /<(https?:[^>]+)>/.exec(link.header('list-unsubscribe') ?? '')?.[1] ?? '';
    const posted = await fetch(unsubscribe.replace(/^https?:\/\/[^/]+/, product.url), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(posted.status).toBeLessThan(300);
    const before = mailbox.to('eva@example.nl').length;
    const started = await apiClient(product.rt)(
      'POST',
      `/jobs/${jobId}/steps/${created.json.steps[0].id}/start`,
      {
        key,
      },
    );
    expect(started.status).toBe(200);
    const [startEvent] = await product.rt.database.db
      .select()
      .from(events)
      .where(and(eq(events.jobId, jobId), eq(events.type, 'step.started')));
    // The mail worker has read the start and settled its moment (sent nothing).
    await eventually(async () => {
      const [cursor] = await product.rt.database.db
        .select()
        .from(logCursors)
        .where(eq(logCursors.name, 'mail'));
      const waiting = await product.rt.database.db
        .select()
        .from(mailPending)
        .where(eq(mailPending.jobId, jobId));
      return (
        (cursor?.lastEventId ?? 0) >= (startEvent?.id ?? Number.POSITIVE_INFINITY) && waiting.length === 0
      );
    }, 50);
    const queued = await product.rt.database.db
      .select()
      .from(mailMessages)
      .where(and(eq(mailMessages.jobId, jobId), gt(mailMessages.createdAt, startEvent?.createdAt ?? 0)));
    expect(queued).toEqual([]);
    expect(mailbox.to('eva@example.nl').length).toBe(before);
    await Promise.all([staff.close(), customerContext.close()]);
  });
});
