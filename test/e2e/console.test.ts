import type { Browser, BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { startProduct } from '../server';
import { axeViolations, launchBrowser } from './browser';

let product: Awaited<ReturnType<typeof startProduct>>;
let browser: Browser;

beforeAll(async () => {
  [product, browser] = await Promise.all([startProduct(), launchBrowser()]);
});

const photo = () =>
  sharp({ create: { width: 1200, height: 900, channels: 3, background: '#2a6' } })
    .jpeg()
    .toBuffer();

/** Fails the test on any script error or CSP refusal in the page. */
function watchErrors(page: Page) {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  return errors;
}

async function newUser(locale = 'nl-NL'): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ locale });
  const page = await context.newPage();
  return { context, page, errors: watchErrors(page) };
}

describe('the staff console in a real browser', () => {
  it('sign up, invite, the specialist signs in, creates a job and posts a photo; the customer sees it live', async () => {
    // The owner signs up: a new organisation with its first admin.
    const admin = await newUser();
    await admin.page.goto(`${product.url}/console/sign-up`);
    await admin.page.getByLabel('Naam van uw bedrijf').fill('Garage De Vries');
    await admin.page.getByLabel('Uw naam').fill('Piet de Vries');
    await admin.page.getByLabel('Uw rol').fill('Eigenaar');
    await admin.page.getByLabel('E-mailadres').fill('piet@garage-devries.test');
    await admin.page.getByLabel('Wachtwoord').fill('zeer geheim wachtwoord');
    await admin.page.getByRole('button', { name: 'Organisatie aanmaken' }).click();
    await admin.page.waitForURL(/\/console\/$/);
    await admin.page.getByRole('heading', { name: 'Aan de slag' }).waitFor();

    // The roles the garage has: the founder's own came with sign-up; the inspector's is added, in both languages.
    // With the keyboard alone: Tab to the field, type both names, Enter.
    await admin.page.getByRole('link', { name: 'Team' }).click();
    const focusedId = () => admin.page.evaluate(() => document.activeElement?.id ?? '');
    for (let i = 0; i < 80 && (await focusedId()) !== 'role-new-name'; i++)
      await admin.page.keyboard.press('Tab');
    expect(await focusedId()).toBe('role-new-name');
    await admin.page.keyboard.type('APK-keurmeester');
    await admin.page.keyboard.press('Tab');
    expect(await focusedId()).toBe('role-new-nameOther');
    await admin.page.keyboard.type('MOT inspector');
    await admin.page.keyboard.press('Enter');
    await admin.page.getByText('Rol toegevoegd.').waitFor();

    // A workflow, so jobs get their steps and default assignees: roles chosen from the list.
    await admin.page.getByRole('link', { name: 'Werkwijzen' }).click();
    await admin.page.getByLabel('Naam', { exact: true }).fill('APK');
    await admin.page.locator('#wf-create-0-title').fill('Intake');
    await admin.page.locator('#wf-create-0-defaultRole').selectOption({ label: 'Eigenaar' });
    await admin.page.locator('#wf-create-1-title').fill('Keuring');
    // A select chosen by typing, as a keyboard user does.
    await admin.page.locator('#wf-create-1-defaultRole').focus();
    await admin.page.keyboard.type('APK');
    expect(await admin.page.locator('#wf-create-1-defaultRole option:checked').innerText()).toBe(
      'APK-keurmeester',
    );
    await admin.page.locator('#wf-create-1-expectedMinutes').fill('60');
    await admin.page.locator('#wf-create-1-description').fill('We keuren uw auto volgens de APK-eisen.');
    await admin.page.getByRole('button', { name: 'Werkwijze aanmaken' }).click();
    await admin.page.getByText('Werkwijze aangemaakt.').waitFor();

    // The admin invites a specialist and gets a link to pass on.
    await admin.page.getByRole('link', { name: 'Team' }).click();
    await admin.page.getByLabel('E-mailadres').fill('fatima@garage-devries.test');
    await admin.page.getByLabel('Naam', { exact: true }).fill('Fatima El Amrani');
    await admin.page.locator('#f-roleId').selectOption({ label: 'APK-keurmeester' });
    await admin.page.getByRole('button', { name: 'Uitnodiging maken' }).click();
    const inviteUrl = (await admin.page.locator('#invite-url').innerText()).trim();
    expect(inviteUrl).toMatch(/\/console\/invite\/[\w-]{20,}$/);

    // The specialist accepts, completes her profile with a photo, signs out and signs in again.
    const specialist = await newUser();
    const sp = specialist.page;
    await sp.goto(inviteUrl.replace(/^https?:\/\/[^/]+/, product.url));
    await sp.getByLabel('Wachtwoord').fill('nog veel geheimer');
    await sp.getByRole('button', { name: 'Lid worden' }).click();
    await sp.waitForURL(/\/console\/$/);
    await sp.getByRole('link', { name: 'Mijn profiel' }).click();
    await sp.getByLabel('Korte beschrijving (Nederlands)').fill('Keurt sinds 2015, liefst oldtimers.');
    await sp
      .getByLabel('Korte beschrijving (Engels)')
      .fill('Inspecting cars since 2015, classics preferred.');
    await sp.getByLabel('Expertise').fill('APK, oldtimers');
    await sp
      .getByLabel('Foto', { exact: true })
      .setInputFiles({ name: 'me.jpg', mimeType: 'image/jpeg', buffer: await photo() });
    await sp.getByRole('button', { name: 'Opslaan' }).click();
    await sp.getByText('Opgeslagen.').waitFor();
    await sp.getByRole('button', { name: 'Afmelden', exact: true }).first().click();
    await sp.waitForURL(/sign-in/);
    await sp.getByLabel('E-mailadres').fill('fatima@garage-devries.test');
    await sp.getByLabel('Wachtwoord').fill('nog veel geheimer');
    await sp.getByRole('button', { name: 'Aanmelden' }).click();
    await sp.waitForURL(/\/console\/$/);

    // She creates a job by hand from the workflow.
    await sp.getByRole('link', { name: 'Nieuwe opdracht' }).click();
    await sp.getByLabel('Referentie').fill('WO-77');
    await sp.getByLabel('Wat is de opdracht?').fill('APK Volvo V70');
    await sp.getByLabel('Naam van de klant').fill('Sanne Bakker');
    await sp.getByRole('button', { name: 'Opdracht aanmaken' }).click();
    await sp.waitForURL(/\/console\/jobs\/job_/);
    const trackerUrl = (await sp.locator('#tracker-url').innerText())
      .trim()
      .replace(/^https?:\/\/[^/]+/, product.url);

    // The customer opens the tracker and waits.
    const customer = await newUser();
    await customer.page.goto(trackerUrl);
    await customer.page.locator('.connection.live').waitFor();
    const keuring = customer.page.locator('.step', { hasText: 'Keuring' });
    await expect(keuring.innerText()).resolves.toContain('Fatima El Amrani');

    // The specialist posts a note with a photo on her step, as from a phone.
    await sp.locator('summary', { hasText: 'Acties voor Keuring' }).click();
    const step = sp.locator('li.step', { hasText: 'Keuring' });
    await step.getByLabel('Bericht (Markdown)').fill('Remmen **goedgekeurd**, zie foto.');
    await step
      .getByLabel('Foto’s')
      .setInputFiles({ name: 'rem.jpg', mimeType: 'image/jpeg', buffer: await photo() });
    await step.getByRole('button', { name: 'Bericht plaatsen' }).click();
    await sp.getByText('Bericht geplaatst.').waitFor();

    // The customer sees the note, the photo and the specialist's profile, live.
    await keuring.locator('.note-body strong', { hasText: 'goedgekeurd' }).waitFor();
    const img = keuring.locator('.note-photos img');
    await img.waitFor();
    await expect
      .poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth))
      .toBe(1200);
    const text = await keuring.innerText();
    expect(text).toContain('APK-keurmeester');
    expect(text).toContain('Keurt sinds 2015, liefst oldtimers.');
    expect(await keuring.locator('.expertise li').allInnerTexts()).toEqual(['APK', 'oldtimers']);
    expect(await keuring.locator('img.avatar').getAttribute('src')).toMatch(/^\/media\/img_/);

    for (const who of [admin, specialist, customer]) expect(who.errors).toEqual([]);
    await Promise.all([admin.context.close(), specialist.context.close(), customer.context.close()]);
  });

  it('updates the board live when the API changes a job, and passes an accessibility audit', async () => {
    const admin = await newUser('en-GB');
    const page = admin.page;
    await page.goto(`${product.url}/console/sign-up`);
    await page.getByLabel('Name of your business').fill('Notariaat Jansen');
    await page.getByLabel('Your name').fill('Eva Jansen');
    await page.getByLabel('Your role').fill('Notaris');
    await page.getByLabel('Email address').fill('eva@notariaat.test');
    await page.getByLabel('Password').fill('a long enough password');
    await page.getByRole('button', { name: 'Create organisation' }).click();
    await page.waitForURL(/\/console\/$/);

    // An API key from the settings page, then a job created through the API.
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByLabel('Label').fill('ERP');
    await page.getByRole('button', { name: 'Create key' }).click();
    const key = (await page.locator('#new-key').innerText()).trim();
    expect(key).toMatch(/^ok_live_/);
    const api = (method: string, path: string, body?: unknown) =>
      fetch(`${product.url}/api/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      }).then((r) => r.json());

    await page.getByRole('link', { name: 'Jobs' }).click();
    await page.locator('.connection.live').waitFor();
    const job = await api('POST', '/jobs', {
      reference: 'AKTE-1',
      title: 'Testament',
      customer: { name: 'Kees Smit' },
      steps: [{ title: 'Intake' }, { title: 'Concept' }],
    });
    await page.locator('.board li', { hasText: 'AKTE-1' }).waitFor();
    const finished = await api('POST', `/jobs/${job.id}/steps/${job.steps[0].id}/finish`);
    expect(finished.status).toBe('done');
    await page.locator('.board li', { hasText: 'Concept' }).waitFor();

    // Without a mouse: from the board to the job and its first step's Start button, by keyboard only.
    await page.keyboard.press('Tab'); // skip link
    const focusedText = () => page.evaluate(() => document.activeElement?.textContent?.trim() ?? '');
    for (let i = 0; i < 40 && !(await focusedText()).startsWith('AKTE-1'); i++)
      await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/console\/jobs\//);
    for (let i = 0; i < 60 && (await focusedText()) !== 'Start'; i++) await page.keyboard.press('Tab');
    expect(await focusedText()).toBe('Start');
    await page.keyboard.press('Enter');
    await page.getByText('Step started.').waitFor();
    expect(await page.locator('.step').nth(1).locator('.badge').innerText()).toBe('In progress');

    // bypassCSP only lets the test inject axe-core; the session comes along.
    const auditContext = await browser.newContext({
      bypassCSP: true,
      storageState: await admin.context.storageState(),
    });
    const audit = await auditContext.newPage();
    for (const path of [
      '/console/',
      `/console/jobs/${job.id}`,
      '/console/team',
      '/console/settings',
      '/console/workflows',
      '/console/workflows?template=notary',
    ]) {
      await audit.goto(`${product.url}${path}`);
      expect(await axeViolations(audit), path).toEqual([]);
    }
    // The job page with every folded form open (the confirmations for destructive actions among them), in both
    // languages, on a desktop and a phone.
    const openAll = (p: typeof audit) =>
      p.evaluate(() => {
        for (const d of document.querySelectorAll('details')) d.open = true;
      });
    for (const language of ['nl', 'en']) {
      await audit.goto(
        `${product.url}/console/language?to=${language}&back=${encodeURIComponent(`/console/jobs/${job.id}`)}`,
      );
      await audit.waitForURL(new RegExp(`/console/jobs/${job.id}`));
      await openAll(audit);
      expect(await axeViolations(audit), `job page, ${language}, forms open`).toEqual([]);
      await audit.setViewportSize({ width: 390, height: 844 });
      expect(await axeViolations(audit), `job page, ${language}, 390 px`).toEqual([]);
      await audit.setViewportSize({ width: 1280, height: 800 });
    }
    // The list of roles, a workflow template that adds roles on save, a new job's address and the invoice
    // details, in both languages, on a desktop and a phone.
    for (const language of ['nl', 'en']) {
      // The language is the person's choice, kept with them: switch once, then visit each page.
      await audit.goto(
        `${product.url}/console/language?to=${language}&back=${encodeURIComponent('/console/')}`,
      );
      await audit.waitForURL(/\/console\/$/);
      for (const path of [
        '/console/team',
        '/console/workflows?template=delivery',
        '/console/jobs/new',
        '/console/settings',
        '/console/day',
      ]) {
        await audit.goto(`${product.url}${path}`);
        expect(await audit.getAttribute('html', 'lang'), path).toBe(language);
        expect(await axeViolations(audit), `${path}, ${language}`).toEqual([]);
        await audit.setViewportSize({ width: 390, height: 844 });
        expect(await axeViolations(audit), `${path}, ${language}, 390 px`).toEqual([]);
        const overflow = await audit.evaluate(
          () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
        );
        // On failure, name what sticks out (outside the navigation, which scrolls sideways by design).
        const wide = await audit.evaluate(() =>
          [...document.querySelectorAll('main *')]
            .map((el) => ({ el, right: el.getBoundingClientRect().right }))
            .filter((x) => x.right > document.documentElement.clientWidth + 1)
            .slice(0, 4)
            .map((x) => `${x.el.tagName}.${x.el.className}`),
        );
        expect(
          overflow,
          `${path}, ${language}, 390 px: nothing wider than the page: ${wide.join(' ')}`,
        ).toBeLessThanOrEqual(0);
        await audit.setViewportSize({ width: 1280, height: 800 });
      }
    }
    await audit.emulateMedia({ colorScheme: 'dark' });
    expect(await axeViolations(audit), 'dark').toEqual([]);

    // On a phone: the navigation is one row (it scrolls sideways), Sign out lines up with the links,
    // and the search field shows its whole placeholder.
    const phoneContext = await browser.newContext({
      bypassCSP: true,
      viewport: { width: 360, height: 740 },
      storageState: await admin.context.storageState(),
    });
    const phone = await phoneContext.newPage();
    await phone.goto(`${product.url}/console/`);
    const items = await phone
      .locator('.console-top nav li > a, .console-top nav li button')
      .evaluateAll((els) =>
        els.map((el) => {
          const box = el.getBoundingClientRect();
          return { text: el.textContent?.trim(), top: Math.round(box.top), bottom: Math.round(box.bottom) };
        }),
      );
    expect(items.at(-1)?.text).toBe('Sign out');
    expect(new Set(items.map((i) => `${i.top}-${i.bottom}`)).size, JSON.stringify(items)).toBe(1);
    const search = await phone.locator('#q').evaluate((input: HTMLInputElement) => {
      const style = getComputedStyle(input);
      const context = document.createElement('canvas').getContext('2d') as CanvasRenderingContext2D;
      context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
      const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
      return { room, needed: context.measureText(input.placeholder).width };
    });
    expect(search.needed).toBeLessThanOrEqual(search.room);
    expect(await axeViolations(phone), 'phone').toEqual([]);

    expect(admin.errors).toEqual([]);
    await Promise.all([admin.context.close(), auditContext.close(), phoneContext.close()]);
  });
});
