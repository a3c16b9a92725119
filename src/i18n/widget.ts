import type { Locale, Shape } from './messages';

/** What a customer reads in the widget on a business's own website (the timeline itself uses `messages`). */
const en = {
  frameTitle: 'Follow your job at {org}',
  lookupTitle: 'Follow your job',
  lookupIntro: 'One of the two below is enough.',
  reference: 'Reference',
  referenceHint: 'On your receipt, e.g. APK-2041',
  postcode: 'Postcode',
  email: 'Email address',
  either: 'Postcode or email address',
  find: 'Show my job',
  noMatch:
    'We could not find a job with these details. Check the reference and the postcode or email address.',
  missing: 'Enter your reference and your postcode or email address.',
  tooMany: 'Too many attempts. Please try again in {minutes} minutes.',
  unavailable: 'This widget is not available.',
  expired: 'This view has expired. Reload the page to see the latest state.',
  another: 'Look up another job',
  live: 'Live',
  connecting: 'Connecting…',
  offline: 'Connection lost; retrying…',
  current: 'Now',
  next: 'Next',
  by: 'by {name}',
  actionApproval: 'Your approval is needed: {item}.',
  actionQuestion: '{name} asked you a question.',
  actionOpen: 'Open your job page to answer',
  actionWhere: 'Answer on your job page: the link is in the email or text message we sent you.',
};

const nl: Shape<typeof en> = {
  frameTitle: 'Volg uw opdracht bij {org}',
  lookupTitle: 'Volg uw opdracht',
  lookupIntro: 'Eén van de twee hieronder is genoeg.',
  reference: 'Referentie',
  referenceHint: 'Op uw bon, bijv. APK-2041',
  postcode: 'Postcode',
  email: 'E-mailadres',
  either: 'Postcode of e-mailadres',
  find: 'Toon mijn opdracht',
  noMatch:
    'We vonden geen opdracht met deze gegevens. Controleer de referentie en de postcode of het e-mailadres.',
  missing: 'Vul uw referentie in en uw postcode of e-mailadres.',
  tooMany: 'Te veel pogingen. Probeer het over {minutes} minuten opnieuw.',
  unavailable: 'Deze widget is niet beschikbaar.',
  expired: 'Deze weergave is verlopen. Laad de pagina opnieuw voor de laatste stand.',
  another: 'Een andere opdracht opzoeken',
  live: 'Live',
  connecting: 'Verbinden…',
  offline: 'Verbinding verbroken; opnieuw proberen…',
  current: 'Nu',
  next: 'Hierna',
  by: 'door {name}',
  actionApproval: 'Uw akkoord is nodig: {item}.',
  actionQuestion: '{name} heeft u een vraag gesteld.',
  actionOpen: 'Open uw opdrachtpagina om te antwoorden',
  actionWhere: 'Antwoord op uw opdrachtpagina: de link staat in de e-mail of sms die we u stuurden.',
};

export type WidgetMessages = Shape<typeof en>;
export const widgetMessages: Record<Locale, WidgetMessages> = { en, nl };
