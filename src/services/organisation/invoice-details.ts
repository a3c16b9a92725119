import { eq } from 'drizzle-orm';
import { type InvoiceDetails, organisations } from '../../../db/schema';
import { type AddressInput, checkAddress } from '../platform/address';
import type { Ctx } from '../platform/context';
import { invalid } from '../platform/errors';
import { authorize } from '../staff/permissions';

/**
 * What an invoice needs from the business, checked the way a Dutch bookkeeper would: the Chamber of
 * Commerce number's form, the VAT number's and the IBAN's check digits (docs/decisions/invoice-details.md).
 */
export type { InvoiceDetails };

export const INVOICE_LIMITS = {
  legalName: 160,
  registrationNumber: 20,
  paymentLink: 500,
  paymentTermDays: 120,
};

export type InvoiceDetailsInput = {
  legalName: string;
  address: AddressInput;
  registrationNumber: string;
  vatNumber: string;
  iban: string;
  paymentTermDays: number;
  paymentLink?: string | null;
};

const compact = (value: string) => value.replace(/[\s.-]+/g, '').toUpperCase();

/** ISO 7064 MOD 97-10 over letters and digits (A = 10 … Z = 35), computed in pieces so no number overflows. */
function mod97(value: string): number {
  let rest = 0;
  for (const char of value) {
    const digits = /\d/.test(char) ? char : String(char.charCodeAt(0) - 55);
    for (const digit of digits) rest = (rest * 10 + Number(digit)) % 97;
  }
  return rest;
}

/** IBAN lengths of the countries a Dutch business is paid from most; others: 15–34 characters. */
const IBAN_LENGTHS: Record<string, number> = {
  NL: 18,
  BE: 16,
  DE: 22,
  LU: 20,
  FR: 27,
  GB: 22,
  AT: 20,
  CH: 21,
  DK: 18,
  ES: 24,
  IT: 27,
  IE: 22,
  PL: 28,
  PT: 25,
};

/** A compact IBAN, or a refusal naming the field: wrong length for its country, or check digits that do not add up. */
export function checkIban(value: string, field = 'iban'): string {
  const iban = compact(value);
  const country = iban.slice(0, 2);
  const length = IBAN_LENGTHS[country];
  const shaped = /^[A-Z]{2}\d{2}[A-Z\d]{11,30}$/.test(iban) && (length ? iban.length === length : true);
  if (!shaped || mod97(iban.slice(4) + iban.slice(0, 4)) !== 1) throw invalid(field, 'iban_invalid');
  return iban;
}

/** An IBAN as people read it: groups of four. */
export const formatIban = (iban: string) => iban.replace(/(.{4})(?=.)/g, '$1 ');

/** The Dutch eleven-test on a number's first nine digits (weights 9 … 2, the last digit −1). */
function elevenTest(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += Number(digits[i]) * (9 - i);
  sum -= Number(digits[8]);
  return sum % 11 === 0;
}

/** Germany's ISO 7064 MOD 11,10 check digit. */
function germanCheck(digits: string): boolean {
  let product = 10;
  for (const d of digits.slice(0, 8)) {
    const sum = (Number(d) + product) % 10 || 10;
    product = (2 * sum) % 11;
  }
  return (11 - product) % 10 === Number(digits[8]);
}

/** The prefixes of EU VAT numbers (Greece's is EL; XI is Northern Ireland under the Windsor Framework). */
const EU_VAT_PREFIXES = new Set(
  'AT BE BG CY CZ DE DK EE EL ES FI FR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK XI'.split(' '),
);

/**
 * A compact VAT identification number. Check digits where we know the rule: the Netherlands (the
 * eleven-test of older numbers, or MOD 97 of the btw-id given to sole traders since 2020), Belgium
 * (MOD 97) and Germany (MOD 11,10); the shape elsewhere in the EU.
 */
export function checkVatNumber(value: string, field = 'vatNumber'): string {
  const vat = compact(value);
  const rules: Record<string, (v: string) => boolean> = {
    NL: (v) => /^NL\d{9}B\d{2}$/.test(v) && (elevenTest(v.slice(2, 11)) || mod97(v) === 1),
    BE: (v) => /^BE[01]\d{9}$/.test(v) && 97 - (Number(v.slice(2, 10)) % 97) === Number(v.slice(10)),
    DE: (v) => /^DE\d{9}$/.test(v) && germanCheck(v.slice(2)),
  };
  const prefix = vat.slice(0, 2);
  const rule =
    rules[prefix] ?? ((v: string) => EU_VAT_PREFIXES.has(prefix) && /^[A-Z]{2}[A-Z\d+*]{2,13}$/.test(v));
  if (!rule(vat)) throw invalid(field, 'vat_number_invalid');
  return vat;
}

/** A Chamber of Commerce number: eight digits for a Dutch business, letters and digits elsewhere. */
export function checkRegistrationNumber(
  value: string,
  country: string,
  field = 'registrationNumber',
): string {
  const number = compact(value);
  const ok = country === 'NL' ? /^\d{8}$/.test(number) : /^[A-Z\d]{4,20}$/.test(number);
  if (!ok) throw invalid(field, country === 'NL' ? 'kvk_invalid' : 'registration_invalid');
  return number;
}

/** The placeholders a payment link may hold; each is filled in (URL-encoded) per invoice. */
export const PAYMENT_LINK_FIELDS = ['amount', 'currency', 'reference'] as const;

/** An https address of the business's payment page; `{amount}` and `{reference}` are needed to be of use. */
export function checkPaymentLink(value: string, field = 'paymentLink'): string {
  const link = value.trim();
  const placeholders = [...link.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
  let url: URL | null = null;
  try {
    url = new URL(link.replace(/\{\w+\}/g, 'x'));
  } catch {
    url = null;
  }
  const known = placeholders.every((p) => (PAYMENT_LINK_FIELDS as readonly string[]).includes(p ?? ''));
  if (
    url?.protocol !== 'https:' ||
    !known ||
    !placeholders.includes('amount') ||
    !placeholders.includes('reference') ||
    link.length > INVOICE_LIMITS.paymentLink
  ) {
    throw invalid(field, 'payment_link_invalid');
  }
  return link;
}

/** The payment link of one invoice: placeholders filled in, each URL-encoded. */
export const paymentLinkFor = (
  template: string,
  values: Record<(typeof PAYMENT_LINK_FIELDS)[number], string>,
) =>
  template.replace(/\{(\w+)\}/g, (_, key: string) =>
    encodeURIComponent(values[key as keyof typeof values] ?? ''),
  );

/** The whole block, checked; the first refusal names its field. */
export function checkInvoiceDetails(input: InvoiceDetailsInput): InvoiceDetails {
  const legalName = input.legalName.replace(/\s+/g, ' ').trim();
  if (!legalName) throw invalid('legalName', 'required');
  if (legalName.length > INVOICE_LIMITS.legalName) {
    throw invalid('legalName', 'too_long', { max: INVOICE_LIMITS.legalName });
  }
  const address = checkAddress(input.address);
  if (!Number.isInteger(input.paymentTermDays) || input.paymentTermDays < 0 || input.paymentTermDays > 120) {
    throw invalid('paymentTermDays', 'payment_term_invalid', { max: INVOICE_LIMITS.paymentTermDays });
  }
  return {
    legalName,
    address,
    registrationNumber: checkRegistrationNumber(input.registrationNumber, address.country),
    vatNumber: checkVatNumber(input.vatNumber),
    iban: checkIban(input.iban),
    paymentTermDays: input.paymentTermDays,
    paymentLink: input.paymentLink?.trim() ? checkPaymentLink(input.paymentLink) : null,
  };
}

/** Admins only: what the organisation's invoices will say about it. */
export async function setInvoiceDetails(ctx: Ctx, input: InvoiceDetailsInput): Promise<InvoiceDetails> {
  await authorize(ctx.db, ctx, 'settings:manage');
  const details = checkInvoiceDetails(input);
  await ctx.db
    .update(organisations)
    .set({ invoiceDetails: details })
    .where(eq(organisations.id, ctx.organisationId));
  return details;
}
