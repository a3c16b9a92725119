import { createHash } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documents, documentVersions } from '../../db/schema';
import { simplePdf } from '../../src/demo/simple-pdf';
import { createJob } from '../../src/services/jobs/create-job';
import { getJob } from '../../src/services/jobs/read-job';
import { createWorkflow } from '../../src/services/organisation/workflows';
import { newId } from '../../src/services/platform/ids';
import { signedUpAdmin } from '../console-client';
import { startProduct } from '../server';
import { axeViolations, launchBrowser } from './browser';

/** The notary uploads a draft in the console; the customer opens it on the tracker and signs with their name. */
let product: Awaited<ReturnType<typeof startProduct>>;
let browser: Browser;
let admin: Awaited<ReturnType<typeof signedUpAdmin>>;
let job: { id: string; token: string; stepId: string };

const draft = simplePdf('Concept-akte', ['Testament van Anna de Vries', 'Concept ter beoordeling.']);
const sha = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');

beforeAll(async () => {
  [product, browser] = await Promise.all([startProduct(), launchBrowser()]);
  admin = await signedUpAdmin(product.url, product.rt, 'Notariskantoor Ondertekening');
  const workflowId = await createWorkflow(admin.ctx, {
    name: 'Testament',
    steps: [
      { title: 'Concept opstellen', defaultRole: 'Owner' },
      { title: 'Concept ter controle bij u', translations: { en: { title: 'Draft for your review' } } },
    ],
  });
  const { jobId, trackerToken } = await createJob(admin.ctx, {
    reference: 'AKTE-E2E',
    title: 'Testament',
    customer: { name: 'Anna de Vries' },
    workflowId,
  });
  job = { id: jobId, token: trackerToken, stepId: (await getJob(admin.ctx, jobId)).steps[1]?.id ?? '' };
});

afterAll(async () => {
  await browser?.close();
});

function watchErrors(page: Page) {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  return errors;
}

describe('documents and sign-off in a real browser', () => {
  it('the notary uploads a draft, the customer opens it and signs with their name', async () => {
    const staff = await browser.newContext({ locale: 'nl-NL' });
    const sp = await staff.newPage();
    const staffErrors = watchErrors(sp);
    await sp.goto(`${product.url}/console/sign-in`);
    await sp.getByLabel('E-mailadres').fill(admin.email);
    await sp.getByLabel('Wachtwoord').fill('a password of some length');
    await sp.getByRole('button', { name: 'Aanmelden' }).click();
    await sp.waitForURL(/\/console\/$/);
    await sp.goto(`${product.url}/console/jobs/${job.id}`);
    const panel = sp.locator('#documents');
    await panel.locator('#document-step').selectOption(job.stepId);
    await panel.getByLabel('Titel (Nederlands)').fill('Concept-akte');
    await panel.getByLabel('Titel (Engels)').fill('Draft deed');
    await panel
      .locator('#document-file')
      .setInputFiles({ name: 'concept akte.pdf', mimeType: 'application/pdf', buffer: Buffer.from(draft) });
    await panel.getByLabel('De klant om akkoord vragen').check();
    await panel.getByRole('button', { name: 'Document toevoegen', exact: true }).click();
    await sp.locator('#documents li.document', { hasText: 'Concept-akte' }).waitFor();
    await sp
      .locator('#documents')
      .getByText(/Wacht sinds .* op de klant/)
      .waitFor();
    expect(staffErrors).toEqual([]);

    // The customer, in Dutch: the tracker asks for the sign-off and shows the draft at its step.
    // axe is injected as an inline script: the page's own CSP would refuse it (as it refuses any).
    const customer = await browser.newContext({ locale: 'nl-NL', bypassCSP: true });
    const cp = await customer.newPage();
    // This context bypasses the CSP (for axe), so it cannot show how the page frames the file: it gets an
    // empty body for files, and a context under the real policies checks the preview below.
    await cp.route(/\/documents\//, (route) =>
      route.request().resourceType() === 'document' && route.request().frame() !== cp.mainFrame()
        ? route.fulfill({ status: 200, contentType: 'text/plain', body: '' })
        : route.fallback(),
    );
    const customerErrors = watchErrors(cp);
    await cp.goto(`${product.url}/t/${job.token}`);
    await cp.locator(`#step-${job.stepId}`).getByRole('link', { name: 'Concept-akte openen' }).waitFor();
    await cp.getByRole('link', { name: 'Lezen en ondertekenen: Concept-akte' }).first().click();
    await cp.waitForURL(/\/signoff\//);
    expect(await axeViolations(cp), 'sign-off page').toEqual([]);
    // The customer reads the draft on the page itself: Chromium's PDF viewer in a frame of our page, under
    // the page's real policies (a context that does not bypass them), while the file keeps its sandbox.
    const strict = await browser.newContext({ locale: 'nl-NL' });
    const viewer = await strict.newPage();
    const framed: { url: string; status: number }[] = [];
    viewer.on('response', (r) => {
      if (r.url().includes('/documents/') && r.request().resourceType() === 'document')
        framed.push({ url: r.url(), status: r.status() });
    });
    await viewer.goto(cp.url());
    await viewer.locator('iframe.document-preview').scrollIntoViewIfNeeded();
    await expect.poll(() => framed.map((f) => f.status), { timeout: 15_000 }).toContain(200);
    await expect
      .poll(() => viewer.frames().map((f) => f.url()), { timeout: 15_000 })
      .toContainEqual(expect.stringContaining('/documents/'));
    expect(viewer.frames().some((f) => f.url().startsWith('chrome-error:'))).toBe(false);
    await strict.close();
    // Opening the draft: the bytes hashed are the bytes uploaded, served inert.
    const href = (await cp.getByTestId('open-document').getAttribute('href')) ?? '';
    const opened = await customer.request.get(`${product.url}${href}`);
    expect(opened.status()).toBe(200);
    expect(opened.headers()['content-type']).toBe('application/pdf');
    expect(opened.headers()['content-disposition']).toBe('inline; filename="concept-akte.pdf"');
    expect(opened.headers()['content-security-policy']).toMatch(/^sandbox; .*frame-ancestors 'self'$/);
    expect(sha(await opened.body())).toBe(sha(draft));

    // Signing without a name is refused with the field named; then with the name.
    await cp.getByLabel(/Ik heb .Concept-akte. gelezen/).check();
    await cp.getByRole('button', { name: 'Ondertekenen' }).click();
    expect(
      await cp.getByLabel('Uw volledige naam').evaluate((e) => (e as HTMLInputElement).validity.valid),
    ).toBe(false);
    await cp.getByLabel('Uw volledige naam').fill('Anna de Vries');
    await cp.getByRole('button', { name: 'Ondertekenen' }).click();
    await cp.getByText('Dank u. Uw handtekening is vastgelegd.').waitFor();
    expect(await cp.getByTestId('record-name').innerText()).toBe('Anna de Vries');
    expect(await cp.getByTestId('record-hash').innerText()).toBe(sha(draft));
    expect(await axeViolations(cp), 'sign-off record').toEqual([]);
    await cp.goto(`${product.url}/t/${job.token}`);
    await cp
      .locator(`#step-${job.stepId}`)
      .getByText(/Ondertekend door Anna de Vries/)
      .waitFor();
    expect(await axeViolations(cp), 'tracker with a signed document').toEqual([]);
    expect(customerErrors).toEqual([]);

    // Staff see the same record.
    await sp.reload();
    await sp
      .locator('#documents')
      .getByText(/Ondertekend door Anna de Vries/)
      .waitFor();
    expect(await sp.locator('#documents').innerText()).toContain(sha(draft));
    await staff.close();
    await customer.close();
  });

  it('never runs what a stored file holds on our origin, even mislabelled HTML or SVG', async () => {
    // Uploads are checked by content, so hostile bytes cannot get in through the API or console; these
    // rows are written straight to the database to prove the serving side is inert on its own.
    const db = product.rt.database.db;
    const documentId = newId('doc');
    const now = Date.now();
    await db.insert(documents).values({
      id: documentId,
      organisationId: admin.organisationId,
      jobId: job.id,
      stepId: job.stepId,
      title: 'Vijandig',
      visibleToCustomer: true,
      version: 2,
      createdAt: now,
      updatedAt: now,
    });
    const hostile = {
      html: '<!doctype html><html><body><script>window.__ran = 1; console.error("ran")</script><img src="x" onerror="console.error(\'ran\')"></body></html>',
      svg: '<svg xmlns="http://www.w3.org/2000/svg" onload="console.error(\'ran\')"><script>window.__ran = 1; console.error("ran")</script></svg>',
    };
    const versions = [
      { id: newId('docv'), version: 1, bytes: hostile.svg, type: 'image/png' as const },
      { id: newId('docv'), version: 2, bytes: hostile.html, type: 'application/pdf' as const },
    ];
    for (const v of versions) {
      await db.insert(documentVersions).values({
        id: v.id,
        documentId,
        organisationId: admin.organisationId,
        jobId: job.id,
        version: v.version,
        filename: 'x.pdf',
        contentType: v.type,
        size: Buffer.byteLength(v.bytes),
        sha256: sha(v.bytes),
        bytes: Buffer.from(v.bytes),
        createdAt: now,
      });
    }
    const context = await browser.newContext({ locale: 'nl-NL' });
    const page = await context.newPage();
    const messages: string[] = [];
    page.on('console', (m) => messages.push(m.text()));
    page.on('pageerror', (e) => messages.push(e.message));
    // Staff's copy of the old version and the customer's of the newest.
    await page.goto(`${product.url}/console/sign-in`);
    await page.getByLabel('E-mailadres').fill(admin.email);
    await page.getByLabel('Wachtwoord').fill('a password of some length');
    await page.getByRole('button', { name: 'Aanmelden' }).click();
    await page.waitForURL(/\/console\/$/);
    for (const url of [
      `${product.url}/console/jobs/${job.id}/documents/${versions[0]?.id}`,
      `${product.url}/t/${job.token}/documents/${versions[1]?.id}`,
    ]) {
      // Only until the answer arrives: a PDF is handed to the viewer (or saved), never to a page.
      // The headers, read without a navigation (which may end in a download and give no response).
      const answer = await page.context().request.get(url);
      expect(answer.status(), url).toBe(200);
      const headers = answer.headers();
      expect(headers['x-content-type-options'], url).toBe('nosniff');
      expect(headers['content-security-policy'], JSON.stringify(headers)).toMatch(
        /^sandbox; default-src 'none'/,
      );
      await page.goto(url, { waitUntil: 'commit' }).catch(() => null);
      await page.waitForTimeout(500);
      const within = <T>(work: Promise<T>, fallback: T) =>
        Promise.race([
          work.catch(() => fallback),
          new Promise<T>((r) => setTimeout(() => r(fallback), 2000)),
        ]);
      const ran = await within(
        page.evaluate(() => (window as { __ran?: number }).__ran),
        undefined,
      );
      expect(ran, url).toBeUndefined();
      // The bytes were never parsed as a page: no element of theirs is in the document.
      const markup = await within(
        page.evaluate(() => document.documentElement.outerHTML),
        '',
      );
      expect(markup, url).not.toContain('__ran');
      // A document that is not handed to the PDF viewer runs sandboxed: an opaque origin, not ours.
      if (url.includes('/console/'))
        expect(
          await within(
            page.evaluate(() => window.origin),
            'null',
          ),
        ).toBe('null');
    }
    expect(messages.filter((m) => m.includes('ran'))).toEqual([]);
    // The customer's link opens only the newest version of a visible document of their own job.
    const customer = await browser.newContext();
    for (const versionId of [versions[0]?.id, 'docv_unknown', versions[1]?.id]) {
      const answer = await customer.request.get(`${product.url}/t/${job.token}/documents/${versionId}`);
      expect(answer.status(), versionId).toBe(versionId === versions[1]?.id ? 200 : 404);
    }
    await customer.close();
    await context.close();
  }, 90_000);
});
