import type { Browser } from 'playwright-core';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { contextFor } from '../../src/runtime';
import { giveFeedback } from '../../src/services/customer-voice/feedback';
import { createJob } from '../../src/services/jobs/create-job';
import { getJob } from '../../src/services/jobs/read-job';
import { changeStepStatus } from '../../src/services/steps/change-step-status';
import { signedUpAdmin } from '../console-client';
import { startProduct } from '../server';
import { axeViolations, launchBrowser } from './browser';

let product: Awaited<ReturnType<typeof startProduct>>;
let browser: Browser;

beforeAll(async () => {
  [product, browser] = await Promise.all([startProduct(), launchBrowser()]);
});

describe("the customer's voice, in real browsers", () => {
  it('a customer asks on the tracker, the specialist answers in the console, the answer appears live', async () => {
    const admin = await signedUpAdmin(product.url, product.rt, 'Garage Vraag');
    const { trackerToken } = await createJob(admin.ctx, {
      reference: 'Q-1',
      title: 'Distributieriem vervangen',
      customer: { name: 'Iris', locale: 'nl' },
      steps: [{ title: 'Inspectie', assigneeId: admin.specialist.id }, { title: 'Vervangen' }],
    });

    // The specialist, signed in, on the questions page (live).
    const staff = await browser.newContext({ locale: 'nl-NL' });
    const [name, value] = [...admin.client.jar.entries()][0] ?? ['', ''];
    await staff.addCookies([{ name, value, url: product.url }]);
    const desk = await staff.newPage();
    await desk.goto(`${product.url}/console/questions`);
    await desk.locator('.connection.live').waitFor();
    expect(await desk.getByRole('link', { name: /^Vragen voor mij \(0\)/ }).count()).toBe(1);

    // The customer asks about the first step.
    const customerContext = await browser.newContext({ locale: 'nl-NL' });
    const customer = await customerContext.newPage();
    const errors: string[] = [];
    customer.on('pageerror', (e) => errors.push(e.message));
    await customer.goto(`${product.url}/t/${trackerToken}`);
    await customer.locator('.connection.live').waitFor();
    const step = customer.locator('.step', { hasText: 'Inspectie' });
    await step.locator('summary', { hasText: 'Vraag het Admin of Garage Vraag' }).click();
    await step.getByLabel('Uw vraag').fill('Moet de waterpomp ook vervangen worden?');
    await step.getByRole('button', { name: 'Vraag versturen' }).click();
    await customer.getByText('Uw vraag is verstuurd naar Admin of Garage Vraag.').waitFor();
    await customer.locator('.connection.live').waitFor();

    // It appears in the specialist's console at once, with the count.
    await desk.getByText('Moet de waterpomp ook vervangen worden?').waitFor();
    await desk.getByRole('link', { name: /^Vragen voor mij \(1\)/ }).waitFor();
    await desk.getByLabel('Uw antwoord (de klant ziet het)').fill('Ja, dat raden we aan: hij is 8 jaar oud.');
    await desk.getByRole('button', { name: 'Antwoord versturen' }).click();
    await desk.getByText('Antwoord verstuurd.').waitFor();

    // The answer reaches the customer live, without a reload.
    await step.getByText('Ja, dat raden we aan: hij is 8 jaar oud.').waitFor();
    expect(await step.innerText()).toContain('Antwoord van Admin of Garage Vraag');
    expect(errors).toEqual([]);
    await Promise.all([staff.close(), customerContext.close()]);
  });

  it('works without JavaScript, and tells the customer plainly what went wrong', async () => {
    const admin = await signedUpAdmin(product.url, product.rt, 'Garage Zonder JS');
    const { trackerToken } = await createJob(admin.ctx, {
      reference: 'Q-2',
      title: 'Banden wisselen',
      customer: { name: 'Bram', locale: 'en' },
      steps: [{ title: 'Wisselen', assigneeId: admin.specialist.id }],
    });
    const context = await browser.newContext({ javaScriptEnabled: false, locale: 'en-GB' });
    const page = await context.newPage();
    await page.goto(`${product.url}/t/${trackerToken}`);
    await page.locator('summary', { hasText: 'Ask Admin of Garage Zonder JS' }).click();
    await page.getByLabel('Your question').fill('<script>alert(1)</script> when?');
    await page.getByRole('button', { name: 'Send question' }).click();
    await page.getByText('Plain text only, please.').waitFor();
    await page.getByLabel('Your question').fill('When can I pick it up?');
    await page.getByRole('button', { name: 'Send question' }).click();
    await page.getByText('Your question has been sent to Admin of Garage Zonder JS.').waitFor();
    expect(await page.locator('.question-body').first().innerText()).toBe('When can I pick it up?');
    await context.close();
  });

  it('a specialist asks approval for extra work in the console; the customer approves it on the tracker; both see it live', async () => {
    const admin = await signedUpAdmin(product.url, product.rt, 'Garage Akkoord');
    const { jobId, trackerToken } = await createJob(admin.ctx, {
      reference: 'A-1',
      title: 'Grote beurt',
      customer: { name: 'Noor', locale: 'nl' },
      steps: [{ title: 'Remmen', assigneeId: admin.specialist.id }],
    });
    const staff = await browser.newContext({ locale: 'nl-NL' });
    const [name, value] = [...admin.client.jar.entries()][0] ?? ['', ''];
    await staff.addCookies([{ name, value, url: product.url }]);
    const desk = await staff.newPage();
    await desk.goto(`${product.url}/console/jobs/${jobId}`);
    await desk.getByRole('button', { name: 'Beginnen' }).click();
    await desk.getByText('Stap begonnen.').waitFor();

    // bypassCSP only lets the test inject axe-core for the accessibility audit below.
    const customerContext = await browser.newContext({ locale: 'nl-NL', bypassCSP: true });
    const customer = await customerContext.newPage();
    await customer.goto(`${product.url}/t/${trackerToken}`);
    await customer.locator('.connection.live').waitFor();

    // Extra work found: asked for approval, with why and a photo; the step waits.
    await desk.getByLabel('Soort').last().selectOption('part');
    await desk.locator('#cost-description').fill('Remschijven voor');
    await desk.locator('#cost-quantity').fill('2');
    await desk.locator('#cost-price').fill('64,50');
    await desk.locator('#cost-state').selectOption('awaiting_approval');
    await desk.locator('#cost-step').selectOption({ label: 'Remmen' });
    await desk.locator('#cost-explanation').fill('De schijven zijn te dun; zie de foto.');
    const jpeg = await sharp({ create: { width: 800, height: 600, channels: 3, background: '#888' } })
      .jpeg()
      .toBuffer();
    await desk
      .locator('#cost-photo')
      .setInputFiles({ name: 'schijf.jpg', mimeType: 'image/jpeg', buffer: jpeg });
    await desk.getByLabel('De stap wacht op de beslissing van de klant').check();
    await desk.getByRole('button', { name: 'Toevoegen', exact: true }).click();
    await desk.getByText('Kostenregel toegevoegd.').waitFor();
    await desk.locator('.connection.live').waitFor();

    // The customer sees the request live: what, why, the photo, the amount incl. VAT; the step waits.
    const panel = customer.locator('.approvals');
    await panel.waitFor();
    const text = (await panel.innerText()).replace(/\u00a0/g, ' ');
    expect(text).toContain('Remschijven voor');
    expect(text).toContain('De schijven zijn te dun; zie de foto.');
    expect(text).toContain('€ 156,09 incl. btw');
    expect(await panel.locator('img.approval-photo').getAttribute('src')).toMatch(/^\/media\/img_/);
    expect(await customer.locator('.step').first().innerText()).toContain('Wacht op uw akkoord');
    expect(await axeViolations(customer)).toEqual([]);
    await panel.getByRole('button', { name: /^Akkoord met Remschijven voor voor € 156,09$/ }).click();
    await customer.getByText('U gaf akkoord voor Remschijven voor. Dank u.').waitFor();
    expect(await customer.locator('.approvals').count()).toBe(0);
    expect(await customer.locator('.step').first().locator('.badge').innerText()).toBe('Bezig');

    // The console shows the decision live.
    await desk.locator('.costs tr.approved').waitFor();
    expect(await desk.locator('.step').first().locator('.badge').innerText()).toBe('Bezig');
    await Promise.all([staff.close(), customerContext.close()]);
  });
});

describe('feedback on a finished job, in a real browser', () => {
  it('is one form, used by keyboard alone; stars and the 0–10 scale fit one row at 390 px; axe clean in both languages', async () => {
    const admin = await signedUpAdmin(product.url, product.rt, 'Garage Cijfer');
    for (const [locale, width] of [
      ['nl', 390],
      ['en', 1280],
      ['en', 390],
      ['nl', 1280],
    ] as const) {
      const { jobId, trackerToken } = await createJob(admin.ctx, {
        reference: `F-${locale}-${width}`,
        title: 'Grote beurt',
        customer: { name: 'Noor', locale },
        steps: [{ title: 'Remmen', assigneeId: admin.specialist.id }],
      });
      const [step] = (await getJob(admin.ctx, jobId)).steps;
      await changeStepStatus(admin.ctx, jobId, step?.id ?? '', 'finish');
      const context = await browser.newContext({ viewport: { width, height: 900 }, bypassCSP: true });
      const page = await context.newPage();
      await page.goto(`${product.url}/t/${trackerToken}`);
      const form = page.locator('#feedback');
      await form.waitFor();
      expect(await axeViolations(page)).toEqual([]);
      // One row each: every cell of the scale and every star share the first one's top.
      for (const selector of ['.scale label', '.stars label']) {
        const tops = await form
          .locator(selector)
          .evaluateAll((els) => els.map((e) => e.getBoundingClientRect().top));
        expect(new Set(tops).size, `${selector} at ${width}px`).toBe(1);
      }
      // Keyboard only: into the scale, arrows to 8, tab to the comment, to the stars, arrows to 4, submit.
      await form.locator('.scale input').first().focus();
      for (let i = 0; i < 8; i++) await page.keyboard.press('ArrowRight');
      await page.keyboard.press('Tab');
      await page.keyboard.type(locale === 'nl' ? 'Prima geholpen.' : 'Well done.');
      await page.keyboard.press('Tab');
      await page.keyboard.press('Space');
      for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
      await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');
      await page
        .getByText(
          locale === 'nl' ? 'Dank u! U gaf ons een 8 van 10.' : 'Thank you! Your score: 8 out of 10.',
        )
        .waitFor();
      await page
        .getByText(locale === 'nl' ? '4 van 5' : '4 out of 5')
        .first()
        .waitFor();
      expect(await axeViolations(page)).toEqual([]);
      await context.close();
    }
  });
});

describe('a low score, followed up by keyboard alone', () => {
  it('reaches the admin on the board; Tab and Enter take them to the job, where they mark it followed up', async () => {
    const admin = await signedUpAdmin(product.url, product.rt, 'Garage Opvolging');
    const { jobId } = await createJob(admin.ctx, {
      reference: 'LOW-1',
      title: 'Distributieriem',
      customer: { name: 'Kees', locale: 'nl' },
      steps: [{ title: 'Vervangen', assigneeId: admin.specialist.id }],
    });
    const [step] = (await getJob(admin.ctx, jobId)).steps;
    await changeStepStatus(admin.ctx, jobId, step?.id ?? '', 'finish');
    const customer = contextFor(product.rt, admin.ctx.organisationId, { type: 'customer', id: null });
    await giveFeedback(customer, jobId, { score: 3, comment: 'Auto stond een dag te laat klaar.' });

    const context = await browser.newContext({ locale: 'nl-NL', bypassCSP: true });
    await context.addCookies(
      [...admin.client.jar].map(([name, value]) => ({ name, value, url: product.url })),
    );
    const page = await context.newPage();
    // The board and the job page with the follow-up still open: axe clean and nothing wider than the page,
    // in English and Dutch (the signed-in person's choice), on a desktop and on a phone.
    for (const language of ['en', 'nl'] as const) {
      for (const [path, shown] of [
        ['/console/', '#follow-ups-heading'],
        [`/console/jobs/${jobId}`, '#follow-up-note'],
      ] as const) {
        await page.setViewportSize({ width: 1280, height: 844 });
        await page.goto(`${product.url}/console/language?to=${language}&back=${encodeURIComponent(path)}`);
        await page.locator(shown).waitFor();
        expect(await page.locator('html').getAttribute('lang')).toBe(language);
        for (const width of [1280, 390]) {
          const where = `${path}, ${language}, ${width} px`;
          await page.setViewportSize({ width, height: 844 });
          expect(await axeViolations(page), where).toEqual([]);
          const { scrollWidth, clientWidth } = await page.evaluate(() => {
            const { scrollWidth, clientWidth } = document.documentElement;
            return { scrollWidth, clientWidth };
          });
          expect(scrollWidth, where).toBeLessThanOrEqual(clientWidth);
        }
      }
    }
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.goto(`${product.url}/console/`);
    await page.getByRole('heading', { name: 'Lage cijfers om op te volgen (1)' }).waitFor();
    // Tab to the follow-up's link, as a keyboard user would.
    const target = `/console/jobs/${jobId}#feedback`;
    for (let i = 0; i < 60; i++) {
      await page.keyboard.press('Tab');
      if ((await page.evaluate(() => document.activeElement?.getAttribute('href'))) === target) break;
    }
    expect(await page.evaluate(() => document.activeElement?.getAttribute('href'))).toBe(target);
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`/console/jobs/${jobId}#feedback$`));
    for (let i = 0; i < 80; i++) {
      await page.keyboard.press('Tab');
      if ((await page.evaluate(() => document.activeElement?.id)) === 'follow-up-note') break;
    }
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('follow-up-note');
    await page.keyboard.type('Gebeld; excuses en korting op de volgende beurt.');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByText('Gemarkeerd als opgevolgd.').waitFor();
    await page.getByText('Opgevolgd door Admin of Garage Opvolging').waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await context.close();
  });
});
