import type { Browser } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createJob } from '../../src/services/create-job';
import { signedUpAdmin } from '../console-client';
import { startProduct } from '../server';
import { launchBrowser } from './browser';

let product: Awaited<ReturnType<typeof startProduct>>;
let browser: Browser;

beforeAll(async () => {
  [product, browser] = await Promise.all([startProduct(), launchBrowser()]);
});

describe('ask the expert, in real browsers', () => {
  it('a customer asks on the tracker, the specialist answers in the console, the answer appears live', async () => {
    const admin = await signedUpAdmin(product.url, product.rt, 'Garage Vraag');
    const { trackerToken } = await createJob(admin.ctx, {
      reference: 'Q-1',
      title: 'Distributieriem vervangen',
      customer: { name: 'Iris', locale: 'nl' },
      steps: [{ title: 'Inspectie', assigneeId: admin.specialist.id }, { title: 'Vervangen' }],
    });

    // The specialist, signed in, on the questions page (live).
    const staff = await browser.newContext({ locale: 'nl-NL' });
    staff.setDefaultTimeout(8000);
    const [name, value] = [...admin.client.jar.entries()][0] ?? ['', ''];
    await staff.addCookies([{ name, value, url: product.url }]);
    const desk = await staff.newPage();
    await desk.goto(`${product.url}/console/questions`);
    await desk.locator('.connection.live').waitFor({ timeout: 5000 });
    expect(await desk.getByRole('link', { name: /^Vragen \(0\)/ }).count()).toBe(1);

    // The customer asks about the first step.
    const customerContext = await browser.newContext({ locale: 'nl-NL' });
    customerContext.setDefaultTimeout(8000);
    const customer = await customerContext.newPage();
    const errors: string[] = [];
    customer.on('pageerror', (e) => errors.push(e.message));
    await customer.goto(`${product.url}/t/${trackerToken}`);
    await customer.locator('.connection.live').waitFor({ timeout: 5000 });
    const step = customer.locator('.step', { hasText: 'Inspectie' });
    await step.locator('summary', { hasText: 'Vraag het Admin of Garage Vraag' }).click();
    await step.getByLabel('Uw vraag').fill('Moet de waterpomp ook vervangen worden?');
    await step.getByRole('button', { name: 'Vraag versturen' }).click();
    await customer.getByText('Uw vraag is verstuurd naar Admin of Garage Vraag.').waitFor();
    await customer.locator('.connection.live').waitFor({ timeout: 5000 });

    // It appears in the specialist's console at once, with the count.
    await desk.getByText('Moet de waterpomp ook vervangen worden?').waitFor({ timeout: 5000 });
    await desk.getByRole('link', { name: /^Vragen \(1\)/ }).waitFor({ timeout: 5000 });
    await desk.getByLabel('Uw antwoord (de klant ziet het)').fill('Ja, dat raden we aan: hij is 8 jaar oud.');
    await desk.getByRole('button', { name: 'Antwoord versturen' }).click();
    await desk.getByText('Antwoord verstuurd.').waitFor();

    // The answer reaches the customer live, without a reload.
    await step.getByText('Ja, dat raden we aan: hij is 8 jaar oud.').waitFor({ timeout: 5000 });
    expect(await step.innerText()).toContain('Antwoord van Admin of Garage Vraag');
    expect(errors).toEqual([]);
    await Promise.all([staff.close(), customerContext.close()]);
  }, 60_000);

  it('works without JavaScript, and tells the customer plainly what went wrong', async () => {
    const admin = await signedUpAdmin(product.url, product.rt, 'Garage Zonder JS');
    const { trackerToken } = await createJob(admin.ctx, {
      reference: 'Q-2',
      title: 'Banden wisselen',
      customer: { name: 'Bram', locale: 'en' },
      steps: [{ title: 'Wisselen', assigneeId: admin.specialist.id }],
    });
    const context = await browser.newContext({ javaScriptEnabled: false, locale: 'en-GB' });
    context.setDefaultTimeout(8000);
    const page = await context.newPage();
    await page.goto(`${product.url}/t/${trackerToken}`);
    await page.locator('summary', { hasText: 'Ask Admin of Garage Zonder JS' }).click();
    await page.getByLabel('Your question').fill('<script>alert(1)</script> when?');
    await page.getByRole('button', { name: 'Send question' }).click();
    await page.getByText('Plain text only, please.').waitFor();
    await page.getByLabel('Your question').fill('When can I pick it up?');
    await page.getByRole('button', { name: 'Send question' }).click();
    await page.getByText('Your question has been sent to Admin of Garage Zonder JS.').waitFor();
    expect(await page.locator('.question-body').first().innerText()).toBe('When can I pick it up?');
    await context.close();
  }, 60_000);
});
