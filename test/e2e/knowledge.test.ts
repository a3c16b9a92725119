import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { specialists } from '../../db/schema';
import { contextFor } from '../../src/runtime';
import { createJob } from '../../src/services/jobs/create-job';
import { approveAnswer, getAnswer, proposeAnswer } from '../../src/services/knowledge/answers';
import { createWorkflow } from '../../src/services/organisation/workflows';
import { newId } from '../../src/services/platform/ids';
import { type ConsoleClient, signedUpAdmin } from '../console-client';
import { startProduct } from '../server';
import { axeViolations, launchBrowser } from './browser';

/**
 * Knowledge that grows, end to end in Chromium (docs/decisions/knowledge.md): a customer types a question,
 * a published answer appears, "this answers my question" ends the attempt; the console's insights count
 * the deflection; the curation page is axe clean in both languages.
 */
let product: Awaited<ReturnType<typeof startProduct>>;
let browser: Browser;
let admin: Awaited<ReturnType<typeof signedUpAdmin>>;
let workflowId: string;
let answerId: string;
let token: string;

beforeAll(async () => {
  [product, browser] = await Promise.all([startProduct(), launchBrowser()]);
  admin = await signedUpAdmin(product.url, product.rt, 'Garage Kantine');
  const colleague = newId('spec');
  await product.rt.database.db.insert(specialists).values({
    id: colleague,
    organisationId: admin.organisationId,
    name: 'Piet Smit',
    role: 'Owner',
    roleId: admin.specialist.roleId,
    createdAt: Date.now(),
  });
  workflowId = await createWorkflow(admin.ctx, {
    name: 'APK',
    steps: [
      { title: 'Keuring', translations: { en: { title: 'Inspection' } }, defaultRole: 'Owner' },
      { title: 'Ophalen', translations: { en: { title: 'Collection' } } },
    ],
  });
  const piet = contextFor(product.rt, admin.organisationId, { type: 'specialist', id: colleague });
  const proposed = await proposeAnswer(piet, {
    question: 'Kan ik wachten tijdens de keuring?',
    answer: 'Ja, in de kantine met gratis koffie en wifi.',
    translations: { en: { question: 'Can I wait during the inspection?', answer: 'Yes, in the canteen.' } },
    workflowId,
    position: 0,
  });
  await approveAnswer(admin.ctx, proposed.id);
  answerId = proposed.id;
  token = (
    await createJob(admin.ctx, {
      reference: 'KA-1',
      title: 'Golf',
      customer: { name: 'Sanne', locale: 'nl' },
      workflowId,
    })
  ).trackerToken;
});

afterAll(async () => {
  await browser?.close();
});

/** A browser context signed in as the admin (the console client's session cookies). */
async function signedIn(client: ConsoleClient, locale: string): Promise<BrowserContext> {
  const context = await browser.newContext({ locale, bypassCSP: true });
  await context.addCookies([...client.jar].map(([name, value]) => ({ name, value, url: product.url })));
  return context;
}

describe('knowledge in a real browser', () => {
  it('a customer types, sees a published answer and marks it as answering; the insights count it', async () => {
    const context = await browser.newContext({ locale: 'nl-NL', bypassCSP: true });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${product.url}/t/${token}`);
    // The answer is on the page at its step already ("Others asked at this step").
    await page.getByRole('heading', { name: 'Anderen vroegen bij deze stap' }).first().waitFor();
    await page.locator('details.ask summary').first().click();
    await page.getByLabel('Uw vraag').first().fill('Mag ik in de kantine wachten?');
    const match = page.locator('.answer-matches .published-answer');
    await match.first().waitFor();
    expect(await match.first().locator('summary').innerText()).toBe('Kan ik wachten tijdens de keuring?');
    expect(await axeViolations(page), 'tracker with matches, nl').toEqual([]);
    await match.first().getByRole('button', { name: 'Dit beantwoordt mijn vraag' }).click();
    await page.getByText('Fijn om te horen. Uw vraag is niet verstuurd').waitFor();
    expect(errors).toEqual([]);
    expect(await getAnswer(admin.ctx, answerId)).toMatchObject({ answeredCount: 1, shownCount: 1 });
    await context.close();

    // The console's insights count the question a published answer answered.
    const staff = await signedIn(admin.client, 'nl-NL');
    const console = await staff.newPage();
    await console.goto(`${product.url}/console/insights`);
    expect(await console.locator('#deflected').innerText()).toMatch(
      /^1 vragen werden beantwoord door gepubliceerde antwoorden/,
    );
    await staff.close();
  });

  it('the curation page is axe clean in Dutch and English, also at 390 px', async () => {
    for (const [locale, heading] of [
      ['nl', 'Antwoorden voor anderen: APK'],
      ['en', 'Answers for others: APK'],
    ] as const) {
      admin.client.jar.set('ok_lang', locale);
      const staff = await signedIn(admin.client, locale === 'nl' ? 'nl-NL' : 'en-GB');
      const page = await staff.newPage();
      await page.goto(`${product.url}/console/workflows/${workflowId}/answers`);
      await page.getByRole('heading', { name: heading }).waitFor();
      await page.locator('details summary').first().click();
      expect(await axeViolations(page), `curation page, ${locale}`).toEqual([]);
      await page.setViewportSize({ width: 390, height: 844 });
      expect(await axeViolations(page), `curation page, ${locale}, 390 px`).toEqual([]);
      await staff.close();
    }
    admin.client.jar.set('ok_lang', 'nl');
  });
});
