import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import type { Browser, Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { organisations } from '../../db/schema';
import { jobSnippet, lookupSnippet } from '../../src/widget/snippet';
import { signedUpAdmin } from '../console-client';
import { makeOrganisation, sampleJob, type TestOrg } from '../helpers';
import { startProduct } from '../server';
import { axeViolations, launchBrowser } from './browser';

/**
 * A business's website on another port embeds both widgets with the snippets the console shows.
 * A second website, not on the organisation's list, tries the same.
 */
let product: Awaited<ReturnType<typeof startProduct>>;
let browser: Browser;
let org: TestOrg;
let allowedHost: string;
let otherHost: string;
let job: { id: string; steps: { id: string }[] };
let hostHtml: (query: URLSearchParams) => string = () => '';

/** A host page that tries to break what it embeds: its own fonts, colours and a script that peeks. */
function hostPage(body: string, dark: boolean) {
  return `<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Garage website</title>
<style>:root{color-scheme:${dark ? 'dark' : 'light'}} h1{color:rgb(255,0,0)!important} *{font-family:serif!important}</style>
</head><body><h1>Mijn bestelling</h1>${body}<p id="below">Onder de widget</p>
<script>
  window.shifts = 0;
  const count = (entries) => { for (const e of entries) if (!e.hadRecentInput) window.shifts += e.value; };
  const observer = new PerformanceObserver((list) => count(list.getEntries()));
  observer.observe({ type: 'layout-shift', buffered: true });
  // Shifts so far, those not yet handed to the observer included.
  window.shiftsNow = () => { count(observer.takeRecords()); return window.shifts; };
</script></body></html>`;
}

async function serve(handler: (query: URLSearchParams) => string): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end(handler(url.searchParams));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  afterAll(() => new Promise<void>((done) => server.close(() => done())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

async function api(method: string, path: string, body?: unknown) {
  const response = await fetch(`${product.url}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${org.key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  expect(response.status, `${method} ${path}`).toBeLessThan(300);
  return response.json();
}

beforeAll(async () => {
  [product, browser] = await Promise.all([startProduct(), launchBrowser()]);
  org = await makeOrganisation(product.rt, { slug: 'garage-widget' });
  const allowed = await serve((q) => hostHtml(q));
  const other = await serve((q) => hostHtml(q));
  allowedHost = allowed.url;
  otherHost = other.url;
  await product.rt.database.db
    .update(organisations)
    .set({ embedOrigins: [allowedHost] })
    .where(eq(organisations.id, org.id));
  job = await api('POST', '/jobs', { ...sampleJob('WEB-1001'), workflowId: org.workflowId });
});

/**
 * The host page's layout shifts once the widget has settled: the frame has taken the height its content
 * reported, and the browser has rendered a frame since (layout shifts are recorded when it renders).
 */
async function shiftsWhenSettled(page: Page, frame: Frame): Promise<number> {
  await expect
    .poll(async () => {
      const box = await page.locator('iframe').boundingBox();
      const content = await frame.evaluate(() => Math.ceil(document.body.getBoundingClientRect().height));
      return Math.abs((box?.height ?? 0) - content);
    })
    .toBeLessThanOrEqual(1);
  return page.evaluate(
    () =>
      new Promise<number>((done) =>
        requestAnimationFrame(() =>
          setTimeout(() => done((window as unknown as { shiftsNow: () => number }).shiftsNow())),
        ),
      ),
  );
}

const widgetFrame = async (page: Page, path: string): Promise<Frame> => {
  await expect.poll(() => page.frames().find((f) => f.url().includes(path)) ?? null).not.toBeNull();
  return page.frames().find((f) => f.url().includes(path)) as Frame;
};

describe('the widget on a business website', () => {
  it('finds a job by lookup, keeps it live, and leaves the host page where it was', async () => {
    hostHtml = (q) =>
      hostPage(lookupSnippet(product.url, 'garage-widget', {}, 'Volg uw opdracht'), q.has('dark'));
    const page = await browser.newPage({ locale: 'nl-NL' });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(allowedHost);
    const frame = await widgetFrame(page, '/embed/lookup/garage-widget');
    await frame.getByLabel('Referentie').waitFor();
    // The frame is sized to its content, inside the space the snippet reserved: nothing moved.
    expect(await shiftsWhenSettled(page, frame)).toBe(0);
    const frameBox = await page.locator('iframe').boundingBox();
    const contentHeight = await frame.evaluate(() => document.body.getBoundingClientRect().height);
    expect(Math.abs((frameBox?.height ?? 0) - Math.ceil(contentHeight))).toBeLessThanOrEqual(1);
    // Isolation: the host's styles do not reach in, its scripts cannot look in.
    expect(await frame.locator('h1').evaluate((h) => getComputedStyle(h).color)).not.toBe('rgb(255, 0, 0)');
    expect(await page.evaluate(() => document.querySelector('iframe')?.contentDocument ?? null)).toBeNull();
    expect(await page.locator('iframe').getAttribute('title')).toBe('Volg uw opdracht');

    // A wrong postcode and a wrong reference read the same.
    await frame.getByLabel('Referentie').fill('WEB-1001');
    await frame.getByLabel('Postcode').fill('9999 ZZ');
    await frame.getByRole('button', { name: 'Toon mijn opdracht' }).click();
    const miss = await frame.getByRole('alert').innerText();
    expect(miss).toContain('We vonden geen opdracht');

    // Keyboard only: the fields, then the button.
    await frame.getByLabel('Postcode').fill('');
    await frame.getByLabel('Postcode').focus();
    await page.keyboard.type('3511ab');
    await page.keyboard.press('Tab'); // email
    await page.keyboard.press('Tab'); // button
    await page.keyboard.press('Enter');
    const view = await widgetFrame(page, '/embed/job/');
    await view.locator('h1', { hasText: 'APK + kleine beurt' }).waitFor();
    await view.locator('.connection.live').waitFor();

    const intake = job.steps[0]?.id ?? '';
    await api('POST', `/jobs/${job.id}/steps/${intake}/start`);
    await view.locator(`#step-${intake} .badge`, { hasText: 'Bezig' }).waitFor();
    await expect.poll(() => view.locator('[data-announce]').innerText()).toContain('Intake');
    // Read-only: no question, approval or rating forms in the widget.
    expect(await view.locator('form').count()).toBe(0);
    // The frame fits the job view it now shows.
    await expect
      .poll(async () => {
        const box = await page.locator('iframe').boundingBox();
        const content = await view.evaluate(() => Math.ceil(document.body.getBoundingClientRect().height));
        return Math.abs((box?.height ?? 0) - content);
      })
      .toBeLessThanOrEqual(1);
    expect(errors).toEqual([]);
    await page.close();

    // On a phone too, the lookup fits the space it reserved.
    const phone = await browser.newPage({ locale: 'nl-NL', viewport: { width: 360, height: 740 } });
    await phone.goto(allowedHost);
    const phoneFrame = await widgetFrame(phone, '/embed/lookup/');
    await phoneFrame.getByLabel('Referentie').waitFor();
    expect(await shiftsWhenSettled(phone, phoneFrame)).toBe(0);
    await phone.close();
  });

  it('embeds one job with an embed token, live, in the compact layout and the host colour scheme', async () => {
    const made = await api('POST', `/jobs/${job.id}/embed-tokens`, { expiresIn: 600 });
    hostHtml = (q) =>
      hostPage(jobSnippet(product.url, made.token, { mode: 'compact', locale: 'en' }), q.has('dark'));
    const page = await browser.newPage({ locale: 'nl-NL' });
    await page.goto(`${allowedHost}/?dark`);
    const frame = await widgetFrame(page, '/embed/job/');
    await frame.locator('.connection.live').waitFor();
    // The host declares a dark colour scheme, so the widget is dark too (the reader's own setting is light).
    expect(await frame.locator('.card-frame').evaluate((el) => getComputedStyle(el).backgroundColor)).toBe(
      'rgb(31, 41, 55)',
    );
    expect(await frame.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.evaluate(() => (window as unknown as { shifts: number }).shifts)).toBe(0);

    const keuring = job.steps[1]?.id ?? '';
    await api('POST', `/jobs/${job.id}/steps/${job.steps[0]?.id}/finish`);
    await api('POST', `/jobs/${job.id}/steps/${keuring}/start`);
    await frame.locator('.progress', { hasText: 'Step 2 of 3: Keuring' }).waitFor();
    await page.close();
  });

  it('reserves the full job view exactly, at any width: the host page does not move', async () => {
    const made = await api('POST', `/jobs/${job.id}/embed-tokens`, {});
    // The API's snippet, with this test server's real port (PUBLIC_URL says port 0 here).
    hostHtml = () => hostPage(made.snippet.replaceAll('http://127.0.0.1:0', product.url), false);
    for (const width of [1280, 360]) {
      const page = await browser.newPage({ locale: 'nl-NL', viewport: { width, height: 800 } });
      await page.goto(allowedHost);
      const frame = await widgetFrame(page, '/embed/job/');
      await frame.locator('.connection.live').waitFor();
      expect(await shiftsWhenSettled(page, frame), `${width}px`).toBe(0);
      expect(await frame.locator('.wsteps li').count()).toBe(3);
      await page.close();
    }
  });

  it('cannot be shown by a website that is not on the list', async () => {
    const made = await api('POST', `/jobs/${job.id}/embed-tokens`, {});
    hostHtml = () => hostPage(jobSnippet(product.url, made.token, {}), false);
    const page = await browser.newPage();
    const blocked: string[] = [];
    page.on('console', (m) => blocked.push(m.text()));
    await page.goto(otherHost);
    // The visitor reads why, in the page's language, instead of a broken frame. The loader's check and the
    // frame's navigation race: when the check answers first the frame is gone before the browser refuses
    // it (and logs nothing), so the refusal itself is the policy test/console/widget.test.ts reads; here
    // no frame ever shows the job.
    await page.getByText('Het volgen van opdrachten kan op deze website niet worden getoond.').waitFor();
    for (const frame of page.frames().slice(1))
      expect(await frame.content().catch(() => '')).not.toContain('APK + kleine beurt');
    expect(blocked.join('\n')).not.toContain('APK + kleine beurt');
    expect(await page.locator('iframe').count()).toBe(0);
    await page.close();

    // The same page on the allowed website does show it.
    const ok = await browser.newPage();
    await ok.goto(allowedHost);
    await (await widgetFrame(ok, '/embed/job/')).locator('h1', { hasText: 'APK + kleine beurt' }).waitFor();
    await ok.close();
  });

  it('follows a host that declares dark only by its <meta name="color-scheme">', async () => {
    const made = await api('POST', `/jobs/${job.id}/embed-tokens`, {});
    hostHtml = () =>
      hostPage(jobSnippet(product.url, made.token, {}), false)
        .replace(':root{color-scheme:light}', '')
        .replace('<meta charset="utf-8">', '<meta charset="utf-8"><meta name="color-scheme" content="dark">');
    const page = await browser.newPage({ colorScheme: 'light' });
    await page.goto(allowedHost);
    const frame = await widgetFrame(page, '/embed/job/');
    expect(new URL(frame.url()).searchParams.get('theme')).toBe('dark');
    await frame.locator('h1').waitFor();
    const background = await frame.evaluate(
      () => getComputedStyle(document.querySelector('main') ?? document.body).colorScheme,
    );
    expect(background).toContain('dark');
    await page.close();
  });

  it('keeps the promised time whole on a phone, and shows when the customer must act', async () => {
    const promised = await api('POST', '/jobs', { ...sampleJob('WEB-1002'), workflowId: org.workflowId });
    await api('PUT', `/jobs/${promised.id}/steps/${promised.steps[1].id}/promise`, {
      promisedAt: new Date(Date.now() + 3 * 86_400_000).toISOString(),
      reason: 'Onderdeel besteld',
    });
    await api('POST', `/jobs/${promised.id}/cost-lines`, {
      kind: 'part',
      description: 'Remschijven voor',
      quantity: 2,
      unitPriceCents: 6450,
      vatRate: 21,
      state: 'awaiting_approval',
      explanation: 'De schijven zijn te dun.',
    });
    const made = await api('POST', `/jobs/${promised.id}/embed-tokens`, {});
    hostHtml = () => hostPage(jobSnippet(product.url, made.token, {}), false);
    const page = await browser.newPage({ locale: 'nl-NL', viewport: { width: 390, height: 800 } });
    await page.goto(allowedHost);
    const frame = await widgetFrame(page, '/embed/job/');
    const promise = frame.locator('.progress .promise');
    await promise.waitFor();
    expect(await promise.innerText()).toMatch(/^Verwacht klaar /);
    const [inner, outer] = await Promise.all([
      promise.evaluate((e) => e.getBoundingClientRect().right),
      frame.locator('.progress').evaluate((e) => e.getBoundingClientRect().right),
    ]);
    expect(inner).toBeLessThanOrEqual(outer);
    // An embed token only shows: the widget says where to act, it does not hand out the tracker link.
    const action = frame.locator('.action');
    expect(await action.innerText()).toContain('Uw akkoord is nodig: Remschijven voor.');
    expect(await action.innerText()).toContain('de link staat in de e-mail of sms');
    await page.close();
  });

  it("shows the console's widget page with a working preview, and passes an accessibility audit", async () => {
    const admin = await signedUpAdmin(product.url, product.rt, 'Garage Preview');
    const context = await browser.newContext({ locale: 'nl-NL', bypassCSP: true });
    await context.addCookies(
      [...admin.client.jar].map(([name, value]) => ({ name, value, url: product.url })),
    );
    const page = await context.newPage();
    await page.goto(`${product.url}/console/widget`);
    await page.getByRole('heading', { name: 'Opzoekwidget' }).waitFor();
    // (PUBLIC_URL has port 0 in tests, so the preview's script is loaded from the real port here.)
    await page.addScriptTag({ url: `${product.url}/widget.js` });
    const preview = await widgetFrame(page, '/embed/lookup/');
    await preview.getByLabel('Referentie').waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await context.close();
  });

  it('passes an accessibility audit, lookup and job view, light and dark', async () => {
    const made = await api('POST', `/jobs/${job.id}/embed-tokens`, {});
    const page = await browser.newPage({ locale: 'nl-NL', bypassCSP: true });
    for (const path of [
      `/embed/lookup/garage-widget`,
      `/embed/job/${made.token}`,
      `/embed/job/${made.token}?mode=compact`,
    ]) {
      for (const colorScheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme });
        await page.goto(`${product.url}${path}`);
        expect(await axeViolations(page), `${path} ${colorScheme}`).toEqual([]);
      }
    }
    await page.close();
  });
});
