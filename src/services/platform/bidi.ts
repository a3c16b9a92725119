/**
 * Unicode direction embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069). A name or note
 * holding U+202E would reverse the text that follows it on the page ("Trojan Source"); text in any
 * script still shows the right way round without them, so they are dropped from what people send.
 * So is NUL (U+0000): no text needs it, and PostgreSQL cannot store it.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is what this drops
const CONTROLS = /[\u0000\u202A-\u202E\u2066-\u2069]/g;

export const stripBidiControls = (text: string): string => text.replace(CONTROLS, '');

// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is one of them
export const hasBidiControls = (text: string): boolean => /[\u0000\u202A-\u202E\u2066-\u2069]/.test(text);

/** The same value with every string inside it cleaned (JSON bodies). */
export function stripBidiDeep<T>(value: T): T {
  if (typeof value === 'string') return stripBidiControls(value) as T;
  if (Array.isArray(value)) return value.map(stripBidiDeep) as T;
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, stripBidiDeep(v)])) as T;
  return value;
}

/** A posted form with its text fields cleaned (files untouched). */
export function stripBidiForm(form: FormData): FormData {
  const clean = new FormData();
  for (const [key, value] of form)
    clean.append(key, typeof value === 'string' ? stripBidiControls(value) : value);
  return clean;
}
