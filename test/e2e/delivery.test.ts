import { eq } from 'drizzle-orm';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { organisations } from '../../db/schema';
import { createJob } from '../../src/services/jobs/create-job';
import { getJob } from '../../src/services/jobs/read-job';
import { createWorkflow } from '../../src/services/organisation/workflows';
import { bookingView, bookSlot } from '../../src/services/slots/booking';
import { signedUpAdmin } from '../console-client';
import { startProduct } from '../server';
import { axeViolations, launchBrowser } from './browser';

/**
 * The day of delivery on phones (issue 18): the driver finishes stops on /console/stops and the customer's
 * open tracker counts "stops before you" down live; a signature drawn on the driver's phone is shown on the
 * tracker. Real server, real Chromium at 390×844.
 */
let product: Awaited<ReturnType<typeof startProduct>>;
let browser: Browser;
let admin: Awaited<ReturnType<typeof signedUpAdmin>>;
const jobs: { jobId: string; stepId: string; token: string; reference: string }[] = [];
const PHONE = { width: 390, height: 844 };

/** A time zone where it is now between 01:00 and 21:00, so a slot later today exists whenever the suite runs. */
function daytimeZone(): string {
  for (const zone of ['Europe/Amsterdam', 'Asia/Tokyo', 'America/New_York', 'Pacific/Auckland']) {
    const hour = Number(
      new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', hourCycle: 'h23' }).format(
        Date.now(),
      ),
    );
    if (hour >= 1 && hour < 21) return zone;
  }
  throw new Error('no time zone in daytime');
}

beforeAll(async () => {
  product = await startProduct();
  browser = await launchBrowser();
  admin = await signedUpAdmin(product.url, product.rt, 'Bezorgdienst Route');
  await product.rt.database.db
    .update(organisations)
    .set({ timeZone: daytimeZone() })
    .where(eq(organisations.id, admin.organisationId));
  const workflowId = await createWorkflow(admin.ctx, {
    name: 'Bezorgen',
    steps: [
      {
        title: 'Bezorgen',
        translations: { en: { title: 'Delivery' } },
        defaultRole: 'Owner',
        booking: { slotMinutes: 60, capacity: 5, horizonDays: 2, cutoffWorkingDays: 0, leadMinutes: 0 },
      },
    ],
  });
  let slot = 0;
  for (const reference of ['DAG-1', 'DAG-2', 'DAG-3']) {
    const { jobId, trackerToken } = await createJob(admin.ctx, {
      reference,
      title: 'Wasmachine',
      customer: { name: `Klant ${reference}`, phone: '+31612345678', locale: 'nl' },
      address: { street: 'Kanaalstraat', number: '48', postcode: '3531 AB', city: 'Utrecht' },
      workflowId,
    });
    const stepId = (await getJob(admin.ctx, jobId)).steps[0]?.id ?? '';
    slot ||= (await bookingView(admin.ctx.db, admin.ctx, jobId, stepId)).slots[0]?.startsAt ?? 0;
    await bookSlot(admin.ctx, jobId, stepId, slot);
    jobs.push({ jobId, stepId, token: trackerToken, reference });
  }
});

afterAll(async () => {
  await browser?.close();
});

async function driverPhone(): Promise<BrowserContext> {
  const context = await browser.newContext({
    locale: 'nl-NL',
    bypassCSP: true,
    viewport: PHONE,
    hasTouch: true,
    isMobile: true,
  });
  await context.addCookies([...admin.client.jar].map(([name, value]) => ({ name, value, url: product.url })));
  return context;
}

describe('the day of delivery on phones', () => {
  it('counts down live on the customer’s tracker as the driver finishes stops, and shows the signature', async () => {
    const [first, second, third] = jobs as [(typeof jobs)[0], (typeof jobs)[0], (typeof jobs)[0]];
    // The third customer follows their tracker on a phone.
    const customerContext = await browser.newContext({ locale: 'nl-NL', bypassCSP: true, viewport: PHONE });
    const customer = await customerContext.newPage();
    await customer.goto(`${product.url}/t/${third.token}`);
    await customer.getByText('Nog 2 stops vóór u').waitFor();
    expect(await axeViolations(customer), 'tracker with the countdown').toEqual([]);

    // The driver's phone: today's stops in order.
    const phone = await driverPhone();
    const driver = await phone.newPage();
    await driver.goto(`${product.url}/console/stops`);
    const headings = await driver.locator('.stop h2').allInnerTexts();
    expect(headings.map((h) => h.replace(/^\d+\. .*· /, ''))).toEqual([
      'Klant DAG-1',
      'Klant DAG-2',
      'Klant DAG-3',
    ]);
    expect(
      await driver.locator('a[href^="https://www.openstreetmap.org"], .address a[target="_blank"]').count(),
    ).toBeGreaterThan(0);
    expect(await axeViolations(driver), 'stops page, 390 px').toEqual([]);
    const overflow = await driver.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);

    // One tap: the first stop done. The customer's tracker counts down without a reload.
    await driver.getByRole('button', { name: `Klaar zonder handtekening: ${first.reference}` }).click();
    await driver.getByText('Als klaar gemarkeerd.').waitFor();
    await customer.getByText('Nog 1 stop vóór u').waitFor();

    // The second stop delivered with a name and a signature drawn on the canvas (touch-like strokes).
    const card = driver.locator(`#stop-${second.stepId}`);
    await card.getByLabel('In ontvangst genomen door (naam)').fill('Piet Jansen');
    const canvas = card.locator('canvas');
    await canvas.scrollIntoViewIfNeeded();
    const box = await canvas.boundingBox();
    if (!box) throw new Error('no canvas');
    await driver.mouse.move(box.x + 20, box.y + box.height / 2);
    await driver.mouse.down();
    for (let i = 1; i <= 12; i++)
      await driver.mouse.move(box.x + 20 + i * 20, box.y + box.height / 2 + (i % 2 ? -25 : 25));
    await driver.mouse.up();
    expect(await card.locator('input[name="signature"]').inputValue()).toMatch(/^data:image\/png;base64,/);
    await card.getByRole('button', { name: `Afgeleverd: ${second.reference}` }).click();
    await driver.getByText('Afgeleverd. De klant ziet het nu.').waitFor();
    await customer.getByText('U bent de volgende').waitFor();
    expect(await customer.getByText(/Verwacht tussen \d{2}:\d{2} en \d{2}:\d{2}/).count()).toBe(1);
    expect(await axeViolations(driver), 'stops page after delivering').toEqual([]);

    // The second customer sees who received it, when, and the signature (a real image).
    const receiver = await customerContext.newPage();
    await receiver.goto(`${product.url}/t/${second.token}`);
    await receiver.getByText(/In ontvangst genomen door Piet Jansen/).waitFor();
    const signature = receiver.getByAltText('Handtekening van Piet Jansen');
    await expect
      .poll(() => signature.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth))
      .toBeGreaterThan(0);
    expect(await axeViolations(receiver), 'tracker with the proof').toEqual([]);
    await phone.close();
    await customerContext.close();
  });

  it('keeps the name alone as proof without JavaScript', async () => {
    const third = jobs[2] as (typeof jobs)[0];
    const phone = await browser.newContext({ locale: 'en-GB', viewport: PHONE, javaScriptEnabled: false });
    await phone.addCookies([...admin.client.jar].map(([name, value]) => ({ name, value, url: product.url })));
    const driver = await phone.newPage();
    await driver.goto(`${product.url}/console/stops`);
    const card = driver.locator(`#stop-${third.stepId}`);
    // The signature field needs the script: hidden without it.
    expect(await card.locator('[data-signature]').isVisible()).toBe(false);
    // No name: refused next to the field, nothing finished.
    await card.getByRole('button', { name: `Delivered: ${third.reference}` }).click();
    await driver.getByText('Fill this in.').waitFor();
    await driver.locator(`#stop-${third.stepId}`).getByLabel('Received by (name)').fill('Anna de Wit');
    await driver
      .locator(`#stop-${third.stepId}`)
      .getByRole('button', { name: `Delivered: ${third.reference}` })
      .click();
    await driver.getByText('Delivered. The customer sees it now.').waitFor();
    expect(await driver.locator(`#stop-${third.stepId} figcaption`).innerText()).toMatch(
      /Received by Anna de Wit at/,
    );
    await phone.close();
  });
});
