import type { Browser } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createJob } from '../../src/services/jobs/create-job';
import { getJob } from '../../src/services/jobs/read-job';
import { createWorkflow } from '../../src/services/organisation/workflows';
import { changeStepStatus } from '../../src/services/steps/change-step-status';
import { promiseStep } from '../../src/services/steps/promise-step';
import { signedUpAdmin } from '../console-client';
import { startProduct } from '../server';
import { axeViolations, launchBrowser } from './browser';

let product: Awaited<ReturnType<typeof startProduct>>;
let browser: Browser;
let admin: Awaited<ReturnType<typeof signedUpAdmin>>;

beforeAll(async () => {
  [product, browser] = await Promise.all([startProduct(), launchBrowser()]);
  admin = await signedUpAdmin(product.url, product.rt, 'Garage Grafiek');
  const workflowId = await createWorkflow(admin.ctx, {
    name: 'APK',
    steps: [
      { title: 'Intake', expectedMinutes: 30 },
      { title: 'Keuring', expectedMinutes: 60 },
    ],
  });
  for (let i = 0; i < 4; i++) {
    const { jobId } = await createJob(admin.ctx, {
      reference: `G-${i}`,
      title: 'APK',
      customer: { name: 'Klant' },
      workflowId,
    });
    const [intake, keuring] = (await getJob(admin.ctx, jobId)).steps;
    await changeStepStatus(admin.ctx, jobId, intake?.id ?? '', 'finish');
    if (i % 2)
      await promiseStep(admin.ctx, jobId, keuring?.id ?? '', {
        promisedAt: Date.now() + 7_200_000,
        reason: 'Het onderdeel komt later binnen.',
      });
    await changeStepStatus(admin.ctx, jobId, keuring?.id ?? '', 'finish');
  }
});

/** A browser signed in as the admin (the session cookie from the HTTP sign-up). */
async function signedIn(options: Parameters<Browser['newContext']>[0] = {}) {
  const context = await browser.newContext({ locale: 'nl-NL', ...options });
  await context.addCookies([...admin.client.jar].map(([name, value]) => ({ name, value, url: product.url })));
  return context;
}

describe('insights in a real browser', () => {
  it('passes the accessibility audit, light and dark', async () => {
    const context = await signedIn({ bypassCSP: true });
    const page = await context.newPage();
    await page.goto(`${product.url}/console/insights`);
    expect(await page.locator('figure.chart').count()).toBeGreaterThanOrEqual(9);
    expect(await axeViolations(page)).toEqual([]);
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await axeViolations(page)).toEqual([]);
    await page.goto(`${product.url}/console/insights/jobs?position=1`);
    expect(await axeViolations(page)).toEqual([]);
    await context.close();
  });

  it('reads on a phone (390 × 844), in Dutch and English: nothing wider than the page, tables scroll in a named region, axe clean', async () => {
    const context = await signedIn({ bypassCSP: true, viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    for (const language of ['nl', 'en'] as const) {
      await page.goto(`${product.url}/console/language?to=${language}&back=/console/insights`);
      await page.waitForURL(/\/console\/insights$/);
      for (const path of ['/console/insights', '/console/insights/jobs?position=1']) {
        const where = `${path}, ${language}, 390 px`;
        if (!page.url().endsWith(path)) await page.goto(`${product.url}${path}`);
        expect(await page.locator('html').getAttribute('lang')).toBe(language);
        // The folded tables open too: the widest thing on the page.
        await page.evaluate(() => {
          for (const d of document.querySelectorAll('details')) d.open = true;
        });
        const layout = await page.evaluate(() => {
          const fits = (el: Element) => el.scrollWidth <= el.clientWidth;
          const regions = [...document.querySelectorAll('.table-wrap')];
          return {
            page: {
              scrollWidth: document.documentElement.scrollWidth,
              clientWidth: document.documentElement.clientWidth,
            },
            chartsFit: [...document.querySelectorAll('figure.chart')].every(fits),
            // Chart text keeps its size instead of shrinking with a drawing.
            smallestChartText: Math.min(
              ...[...document.querySelectorAll('figure.chart li')].map((li) =>
                Number.parseFloat(getComputedStyle(li).fontSize),
              ),
            ),
            regions: regions.map((r) => ({
              role: r.getAttribute('role'),
              named: Boolean(r.getAttribute('aria-label')),
              tabindex: r.getAttribute('tabindex'),
            })),
            tableScrollsInItsRegion: regions.some((r) => !fits(r)),
          };
        });
        expect(layout.page.scrollWidth, `${where}: ${JSON.stringify(layout.page)}`).toBeLessThanOrEqual(
          layout.page.clientWidth,
        );
        expect(layout.regions.length, where).toBeGreaterThan(0);
        for (const region of layout.regions)
          expect(region, where).toEqual({ role: 'region', named: true, tabindex: '0' });
        expect(layout.tableScrollsInItsRegion, where).toBe(true);
        if (path === '/console/insights') {
          expect(layout.chartsFit, where).toBe(true);
          expect(layout.smallestChartText, where).toBeGreaterThanOrEqual(12);
        }
        expect(await axeViolations(page), where).toEqual([]);
      }
    }
    await context.close();
  });

  it('works without JavaScript: the keyboard reaches a bar and opens the jobs behind it', async () => {
    const context = await signedIn({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${product.url}/console/insights`);
    const focused = () =>
      page.evaluate(() => document.activeElement?.textContent?.replace(/\s+/g, ' ').trim() ?? '');
    for (let i = 0; i < 80 && !(await focused()).startsWith('Keuring'); i++) await page.keyboard.press('Tab');
    expect(await focused()).toBe('Keuring: 4');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/console\/insights\/jobs\?/);
    expect(await page.locator('h1').innerText()).toBe('Opdrachten achter het cijfer');
    expect(await page.locator('tbody tr').count()).toBe(4);
    await context.close();
  });
});
