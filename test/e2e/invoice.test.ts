import { readFile } from 'node:fs/promises';
import { eq } from 'drizzle-orm';
import type { Browser, Download, Page, Response } from 'playwright-core';
import { extractText, getDocumentProxy } from 'unpdf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { organisations } from '../../db/schema';
import { addCostLine } from '../../src/services/costs/cost-lines';
import { createJob } from '../../src/services/jobs/create-job';
import { createWorkflow } from '../../src/services/organisation/workflows';
import { signedUpAdmin } from '../console-client';
import { INVOICE_DETAILS, LINES } from '../invoices/fixtures';
import { startProduct } from '../server';
import { axeViolations, launchBrowser } from './browser';

/** Issue 19 end to end: the garage finishes a job in the console, the customer downloads the invoice. */
let product: Awaited<ReturnType<typeof startProduct>>;
let browser: Browser;
let admin: Awaited<ReturnType<typeof signedUpAdmin>>;
let job: { id: string; token: string };

beforeAll(async () => {
  product = await startProduct();
  browser = await launchBrowser();
  admin = await signedUpAdmin(product.url, product.rt, 'Garage Factuur');
  await product.rt.database.db
    .update(organisations)
    .set({ invoiceDetails: INVOICE_DETAILS })
    .where(eq(organisations.id, admin.organisationId));
  const workflowId = await createWorkflow(admin.ctx, {
    name: 'Reparatie',
    steps: [{ title: 'Reparatie', defaultRole: 'Owner' }],
  });
  const created = await createJob(admin.ctx, {
    reference: 'GF-1',
    title: 'Remmen vervangen',
    customer: { name: 'Sanne de Vries', locale: 'nl' },
    address: { street: 'Oudegracht', number: '12', postcode: '3511 AB', city: 'Utrecht' },
    workflowId,
  });
  for (const line of LINES) await addCostLine(admin.ctx, created.jobId, { ...line });
  job = { id: created.jobId, token: created.trackerToken };
});

afterAll(async () => {
  await browser?.close();
});

/**
 * A link to a PDF, followed in Chromium: the response, what the tab shows (Chromium's PDF viewer when it has
 * one: the document's type is application/pdf), and the file's bytes as the browser fetches them.
 */
async function openPdf(page: Page, click: () => Promise<void>) {
  const response = page.waitForResponse((r: Response) =>
    /\/invoices\/[^/]+\.pdf$/.test(new URL(r.url()).pathname),
  );
  const download = page.waitForEvent('download').catch(() => null);
  await click();
  const answer = await response;
  const saved = await Promise.race([download, new Promise<null>((r) => setTimeout(() => r(null), 1000))]);
  const shown = saved ? null : await page.evaluate(() => document.contentType);
  const bytes = saved
    ? new Uint8Array(await readFile((await (saved as Download).path()) ?? ''))
    : new Uint8Array(await (await page.context().request.get(answer.url())).body());
  return { answer, bytes, shown };
}

const plain = (s: string) => s.replace(/\s+/g, ' ').trim();

describe('the invoice in a real browser', () => {
  it('is issued when the garage finishes the job, and the customer downloads it from the tracker', async () => {
    const staff = await browser.newContext({ locale: 'nl-NL', acceptDownloads: true, bypassCSP: true });
    const page = await staff.newPage();
    await page.goto(`${product.url}/console/sign-in`);
    await page.getByLabel('E-mailadres').fill(admin.email);
    await page.getByLabel('Wachtwoord').fill('a password of some length');
    await page.getByRole('button', { name: 'Aanmelden' }).click();
    await page.waitForURL(/\/console\/?$/);
    await page.goto(`${product.url}/console/jobs/${job.id}`);
    await page.getByRole('button', { name: 'Afronden' }).click();
    await page.getByText('Stap afgerond.').waitFor();
    const item = page.locator('#invoices li').first();
    const number = /Factuur (\d{4}-\d{4})/.exec(await item.innerText())?.[1] ?? '';
    expect(number).toMatch(/^\d{4}-0001$/);
    expect(await page.getByRole('button', { name: 'Factuur maken' }).count()).toBe(0);
    expect(await axeViolations(page), 'console job page with its invoice').toEqual([]);
    const fromConsole = await openPdf(page, () => item.getByRole('link', { name: 'Pdf downloaden' }).click());
    expect(fromConsole.answer.headers()['content-type']).toBe('application/pdf');
    expect(fromConsole.shown).toBe('application/pdf');
    await staff.close();

    const customer = await browser.newContext({ locale: 'nl-NL', acceptDownloads: true, bypassCSP: true });
    const tracker = await customer.newPage();
    await tracker.goto(`${product.url}/t/${job.token}`);
    const link = tracker.getByRole('link', { name: `Factuur ${number} (pdf)` });
    await link.waitFor();
    const pay = tracker.getByRole('link', { name: /^Betaal nu/ });
    const grand = plain(await tracker.locator('.totals dd.grand').innerText());
    expect(await pay.getAttribute('href')).toBe(
      `https://pay.example.nl/garage?amount=${grand.replace(/[^\d,]/g, '').replace(',', '.')}&ref=${number}`,
    );
    expect(await axeViolations(tracker), 'tracker with the invoice').toEqual([]);
    const { answer, bytes, shown } = await openPdf(tracker, () => link.click());
    // Opened in the tab by Chromium's PDF viewer, not saved.
    expect(shown).toBe('application/pdf');
    expect(new TextDecoder().decode(bytes.slice(0, 5))).toBe('%PDF-');
    expect(answer.status()).toBe(200);
    expect(answer.headers()['content-type']).toBe('application/pdf');
    expect(answer.headers()['content-disposition']).toBe(`inline; filename="factuur-${number}.pdf"`);
    expect(new URL(answer.url()).pathname).toMatch(
      new RegExp(`^/t/${job.token}/invoices/inv_[\\w-]+\\.pdf$`),
    );
    expect(bytes).toEqual(fromConsole.bytes);
    const text = plain((await extractText(await getDocumentProxy(bytes), { mergePages: true })).text);
    expect(text).toContain(`Factuurnummer ${number}`);
    expect(text).toContain(`Totaal (incl. btw) ${grand}`);
    for (const line of LINES) expect(text).toContain(line.description);

    // Another link, or a made-up invoice, finds nothing.
    const missing = await tracker.goto(`${product.url}/t/${job.token}/invoices/inv_made_up.pdf`);
    expect(missing?.status()).toBe(404);
    await customer.close();
  });
});
