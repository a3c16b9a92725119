import { beforeAll, describe, expect, it } from 'vitest';
import { getWorkflow, listWorkflows } from '../../src/services/organisation/workflows';
import { signedUpAdmin } from '../console-client';
import { startProduct } from '../server';

/** The workflow editor marks a step as booked by the customer, with its rules (issue 18). */
let product: Awaited<ReturnType<typeof startProduct>>;

beforeAll(async () => {
  product = await startProduct();
});

describe('booking rules in the workflow editor', () => {
  it('saves a bookable step with its rules, fills in defaults, and refuses a rule out of range', async () => {
    const admin = await signedUpAdmin(product.url, product.rt, 'Bezorgdienst Regels');
    const page = (await admin.client.get('/console/workflows')).text;
    expect(page).toContain('De klant boekt het moment van deze stap');
    const form = {
      _action: 'create',
      name: 'Bezorgen',
      answerMinutes: '',
      'steps.0.title': 'Klaarzetten',
      'steps.0.notifyShown': '1',
      'steps.1.title': 'Bezorgen',
      'steps.1.notifyShown': '1',
      'steps.1.bookable': '1',
      'steps.1.slotMinutes': '180',
      'steps.1.capacity': '0',
      'steps.1.horizonDays': '',
      'steps.1.cutoffWorkingDays': '2',
    };
    const refused = await admin.client.post('/console/workflows', form);
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('Geef een heel getal van 1 tot 500.');
    const saved = await admin.client.post('/console/workflows', { ...form, 'steps.1.capacity': '3' });
    expect(saved.status).toBe(303);
    const [workflow] = await listWorkflows(admin.ctx);
    const steps = (await getWorkflow(admin.ctx, workflow?.id ?? '')).steps;
    expect(steps[0]?.booking).toBeNull();
    expect(steps[1]?.booking).toEqual({
      slotMinutes: 180,
      capacity: 3,
      horizonDays: 28,
      cutoffWorkingDays: 2,
      leadMinutes: 60,
    });
    const editor = (await admin.client.get(`/console/workflows/${workflow?.id}`)).text;
    expect(editor).toMatch(/name="steps\.1\.bookable" value="1" checked/);
    expect(editor).toContain('name="steps.1.slotMinutes" value="180"');

    // The editor carries each saved step's id: moving the bookable step to the front keeps its id
    // (and with it the capacity its bookings share).
    expect(editor).toContain(`name="steps.1.id" value="${steps[1]?.id}"`);
    const moved = await admin.client.post(`/console/workflows/${workflow?.id}`, {
      _action: 'update',
      name: 'Bezorgen',
      answerMinutes: '',
      'steps.0.id': steps[0]?.id ?? '',
      'steps.0.title': 'Klaarzetten',
      'steps.0.position': '2',
      'steps.1.id': steps[1]?.id ?? '',
      'steps.1.title': 'Bezorgen',
      'steps.1.position': '1',
      'steps.1.bookable': '1',
      'steps.1.slotMinutes': '180',
      'steps.1.capacity': '3',
      'steps.1.cutoffWorkingDays': '2',
    });
    expect(moved.status).toBe(303);
    const after = (await getWorkflow(admin.ctx, workflow?.id ?? '')).steps;
    expect(after.map((s) => [s.title, s.id])).toEqual([
      ['Bezorgen', steps[1]?.id],
      ['Klaarzetten', steps[0]?.id],
    ]);
  });
});
