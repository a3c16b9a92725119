import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js';

/**
 * A customer's phone number as E.164 (+31612345678), read as staff typed it: a national number is read
 * in the organisation's country. Null when it is no valid number (nothing is sent to it).
 */
export function toE164(raw: string | null | undefined, country: string | null | undefined): string | null {
  if (!raw) return null;
  const region = (country ?? 'NL').toUpperCase() as CountryCode;
  const parsed = parsePhoneNumberFromString(raw, { defaultCountry: region });
  return parsed?.isValid() ? parsed.number : null;
}
