/**
 * Job content (step titles and descriptions, specialists' roles and bios) is written in the
 * organisation's own language (`organisations.default_locale`) in its plain columns; the other
 * language lives beside it in a `translations` column of this shape. See
 * docs/decisions/content-in-two-languages.md.
 */
export const CONTENT_LOCALES = ['nl', 'en'] as const;
export type ContentLocale = (typeof CONTENT_LOCALES)[number];

/** Per language, the fields given in it; a field left out falls back to the organisation's language. */
export type Translations<F extends string> = Partial<Record<ContentLocale, Partial<Record<F, string>>>>;

export type StepTranslations = Translations<'title' | 'description'>;
export type SpecialistTranslations = Translations<'role' | 'bio'>;
export type RoleTranslations = Translations<'name'>;
