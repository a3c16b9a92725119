import type { Locale } from './messages';

/** What the customer reads when booking the moment of a step (src/pages/t/[token]/book/[stepId].astro). */
const en = {
  title: 'Choose a moment: {step}',
  heading: 'Choose a moment:',
  back: 'Back to your tracker',
  intro: 'Pick the moment that suits you. You can change or cancel it until {until}.',
  introNoChange: 'Pick the moment that suits you.',
  yours: 'Your booking',
  booked: '{day}, {from}–{to}',
  changeUntil: 'You can change or cancel it until {until}.',
  closed: 'This booking can no longer be changed here. Call us if you need another moment.',
  free: 'Free moments',
  none: 'There are no free moments in the coming weeks. We will contact you to plan one.',
  slot: '{from}–{to}',
  left: '{count} places left',
  book: 'Book this moment',
  move: 'Move to this moment',
  cancel: 'Cancel the booking',
  cancelHint: 'The moment becomes free for someone else at once.',
  done: { book: 'Booked. We added it to your tracker.', move: 'Moved.', cancel: 'Cancelled.' },
  calendar: 'Add to my calendar (.ics)',
  notBookable: 'This step is planned by us; there is nothing to book.',
  choose: 'Choose one of the moments.',
  days: 'Days with free moments',
  freeCount: '{count} free',
  dayFree: '{day}: {count} free moments.',
  yourChoice: 'Your choice: {day}, {slot}',
  /** The calendar file's DESCRIPTION (src/services/slots/calendar-file.ts): reference, step, tracker. */
  calendarJob: 'Job {reference}: {step}',
  calendarTracker: 'Follow it on your tracker: {url}',
};

const nl: typeof en = {
  title: 'Kies een moment: {step}',
  heading: 'Kies een moment:',
  back: 'Terug naar uw tracker',
  intro: 'Kies het moment dat u uitkomt. U kunt het wijzigen of annuleren tot {until}.',
  introNoChange: 'Kies het moment dat u uitkomt.',
  yours: 'Uw afspraak',
  booked: '{day}, {from}–{to}',
  changeUntil: 'U kunt hem wijzigen of annuleren tot {until}.',
  closed: 'Deze afspraak kan hier niet meer worden gewijzigd. Bel ons als u een ander moment nodig hebt.',
  free: 'Vrije momenten',
  none: 'Er zijn de komende weken geen vrije momenten. We nemen contact met u op om er een te plannen.',
  slot: '{from}–{to}',
  left: 'nog {count} plaatsen',
  book: 'Dit moment boeken',
  move: 'Naar dit moment verzetten',
  cancel: 'Afspraak annuleren',
  cancelHint: 'Het moment komt meteen vrij voor iemand anders.',
  done: { book: 'Geboekt. Het staat op uw tracker.', move: 'Verzet.', cancel: 'Geannuleerd.' },
  calendar: 'Toevoegen aan mijn agenda (.ics)',
  notBookable: 'Deze stap plannen wij; er is niets te boeken.',
  choose: 'Kies een van de momenten.',
  days: 'Dagen met vrije momenten',
  freeCount: '{count} vrij',
  dayFree: '{day}: {count} vrije momenten.',
  yourChoice: 'Uw keuze: {day}, {slot}',
  calendarJob: 'Opdracht {reference}: {step}',
  calendarTracker: 'Volg het op uw tracker: {url}',
};

export const bookingMessages: Record<Locale, typeof en> = { en, nl };

/** Staff booking a step's moment on the console's job page (src/components/console/StepActions.tsx). */
const consoleEn = {
  heading: 'Booked moment',
  current: 'Booked: {window}',
  nothing: 'Nothing booked yet.',
  slot: 'Moment',
  full: '{slot} (full)',
  reason: 'Reason (the customer sees this)',
  reasonHint: 'Required to move or cancel a booking.',
  force: 'Book even when full (an extra van, overtime)',
  book: 'Book for the customer',
  move: 'Move the booking',
  cancel: 'Cancel the booking',
  cancelReason: 'Why is it cancelled? (the customer sees this)',
};

const consoleNl: typeof consoleEn = {
  heading: 'Geboekt moment',
  current: 'Geboekt: {window}',
  nothing: 'Nog niets geboekt.',
  slot: 'Moment',
  full: '{slot} (vol)',
  reason: 'Reden (de klant ziet dit)',
  reasonHint: 'Verplicht om een afspraak te verzetten of te annuleren.',
  force: 'Ook boeken als het vol is (extra bus, overwerk)',
  book: 'Boeken voor de klant',
  move: 'Afspraak verzetten',
  cancel: 'Afspraak annuleren',
  cancelReason: 'Waarom wordt hij geannuleerd? (de klant ziet dit)',
};

export const bookingConsoleMessages: Record<Locale, typeof consoleEn> = { en: consoleEn, nl: consoleNl };
