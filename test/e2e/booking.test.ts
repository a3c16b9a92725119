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
let admin: Awaited<ReturnType<typeof signedUpAdmin>>;
let workflow = '';
let browser: Browser;
let job: { token: string; stepId: string };
let second: { token: string; stepId: string };

beforeAll(async () => {
  product = await startProduct();
  browser = await launchBrowser();
  admin = await signedUpAdmin(product.url, product.rt, 'Bezorgdienst Toetsenbord');
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
  workflow = workflowId;
  const { jobId, trackerToken } = await createJob(admin.ctx, {
    reference: 'SB-KB1',
    title: 'Wasmachine',
    customer: { name: 'Tomasz' },
    address: { street: 'Kanaalstraat', number: '48-bis', postcode: '3531 AB', city: 'Utrecht' },
    workflowId,
  });
  job = { token: trackerToken, stepId: (await getJob(admin.ctx, jobId)).steps[0]?.id ?? '' };
  const other = await createJob(admin.ctx, {
    reference: 'SB-KB2',
    title: 'Koelkast',
    customer: { name: 'Amira', locale: 'en' },
    address: { street: 'Kanaalstraat', number: '50', postcode: '3531 AB', city: 'Utrecht' },
    workflowId,
  });
  second = { token: other.trackerToken, stepId: (await getJob(admin.ctx, other.jobId)).steps[0]?.id ?? '' };
});

afterAll(async () => {
  await browser?.close();
});

describe('booking a moment in a real browser', () => {
  it('goes from the tracker to a booked moment with the keyboard alone and no JavaScript, axe clean in both languages', async () => {
    // The booking page as without JavaScript: its picker's script is not delivered (the tracker keeps its
    // own; axe is injected); below, a context with JavaScript off moves the booking.
    const context = await browser.newContext({ locale: 'nl-NL', bypassCSP: true });
    await context.route(/SlotPickerForm.*\.js$/, (route) => route.abort());
    const page = await context.newPage();
    await page.goto(`${product.url}/t/${job.token}`);
    const focused = () => page.evaluate(() => document.activeElement?.textContent?.trim() ?? '');
    for (let i = 0; i < 40 && (await focused()) !== 'Kies uw moment'; i++) await page.keyboard.press('Tab');
    expect(await focused()).toBe('Kies uw moment');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/book\//);
    // Without JavaScript every day is listed and the picker's row of days stays hidden.
    expect(await page.locator('.days').isVisible()).toBe(false);
    expect(await page.locator('.slots fieldset:visible').count()).toBeGreaterThan(1);
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
      javaScriptEnabled: false,
      viewport: { width: 390, height: 844 },
    });
    const en = await english.newPage();
    await en.goto(`${product.url}/t/${job.token}/book/${job.stepId}`);
    expect(await en.getAttribute('html', 'lang')).toBe('en');
    await en.getByText('Your booking').waitFor();
    expect(await en.locator('.days').isVisible()).toBe(false);
    // Move it with the keyboard, JavaScript off: the second moment, Space, then the move button.
    const before = await en.locator('.booked-window').innerText();
    await en.locator('input[name="startsAt"]').nth(1).focus();
    await en.keyboard.press('Space');
    await en.getByRole('button', { name: 'Move to this moment', exact: true }).focus();
    await en.keyboard.press('Enter');
    await en.getByText('Moved.', { exact: true }).waitFor();
    expect(await en.locator('.booked-window').innerText()).not.toBe(before);
    await english.close();
    const axeEnglish = await browser.newContext({
      locale: 'en-GB',
      bypassCSP: true,
      viewport: { width: 390, height: 844 },
    });
    await axeEnglish.route(/SlotPickerForm.*\.js$/, (route) => route.abort());
    const enAxe = await axeEnglish.newPage();
    await enAxe.goto(`${product.url}/t/${job.token}/book/${job.stepId}`);
    await enAxe.getByText('Your booking').waitFor();
    expect(await axeViolations(enAxe), 'booking page, en, 390 px').toEqual([]);
    await axeEnglish.close();
  });

  it('books and moves a moment with the keyboard in the JavaScript picker on a phone, under the page’s own CSP', async () => {
    const PHONE = { width: 390, height: 844 };
    // No bypassCSP: the picker's script must run under the tracker's policy (script-src 'self').
    const context = await browser.newContext({ locale: 'en-GB', viewport: PHONE, hasTouch: true });
    const page = await context.newPage();
    await page.goto(`${product.url}/t/${second.token}`);
    const focused = () => page.evaluate(() => document.activeElement?.textContent?.trim() ?? '');
    for (let i = 0; i < 40 && (await focused()) !== 'Choose your moment'; i++)
      await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/book\//);
    const days = page.getByRole('radiogroup', { name: 'Days with free moments', exact: true });
    await days.waitFor();
    const chips = days.getByRole('radio');
    const dayCount = await chips.count();
    expect(dayCount).toBeGreaterThan(2);
    // One day's moments at a time; the first moment is chosen and summarised.
    expect(await page.locator('.slots fieldset:visible').count()).toBe(1);
    const choice = page.locator('.choice');
    expect(await choice.getAttribute('aria-live')).toBe('polite');
    const legend = () => page.locator('.slots fieldset:visible legend').innerText();
    expect(await choice.innerText()).toBe(
      `Your choice: ${await legend()}, ${await page.locator('input[name="startsAt"]:checked').getAttribute('data-slot')}`,
    );
    // Tab reaches the chosen day (one tab stop for the row), then arrow keys, End and Home move the day.
    const activeChip = () =>
      page.evaluate(() =>
        document.activeElement?.getAttribute('role') === 'radio'
          ? document.activeElement.getAttribute('aria-checked')
          : null,
      );
    for (let i = 0; i < 10 && (await activeChip()) === null; i++) await page.keyboard.press('Tab');
    expect(await activeChip()).toBe('true');
    expect(await chips.nth(0).getAttribute('aria-checked')).toBe('true');
    await page.keyboard.press('End');
    expect(await chips.nth(dayCount - 1).getAttribute('aria-checked')).toBe('true');
    await page.keyboard.press('Home');
    expect(await chips.nth(0).getAttribute('aria-checked')).toBe('true');
    await page.keyboard.press('ArrowRight');
    expect(await chips.nth(1).getAttribute('aria-checked')).toBe('true');
    expect(await chips.nth(0).getAttribute('tabindex')).toBe('-1');
    expect(await chips.nth(1).getAttribute('tabindex')).toBe('0');
    const secondDay = await legend();
    expect(await page.locator('.slots fieldset:visible').count()).toBe(1);
    // The hidden first day's moment gave way to the shown day's first.
    const checked = page.locator('input[name="startsAt"]:checked');
    expect(await checked.count()).toBe(1);
    expect(await checked.isVisible()).toBe(true);
    // Into the day's moments: the next one with an arrow key, summarised before confirming.
    await page.keyboard.press('Tab');
    await page.keyboard.press('ArrowDown');
    const slot = await checked.getAttribute('data-slot');
    const value = await checked.getAttribute('value');
    expect(await choice.innerText()).toBe(`Your choice: ${secondDay}, ${slot}`);
    for (let i = 0; i < 10 && (await focused()) !== 'Book this moment'; i++) await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByText('Booked. We added it to your tracker.').waitFor();
    expect(await page.locator('.booked-window').innerText()).toBe(`${secondDay}, ${slot}`);

    // Move it: nothing is chosen yet; the last day, its first moment (Space), confirmed.
    expect(await choice.innerText()).toBe('Choose one of the moments.');
    for (let i = 0; i < 20 && (await activeChip()) === null; i++) await page.keyboard.press('Tab');
    await page.keyboard.press('End');
    const lastDay = await legend();
    expect(lastDay).not.toBe(secondDay);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Space');
    const moved = await checked.getAttribute('data-slot');
    expect(await checked.getAttribute('value')).not.toBe(value);
    expect(await choice.innerText()).toBe(`Your choice: ${lastDay}, ${moved}`);
    for (let i = 0; i < 10 && (await focused()) !== 'Move to this moment'; i++)
      await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByText('Moved.', { exact: true }).waitFor();
    expect(await page.locator('.booked-window').innerText()).toBe(`${lastDay}, ${moved}`);
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);

    // The tracker shows the new window.
    await page.goto(`${product.url}/t/${second.token}`);
    const window = page.locator('p.book strong');
    await window.waitFor();
    expect(await window.innerText()).toContain((moved ?? '').split('–')[0]);
    await context.close();

    // axe on the picker (axe is injected as an inline script, so this context bypasses the CSP), both languages.
    for (const locale of ['en-GB', 'nl-NL']) {
      const axeContext = await browser.newContext({ locale, viewport: PHONE, bypassCSP: true });
      const axePage = await axeContext.newPage();
      await axePage.goto(`${product.url}/t/${second.token}/book/${second.stepId}`);
      await axePage.locator('.days [role="radio"]').first().waitFor();
      await axePage.locator('.days [role="radio"]').nth(1).click();
      expect(await axeViolations(axePage), `picker, ${locale}, 390 px`).toEqual([]);
      await axeContext.close();
    }
  });

  it('lets staff book for the customer on the console job page at 390 px, axe clean', async () => {
    const { jobId } = await createJob(admin.ctx, {
      reference: 'SB-KB3',
      title: 'Droger',
      customer: { name: 'Noor', locale: 'nl' },
      workflowId: workflow,
    });
    const context = await browser.newContext({
      locale: 'nl-NL',
      bypassCSP: true,
      viewport: { width: 390, height: 844 },
    });
    await context.addCookies(
      [...admin.client.jar].map(([name, value]) => ({ name, value, url: product.url })),
    );
    const page = await context.newPage();
    await page.goto(`${product.url}/console/jobs/${jobId}`);
    await page.getByRole('heading', { name: 'Geboekt moment', exact: true }).waitFor();
    expect(await axeViolations(page), 'console job page with booking, nl, 390 px').toEqual([]);
    await page.getByLabel('Moment', { exact: true }).selectOption({ index: 1 });
    await page.getByRole('button', { name: 'Boeken voor de klant', exact: true }).click();
    await page.getByText('Moment geboekt.').first().waitFor();
    await page.getByRole('button', { name: 'Afspraak verzetten', exact: true }).waitFor();
    expect(await axeViolations(page), 'console job page, booked, nl, 390 px').toEqual([]);
    await context.close();
  });
});
