import { describe, expect, it } from 'vitest';
import { apiClient, makeOrganisation, testRuntime } from '../helpers';

/** Consult offers over the API (docs/decisions/consults.md); every answer is checked against OpenAPI. */
const rt = await testRuntime();
const call = apiClient(rt);
const a = await makeOrganisation(rt);
const b = await makeOrganisation(rt);

const offer = () => ({
  workflowId: a.workflowId,
  titleNl: '15 minuten met de notaris',
  titleEn: '15 minutes with the notary',
  minutes: 15,
  priceCents: 2500,
  vatRateBp: 2100,
});

describe('/consult-offers', () => {
  it('creates, lists, changes and removes an offer', async () => {
    const made = await call('POST', '/consult-offers', { key: a.key, body: offer() });
    expect(made.status).toBe(201);
    expect(made.json).toMatchObject({ ...offer(), roleId: null });
    const id = made.json.id;
    expect(
      (await call('GET', '/consult-offers', { key: a.key })).json.offers.map((o: { id: string }) => o.id),
    ).toEqual([id]);
    const changed = await call('PUT', `/consult-offers/${id}`, {
      key: a.key,
      body: { ...offer(), minutes: 30 },
    });
    expect([changed.status, changed.json.minutes]).toEqual([200, 30]);
    expect((await call('GET', `/consult-offers/${id}`, { key: a.key })).json.minutes).toBe(30);
    expect((await call('DELETE', `/consult-offers/${id}`, { key: a.key })).status).toBe(204);
    expect((await call('GET', `/consult-offers/${id}`, { key: a.key })).status).toBe(404);
  });

  it('answers bad input with 422, a missing key with 401, another organisation with 404', async () => {
    const bad = await call('POST', '/consult-offers', { key: a.key, body: { ...offer(), titleNl: ' ' } });
    expect([bad.status, bad.json.error.code]).toEqual([422, 'invalid_input']);
    expect((await call('POST', '/consult-offers', { body: offer() })).status).toBe(401);
    const id = (await call('POST', '/consult-offers', { key: a.key, body: offer() })).json.id;
    for (const [method, body] of [
      ['GET', undefined],
      ['PUT', { ...offer(), workflowId: b.workflowId }],
      ['DELETE', undefined],
    ] as const) {
      expect((await call(method, `/consult-offers/${id}`, { key: b.key, body })).status).toBe(404);
    }
    expect((await call('POST', '/consult-offers', { key: b.key, body: offer() })).status).toBe(404);
    expect((await call('GET', '/consult-offers', { key: b.key })).json.offers).toEqual([]);
  });
});
