import { beforeAll, describe, expect, it } from 'vitest';
import { listConsultOffers } from '../../src/services/consults/offers';
import { createWorkflow } from '../../src/services/organisation/workflows';
import { signedUpAdmin } from '../console-client';
import { startProduct } from '../server';

/** The console page that keeps a workflow's paid consult offers (docs/decisions/consults.md): plain forms. */
let product: Awaited<ReturnType<typeof startProduct>>;

beforeAll(async () => {
  product = await startProduct();
});

describe('paid consult offers in the console', () => {
  it('adds, changes and removes an offer; bad input is said at its field; another organisation is 404', async () => {
    const admin = await signedUpAdmin(product.url, product.rt, 'Notaris Offers');
    const stranger = await signedUpAdmin(product.url, product.rt, 'Notaris Elders');
    const workflowId = await createWorkflow(admin.ctx, { name: 'Testament', steps: [{ title: 'Intake' }] });
    const path = `/console/workflows/${workflowId}/consults`;
    expect((await admin.client.get(`/console/workflows/${workflowId}`)).text).toContain(path);
    let page = await admin.client.get(path);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Op deze werkwijze worden geen betaalde consulten aangeboden.');

    const fields = {
      titleNl: '15 minuten met de notaris',
      titleEn: '15 minutes with the notary',
      roleId: admin.specialist.roleId ?? '',
      minutes: '15',
      price: '25,00',
      vatRate: '2100',
    };
    const bad = await admin.client.post(path, { _action: 'create', ...fields, price: 'veel' });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('aria-invalid="true"');
    expect(await listConsultOffers(admin.ctx)).toEqual([]);

    expect((await admin.client.post(path, { _action: 'create', ...fields })).status).toBe(303);
    const [made] = await listConsultOffers(admin.ctx);
    expect(made).toMatchObject({
      priceCents: 2500,
      vatRateBp: 2100,
      minutes: 15,
      roleId: admin.specialist.roleId,
    });
    page = await admin.client.get(path);
    expect(page.text).toContain('15 minuten met de notaris');
    expect(page.text.replace(/\u00a0/g, ' ')).toMatch(
      /15 minuten · € 25,00 excl\. btw \(€ 30,25 incl\. btw\)/,
    );

    const edited = await admin.client.post(path, {
      _action: 'edit',
      offerId: made?.id ?? '',
      ...fields,
      price: '30',
    });
    expect(edited.status).toBe(303);
    expect((await listConsultOffers(admin.ctx))[0]?.priceCents).toBe(3000);

    // Another organisation's admin reaches neither the page nor the offer.
    expect((await stranger.client.get(path)).status).toBe(404);
    const foreign = await stranger.client.post(path, { _action: 'remove', offerId: made?.id ?? '' });
    expect(foreign.status).toBe(404);
    expect(await listConsultOffers(admin.ctx)).toHaveLength(1);

    expect((await admin.client.post(path, { _action: 'remove', offerId: made?.id ?? '' })).status).toBe(303);
    expect(await listConsultOffers(admin.ctx)).toEqual([]);
  });
});
