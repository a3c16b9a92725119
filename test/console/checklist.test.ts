import { beforeAll, describe, expect, it } from 'vitest';
import { createJob } from '../../src/services/jobs/create-job';
import { setupChecklist } from '../../src/services/organisation/checklist';
import { createWorkflow } from '../../src/services/organisation/workflows';
import { inviteSpecialist } from '../../src/services/staff/team';
import { setEmbedOrigins } from '../../src/services/tracker/widget';
import { signedUpAdmin } from '../console-client';
import { roleIdFor } from '../helpers';
import { startProduct } from '../server';

let product: Awaited<ReturnType<typeof startProduct>>;

beforeAll(async () => {
  product = await startProduct();
});

describe('the get-started checklist', () => {
  it('takes a new business from sign-up to its first tracker link, ticking off what exists', async () => {
    const admin = await signedUpAdmin(product.url, product.rt, 'Garage Begin');
    const board = async () => (await admin.client.get('/console/')).text;
    const first = await board();
    expect(first).toContain('Aan de slag');
    for (const href of ['/console/workflows', '/console/team', '/console/jobs/new', '/console/widget']) {
      expect(first).toContain(`href="${href}"`);
    }
    await createWorkflow(admin.ctx, { name: 'APK', steps: [{ title: 'Keuring' }] });
    await inviteSpecialist(admin.ctx, {
      email: 'collega@begin.test',
      name: 'Collega',
      roleId: await roleIdFor(admin.ctx, 'Monteur'),
      permission: 'specialist',
    });
    await createJob(admin.ctx, {
      reference: 'B-1',
      title: 'APK',
      customer: { name: 'Lisa' },
      steps: [{ title: 'Keuring' }],
    });
    const later = await board();
    expect(later).toContain('Er is een werkwijze');
    expect(later).toContain('Er is een collega in het team of uitgenodigd');
    expect(later).toContain('De eerste opdracht is gemaakt');
    expect(later).toContain('href="/console/widget"');
    // The last item done: the list is gone by itself.
    await setEmbedOrigins(admin.ctx, ['https://www.garage-begin.test']);
    expect(await setupChecklist(admin.ctx)).toBeNull();
    expect(await board()).not.toContain('Aan de slag');
  });

  it('can be hidden by an admin, for the whole organisation', async () => {
    const admin = await signedUpAdmin(product.url, product.rt, 'Garage Verberg');
    expect(await setupChecklist(admin.ctx)).not.toBeNull();
    const hidden = await admin.client.post('/console/', { _action: 'hideSetup' });
    expect(hidden.status).toBe(303);
    expect(await setupChecklist(admin.ctx)).toBeNull();
    expect((await admin.client.get('/console/')).text).not.toContain('Aan de slag');
  });
});
