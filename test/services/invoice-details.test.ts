import { beforeAll, describe, expect, it } from 'vitest';
import { demoOrganisations } from '../../src/demo/seed-data';
import {
  checkIban,
  checkInvoiceDetails,
  checkPaymentLink,
  checkRegistrationNumber,
  checkVatNumber,
  formatIban,
  paymentLinkFor,
} from '../../src/services/organisation/invoice-details';
import { getOrganisation } from '../../src/services/organisation/settings';
import { signedUpAdmin } from '../console-client';
import { refusal } from '../helpers';
import { startProduct } from '../server';

/** What an invoice needs from the business, with the checks a bookkeeper would make (issue 19). */
const sync = (work: () => unknown) => refusal(Promise.resolve().then(work));

describe('IBAN', () => {
  it('takes valid ones however they are typed, and refuses a wrong digit, length or country', async () => {
    for (const iban of [
      'NL91ABNA0417164300',
      'DE89370400440532013000',
      'BE68539007547034',
      'GB82WEST12345698765432',
    ]) {
      expect(checkIban(iban)).toBe(iban);
    }
    expect(checkIban('nl91 abna 0417 1643 00')).toBe('NL91ABNA0417164300');
    expect(formatIban('NL91ABNA0417164300')).toBe('NL91 ABNA 0417 1643 00');
    for (const wrong of ['NL91ABNA0417164301', 'NL91ABNA041716430', 'NL19ABNA0417164300', 'XX', '']) {
      expect((await sync(() => checkIban(wrong))).reason, wrong).toBe('iban_invalid');
    }
  });
});

describe('VAT number', () => {
  it('checks Dutch (eleven-test and MOD 97), Belgian and German check digits', async () => {
    expect(checkVatNumber('NL 0044.95.445.B01')).toBe('NL004495445B01');
    expect(checkVatNumber('NL000099998B57')).toBe('NL000099998B57');
    expect(checkVatNumber('BE0403170701')).toBe('BE0403170701');
    expect(checkVatNumber('DE136695976')).toBe('DE136695976');
    // Shape only where the rule is not ours to know.
    expect(checkVatNumber('FRXX123456789')).toBe('FRXX123456789');
    for (const wrong of [
      'NL004495446B01',
      'NL004495445B0',
      'BE0403170702',
      'DE136695977',
      'NL',
      '123456789',
    ]) {
      expect((await sync(() => checkVatNumber(wrong))).reason, wrong).toBe('vat_number_invalid');
    }
  });
});

describe('Chamber of Commerce number and payment link', () => {
  it('wants eight digits in the Netherlands, and an https link with the amount and the reference', async () => {
    expect(checkRegistrationNumber('1234 5678', 'NL')).toBe('12345678');
    expect((await sync(() => checkRegistrationNumber('1234567', 'NL'))).reason).toBe('kvk_invalid');
    expect(checkRegistrationNumber('0403.170.701', 'BE')).toBe('0403170701');
    const link = 'https://pay.example.nl/?amount={amount}&ref={reference}&cur={currency}';
    expect(checkPaymentLink(link)).toBe(link);
    expect(paymentLinkFor(link, { amount: '121.00', reference: '2026/0001', currency: 'EUR' })).toBe(
      'https://pay.example.nl/?amount=121.00&ref=2026%2F0001&cur=EUR',
    );
    for (const wrong of [
      'http://pay.example.nl/?amount={amount}&ref={reference}',
      'https://pay.example.nl/?amount={amount}',
      'https://pay.example.nl/?a={amount}&r={reference}&x={iban}',
      'not a link {amount} {reference}',
    ]) {
      expect((await sync(() => checkPaymentLink(wrong))).reason, wrong).toBe('payment_link_invalid');
    }
  });

  it('holds for the demo businesses', () => {
    for (const demo of demoOrganisations) {
      const details = demo.organisation.invoiceDetails;
      expect(details, demo.organisation.name).toBeTruthy();
      if (details) expect(checkInvoiceDetails(details)).toEqual(details);
    }
  });

  it('names the first field that is wrong', async () => {
    const good = {
      legalName: 'Garage De Vries B.V.',
      address: { street: 'Kanaalweg', number: '7', postcode: '3526 KM', city: 'Utrecht' },
      registrationNumber: '12345678',
      vatNumber: 'NL004495445B01',
      iban: 'NL91ABNA0417164300',
      paymentTermDays: 14,
    };
    expect(checkInvoiceDetails(good)).toMatchObject({ paymentLink: null, address: { country: 'NL' } });
    expect((await sync(() => checkInvoiceDetails({ ...good, paymentTermDays: 365 }))).field).toBe(
      'paymentTermDays',
    );
    expect((await sync(() => checkInvoiceDetails({ ...good, legalName: ' ' }))).field).toBe('legalName');
    const postcode = await sync(() =>
      checkInvoiceDetails({ ...good, address: { ...good.address, postcode: 'x' } }),
    );
    expect(postcode.field).toBe('address.postcode');
  });
});

describe('invoice details in the console', () => {
  let product: Awaited<ReturnType<typeof startProduct>>;
  beforeAll(async () => {
    product = await startProduct();
  });

  it('are saved by an admin, with the error next to the field that is wrong', async () => {
    const admin = await signedUpAdmin(product.url, product.rt, 'Garage Factuur');
    const page = (await admin.client.get('/console/settings')).text;
    expect(page).toContain('Factuurgegevens');
    expect(page).toContain('Vul dit in vóór uw eerste factuur');
    const form = {
      _action: 'invoiceDetails',
      legalName: 'Garage Factuur B.V.',
      'address.street': 'Kanaalweg',
      'address.number': '7',
      'address.postcode': '3526km',
      'address.city': 'Utrecht',
      'address.country': 'NL',
      registrationNumber: '12345678',
      vatNumber: 'NL004495445B01',
      iban: 'NL91 ABNA 0417 1643 01',
      paymentTermDays: '14',
      paymentLink: '',
    };
    const refused = await admin.client.post('/console/settings', form);
    expect(refused.status).toBe(422);
    expect(refused.text).toMatch(/id="inv-iban"[^>]*aria-invalid="true"/);
    expect(refused.text).toContain('Dit IBAN klopt niet');
    expect(refused.text).toContain('value="Garage Factuur B.V."');
    const saved = await admin.client.post('/console/settings', { ...form, iban: 'NL91 ABNA 0417 1643 00' });
    expect(saved.status).toBe(303);
    expect((await getOrganisation(admin.ctx)).invoiceDetails).toEqual({
      legalName: 'Garage Factuur B.V.',
      address: { street: 'Kanaalweg', number: '7', postcode: '3526 KM', city: 'Utrecht', country: 'NL' },
      registrationNumber: '12345678',
      vatNumber: 'NL004495445B01',
      iban: 'NL91ABNA0417164300',
      paymentTermDays: 14,
      paymentLink: null,
    });
    expect((await admin.client.get('/console/settings')).text).toContain('value="NL91 ABNA 0417 1643 00"');
  });
});
