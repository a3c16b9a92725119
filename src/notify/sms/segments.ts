/**
 * How many SMS segments a text takes (3GPP TS 23.038). GSM-7 fits 160 characters in one message and
 * 153 per part when split; a character from the extension table (€ [ ] { } ^ ~ | \ and the form feed)
 * takes two. One character outside GSM-7 (an emoji, a curly quote, ë) sends the whole text as UCS-2:
 * 70 per message, 67 per part, counted in UTF-16 units.
 */
const BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const EXTENSION = '\f^{}\\[~]|€';
const basic = new Set(BASIC);
const extension = new Set(EXTENSION);

export type Encoding = 'GSM-7' | 'UCS-2';

export function smsSegments(text: string): { encoding: Encoding; units: number; segments: number } {
  let septets = 0;
  for (const ch of text) {
    if (basic.has(ch)) septets += 1;
    else if (extension.has(ch)) septets += 2;
    else {
      const units = text.length;
      return { encoding: 'UCS-2', units, segments: units <= 70 ? 1 : Math.ceil(units / 67) };
    }
  }
  return { encoding: 'GSM-7', units: septets, segments: septets <= 160 ? 1 : Math.ceil(septets / 153) };
}

/** Replaces typographic characters with their GSM-7 look-alikes, so a name with a curly quote stays GSM-7. */
export function toGsmFriendly(text: string): string {
  return text
    .replace(/[\u2018\u2019\u201a\u2032]/g, "'")
    .replace(/[\u201c\u201d\u201e\u2033]/g, '"')
    .replace(/[\u2013\u2014\u2212]/g, '-')
    .replace(/\u2026/g, '...')
    .replace(/[\u00a0\u2007\u202f]/g, ' ')
    .replace(/[\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g, '');
}

/** Shortens `text` to at most `max` characters, ending in "..." when cut. */
export function clip(text: string, max: number): string {
  const chars = [...text.trim()];
  return chars.length <= max
    ? chars.join('')
    : `${chars
        .slice(0, max - 3)
        .join('')
        .trimEnd()}...`;
}
