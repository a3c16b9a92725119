import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsultOffer } from '../../src/services/consults/offers';
import { createJob } from '../../src/services/jobs/create-job';
import { createWorkflow } from '../../src/services/organisation/workflows';
import { type ConsoleClient, signedUpAdmin } from '../console-client';
import { startProduct } from '../server';
import { axeViolations, launchBrowser } from './browser';

/**
 * Paid expert time end to end in Chromium (docs/decisions/consults.md): on a notary-like job the customer
 * sees the consult's price beside the free question, accepts it with the keyboard, the fee appears in the
 * tracker's cost table, and the expert sees the paid question first in the console. Without JavaScript the
 * same form works, and a missing consent is said at the checkbox.
 */
let product: Awaited<ReturnType<typeof startProduct>>;
let browser: Browser;
let admin: Awaited<ReturnType<typeof signedUpAdmin>>;
let workflowId: string;

const newJob = async (reference: string, locale: 'nl' | 'en') =>
  (
    await createJob(admin.ctx, {
      reference,
      title: 'Testament',
      customer: { name: 'Sanne', locale },
      workflowId,
    })
  ).trackerToken;

beforeAll(async () => {
  [product, browser] = await Promise.all([startProduct(), launchBrowser()]);
  admin = await signedUpAdmin(product.url, product.rt, 'Notariskantoor Bakker');
  workflowId = await createWorkflow(admin.ctx, {
    name: 'Testament',
    steps: [
      { title: 'Intakegesprek', translations: { en: { title: 'Intake' } }, defaultRole: 'Owner' },
      { title: 'Ondertekening', translations: { en: { title: 'Signing' } }, defaultRole: 'Owner' },
    ],
  });
  await createConsultOffer(admin.ctx, {
    workflowId,
    roleId: admin.specialist.roleId,
    titleNl: '15 minuten met de notaris',
    titleEn: '15 minutes with the notary',
    minutes: 15,
    priceCents: 2500,
    vatRateBp: 2100,
  });
});

afterAll(async () => {
  await browser?.close();
});

async function signedIn(client: ConsoleClient, locale: string): Promise<BrowserContext> {
  const context = await browser.newContext({ locale, bypassCSP: true });
  await context.addCookies([...client.jar].map(([name, value]) => ({ name, value, url: product.url })));
  return context;
}

describe('paid consults in a real browser', () => {
  it('a customer sees the price, accepts with the keyboard; the fee is in the costs and with the expert', async () => {
    const token = await newJob('NB-1', 'nl');
    const context = await browser.newContext({ locale: 'nl-NL', bypassCSP: true });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${product.url}/t/${token}`);
    const summary = page.locator('details.ask summary').first();
    await summary.focus({ timeout: 10_000 });
    await page.keyboard.press('Enter');
    const offer = page.locator('.consult-offer').first();
    await offer.waitFor({ timeout: 10_000 });
    // Intl puts a no-break space after the euro sign in Dutch.
    expect((await offer.locator('.offer').innerText()).replace(/\u00a0/g, ' ')).toBe(
      '15 minuten met de notaris: € 25,00 excl. btw (€ 30,25 incl. btw)',
    );
    expect(await axeViolations(page), 'tracker with the offer, nl').toEqual([]);
    await page.getByLabel('Uw vraag').first().focus();
    await page.keyboard.type('Kan ik mijn testament ook op afstand tekenen?');
    // A time to talk, from the expert's free slots: the first one, chosen with the arrow key.
    const talk = offer.getByLabel('Een tijd om te spreken (niet verplicht)');
    await talk.focus({ timeout: 10_000 });
    await page.keyboard.press('ArrowDown');
    const chosen = await talk.evaluate(
      (el: HTMLSelectElement) => el.selectedOptions[0]?.textContent ?? '',
      null,
      {
        timeout: 10_000,
      },
    );
    expect(chosen).not.toBe('Geen tijd nodig: schriftelijk antwoorden');
    await offer.getByRole('checkbox').focus();
    await page.keyboard.press('Space');
    await offer.getByRole('button').focus();
    await page.keyboard.press('Enter');
    await page.getByText('Uw betaalde consult is verstuurd').waitFor({ timeout: 15_000 });
    const costs = page.locator('section.costs');
    expect(await costs.innerText({ timeout: 10_000 })).toContain('15 minuten met de notaris');
    expect(await page.locator('.paid-consult').first().innerText()).toBe('Betaald consult');
    await page.getByText(`Tijd om te spreken: ${chosen}`).waitFor({ timeout: 10_000 });
    expect(errors).toEqual([]);
    await context.close();

    // The expert (the offer's role on the job) sees it first in the console's questions, marked paid.
    const staff = await signedIn(admin.client, 'nl-NL');
    const console = await staff.newPage();
    await console.goto(`${product.url}/console/questions`);
    const first = console.locator('.questions-list > li').first();
    expect(await first.innerText({ timeout: 10_000 })).toContain(
      'Kan ik mijn testament ook op afstand tekenen?',
    );
    expect(await first.locator('.badge.paid').innerText()).toBe('Betaald consult, eerst beantwoorden');
    expect(await first.innerText()).toContain('Tijd om te spreken:');
    expect(await axeViolations(console), 'console questions with a paid consult').toEqual([]);
    await staff.close();
  });

  it('works without JavaScript, and says at the checkbox when consent is missing', async () => {
    const token = await newJob('NB-2', 'en');
    const context = await browser.newContext({ javaScriptEnabled: false, locale: 'en-GB' });
    const page = await context.newPage();
    await page.goto(`${product.url}/t/${token}`);
    await page.locator('details.ask summary').first().click({ timeout: 10_000 });
    const offer = page.locator('.consult-offer').first();
    expect(await offer.locator('.offer').innerText({ timeout: 10_000 })).toBe(
      '15 minutes with the notary: €25.00 excl. VAT (€30.25 incl. VAT)',
    );
    await page.getByLabel('Your question').first().fill('Can I sign remotely?');
    await offer.getByRole('button').click();
    const error = page.locator('.consult-offer .error').first();
    expect(await error.innerText({ timeout: 10_000 })).toBe('Tick the box to confirm.');
    // What was typed comes back; nothing was charged.
    expect(await page.getByLabel('Your question').first().inputValue()).toBe('Can I sign remotely?');
    expect(await page.locator('section.costs').innerText()).not.toContain('15 minutes with the notary');
    await page.locator('.consult-offer').first().getByRole('checkbox').check();
    await page.locator('.consult-offer').first().getByRole('button').click();
    await page.getByText('Your paid consult has been sent').waitFor({ timeout: 15_000 });
    expect(await page.locator('section.costs').innerText()).toContain('15 minutes with the notary');
    await context.close();
  });

  it('the console page that keeps the offers is axe clean in Dutch and English', async () => {
    for (const [locale, heading] of [
      ['nl', 'Betaalde consulten: Testament'],
      ['en', 'Paid consults: Testament'],
    ] as const) {
      admin.client.jar.set('ok_lang', locale);
      const staff = await signedIn(admin.client, locale === 'nl' ? 'nl-NL' : 'en-GB');
      const page = await staff.newPage();
      await page.goto(`${product.url}/console/workflows/${workflowId}/consults`);
      await page.getByRole('heading', { name: heading }).waitFor({ timeout: 10_000 });
      expect(await axeViolations(page), `offers page, ${locale}`).toEqual([]);
      await staff.close();
    }
    admin.client.jar.set('ok_lang', 'nl');
  });
});
