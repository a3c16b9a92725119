import nodemailer from 'nodemailer';
import type { Browser } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { replyAddress } from '../../src/notify/mail/reply-address';
import { createJob } from '../../src/services/jobs/create-job';
import { loadSecrets } from '../../src/services/platform/secrets';
import { signedUpAdmin } from '../console-client';
import { eventually } from '../helpers';
import { type Mailbox, REPLY_DOMAIN, startProductWithMail } from '../mailbox';
import type { startProduct } from '../server';
import { axeViolations, launchBrowser } from './browser';

/**
 * In Chromium: an emailed reply appears live on the specialist's console job page; the answer leaves by
 * email in the customer's thread and shows live on the tracker; the team asks back from the console and
 * the customer replies on the tracker, live on both sides. Both pages pass axe with the thread forms.
 */
const DOMAIN = REPLY_DOMAIN;
let product: Awaited<ReturnType<typeof startProduct>>;
let browser: Browser;
let mailbox: Mailbox;
let smtpPort: number;

beforeAll(async () => {
  let started: Awaited<ReturnType<typeof startProductWithMail>>;
  [started, browser] = await Promise.all([startProductWithMail(), launchBrowser()]);
  ({ product, mailbox, smtpPort } = started);
});

describe('conversations in real browsers', () => {
  it('email → console live → answer by email and on the tracker live → ask back → reply on the tracker live', async () => {
    const admin = await signedUpAdmin(product.url, product.rt, 'Garage Draad');
    const { jobId, trackerToken } = await createJob(admin.ctx, {
      reference: 'D-1',
      title: 'Koppeling',
      customer: { name: 'Noor', email: 'noor@example.nl', locale: 'nl' },
      steps: [{ title: 'Diagnose', assigneeId: admin.specialist.id }],
    });
    const staff = await browser.newContext({ locale: 'nl-NL', bypassCSP: true });
    const [name, value] = [...admin.client.jar.entries()][0] ?? ['', ''];
    await staff.addCookies([{ name, value, url: product.url }]);
    const desk = await staff.newPage();
    desk.setDefaultTimeout(20_000);
    await desk.goto(`${product.url}/console/jobs/${jobId}`);
    await desk.locator('.connection.live').waitFor();
    const thread = desk.locator('section[data-live-region="questions"]');
    const customerContext = await browser.newContext({ locale: 'nl-NL', bypassCSP: true });
    const customer = await customerContext.newPage();
    customer.setDefaultTimeout(20_000);
    const errors: string[] = [];
    customer.on('pageerror', (e) => errors.push(e.message));
    await customer.goto(`${product.url}/t/${trackerToken}`);
    await customer.locator('.connection.live').waitFor();

    // The customer emails (a reply to one of our messages): the question appears live in the console.
    const address = replyAddress(
      (await loadSecrets(product.rt.database.db)).reply,
      jobId,
      Date.now(),
      30,
      DOMAIN,
    );
    const mail = nodemailer.createTransport({
      host: '127.0.0.1',
      port: smtpPort,
      secure: false,
      ignoreTLS: true,
    });
    await mail.sendMail({
      from: 'noor@example.nl',
      to: address,
      subject: 'Koppeling',
      messageId: '<n1@example.nl>',
      text: 'Slipt de koppeling echt?\n\nVerstuurd vanaf mijn iPhone',
    });
    mail.close();
    await thread.getByText('Slipt de koppeling echt?').waitFor();
    await customer.locator('.question-body', { hasText: 'Slipt de koppeling echt?' }).waitFor();

    // The answer: by email in the customer's thread, and live on the tracker.
    await thread.getByLabel('Uw antwoord (de klant ziet het)').fill('Ja, de plaat is versleten.');
    await thread.getByRole('button', { name: 'Antwoord versturen' }).click();
    await desk.getByText('Antwoord verstuurd.').waitFor();
    await customer.locator('.question-body', { hasText: 'Ja, de plaat is versleten.' }).waitFor();
    await eventually(() => mailbox.received.some((m) => m.parsed.inReplyTo === '<n1@example.nl>'));
    const answer = mailbox.received.find((m) => m.parsed.inReplyTo === '<n1@example.nl>');
    expect(answer?.parsed.subject).toBe('Re: Koppeling');

    // The team asks back in the thread; the customer sees it live and replies there.
    await thread.locator('summary', { hasText: 'Vraag de klant' }).first().click();
    await desk
      .getByLabel(/^Uw vraag aan de klant/)
      .first()
      .fill('Mogen we het vliegwiel ook vervangen?');
    await thread.getByRole('button', { name: 'Vraag de klant' }).first().click();
    await desk.getByText('Vraag aan de klant verstuurd.').waitFor();
    await customer.locator('.question-body', { hasText: 'Mogen we het vliegwiel ook vervangen?' }).waitFor();
    await desk.locator('.connection.live').waitFor();
    expect(await axeViolations(customer)).toEqual([]);
    expect(await axeViolations(desk)).toEqual([]);
    await customer.getByLabel('Uw antwoord').fill('Ja, doe maar.');
    await customer.getByRole('button', { name: 'Antwoord versturen' }).click();
    await customer.getByText('Uw antwoord is verstuurd.').waitFor();
    await thread.getByText('Ja, doe maar.').waitFor();
    expect(await customer.locator('summary', { hasText: 'Stel een vervolgvraag' }).count()).toBe(1);
    expect(await axeViolations(customer)).toEqual([]);
    expect(errors).toEqual([]);
    await Promise.all([staff.close(), customerContext.close()]);
  });
});
