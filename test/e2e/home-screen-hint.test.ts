import { beforeAll, describe, expect, it } from 'vitest';
import { createJob } from '../../src/services/jobs/create-job';
import { makeOrganisation } from '../helpers';
import { startProduct } from '../server';
import { axeViolations, launchBrowser } from './browser';

const IPHONE_SAFARI =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1';

let product: Awaited<ReturnType<typeof startProduct>>;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let url: string;

beforeAll(async () => {
  [product, browser] = await Promise.all([startProduct(), launchBrowser()]);
  const org = await makeOrganisation(product.rt);
  const { trackerToken } = await createJob(org.ctx, {
    reference: 'IOS-1',
    title: 'APK',
    customer: { name: 'Klant', locale: 'en' },
    workflowId: org.workflowId,
  });
  url = `${product.url}/t/${trackerToken}`;
});

describe('the Home Screen hint', () => {
  it('shows in Safari on an iPhone (not standalone), accessible', async () => {
    // bypassCSP only lets the test inject axe-core.
    const context = await browser.newContext({
      userAgent: IPHONE_SAFARI,
      viewport: { width: 390, height: 844 },
      bypassCSP: true,
    });
    const page = await context.newPage();
    await page.goto(url);
    const hint = page.locator('[data-home-screen-hint]');
    await hint.waitFor({ state: 'visible' });
    expect(await hint.textContent()).toContain('Add to Home Screen');
    expect(await axeViolations(page)).toEqual([]);
    await context.close();
  });

  it('stays hidden on other browsers', async () => {
    const page = await browser.newPage();
    await page.goto(url);
    // The script that decides has run once the push button shows (the same function, just after).
    await page.waitForFunction(
      () => document.querySelector<HTMLButtonElement>('button[data-push]')?.hidden === false,
    );
    expect(await page.locator('[data-home-screen-hint]').isVisible()).toBe(false);
    await page.close();
  });
});
