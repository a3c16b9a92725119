import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJob } from '../../src/services/jobs/create-job';
import { getJob } from '../../src/services/jobs/read-job';
import { createWorkflow } from '../../src/services/organisation/workflows';
import { signedUpAdmin } from '../console-client';
import { startProduct } from '../server';
import { axeViolations, launchBrowser } from './browser';

/** A customer books the moment of a delivery with the keyboard alone, in a real browser (issue 18). */
let product: Awaited<ReturnType<typeof startProduct>>;
let browser: Browser;
let job: { token: string; stepId: string };

beforeAll(async () => {
  product = await startProduct();
  browser = await launchBrowser();
  const admin = await signedUpAdmin(product.url, product.rt, 'Bezorgdienst Toetsenbord');
  const workflowId = await createWorkflow(admin.ctx, {
    name: 'Bezorgen',
    steps: [
      {
        title: 'Bezorgen',
        translations: { en: { title: 'Delivery' } },
        defaultRole: 'Owner',
        booking: { slotMinutes: 120, capacity: 2, horizonDays: 7, cutoffWorkingDays: 0, leadMinutes: 60 },
      },
    ],
  });
  const { jobId, trackerToken } = await createJob(admin.ctx, {
    reference: 'SB-KB1',
    title: 'Wasmachine',
    customer: { name: 'Tomasz' },
    address: { street: 'Kanaalstraat', number: '48-bis', postcode: '3531 AB', city: 'Utrecht' },
    workflowId,
  });
  job = { token: trackerToken, stepId: (await getJob(admin.ctx, jobId)).steps[0]?.id ?? '' };
});

afterAll(async () => {
  await browser?.close();
});

describe('booking a moment in a real browser', () => {
  it('goes from the tracker to a booked moment with the keyboard alone, and is axe clean in both languages', async () => {
    const context = await browser.newContext({ locale: 'nl-NL', bypassCSP: true });
    const page = await context.newPage();
    await page.goto(`${product.url}/t/${job.token}`);
    const focused = () => page.evaluate(() => document.activeElement?.textContent?.trim() ?? '');
    for (let i = 0; i < 40 && (await focused()) !== 'Kies uw moment'; i++) await page.keyboard.press('Tab');
    expect(await focused()).toBe('Kies uw moment');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/book\//);
    expect(await axeViolations(page), 'booking page, nl').toEqual([]);
    // The first free moment is chosen already; arrow keys pick the next one in the group.
    const first = page.locator('input[name="startsAt"]').first();
    await first.focus();
    await page.keyboard.press('ArrowDown');
    const chosen = await page.locator('input[name="startsAt"]:checked').getAttribute('value');
    expect(chosen).not.toBe(await first.getAttribute('value'));
    for (let i = 0; i < 30 && (await focused()) !== 'Dit moment boeken'; i++)
      await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByText('Geboekt. Het staat op uw tracker.').waitFor();
    expect(await page.locator('.booked-window').innerText()).toMatch(/\d{2}:\d{2}–\d{2}:\d{2}/);
    expect(await axeViolations(page), 'booked, nl').toEqual([]);
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await axeViolations(page), 'booked, nl, 390 px').toEqual([]);
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await context.close();

    const english = await browser.newContext({
      locale: 'en-GB',
      bypassCSP: true,
      viewport: { width: 390, height: 844 },
    });
    const en = await english.newPage();
    await en.goto(`${product.url}/t/${job.token}/book/${job.stepId}`);
    expect(await en.getAttribute('html', 'lang')).toBe('en');
    await en.getByText('Your booking').waitFor();
    expect(await axeViolations(en), 'booking page, en, 390 px').toEqual([]);
    await english.close();
  });
});
