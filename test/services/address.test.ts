import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { organisations } from '../../db/schema';
import { getJob } from '../../src/services/jobs/read-job';
import { addressLines, checkAddress, countryName, mapUrl } from '../../src/services/platform/address';
import { lookupJob } from '../../src/services/tracker/widget';
import { apiClient, makeOrganisation, refusal, sampleJob, testRuntime } from '../helpers';

/** A job's delivery or visit address: structured, checked per country, in the API and the lookup. */
const rt = await testRuntime();
const call = apiClient(rt);
const org = await makeOrganisation(rt);

const utrecht = { street: ' Oudegracht ', number: '231-bis', postcode: '3511nk', city: 'Utrecht' };

describe('an address', () => {
  it('is written the way its country writes it', () => {
    expect(checkAddress(utrecht)).toEqual({
      street: 'Oudegracht',
      number: '231-bis',
      postcode: '3511 NK',
      city: 'Utrecht',
      country: 'NL',
    });
    expect(checkAddress({ ...utrecht, postcode: 'sw1a2aa', country: 'gb' }).postcode).toBe('SW1A 2AA');
    expect(checkAddress({ ...utrecht, postcode: '2457', country: 'LU' }).postcode).toBe('L-2457');
    expect(checkAddress({ ...utrecht, postcode: '1000', country: 'BE' }).postcode).toBe('1000');
    // A country without a known format takes any plausible code.
    expect(checkAddress({ ...utrecht, postcode: '00-950', country: 'PL' }).postcode).toBe('00-950');
  });

  it('refuses what cannot be delivered to, naming the field', async () => {
    const cases: [Partial<typeof utrecht> & { country?: string }, string, string][] = [
      [{ postcode: '0123 AB' }, 'address.postcode', 'postcode_invalid'],
      [{ postcode: '3511 SA' }, 'address.postcode', 'postcode_invalid'],
      [{ postcode: '35111', country: 'BE' }, 'address.postcode', 'postcode_invalid'],
      [{ country: 'XX' }, 'address.country', 'country_unknown'],
      [{ country: 'Nederland' }, 'address.country', 'country_unknown'],
      [{ number: 'bis' }, 'address.number', 'house_number_invalid'],
      [{ street: '  ' }, 'address.street', 'required'],
      [{ city: 'x'.repeat(81) }, 'address.city', 'too_long'],
    ];
    for (const [change, field, reason] of cases) {
      const error = await refusal(Promise.resolve().then(() => checkAddress({ ...utrecht, ...change })));
      expect([error.code, error.field, error.reason], JSON.stringify(change)).toEqual([
        'invalid_input',
        field,
        reason,
      ]);
    }
  });

  it('reads as envelope lines in the reader’s language, and opens in a map', () => {
    const address = checkAddress({ ...utrecht, country: 'BE', postcode: '2000', city: 'Antwerpen' });
    expect(addressLines(address, 'nl')).toEqual(['Oudegracht 231-bis', '2000 Antwerpen', 'België']);
    expect(addressLines(address, 'en')[2]).toBe('Belgium');
    expect(countryName('NL', 'nl')).toBe('Nederland');
    expect(mapUrl(address)).toMatch(/^https:\/\/www\.openstreetmap\.org\/search\?query=Oudegracht%20231-bis/);
  });
});

describe('a job’s address', () => {
  it('is given through the API, returned normalised, and refused in the error shape', async () => {
    const made = await call('POST', '/jobs', {
      key: org.key,
      body: { ...sampleJob(), workflowId: org.workflowId, address: utrecht },
    });
    expect(made.status).toBe(201);
    const read = await call('GET', `/jobs/${made.json.id}`, { key: org.key });
    expect(read.json.address).toEqual({
      street: 'Oudegracht',
      number: '231-bis',
      postcode: '3511 NK',
      city: 'Utrecht',
      country: 'NL',
    });
    // The customer's own postcode stays theirs; without one, the address's is theirs too.
    expect(read.json.customer.postcode).toBe('3511AB');
    const { customer: _own, ...withoutPostcode } = sampleJob();
    const bare = await call('POST', '/jobs', {
      key: org.key,
      body: { ...withoutPostcode, customer: { name: 'Piet' }, workflowId: org.workflowId, address: utrecht },
    });
    expect((await call('GET', `/jobs/${bare.json.id}`, { key: org.key })).json.customer.postcode).toBe(
      '3511NK',
    );

    const bad = await call('POST', '/jobs', {
      key: org.key,
      body: { ...sampleJob(), workflowId: org.workflowId, address: { ...utrecht, postcode: '9999 SS' } },
    });
    expect(bad.status).toBe(422);
    expect(bad.json.error).toMatchObject({ code: 'invalid_input', details: { field: 'address.postcode' } });
    const missing = await call('POST', '/jobs', {
      key: org.key,
      body: { ...sampleJob(), workflowId: org.workflowId, address: { street: 'Oudegracht' } },
    });
    expect(missing.status).toBe(422);
    const none = await call('POST', '/jobs', {
      key: org.key,
      body: { ...sampleJob(), workflowId: org.workflowId },
    });
    expect((await getJob(org.ctx, none.json.id)).job.address).toBeNull();
  });

  it('lets the customer look the job up by their own postcode or the address’s', async () => {
    const job = sampleJob();
    const made = await call('POST', '/jobs', {
      key: org.key,
      body: { ...job, workflowId: org.workflowId, address: { ...utrecht, postcode: '3572 kp' } },
    });
    expect(made.status).toBe(201);
    const [row] = await rt.database.db.select().from(organisations).where(eq(organisations.id, org.id));
    const found = await lookupJob(
      rt.database.db,
      rt.clock.now(),
      row?.slug ?? '',
      { reference: job.reference, postcode: '3572KP' },
      '127.0.0.1',
    );
    expect(found.token).toBeTruthy();
    const own = await lookupJob(
      rt.database.db,
      rt.clock.now(),
      row?.slug ?? '',
      { reference: job.reference, postcode: '3511 AB' },
      '127.0.0.1',
    );
    expect(own.token).toBeTruthy();
    const wrong = await refusal(
      lookupJob(
        rt.database.db,
        rt.clock.now(),
        row?.slug ?? '',
        { reference: job.reference, postcode: '1234 AB' },
        '127.0.0.1',
      ),
    );
    expect(wrong.reason).toBe('no_match');
  });
});
