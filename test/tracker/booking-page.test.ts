import ICAL from 'ical.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { createJob } from '../../src/services/jobs/create-job';
import { getJob } from '../../src/services/jobs/read-job';
import { createWorkflow } from '../../src/services/organisation/workflows';
import { consoleClient, signedUpAdmin } from '../console-client';
import { startProduct } from '../server';

/** The customer books the moment of a step on a plain page, and takes it home as a calendar file (issue 18). */
let product: Awaited<ReturnType<typeof startProduct>>;
let admin: Awaited<ReturnType<typeof signedUpAdmin>>;
let workflowId: string;

beforeAll(async () => {
  product = await startProduct();
  admin = await signedUpAdmin(product.url, product.rt, 'Bezorgdienst Boeken');
  workflowId = await createWorkflow(admin.ctx, {
    name: 'Bezorgen',
    steps: [
      { title: 'Klaarzetten', translations: { en: { title: 'Getting ready' } } },
      {
        title: 'Bezorgen',
        translations: { en: { title: 'Delivery' } },
        defaultRole: 'Owner',
        booking: { slotMinutes: 120, capacity: 1, horizonDays: 7, cutoffWorkingDays: 0, leadMinutes: 60 },
      },
    ],
  });
});

async function bookableJob(locale: 'nl' | 'en' = 'nl') {
  const reference = `SB-${Math.random().toString(36).slice(2, 8)}`;
  const { jobId, trackerToken } = await createJob(admin.ctx, {
    reference,
    title: 'Bank',
    customer: { name: 'Lisa', locale },
    address: { street: 'Lange Nieuwstraat', number: '12', postcode: '3512 JE', city: 'Utrecht' },
    workflowId,
  });
  const { steps } = await getJob(admin.ctx, jobId);
  return {
    jobId,
    reference,
    token: trackerToken,
    stepId: steps[1]?.id ?? '',
    firstStepId: steps[0]?.id ?? '',
  };
}

const radios = (html: string) =>
  [...html.matchAll(/name="startsAt" value="([^"]+)"/g)].map((m) => m[1] ?? '');

describe('booking on the tracker', () => {
  it('offers free moments by day, books, moves and cancels, with a calendar file that follows', async () => {
    const { token, stepId, reference } = await bookableJob();
    const customer = consoleClient(product.url);
    const path = `/t/${token}/book/${stepId}`;
    const page = await customer.get(path);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<html lang="nl">');
    expect(page.text).toContain('Kies een moment:');
    expect(page.text).toMatch(/<legend>\w+dag \d+ \w+<\/legend>/);
    const [first, second] = radios(page.text);
    expect(first).toBeTruthy();

    const booked = await customer.post(path, { _action: 'book', startsAt: first ?? '' });
    expect([booked.status, booked.location]).toEqual([303, `${path}?done=book`]);
    const after = await customer.get(`${path}?done=book`);
    expect(after.text).toContain('Geboekt. Het staat op uw tracker.');
    expect(after.text).toContain('Uw afspraak');
    expect(radios(after.text)).not.toContain(first);

    const ics = await fetch(`${product.url}/t/${token}/calendar/${stepId}.ics`);
    expect(ics.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    const made = await ics.text();
    expect(made).toContain(`UID:booking-${stepId}@`);
    expect(made).toContain('SEQUENCE:0');
    expect(made).toContain('METHOD:PUBLISH');
    expect(made).toContain(`DTSTART:${(first ?? '').replace(/[-:]/g, '').replace('.000', '')}`);
    expect(made).toContain('LOCATION:Lange Nieuwstraat 12\\, 3512 JE Utrecht\\, Nederland');
    // Parsed by ical.js: the summary and description in the customer's language (Dutch here).
    const vevent = new ICAL.Component(ICAL.parse(made)).getFirstSubcomponent('vevent');
    expect(vevent?.getFirstPropertyValue('summary')).toMatch(/^Bezorgen · /);
    expect(vevent?.getFirstPropertyValue('description')).toMatch(
      new RegExp(`^Opdracht ${reference}: Bezorgen\\nVolg het op uw tracker: https?://[^/]+/t/${token}$`),
    );

    expect((await customer.post(path, { _action: 'book', startsAt: second ?? '' })).location).toBe(
      `${path}?done=move`,
    );
    const moved = await (await fetch(`${product.url}/t/${token}/calendar/${stepId}.ics`)).text();
    expect(moved).toContain('SEQUENCE:1');
    expect(moved).toContain(`UID:booking-${stepId}@`);

    expect((await customer.post(path, { _action: 'cancel' })).location).toBe(`${path}?done=cancel`);
    const cancelled = await (await fetch(`${product.url}/t/${token}/calendar/${stepId}.ics`)).text();
    expect(cancelled).toContain('METHOD:CANCEL');
    expect(cancelled).toContain('STATUS:CANCELLED');
    expect(cancelled).toContain('SEQUENCE:2');
  });

  it('is reached from the tracker, which then shows the booked moment and the address', async () => {
    const { token, stepId } = await bookableJob();
    const customer = consoleClient(product.url);
    const tracker = (await customer.get(`/t/${token}`)).text;
    expect(tracker).toContain(`href="?book=${stepId}"`);
    expect(tracker).toContain('Kies uw moment');
    expect(tracker).toContain('Adres: <bdi>Lange Nieuwstraat 12, 3512 JE Utrecht, Nederland</bdi>');
    const hop = await customer.get(`/t/${token}?book=${stepId}`);
    expect([hop.status, hop.location]).toEqual([303, `/t/${token}/book/${stepId}`]);
    const [slot] = radios((await customer.get(`/t/${token}/book/${stepId}`)).text);
    await customer.post(`/t/${token}/book/${stepId}`, { _action: 'book', startsAt: slot ?? '' });
    const after = (await customer.get(`/t/${token}`)).text;
    expect(after.replace(/<!--.*?-->/g, '')).toContain('<p class="book">Uw moment: <strong>');
    expect(after).toContain('Uw moment wijzigen of annuleren');
  });

  it('tells the second customer the moment is gone and shows what is still free, in their language', async () => {
    const a = await bookableJob();
    const b = await bookableJob('en');
    const customer = consoleClient(product.url);
    const [slot] = radios((await customer.get(`/t/${a.token}/book/${a.stepId}`)).text);
    await customer.post(`/t/${a.token}/book/${a.stepId}`, { _action: 'book', startsAt: slot ?? '' });
    const late = await customer.post(`/t/${b.token}/book/${b.stepId}`, {
      _action: 'book',
      startsAt: slot ?? '',
    });
    expect(late.status).toBe(409);
    expect(late.text).toContain('<html lang="en">');
    expect(late.text).toContain('Choose a moment:');
    expect(late.text).toContain('<span>Delivery</span>');
    expect(late.text).toContain('role="alert"');
    expect(radios(late.text).length).toBeGreaterThan(0);
    expect(radios(late.text)).not.toContain(slot);
  });

  it('says so for a step the business plans, and knows no other job’s steps', async () => {
    const { token, firstStepId, stepId } = await bookableJob();
    const customer = consoleClient(product.url);
    const planned = await customer.get(`/t/${token}/book/${firstStepId}`);
    expect(planned.status).toBe(409);
    expect(planned.text).toContain('Deze stap plannen wij');
    // No form of moments, so no picker script either (it comes only with the form).
    expect(planned.text).not.toMatch(/<script[^>]+src="\/_astro\//);
    expect((await customer.get(`/t/${token}/book/${stepId}`)).text).toMatch(
      /<script type="module" src="\/_astro\/SlotPickerForm[^"]+\.js"/,
    );
    const other = await bookableJob();
    expect((await customer.get(`/t/${token}/book/${other.stepId}`)).status).toBe(404);
    expect((await customer.get(`/t/not-a-real-token-at-all-000/book/${stepId}`)).status).toBe(404);
    expect((await fetch(`${product.url}/t/${token}/calendar/${stepId}.ics`)).status).toBe(404);
  });

  it('puts every booked window on the staff day plan, per capacity, with the stops in order', async () => {
    const { token, stepId } = await bookableJob();
    const customer = consoleClient(product.url);
    const [slot] = radios((await customer.get(`/t/${token}/book/${stepId}`)).text);
    await customer.post(`/t/${token}/book/${stepId}`, { _action: 'book', startsAt: slot ?? '' });
    const local = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Amsterdam' }).format(
      Date.parse(slot ?? ''),
    );
    const plan = await admin.client.get(`/console/day?date=${local}`);
    expect(plan.status).toBe(200);
    expect(plan.text).toContain('Dagplanning');
    expect(plan.text).toContain('<h2 id="group-role:');
    expect(plan.text).toContain('Lange Nieuwstraat 12, 3512 JE Utrecht');
    expect(plan.text).toMatch(/\d{2}:\d{2}–\d{2}:\d{2} <span class="muted">· \d+ geboekt<\/span>/);
    expect((await admin.client.get('/console/day?date=2026-13-45')).status).toBe(422);
    // The same route through the API, for a driver's app or a route planner.
    const key = (await import('../../src/services/organisation/settings')).issueApiKey;
    const { key: apiKey } = await key(admin.ctx, 'route planner', 'read');
    const api = await fetch(`${product.url}/api/v1/day-plan?date=${local}`, {
      headers: { authorization: `Bearer ${apiKey}` },
    });
    const body = (await api.json()) as {
      groups: { slots: { startsAt: string; stops: { address: unknown }[] }[] }[];
    };
    expect(api.status).toBe(200);
    const stops = body.groups.flatMap((g) => g.slots.flatMap((s) => s.stops));
    expect(stops.some((s) => JSON.stringify(s.address).includes('Lange Nieuwstraat'))).toBe(true);
    expect(body.groups[0]?.slots[0]?.startsAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    const empty = await admin.client.get('/console/day?date=2020-01-01');
    expect(empty.text).toContain('Geen afspraken op deze dag.');
  });
});
