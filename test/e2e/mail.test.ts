import { eq } from 'drizzle-orm';
import type { Browser } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { mailMessages } from '../../db/schema';
import { createJob } from '../../src/services/jobs/create-job';
import { signedUpAdmin } from '../console-client';
import { eventually } from '../helpers';
import { startProduct } from '../server';
import { axeViolations, launchBrowser } from './browser';

let product: Awaited<ReturnType<typeof startProduct>>;
let browser: Browser;

beforeAll(async () => {
  [product, browser] = await Promise.all([startProduct(), launchBrowser()]);
});

describe('email pages and messages in a real browser', () => {
  it('the rendered email, the outbox, the tracker’s choices and the workflow editor pass axe', async () => {
    const admin = await signedUpAdmin(product.url, product.rt, 'Garage Toegankelijk');
    const { db } = product.rt.database;
    await eventually(
      async () => (await db.query.logCursors.findFirst({ where: (c, { eq }) => eq(c.name, 'mail') })) != null,
    );
    const { jobId, trackerToken } = await createJob(admin.ctx, {
      reference: 'A-1',
      title: 'Nieuwe koppeling',
      customer: { name: 'Jet', email: 'jet@example.nl', locale: 'nl' },
      steps: [{ title: 'Demonteren' }, { title: 'Monteren' }],
    });
    // No SMTP_URL: the server keeps the tracker-link message in its outbox.
    await eventually(async () =>
      (await db.select().from(mailMessages).where(eq(mailMessages.jobId, jobId))).some(
        (m) => m.status === 'kept',
      ),
    );
    const [message] = await db.select().from(mailMessages).where(eq(mailMessages.jobId, jobId));
    if (!message) throw new Error('no message');

    // The email itself, as a mail program shows it (its images off: it stays readable).
    const mailPage = await browser.newPage();
    await mailPage.setContent(message.html);
    expect(await mailPage.locator('html').getAttribute('lang')).toBe('nl');
    expect(await mailPage.getByRole('link', { name: 'Volg uw opdracht' }).getAttribute('href')).toMatch(
      /\/t\//,
    );
    expect(await axeViolations(mailPage), 'email').toEqual([]);

    const url = new URL(product.url);
    const context = await browser.newContext({ bypassCSP: true, locale: 'nl-NL' });
    await context.addCookies(
      [...admin.client.jar].map(([name, value]) => ({ name, value, domain: url.hostname, path: '/' })),
    );
    const page = await context.newPage();
    const id = message.id;
    for (const path of [
      '/console/outbox',
      `/console/outbox/${id}`,
      '/console/workflows',
      `/console/jobs/${jobId}`,
    ]) {
      await page.goto(`${product.url}${path}`);
      expect(await page.locator('h1').count(), path).toBeGreaterThan(0);
      expect(await axeViolations(page), path).toEqual([]);
    }
    await page.goto(`${product.url}/console/outbox/${id}`);
    const frame = page.frameLocator('iframe.mail-preview');
    await frame.getByRole('link', { name: 'Volg uw opdracht' }).waitFor();

    // The tracker's choices: open them with the keyboard, change one, save without JavaScript's help.
    const customer = await browser.newContext({ bypassCSP: true, locale: 'nl-NL' });
    const tracker = await customer.newPage();
    await tracker.goto(`${product.url}/t/${trackerToken}`);
    await tracker.getByText('Wijzig waarover u hoort').focus();
    await tracker.keyboard.press('Enter');
    const box = tracker.getByRole('checkbox', { name: 'Een stap begint of is klaar E-mail' });
    await box.uncheck();
    expect(await axeViolations(tracker), 'tracker').toEqual([]);
    await tracker.getByRole('button', { name: 'Mijn keuzes opslaan' }).click();
    await tracker.getByText('Uw keuzes zijn opgeslagen.').waitFor();
    expect(
      await tracker.getByRole('checkbox', { name: 'Een stap begint of is klaar E-mail' }).isChecked(),
    ).toBe(false);
    expect(
      await tracker.getByRole('checkbox', { name: 'Een stap begint of is klaar Melding' }).isChecked(),
    ).toBe(true);
  });
});
