import type { ConsultOffer } from '../../../db/schema';
import type { Locale } from '../../i18n/messages';
import { lineNetCents, vatCents } from '../platform/money';

/**
 * A consult offer's terms as the tracker shows them (docs/decisions/consults.md). Pure, without the
 * database: the tracker's components render with it, and the service checks what came back against it.
 */

/** An offer as the tracker shows it: both languages (the page picks the reader's). */
export type TrackerOffer = Pick<
  ConsultOffer,
  'id' | 'titleNl' | 'titleEn' | 'minutes' | 'priceCents' | 'vatRateBp'
> & {
  /** The expert's free times to talk (the tracker drops those already past); none: no time is offered. */
  talk?: { startsAt: number; endsAt: number }[];
};

export const offerTitle = (offer: Pick<ConsultOffer, 'titleNl' | 'titleEn'>, locale: Locale) =>
  locale === 'nl' ? offer.titleNl : offer.titleEn;

/**
 * The offer's terms as the customer is shown them in their language: the tracker's form sends them back,
 * and a consult asked on terms that changed since is refused (409 `consult_changed`), so nobody pays a
 * price they were not shown. Pure: the tracker renders it.
 */
export const consultTerms = (offer: TrackerOffer, locale: Locale): string =>
  JSON.stringify([offer.id, offerTitle(offer, locale), offer.minutes, offer.priceCents, offer.vatRateBp]);

/** The price with VAT, as the tracker shows it beside the price without. */
export const offerPrice = (offer: Pick<ConsultOffer, 'priceCents' | 'vatRateBp'>) => {
  const net = lineNetCents({ kind: 'fee', quantityMilli: 1000, unitPriceCents: offer.priceCents });
  return { netCents: net, grossCents: net + vatCents(net, offer.vatRateBp) };
};
