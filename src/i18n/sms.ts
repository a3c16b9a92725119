import type { Locale, Shape } from './messages';

/**
 * Text messages to customers. Kept short and in GSM-7 (no curly quotes, dashes or accents beyond
 * GSM-7's own), so one with a tracker link fits one or two segments: src/notify/sms/segments.ts counts.
 */
const en = {
  link: '{org}: follow {reference} live here: {url}',
  approval: '{org}: your approval is needed for extra work on {reference}: {url}',
  onItsWay: '{org}: {reference} is in its last step ({step}). Follow it here: {url}',
};

const nl: Shape<typeof en> = {
  link: '{org}: volg {reference} live via {url}',
  approval: '{org}: uw akkoord is nodig voor extra werk aan {reference}: {url}',
  onItsWay: '{org}: {reference} is bij de laatste stap ({step}). Volg het via {url}',
};

export const smsTexts: Record<Locale, typeof en> = { en, nl };
