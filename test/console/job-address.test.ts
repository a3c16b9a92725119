import { beforeAll, describe, expect, it } from 'vitest';
import { getJob } from '../../src/services/jobs/read-job';
import { createWorkflow } from '../../src/services/organisation/workflows';
import { signedUpAdmin } from '../console-client';
import { startProduct } from '../server';

/** A job made by hand with a delivery address: checked next to its fields, shown to staff with a map link. */
let product: Awaited<ReturnType<typeof startProduct>>;

beforeAll(async () => {
  product = await startProduct();
});

describe('a job’s address in the console', () => {
  it('is typed with the job, refused next to the field when wrong, and shown on the job page', async () => {
    const admin = await signedUpAdmin(product.url, product.rt, 'Bezorgdienst Adres');
    const workflowId = await createWorkflow(admin.ctx, { name: 'Bezorgen', steps: [{ title: 'Bezorgen' }] });
    const form = {
      _action: 'create',
      workflowId,
      reference: 'SB-1',
      title: 'Bank bezorgen',
      customerName: 'Lisa Bosman',
      customerEmail: '',
      customerPhone: '',
      customerPostcode: '',
      locale: '',
      'address.street': 'Lange Nieuwstraat',
      'address.number': '12',
      'address.postcode': '3512 SS',
      'address.city': 'Utrecht',
      'address.country': 'NL',
    };
    const page = (await admin.client.get('/console/jobs/new')).text;
    expect(page).toContain('<legend class="label">Adres (voor een bezorging of bezoek)</legend>');
    const refused = await admin.client.post('/console/jobs/new', form);
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('Dit is geen geldige postcode voor land NL.');
    expect(refused.text).toMatch(/id="f-address\.postcode"[^>]*aria-invalid="true"/);
    // What was typed stays.
    expect(refused.text).toContain('value="Lange Nieuwstraat"');

    const made = await admin.client.post('/console/jobs/new', { ...form, 'address.postcode': '3512je' });
    expect(made.status).toBe(303);
    const jobId = made.location?.split('/').pop() ?? '';
    expect((await getJob(admin.ctx, jobId)).job.address).toEqual({
      street: 'Lange Nieuwstraat',
      number: '12',
      postcode: '3512 JE',
      city: 'Utrecht',
      country: 'NL',
    });
    const shown = (await admin.client.get(made.location ?? '')).text;
    expect(shown).toContain(
      '<address><bdi>Lange Nieuwstraat 12</bdi><br><bdi>3512 JE Utrecht</bdi><br><bdi>Nederland</bdi></address>',
    );
    expect(shown).toContain('href="https://www.openstreetmap.org/search?query=Lange%20Nieuwstraat%2012');

    // Without an address, none is asked for.
    const bare = await admin.client.post('/console/jobs/new', {
      ...form,
      reference: 'SB-2',
      'address.street': '',
      'address.number': '',
      'address.postcode': '',
      'address.city': '',
    });
    expect(bare.status).toBe(303);
  });
});
