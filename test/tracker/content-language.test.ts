import { beforeAll, describe, expect, it } from 'vitest';
import { contextFor } from '../../src/runtime';
import { updateRole } from '../../src/services/organisation/roles';
import { updateProfile } from '../../src/services/staff/team';
import { apiClient, makeOrganisation, type TestOrg } from '../helpers';
import { startProduct } from '../server';

// Job content in two languages: the organisation writes in Dutch, gives English beside it, and each
// customer reads their own language, falling back to Dutch (marked `lang="nl"`) where none was given.
let product: Awaited<ReturnType<typeof startProduct>>;
let call: ReturnType<typeof apiClient>;
let org: TestOrg;
let workflowId: string;

beforeAll(async () => {
  product = await startProduct();
  call = apiClient(product.rt);
  org = await makeOrganisation(product.rt);
  const admin = contextFor(product.rt, org.id, { type: 'specialist', id: org.mechanic.id });
  // The role's English name is the role's (the team page's list); the bio's is the specialist's.
  await updateRole(admin, org.mechanic.roleId ?? '', {
    name: 'Monteur',
    translations: { en: { name: 'Mechanic' } },
  });
  await updateProfile(admin, org.mechanic.id, {
    name: org.mechanic.name,
    bio: 'Twintig jaar onder de motorkap.',
    translations: { en: { bio: 'Twenty years under the bonnet.' } },
    expertise: [],
  });
  const made = await call('POST', '/workflows', {
    key: org.key,
    body: {
      name: 'APK',
      steps: [
        {
          title: 'Intake',
          description: 'We nemen de auto in ontvangst.',
          translations: { en: { title: 'Check-in', description: 'We take in your car.' } },
          defaultRole: 'Monteur',
          expectedMinutes: 15,
        },
        // English title only: its description falls back to Dutch.
        {
          title: 'Keuring',
          description: 'De keurmeester controleert de auto.',
          translations: { en: { title: 'Inspection' } },
          defaultRole: 'APK-keurmeester',
          expectedMinutes: 60,
        },
      ],
    },
  });
  expect(made.status).toBe(201);
  workflowId = made.json.id;
});

const trackerPage = async (locale: 'nl' | 'en' | null, acceptLanguage = '') => {
  const created = await call('POST', '/jobs', {
    key: org.key,
    body: {
      reference: `L-${Math.random().toString(36).slice(2, 8)}`,
      title: 'APK',
      customer: { name: 'Sam', ...(locale ? { locale } : {}) },
      workflowId,
    },
  });
  expect(created.status).toBe(201);
  const page = await fetch(`${product.url}/t/${String(created.json.trackerUrl).split('/t/')[1]}`, {
    headers: acceptLanguage ? { 'accept-language': acceptLanguage } : {},
  });
  return { job: created.json, html: await page.text() };
};

describe('job content in the customer’s language', () => {
  it('keeps both languages through the API: workflows, and the steps of jobs made from them', async () => {
    const listed = await call('GET', '/workflows', { key: org.key });
    const flow = listed.json.workflows.find((w: { id: string }) => w.id === workflowId);
    expect(flow.steps[0]).toMatchObject({
      title: 'Intake',
      translations: { en: { title: 'Check-in', description: 'We take in your car.' } },
    });
    const { job } = await trackerPage('en');
    expect(job.steps[1]).toMatchObject({ title: 'Keuring', translations: { en: { title: 'Inspection' } } });
    expect(job.steps[0].assignee).toMatchObject({
      role: 'Monteur',
      translations: { en: { role: 'Mechanic' } },
    });
    const team = await call('GET', '/specialists', { key: org.key });
    expect(team.json.specialists.find((s: { id: string }) => s.id === org.mechanic.id)).toMatchObject({
      bio: 'Twintig jaar onder de motorkap.',
      translations: { en: { bio: 'Twenty years under the bonnet.' } },
    });
  });

  it('shows an English customer English content, and Dutch marked lang="nl" where no English was given', async () => {
    const { html } = await trackerPage('en');
    expect(html).toMatch(/<bdi class="title"[^>]*>Check-in<\/bdi>/);
    expect(html).toContain('We take in your car.');
    expect(html).toMatch(/<bdi class="title"[^>]*>Inspection<\/bdi>/);
    expect(html).toMatch(
      /<p class="description" dir="auto" lang="nl"[^>]*>De keurmeester controleert de auto.<\/p>/,
    );
    expect(html).toMatch(/<p class="bio"[^>]*>Twenty years under the bonnet.<\/p>/);
    expect(html).toContain('Mechanic');
    expect(html).not.toMatch(/<bdi class="title" lang=/);
    // The inspector has no English role: it is shown in Dutch, marked as such.
    expect(html).toMatch(/<bdi lang="nl"[^>]*>APK-keurmeester<\/bdi>/);
  });

  it('shows a Dutch customer the Dutch content, and follows the browser when the job has no language', async () => {
    const dutch = await trackerPage('nl');
    expect(dutch.html).toMatch(/<bdi class="title"[^>]*>Intake<\/bdi>/);
    expect(dutch.html).toContain('Twintig jaar onder de motorkap.');
    expect(dutch.html).not.toContain('Check-in');
    const browser = await trackerPage(null, 'en-GB,en;q=0.9');
    expect(browser.html).toMatch(/<bdi class="title"[^>]*>Check-in<\/bdi>/);
  });

  it('refuses an overlong translation with 422, naming the field', async () => {
    const res = await call('POST', '/workflows', {
      key: org.key,
      body: { name: 'Lang', steps: [{ title: 'Stap', translations: { en: { title: 'x'.repeat(201) } } }] },
    });
    expect(res.status).toBe(422);
    expect(JSON.stringify(res.json.error)).toContain('steps.0.translations.en.title');
  });
});
