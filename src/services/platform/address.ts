import type { Address } from '../../../db/schema';
import { invalid } from './errors';

/**
 * Postal addresses (a job's delivery or visit address; later an organisation's): structured, checked
 * per country where the format is known, and stored normalised so a postcode reads the same
 * everywhere ("3511ab" → "3511 AB"). Countries are ISO 3166-1 alpha-2 codes.
 */
export type { Address };

export const ADDRESS_LIMITS = { street: 120, number: 20, postcode: 12, city: 80 } as const;

/** Postcode formats where the post office publishes one; elsewhere 2–12 letters, digits, spaces or dashes. */
const POSTCODES: Record<string, { pattern: RegExp; format?: (compact: string) => string }> = {
  // Four digits not starting with 0, two letters (never SA, SD or SS).
  NL: { pattern: /^[1-9]\d{3}(?!SA|SD|SS)[A-Z]{2}$/, format: (c) => `${c.slice(0, 4)} ${c.slice(4)}` },
  BE: { pattern: /^[1-9]\d{3}$/ },
  LU: { pattern: /^(?:L-?)?\d{4}$/, format: (c) => `L-${c.replace(/^L-?/, '')}` },
  DE: { pattern: /^\d{5}$/ },
  FR: { pattern: /^\d{5}$/ },
  AT: { pattern: /^\d{4}$/ },
  CH: { pattern: /^\d{4}$/ },
  DK: { pattern: /^\d{4}$/ },
  // Outward code, space, inward code (A1 1AA … AA1A 1AA).
  GB: {
    pattern: /^[A-Z]{1,2}\d[A-Z\d]?\d[A-Z]{2}$/,
    format: (c) => `${c.slice(0, -3)} ${c.slice(-3)}`,
  },
};

/** The countries the console offers first; any other ISO code is accepted through the API. */
export const COMMON_COUNTRIES = ['NL', 'BE', 'DE', 'LU', 'FR', 'GB', 'AT', 'CH', 'DK'] as const;

const regionNames = new Map<string, Intl.DisplayNames>();
/** A country's name in a language ("Nederland", "Netherlands"); the code itself when unknown. */
export function countryName(code: string, locale: 'nl' | 'en'): string {
  let names = regionNames.get(locale);
  if (!names) {
    names = new Intl.DisplayNames([locale], { type: 'region', fallback: 'code' });
    regionNames.set(locale, names);
  }
  return names.of(code) ?? code;
}

const isCountry = (code: string) => /^[A-Z]{2}$/.test(code) && countryName(code, 'en') !== code;

export type AddressInput = {
  street: string;
  number: string;
  postcode: string;
  city: string;
  /** ISO 3166-1 alpha-2; default NL. */
  country?: string | undefined;
};

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

/**
 * A checked, normalised address; refuses (422, the field named under `field`) what cannot be one.
 * Every part is required: a van cannot find "Utrecht".
 */
export function checkAddress(input: AddressInput, field = 'address'): Address {
  const country = oneLine(input.country ?? 'NL').toUpperCase();
  if (!isCountry(country)) throw invalid(`${field}.country`, 'country_unknown', { country });
  const parts = {
    street: oneLine(input.street),
    number: oneLine(input.number),
    city: oneLine(input.city),
  };
  for (const key of ['street', 'number', 'city'] as const) {
    if (!parts[key]) throw invalid(`${field}.${key}`, 'required');
    if (parts[key].length > ADDRESS_LIMITS[key]) {
      throw invalid(`${field}.${key}`, 'too_long', { max: ADDRESS_LIMITS[key] });
    }
  }
  if (!/\d/.test(parts.number)) throw invalid(`${field}.number`, 'house_number_invalid');
  return { ...parts, postcode: checkPostcode(input.postcode, country, `${field}.postcode`), country };
}

/** A postcode in its country's written form; refused when it cannot be one there. */
export function checkPostcode(postcode: string, country: string, field: string): string {
  const compact = postcode.replace(/[\s]+/g, '').toUpperCase();
  const known = POSTCODES[country];
  if (known) {
    if (!known.pattern.test(compact)) throw invalid(field, 'postcode_invalid', { country });
    return known.format ? known.format(compact) : compact;
  }
  const written = oneLine(postcode).toUpperCase();
  if (!/^[A-Z\d][A-Z\d -]{0,10}[A-Z\d]$/.test(written)) {
    throw invalid(field, 'postcode_invalid', { country });
  }
  return written;
}

/** The address as lines on an envelope, in the reader's language: street and number, postcode and city, country. */
export function addressLines(address: Address, locale: 'nl' | 'en'): string[] {
  const city =
    address.country === 'GB' ? `${address.city} ${address.postcode}` : `${address.postcode} ${address.city}`;
  return [`${address.street} ${address.number}`, city, countryName(address.country, locale)];
}

/** A link that opens the address in a map (OpenStreetMap's search; a phone offers its maps app from there). */
export const mapUrl = (address: Address) =>
  `https://www.openstreetmap.org/search?query=${encodeURIComponent(
    `${address.street} ${address.number}, ${address.postcode} ${address.city}, ${countryName(address.country, 'en')}`,
  )}`;
