import type { Browser } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeOrganisation, sampleJob, type TestOrg } from '../helpers';
import { startProduct } from '../server';
import { axeViolations, launchBrowser } from './browser';

let product: Awaited<ReturnType<typeof startProduct>>;
let org: TestOrg;
let browser: Browser;

/** The API over HTTP, as a business's own system calls it. */
async function api(method: string, path: string, body?: unknown) {
  const response = await fetch(`${product.url}/api/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${org.key}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(response.status, `${method} ${path}`).toBeLessThan(300);
  return response.json();
}

const day = [{ open: '00:00', close: '24:00' }];

beforeAll(async () => {
  [product, browser] = await Promise.all([startProduct(), launchBrowser()]);
  org = await makeOrganisation(product.rt);
  // Open day and night: the real clock of this run is always in working time.
  await api('PUT', '/calendar', {
    hours: Object.fromEntries(
      ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'].map((d) => [d, day]),
    ),
    closedDates: [],
    holidayCountry: null,
  });
});

// bypassCSP only lets the test inject axe-core.
const phone = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 3,
  isMobile: true,
  hasTouch: true,
  bypassCSP: true,
};

describe('"ready at" on a 390 px phone', () => {
  for (const [locale, label, first] of [
    ['nl', 'Verwacht klaar', 'Eerst beloofd'],
    ['en', 'Expected ready', 'First promised'],
  ] as const) {
    it(`shows when the job is done above the fold, and moves live with its reason (${locale})`, async () => {
      const created = await api('POST', '/jobs', {
        ...sampleJob(),
        customer: { ...sampleJob().customer, locale },
        workflowId: org.workflowId,
      });
      const page = await browser.newPage({ ...phone, locale: locale === 'nl' ? 'nl-NL' : 'en-GB' });
      await page.goto(created.trackerUrl.replace(/^https?:\/\/[^/]+/, product.url));
      await page.locator('.connection.live').waitFor({ timeout: 5000 });

      const headline = page.locator('.ready');
      expect(await headline.locator('.ready-label').innerText()).toBe(label);
      const box = await headline.boundingBox();
      expect(box, 'the headline is on the page').not.toBeNull();
      expect((box?.y ?? 0) + (box?.height ?? 0)).toBeLessThanOrEqual(844);
      expect(await page.evaluate(() => window.scrollY)).toBe(0);
      expect(await headline.locator('time').first().getAttribute('datetime')).toBe(created.promisedDoneAt);
      // The current step and its specialist beside the time.
      await expect(headline.locator('.ready-now').innerText()).resolves.toContain('Intake');
      await expect(headline.locator('.ready-now').innerText()).resolves.toContain('Jan de Boer');
      expect(await axeViolations(page)).toEqual([]);

      // The intake runs late: its promise moves two hours, and the job's with it, live.
      const intake = created.steps[0];
      const later = new Date(Date.parse(intake.promisedAt) + 2 * 3_600_000).toISOString();
      const reason = locale === 'nl' ? 'Het onderdeel komt later' : 'The part arrives later';
      await api('PUT', `/jobs/${created.id}/steps/${intake.id}/promise`, { promisedAt: later, reason });
      await headline.locator('.reason', { hasText: reason }).waitFor({ timeout: 5000 });
      await expect(headline.locator('.ready-moved').innerText()).resolves.toContain(first);
      const job = await api('GET', `/jobs/${created.id}`);
      expect(job.promisedDoneAt).not.toBe(created.promisedDoneAt);
      expect(await headline.locator('.ready-time time').getAttribute('datetime')).toBe(job.promisedDoneAt);
      const moved = await headline.boundingBox();
      expect((moved?.y ?? 0) + (moved?.height ?? 0)).toBeLessThanOrEqual(844);
      // Said once on the timeline too (on the step that moved), not on every step it moved.
      expect(await page.locator('.timeline .reason').count()).toBe(1);
      expect(await axeViolations(page)).toEqual([]);
      await page.emulateMedia({ colorScheme: 'dark' });
      expect(await axeViolations(page)).toEqual([]);
      await page.close();
    });
  }
});

describe('the tracker on a 390 px phone', () => {
  it('fits the cost table without sideways scrolling, shows a skipped step with enough contrast, and axe finds nothing', async () => {
    const created = await api('POST', '/jobs', { ...sampleJob(), workflowId: org.workflowId });
    const cost = (description: string, quantity: number, unitPriceCents: number) =>
      api('POST', `/jobs/${created.id}/cost-lines`, {
        kind: 'part',
        description,
        quantity,
        unitPriceCents,
        vatRate: 21,
        state: 'estimate',
        stepId: created.steps[1].id,
      });
    await cost('Ruitenwisserbladen voor (Bosch Aerotwin, set) inclusief montage', 1, 3250);
    await cost('Motorolie 5W-30 (VW 504.00), liter', 4.5, 1695);
    await cost('Remschijven en -blokken voor (ATE), geventileerd', 12, 121_450);
    await api('POST', `/jobs/${created.id}/steps/${created.steps[0].id}/skip`);

    const page = await browser.newPage({ ...phone, locale: 'nl-NL' });
    await page.goto(created.trackerUrl.replace(/^https?:\/\/[^/]+/, product.url));
    await page.locator('.costs table').waitFor();
    const fit = await page.evaluate(() => {
      const table = document.querySelector('.costs table') as HTMLElement;
      const amounts = [...document.querySelectorAll('.costs td.num')].map(
        (td) => td.getBoundingClientRect().right,
      );
      return {
        page: document.documentElement.scrollWidth,
        table: table.getBoundingClientRect().right,
        amounts,
      };
    });
    expect(fit.page).toBeLessThanOrEqual(390);
    expect(fit.table).toBeLessThanOrEqual(390);
    expect(fit.amounts).toHaveLength(3);
    for (const right of fit.amounts) expect(right).toBeLessThanOrEqual(390);
    expect(await page.locator('.step.skipped').count()).toBe(1);
    expect(await axeViolations(page)).toEqual([]);
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });

  it('stops the live dot when the job is cancelled while the tracker is open, and says so at the top', async () => {
    const created = await api('POST', '/jobs', { ...sampleJob(), workflowId: org.workflowId });
    const page = await browser.newPage({ ...phone, locale: 'en-GB' });
    await page.goto(created.trackerUrl.replace(/^https?:\/\/[^/]+/, product.url));
    await page.locator('.connection.live').waitFor();
    await api('POST', `/jobs/${created.id}/cancel`, { reason: 'Car sold' });
    await page.locator('.ready.cancelled').waitFor();
    await page.locator('.connection').waitFor({ state: 'detached' });
    await expect(page.locator('.ready.cancelled').innerText()).resolves.toContain('Car sold');
    // No reconnecting either: the stream was closed, not dropped.
    expect(await page.locator('.connection').count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });
});
