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
};

export const bookingMessages: Record<Locale, typeof en> = { en, nl };
