import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { specialists } from '../../db/schema';
import { toLocalInput } from '../../src/i18n/format';
import { getCalendar, getWorkflowCalendar, setCalendar } from '../../src/services/calendar/calendars';
import type { WeekHours } from '../../src/services/calendar/working-time';
import { createJob } from '../../src/services/jobs/create-job';
import { getJob } from '../../src/services/jobs/read-job';
import { createWorkflow, getWorkflow } from '../../src/services/organisation/workflows';
import { promiseStep } from '../../src/services/steps/promise-step';
import { type ConsoleClient, signedUpAdmin } from '../console-client';
import { startProduct } from '../server';

let product: Awaited<ReturnType<typeof startProduct>>;
let admin: Awaited<ReturnType<typeof signedUpAdmin>>;
let client: ConsoleClient;

const HOUR = 3_600_000;
// Open day and night, so the real clock this test runs on never falls outside working time.
const always = Array.from({ length: 7 }, () => [{ open: 0, close: 1440 }]) as unknown as WeekHours;

beforeAll(async () => {
  product = await startProduct();
  admin = await signedUpAdmin(product.url, product.rt, 'Garage Planning');
  client = admin.client;
  await setCalendar(admin.ctx, { hours: always, closedDates: [], holidayCountry: null });
});

const fieldError = (html: string, id: string) =>
  new RegExp(`<p class="error" id="${id}-error">([^<]*)</p>`).exec(html)?.[1] ?? null;

describe('moving a promise in the console', () => {
  it('asks a reason for a later promise, previews the later steps, then saves and re-plans them', async () => {
    const now = Date.now();
    const { jobId } = await createJob(admin.ctx, {
      reference: 'P-1',
      title: 'Remmen',
      customer: { name: 'Lisa', locale: 'nl' },
      steps: [
        { title: 'Onderdelen', promisedAt: now + HOUR },
        { title: 'Proefrit', promisedAt: now + 2 * HOUR },
      ],
    });
    const [first, second] = (await getJob(admin.ctx, jobId)).steps;
    const { timeZone } = await getCalendar(admin.ctx);
    const later = toLocalInput(now + 3 * HOUR, timeZone);

    const refused = await client.post(`/console/jobs/${jobId}`, {
      _action: 'promise',
      stepId: first?.id ?? '',
      promisedAt: later,
      reason: '',
    });
    expect(refused.status).toBe(422);
    expect(fieldError(refused.text, `${first?.id}-reason`)).toBe(
      'Een latere belofte heeft een reden nodig die de klant leest.',
    );

    const preview = await client.post(`/console/jobs/${jobId}`, {
      _action: 'previewPromise',
      stepId: first?.id ?? '',
      promisedAt: later,
      reason: 'Remschijven komen later',
    });
    expect(preview.status).toBe(200);
    expect(preview.text).toContain('Als u deze belofte opslaat, schuift:');
    expect(preview.text).toMatch(/<li>Proefrit: [^<]+ → [^<]+<\/li>/);
    expect(preview.text).toContain('value="Remschijven komen later"'); // what was typed stays
    expect((await getJob(admin.ctx, jobId)).steps[1]?.promisedAt).toBe(second?.promisedAt);

    const saved = await client.post(`/console/jobs/${jobId}`, {
      _action: 'promise',
      stepId: first?.id ?? '',
      promisedAt: later,
      reason: 'Remschijven komen later',
    });
    expect(saved.status).toBe(303);
    const after = (await getJob(admin.ctx, jobId)).steps;
    // Minutes: the datetime-local input has no seconds.
    expect(Math.round(((after[1]?.promisedAt ?? 0) - (second?.promisedAt ?? 0)) / 60_000)).toBe(
      Math.round(((after[0]?.promisedAt ?? 0) - (first?.promisedAt ?? 0)) / 60_000),
    );
    expect(after[1]).toMatchObject({
      promiseReason: 'Remschijven komen later',
      promiseCauseStepId: first?.id,
    });
  });
});

describe('working hours in the console', () => {
  it('shows and saves the organisation’s hours, with errors next to the day', async () => {
    const page = await client.get('/console/calendar');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<h1>Werktijden</h1>');
    const days = (monday: string) => ({
      _action: 'calendar',
      day0: '',
      day1: monday,
      day2: '09:00-17:30',
      day3: '09:00-17:30',
      day4: '09:00-17:30',
      day5: '08:00-12:00, 13:00-17:00',
      day6: '',
      holidayCountry: 'NL',
      closedDates: '2026-12-31\n2026-12-24',
    });
    const backwards = await client.post('/console/calendar', days('17:00-09:00'));
    expect(backwards.status).toBe(422);
    expect(fieldError(backwards.text, 'f-day1')).toBe('Sluiten moet na openen komen.');
    const garbled = await client.post('/console/calendar', days('negen tot vijf'));
    expect(fieldError(garbled.text, 'f-day1')).toBe('Schrijf de tijden als 09:00-17:30.');

    const ok = await client.post('/console/calendar', days('09:00-17:30'));
    expect([ok.status, ok.location]).toEqual([303, '/console/calendar?done=calendar']);
    const saved = await getCalendar(admin.ctx);
    expect(saved.hours[5]).toEqual([
      { open: 480, close: 720 },
      { open: 780, close: 1020 },
    ]);
    expect(saved).toMatchObject({ holidayCountry: 'NL', closedDates: ['2026-12-24', '2026-12-31'] });
    await setCalendar(admin.ctx, { hours: always, closedDates: [], holidayCountry: null });
  });

  it('gives a workflow its own hours and lets it follow the organisation again', async () => {
    const workflowId = await createWorkflow(admin.ctx, { name: 'Bezorging', steps: [{ title: 'Rijden' }] });
    const own = await client.post('/console/calendar', {
      _action: 'workflowCalendar',
      workflowId,
      day0: '',
      day1: '08:00-21:00',
      day2: '08:00-21:00',
      day3: '08:00-21:00',
      day4: '08:00-21:00',
      day5: '08:00-21:00',
      day6: '08:00-21:00',
      holidayCountry: 'NL',
      closedDates: '',
    });
    expect(own.status).toBe(303);
    expect((await getWorkflowCalendar(admin.ctx, workflowId)).own?.hours[6]).toEqual([
      { open: 480, close: 1260 },
    ]);
    const page = await client.get('/console/calendar');
    expect(page.text).toContain(`id="wf-${workflowId}-day6" name="day6" type="text" value="08:00-21:00"`);
    const back = await client.post('/console/calendar', { _action: 'dropWorkflowCalendar', workflowId });
    expect(back.status).toBe(303);
    expect((await getWorkflowCalendar(admin.ctx, workflowId)).own).toBeNull();
  });
});

describe('answer times in the workflow editor', () => {
  it("saves a workflow's own answer time, shows the organisation's when empty, and names a bad value", async () => {
    const id = await createWorkflow(admin.ctx, { name: 'Bezorging', steps: [{ title: 'Onderweg' }] });
    const page = await client.get(`/console/workflows/${id}`);
    expect(page.text).toContain('name="answerMinutes"');
    expect(page.text).toMatch(/de antwoordtijd van de organisatie \(240 minuten\)/);
    const form = { _action: 'update', name: 'Bezorging', 'steps.0.title': 'Onderweg', answerMinutes: '30' };
    expect((await client.post(`/console/workflows/${id}`, form)).status).toBe(303);
    expect((await getWorkflow(admin.ctx, id)).answerMinutes).toBe(30);
    const bad = await client.post(`/console/workflows/${id}`, { ...form, answerMinutes: '0' });
    expect(bad.status).toBe(422);
    expect(fieldError(bad.text, 'wf-update-answer')).toBeTruthy();
    expect((await getWorkflow(admin.ctx, id)).answerMinutes).toBe(30);
  });
});

describe('the workflow editor', () => {
  it('moves a step by its position, removes a step, and adds rows without saving', async () => {
    const id = await createWorkflow(admin.ctx, {
      name: 'Volgorde',
      steps: [{ title: 'Intake' }, { title: 'Keuring' }, { title: 'Ophalen' }],
    });
    const rows = (text: string) => [...text.matchAll(/name="steps\.(\d+)\.title"/g)].length;
    const page = await client.get(`/console/workflows/${id}`);
    expect(rows(page.text)).toBe(6); // three steps and three empty rows
    const form = {
      _action: 'update',
      name: 'Volgorde',
      'steps.0.title': 'Intake',
      'steps.0.position': '1',
      'steps.1.title': 'Keuring',
      'steps.1.position': '2',
      'steps.2.title': 'Ophalen',
      'steps.2.position': '3',
      'steps.3.title': 'Wassen',
      'steps.3.position': '4',
    };
    // "More rows": nothing saved, what was typed comes back with three more empty rows.
    const more = await client.post(`/console/workflows/${id}`, { ...form, _more: '1' });
    expect(more.status).toBe(200);
    expect(rows(more.text)).toBe(7);
    expect(more.text).toContain('value="Wassen"');
    expect((await getWorkflow(admin.ctx, id)).steps.map((s) => s.title)).toEqual([
      'Intake',
      'Keuring',
      'Ophalen',
    ]);

    // Washing goes before collecting (given collecting's number), and the inspection is removed.
    const saved = await client.post(`/console/workflows/${id}`, {
      ...form,
      'steps.1.remove': '1',
      'steps.3.position': '3',
    });
    expect(saved.status).toBe(303);
    expect((await getWorkflow(admin.ctx, id)).steps.map((s) => s.title)).toEqual([
      'Intake',
      'Wassen',
      'Ophalen',
    ]);

    const tooMany = Object.fromEntries(
      Array.from({ length: 31 }, (_, i) => [`steps.${i}.title`, `Stap ${i + 1}`]),
    );
    const refused = await client.post(`/console/workflows/${id}`, {
      _action: 'update',
      name: 'Volgorde',
      ...tooMany,
    });
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('Een werkwijze heeft hoogstens 30 stappen.');
  });
});

describe('workflow templates', () => {
  it('fills the new-workflow form from a garage, notary or delivery example, in both languages', async () => {
    const list = await client.get('/console/workflows');
    for (const key of ['garage', 'notary', 'delivery'])
      expect(list.text).toContain(`href="/console/workflows?template=${key}#new-heading"`);
    const garage = await client.get('/console/workflows?template=garage');
    expect(garage.status).toBe(200);
    expect(garage.text).toContain('value="APK en onderhoud"');
    expect(garage.text).toContain('value="APK-keuring"');
    // The organisation writes Dutch; English stands beside it.
    expect(garage.text).toMatch(/name="steps\.1\.titleOther" value="[^"]+"/);
    expect(garage.text).not.toMatch(/name="steps\.1\.titleOther" value=""/);
    expect((await client.get('/console/workflows?template=nonsense')).status).toBe(200);
  });
});

describe('job content in both languages in the console', () => {
  it('edits a step title and description in English beside the Dutch, and a role and bio', async () => {
    const id = await createWorkflow(admin.ctx, { name: 'Twee talen', steps: [{ title: 'Intake' }] });
    const page = await client.get(`/console/workflows/${id}`);
    expect(page.text).toContain('Titel (Nederlands)');
    expect(page.text).toContain('Titel (Engels)');
    const saved = await client.post(`/console/workflows/${id}`, {
      _action: 'update',
      name: 'Twee talen',
      'steps.0.title': 'Intake',
      'steps.0.description': 'We nemen de auto in ontvangst.',
      'steps.0.titleOther': 'Check-in',
      'steps.0.descriptionOther': 'We take in your car.',
    });
    expect(saved.status).toBe(303);
    expect((await getWorkflow(admin.ctx, id)).steps[0]?.translations).toEqual({
      en: { title: 'Check-in', description: 'We take in your car.' },
    });
    expect((await client.get(`/console/workflows/${id}`)).text).toMatch(/value="Check-in"/);

    // The role's English name is kept with the role (team page); the bio's with the person.
    const [before] = await admin.ctx.db
      .select()
      .from(specialists)
      .where(eq(specialists.id, admin.specialist.id));
    expect((await client.get('/console/team')).text).toContain('Rol (Engels)');
    const renamed = await client.post('/console/team', {
      _action: 'renameRole',
      roleId: before?.roleId ?? '',
      name: 'Eigenaar',
      nameOther: 'Owner',
    });
    expect(renamed.status).toBe(303);
    const profile = `/console/team/${admin.specialist.id}`;
    expect((await client.get(profile)).text).toContain('Korte beschrijving (Engels)');
    const posted = await client.post(profile, {
      _action: 'profile',
      name: admin.specialist.name,
      roleId: before?.roleId ?? '',
      bio: 'Runt de garage.',
      bioOther: 'Runs the garage.',
      expertise: '',
    });
    expect(posted.status).toBe(303);
    const [me] = await admin.ctx.db.select().from(specialists).where(eq(specialists.id, admin.specialist.id));
    expect(me?.translations).toEqual({ en: { role: 'Owner', bio: 'Runs the garage.' } });
  });
});

describe('the board', () => {
  it('shows a fixed appointment the work before it no longer fits as at risk', async () => {
    const now = Date.now();
    const { jobId } = await createJob(admin.ctx, {
      reference: 'RISK-1',
      title: 'Akte',
      customer: { name: 'Lisa', locale: 'nl' },
      steps: [
        { title: 'Concept', promisedAt: now + HOUR },
        { title: 'Ondertekening', promisedAt: now + 2 * HOUR },
      ],
    });
    const [concept, signing] = (await getJob(admin.ctx, jobId)).steps;
    await promiseStep(admin.ctx, jobId, signing?.id ?? '', { promisedAt: now + 2 * HOUR, fixed: true });
    const before = await client.get('/console');
    expect(before.text).not.toContain('In gevaar: Ondertekening');
    await promiseStep(admin.ctx, jobId, concept?.id ?? '', {
      promisedAt: now + 3 * HOUR,
      reason: 'De stukken komen later',
    });
    expect((await getJob(admin.ctx, jobId)).steps[1]?.atRisk).toBe(true);
    const board = await client.get('/console');
    expect(board.text).toMatch(/<span class="badge late at-risk"[^>]*>In gevaar: Ondertekening<\/span>/);
  });
});
