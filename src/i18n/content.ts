import type { ContentLocale, Translations } from '../../db/schema/translations';
import type { PublicSpecialist as Person, PublicStep as Step } from '../events/snapshots';

export type { ContentLocale, Translations } from '../../db/schema/translations';

/**
 * One text of job content as a reader sees it: in their language when it was given in it, else in
 * the organisation's own. `lang` is set only for such a fallback, so the page marks that text with a
 * `lang` attribute (a screen reader then reads it in the right voice).
 */
export type LocalText = { text: string; lang?: ContentLocale };

export function localText<F extends string>(
  own: string,
  ownLocale: ContentLocale,
  translations: Translations<F> | undefined,
  field: F,
  want: ContentLocale,
): LocalText {
  if (want === ownLocale) {
    if (own) return { text: own };
    const other = translations?.[otherLocale(want)]?.[field];
    return other ? { text: other, lang: otherLocale(want) } : { text: own };
  }
  const translated = translations?.[want]?.[field]?.trim();
  if (translated) return { text: translated };
  return own ? { text: own, lang: ownLocale } : { text: '' };
}

export const otherLocale = (locale: ContentLocale): ContentLocale => (locale === 'nl' ? 'en' : 'nl');

/**
 * Keeps only non-empty texts of the known fields, so storage holds no empty shells (`{ en: {} }`)
 * and a cleared field falls back again.
 */
export function cleanTranslations<F extends string>(
  input: Translations<F> | null | undefined,
  fields: readonly F[],
): Translations<F> {
  const out: Translations<F> = {};
  for (const locale of ['nl', 'en'] as const) {
    const given = input?.[locale];
    if (!given) continue;
    const kept: Partial<Record<F, string>> = {};
    for (const field of fields) {
      const text = given[field]?.trim();
      if (text) kept[field] = text;
    }
    if (Object.keys(kept).length) out[locale] = kept;
  }
  return out;
}

export const STEP_TEXT_FIELDS = ['title', 'description'] as const;
export const SPECIALIST_TEXT_FIELDS = ['role', 'bio'] as const;

/** A specialist as a reader in `want` sees them: role and bio in their language where given. */
export function localizeSpecialist<P extends Person>(person: P, want: ContentLocale, own: ContentLocale): P {
  const role = localText(person.role, own, person.translations, 'role', want);
  const bio = localText(person.bio, own, person.translations, 'bio', want);
  return { ...person, role: role.text, bio: bio.text, lang: { role: role.lang, bio: bio.lang } };
}

/** A step (and its specialist) as a reader in `want` sees it. */
export function localizeStep<S extends Step>(step: S, want: ContentLocale, own: ContentLocale): S {
  const title = localText(step.title, own, step.translations, 'title', want);
  const description = localText(step.description, own, step.translations, 'description', want);
  return {
    ...step,
    title: title.text,
    description: description.text,
    lang: { title: title.lang, description: description.lang },
    assignee: step.assignee ? localizeSpecialist(step.assignee, want, own) : null,
  };
}
