import type { Locale } from './messages';

/**
 * What customers and staff read about paid consults (docs/decisions/consults.md): the offer beside the
 * tracker's question form, the consent it needs, and the marks in the specialist's and console's lists.
 */
export const consultEn = {
  offerHeading: 'Or pay for expert time',
  /** "15 minutes with the notary: € 25.00 excl. VAT (€ 30.25 incl. VAT)" */
  offerLine: '{title}: {net} excl. VAT ({gross} incl. VAT)',
  offerMinutes: '{minutes} minutes, with priority: your question goes first.',
  choose: 'Ask this as a paid consult ({gross} incl. VAT)',
  consent: 'I agree that this consult is charged to me and added to the costs of this job.',
  consentLabel: 'I agree to pay {gross} incl. VAT for this consult',
  send: 'Ask the paid consult',
  free: 'Not choosing it keeps your question free, answered as usual.',
  sent: 'Your paid consult has been sent and is answered first. The fee is in the costs of this job.',
  talk: 'A time to talk (optional)',
  noTalk: 'No time needed: answer in writing',
  talkAt: 'Time to talk: {time}',
  paid: 'Paid consult',
  paidPriority: 'Paid consult, answer first',
  console: {
    link: 'Paid consults',
    title: 'Paid consults: {workflow}',
    intro:
      'Customers see an offer beside the question form on the tracker, with its price excl. and incl. VAT. Choosing it adds the fee to the job’s costs and sends the question first to the expert. A change applies to new consults only.',
    back: 'Back to the workflow',
    none: 'No paid consults are offered on this workflow.',
    titleNl: 'Title in Dutch',
    titleEn: 'Title in English',
    role: 'Who answers',
    anyRole: 'The specialist of the step',
    minutes: 'Minutes',
    price: 'Price excl. VAT ({currency})',
    vat: 'VAT',
    add: 'Offer a paid consult',
    addButton: 'Add the offer',
    save: 'Save',
    remove: 'Stop offering',
    summary: '{minutes} minutes · {net} excl. VAT ({gross} incl. VAT) · {role}',
    adminsOnly: 'Only admins change the offers.',
    done: { create: 'Offer added.', edit: 'Offer saved.', remove: 'Offer removed.' },
  },
};

export const consultNl: typeof consultEn = {
  offerHeading: 'Of betaal voor tijd van de expert',
  offerLine: '{title}: {net} excl. btw ({gross} incl. btw)',
  offerMinutes: '{minutes} minuten, met voorrang: uw vraag gaat voor.',
  choose: 'Stel dit als betaald consult ({gross} incl. btw)',
  consent:
    'Ik ga ermee akkoord dat dit consult mij in rekening wordt gebracht en bij de kosten van deze opdracht komt.',
  consentLabel: 'Ik ga akkoord met {gross} incl. btw voor dit consult',
  send: 'Betaald consult vragen',
  free: 'Kiest u het niet, dan blijft uw vraag gratis en beantwoorden we die zoals altijd.',
  sent: 'Uw betaalde consult is verstuurd en wordt als eerste beantwoord. De kosten staan bij de kosten van deze opdracht.',
  talk: 'Een tijd om te spreken (niet verplicht)',
  noTalk: 'Geen tijd nodig: schriftelijk antwoorden',
  talkAt: 'Tijd om te spreken: {time}',
  paid: 'Betaald consult',
  paidPriority: 'Betaald consult, eerst beantwoorden',
  console: {
    link: 'Betaalde consulten',
    title: 'Betaalde consulten: {workflow}',
    intro:
      'Klanten zien een aanbod naast het vraagformulier op de tracker, met de prijs excl. en incl. btw. Kiezen ze het, dan komen de kosten bij de opdracht en gaat de vraag met voorrang naar de expert. Een wijziging geldt alleen voor nieuwe consulten.',
    back: 'Terug naar de werkwijze',
    none: 'Op deze werkwijze worden geen betaalde consulten aangeboden.',
    titleNl: 'Titel in het Nederlands',
    titleEn: 'Titel in het Engels',
    role: 'Wie antwoordt',
    anyRole: 'De specialist van de stap',
    minutes: 'Minuten',
    price: 'Prijs excl. btw ({currency})',
    vat: 'Btw',
    add: 'Een betaald consult aanbieden',
    addButton: 'Aanbod toevoegen',
    save: 'Opslaan',
    remove: 'Niet meer aanbieden',
    summary: '{minutes} minuten · {net} excl. btw ({gross} incl. btw) · {role}',
    adminsOnly: 'Alleen beheerders wijzigen het aanbod.',
    done: { create: 'Aanbod toegevoegd.', edit: 'Aanbod opgeslagen.', remove: 'Aanbod verwijderd.' },
  },
};

export const consultMessages: Record<Locale, typeof consultEn> = { en: consultEn, nl: consultNl };
export type ConsultMessages = typeof consultEn;
