import type { Browser } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createJob } from '../../src/services/jobs/create-job';
import { getJob } from '../../src/services/jobs/read-job';
import { makeOrganisation, sampleJob, type TestOrg } from '../helpers';
import { startProduct } from '../server';
import { axeViolations, launchBrowser } from './browser';

let product: Awaited<ReturnType<typeof startProduct>>;
let org: TestOrg;
let browser: Browser;

beforeAll(async () => {
  [product, browser] = await Promise.all([startProduct(), launchBrowser()]);
  org = await makeOrganisation(product.rt);
});

/** The API, over HTTP, as a business's own system would call it. */
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

describe('the tracker in a real browser', () => {
  it('shows a step change and a note posted through the API, live, without reload', async () => {
    const created = await api('POST', '/jobs', { ...sampleJob(), workflowId: org.workflowId });
    const page = await browser.newPage({ locale: 'nl-NL' });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(created.trackerUrl.replace(/^https?:\/\/[^/]+/, product.url));
    expect(await page.locator('h1').innerText()).toBe('APK + kleine beurt');
    await page.locator('.connection.live').waitFor();
    await page.evaluate(() => {
      (window as unknown as { stayed: boolean }).stayed = true;
    });

    const intake = created.steps[0].id;
    await api('POST', `/jobs/${created.id}/steps/${intake}/start`);
    await page.locator(`#step-${intake} .badge`, { hasText: 'Bezig' }).waitFor();
    await api('POST', `/jobs/${created.id}/steps/${intake}/notes`, {
      markdown: 'Alleen voor **ons**',
      visibility: 'internal',
    });
    await api('POST', `/jobs/${created.id}/steps/${intake}/notes`, {
      markdown: 'Auto staat op de **brug**.',
    });
    await page.locator(`#step-${intake} .note-body strong`, { hasText: 'brug' }).waitFor();

    expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
    expect(await page.locator('body').innerText()).not.toContain('Alleen voor');
    await expect(page.locator('.live-island [role="status"]').innerText()).resolves.toContain('Intake');
    expect(await page.locator(`#step-${intake}`).getAttribute('aria-current')).toBe('step');
    expect(errors).toEqual([]); // no CSP refusals, no script errors
    await page.close();

    // Accessibility of the live page, light and dark. bypassCSP only lets the test inject axe-core.
    const audit = await browser.newPage({ locale: 'nl-NL', bypassCSP: true });
    await audit.goto(created.trackerUrl.replace(/^https?:\/\/[^/]+/, product.url));
    await audit.locator('.connection.live').waitFor();
    expect(await axeViolations(audit)).toEqual([]);
    await audit.emulateMedia({ colorScheme: 'dark' });
    expect(await axeViolations(audit)).toEqual([]);
    await audit.close();
  });

  it("is readable without JavaScript, in the customer's language", async () => {
    const { jobId, trackerToken } = await createJob(org.ctx, {
      ...sampleJob(),
      customer: { name: 'Sam Jones' },
      workflowId: org.workflowId,
    });
    expect((await getJob(org.ctx, jobId)).steps).toHaveLength(3);
    const context = await browser.newContext({ javaScriptEnabled: false, locale: 'en-GB' });
    const page = await context.newPage();
    const response = await page.goto(`${product.url}/t/${trackerToken}`);
    expect(response?.status()).toBe(200);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.locator('.step').count()).toBe(3);
    const text = await page.locator('main').innerText();
    expect(text).toContain('Step 1 of 3: Intake');
    expect(text).toContain('Jan de Boer');
    expect(text).toContain('This page shows the state when it was loaded');
    await context.close();
  });
});
