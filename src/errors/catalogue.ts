import type { Locale } from '../i18n/messages';

/**
 * Every refusal a service or form can give, by code: what kind of refusal it is (which decides the
 * HTTP status, ./status.ts) and its message in English (the API's `message`, and English pages) and
 * Dutch. `{name}` placeholders are the error's parameters; numbers are formatted with Intl in the
 * reader's locale. Services throw codes (services/platform/errors.ts), never sentences, so a page shows any
 * refusal in the reader's language without matching its text.
 *
 * `api` is the JSON `code` clients see when it is not the catalogue code itself: every refusal of one
 * field's value is `invalid_input` (with the field in `details.field`), so clients need only one.
 */
export type ErrorKind = 'invalid' | 'not_found' | 'conflict' | 'unauthorized' | 'forbidden' | 'rate_limited';

type Entry = { kind: ErrorKind; api?: string; en: string; nl: string };

export const ERRORS = {
  // Not found, forbidden, unauthorised
  not_found: {
    kind: 'not_found',
    en: 'The {what} was not found, or is not in your organisation.',
    nl: 'Niet gevonden ({what}), of niet van uw organisatie.',
  },
  no_match: {
    kind: 'not_found',
    en: 'No job matches this reference with this postcode or email address.',
    nl: 'Geen opdracht met deze referentie en deze postcode of dit e-mailadres.',
  },
  admin_only: { kind: 'forbidden', en: 'Only admins can do this.', nl: 'Alleen beheerders kunnen dit doen.' },
  confirm_required: {
    kind: 'invalid',
    en: 'Tick the box to confirm.',
    nl: 'Vink het vakje aan om te bevestigen.',
  },
  not_permitted: {
    kind: 'forbidden',
    en: 'Your permission does not allow this.',
    nl: 'Uw rechten staan dit niet toe.',
  },
  not_your_step: {
    kind: 'forbidden',
    en: 'Only the specialist assigned to this step (or an admin) can do this.',
    nl: 'Alleen de specialist die deze stap doet (of een beheerder) kan dit doen.',
  },
  staff_only: {
    kind: 'forbidden',
    en: 'Only a signed-in specialist can do this.',
    nl: 'Alleen een aangemelde specialist kan dit doen.',
  },
  deactivated: {
    kind: 'forbidden',
    en: 'This account has been deactivated. Ask an admin of your organisation.',
    nl: 'Dit account is gedeactiveerd. Vraag een beheerder van uw organisatie.',
  },
  /** A form's answer (the sign-in page sends it back with 422, the password field marked), not an API 401. */
  invalid_credentials: {
    kind: 'invalid',
    api: 'invalid_credentials',
    en: 'Email address or password is wrong.',
    nl: 'E-mailadres of wachtwoord klopt niet.',
  },

  // Too many
  rate_limited: {
    kind: 'rate_limited',
    en: 'Too many attempts. Try again in {retryAfterSeconds} seconds.',
    nl: 'Te veel pogingen. Probeer het over {retryAfterSeconds} seconden opnieuw.',
  },
  too_many_subscriptions: {
    kind: 'conflict',
    en: 'At most {max} browsers can be notified for one tracker link.',
    nl: 'Voor één volglink kunnen hoogstens {max} browsers meldingen krijgen.',
  },
  // Published answers (docs/decisions/knowledge.md)
  no_self_review: {
    kind: 'forbidden',
    en: 'A colleague checks what you wrote: you cannot approve your own text.',
    nl: 'Een collega controleert wat u schreef: uw eigen tekst kunt u niet goedkeuren.',
  },
  review_same_role: {
    kind: 'forbidden',
    en: 'Only a colleague with the role {role} can check this answer.',
    nl: 'Alleen een collega met de rol {role} kan dit antwoord controleren.',
  },
  answer_needs_role: {
    kind: 'invalid',
    en: 'Only a specialist with a role can write an answer for others (a colleague with the same role checks it).',
    nl: 'Alleen een specialist met een rol kan een antwoord voor anderen schrijven (een collega met dezelfde rol controleert het).',
  },
  nothing_to_review: {
    kind: 'conflict',
    en: 'This answer has no text waiting for a check.',
    nl: 'Dit antwoord heeft geen tekst die op controle wacht.',
  },
  answer_retired: {
    kind: 'conflict',
    en: 'This answer was retired.',
    nl: 'Dit antwoord is ingetrokken.',
  },
  answer_not_published: {
    kind: 'conflict',
    en: 'Only published answers can be merged.',
    nl: 'Alleen gepubliceerde antwoorden kunnen worden samengevoegd.',
  },
  merge_same_step: {
    kind: 'invalid',
    en: 'Merge an answer into another of the same workflow, not into itself.',
    nl: 'Voeg een antwoord samen met een ander van dezelfde werkwijze, niet met zichzelf.',
  },
  no_such_step_position: {
    kind: 'invalid',
    en: 'The workflow has no step {position}.',
    nl: 'De werkwijze heeft geen stap {position}.',
  },
  text_in_own_language: {
    kind: 'invalid',
    en: "Write the question and the answer in the organisation's own language.",
    nl: 'Schrijf de vraag en het antwoord in de eigen taal van de organisatie.',
  },
  too_many_questions: {
    kind: 'rate_limited',
    en: 'You have asked several questions from this link in the last hour. Please wait a little before asking more.',
    nl: 'U heeft via deze link het afgelopen uur al een paar vragen gesteld. Wacht even voordat u meer vraagt.',
  },

  // Conflicts with the state of things
  invalid_transition: {
    kind: 'conflict',
    en: 'Cannot {action} a step that is {status}.',
    nl: 'Deze stap kan dat in de huidige stand niet.',
  },
  job_closed: {
    kind: 'conflict',
    en: 'This job is {status}; it can no longer change, and questions can no longer be asked here.',
    nl: 'Deze opdracht is afgesloten; ze kan niet meer veranderen en hier kunnen geen vragen meer worden gesteld.',
  },
  reference_taken: {
    kind: 'conflict',
    en: 'The reference {reference} is already used by another job.',
    nl: 'De referentie {reference} wordt al door een andere opdracht gebruikt.',
  },
  step_not_bookable: {
    kind: 'conflict',
    en: 'This step is not booked by the customer: its moment is planned by the business.',
    nl: 'Deze stap boekt de klant niet zelf: het moment plant het bedrijf.',
  },
  booking_closed: {
    kind: 'conflict',
    en: 'This booking can no longer be made or changed here: call us to change it.',
    nl: 'Deze afspraak kan hier niet meer worden gemaakt of gewijzigd: bel ons om hem te wijzigen.',
  },
  slot_full: {
    kind: 'conflict',
    en: 'Someone just took the last place at this time. Choose another moment.',
    nl: 'Iemand nam net de laatste plek op dit tijdstip. Kies een ander moment.',
  },
  not_a_stop: {
    kind: 'conflict',
    en: 'This step has no booked moment, so it is no stop on a route.',
    nl: 'Deze stap heeft geen geboekt moment, dus is geen stop op een route.',
  },
  already_delivered: {
    kind: 'conflict',
    en: 'This stop was already delivered.',
    nl: 'Deze stop is al afgeleverd.',
  },
  not_on_route: {
    kind: 'invalid',
    en: 'This stop is not on this route on this day.',
    nl: 'Deze stop staat die dag niet op deze route.',
  },
  signature_unreadable: {
    kind: 'invalid',
    en: 'The signature could not be read: draw it again.',
    nl: 'De handtekening is niet leesbaar: zet hem opnieuw.',
  },
  nothing_booked: {
    kind: 'conflict',
    en: 'Nothing is booked for this step.',
    nl: 'Voor deze stap is niets geboekt.',
  },
  step_closed: {
    kind: 'conflict',
    en: 'This step is {status}; its promise can no longer change.',
    nl: 'Deze stap is afgesloten; de belofte kan niet meer veranderen.',
  },
  approval_pending: {
    kind: 'conflict',
    en: 'Extra work on this step waits for the customer’s approval. Finish it once they have decided.',
    nl: 'Extra werk bij deze stap wacht op goedkeuring van de klant. Rond de stap af als die heeft beslist.',
  },
  job_not_invoiceable: {
    kind: 'conflict',
    en: 'An invoice is issued once the job is done; this job is {status}.',
    nl: 'Een factuur volgt als de opdracht klaar is; deze opdracht is nog niet klaar.',
  },
  invoice_details_missing: {
    kind: 'conflict',
    en: 'Set up the invoice details (legal name, address, KvK, VAT number, IBAN) in the settings first.',
    nl: 'Vul eerst de factuurgegevens in bij de instellingen (naam, adres, KvK, btw-nummer, IBAN).',
  },
  nothing_to_invoice: {
    kind: 'conflict',
    en: 'This job has no cost lines to invoice.',
    nl: 'Deze opdracht heeft geen kostenregels om te factureren.',
  },
  already_invoiced: {
    kind: 'conflict',
    en: 'This job already has invoice {number}. To correct it, issue a credit note first.',
    nl: 'Deze opdracht heeft al factuur {number}. Maak eerst een creditnota om die te corrigeren.',
  },
  already_credited: {
    kind: 'conflict',
    en: 'Invoice {number} has already been credited.',
    nl: 'Factuur {number} is al gecrediteerd.',
  },
  not_creditable: {
    kind: 'conflict',
    en: 'A credit note cannot itself be credited.',
    nl: 'Een creditnota kan zelf niet worden gecrediteerd.',
  },
  invoice_immutable: {
    kind: 'conflict',
    en: 'An issued invoice never changes. Issue a credit note to correct it.',
    nl: 'Een uitgegeven factuur verandert nooit. Maak een creditnota om haar te corrigeren.',
  },
  no_working_time: {
    kind: 'conflict',
    en: 'The working hours have no opening time in the next three years.',
    nl: 'De werktijden hebben de komende drie jaar geen openingstijd.',
  },
  not_awaiting_approval: {
    kind: 'conflict',
    en: 'This cost line is {state}; there is nothing to decide.',
    nl: 'Deze kostenregel wacht niet op een beslissing.',
  },
  already_answered: {
    kind: 'conflict',
    en: 'This question has already been answered.',
    nl: 'Deze vraag is al beantwoord.',
  },
  already_given: {
    kind: 'conflict',
    en: 'You have already given kudos for this step.',
    nl: 'U gaf al een pluim voor deze stap.',
  },
  already_rated: {
    kind: 'conflict',
    en: 'This person has already been rated for this job.',
    nl: 'Deze persoon is voor deze opdracht al beoordeeld.',
  },
  feedback_given: {
    kind: 'conflict',
    en: 'You have already told us how we did on this job. Thank you!',
    nl: 'U liet ons al weten hoe we het deden bij deze opdracht. Dank u!',
  },
  follow_up_done: {
    kind: 'conflict',
    en: 'This follow-up has already been marked done.',
    nl: 'Deze opvolging is al afgerond.',
  },
  job_not_done: {
    kind: 'conflict',
    en: 'A job can be rated once it is done.',
    nl: 'Een opdracht kan worden beoordeeld zodra ze klaar is.',
  },
  email_taken: {
    kind: 'conflict',
    en: 'This email address already has an account. Sign in instead.',
    nl: 'Dit e-mailadres heeft al een account. Meld u aan.',
  },
  last_admin: {
    kind: 'conflict',
    en: 'The organisation needs at least one active admin.',
    nl: 'De organisatie heeft minstens één actieve beheerder nodig.',
  },
  reset_link_invalid: {
    kind: 'invalid',
    en: 'This link has expired or has been used already. Ask for a new one.',
    nl: 'Deze link is verlopen of al gebruikt. Vraag een nieuwe aan.',
  },
  sms_no_number: {
    kind: 'conflict',
    en: 'This job has no mobile number a text message can go to.',
    nl: 'Deze opdracht heeft geen mobiel nummer waar een sms naartoe kan.',
  },
  sms_number_failing: {
    kind: 'conflict',
    en: 'Text messages to this number failed for good. Check the number with the customer.',
    nl: 'Sms’jes naar dit nummer mislukten definitief. Controleer het nummer met de klant.',
  },
  sms_just_sent: {
    kind: 'conflict',
    en: 'The tracker link was sent by text less than a minute ago.',
    nl: 'De volglink is minder dan een minuut geleden per sms verstuurd.',
  },
  sms_no_link: {
    kind: 'conflict',
    en: 'This job has no link to send yet. Make a new one first.',
    nl: 'Deze opdracht heeft nog geen link om te versturen. Maak eerst een nieuwe.',
  },

  // One field's value (the API answers these as `invalid_input`, naming the field)
  required: { kind: 'invalid', en: 'Fill this in.', nl: 'Vul dit in.' },
  too_short: { kind: 'invalid', en: 'At least {min}.', nl: 'Minstens {min}.' },
  too_long: { kind: 'invalid', en: 'At most {max} characters.', nl: 'Hoogstens {max} tekens.' },
  too_big: { kind: 'invalid', en: 'At most {max}.', nl: 'Hoogstens {max}.' },
  email_expected: {
    kind: 'invalid',
    en: 'Enter an email address, like name@example.com.',
    nl: 'Vul een e-mailadres in, zoals naam@voorbeeld.nl.',
  },
  bad_format: {
    kind: 'invalid',
    en: 'This value is not valid here.',
    nl: 'Deze waarde is hier niet geldig.',
  },
  choose_option: { kind: 'invalid', en: 'Choose one of the options.', nl: 'Kies een van de mogelijkheden.' },
  number_expected: { kind: 'invalid', en: 'Enter a number.', nl: 'Vul een getal in.' },
  date_expected: { kind: 'invalid', en: 'Enter a date and time.', nl: 'Vul een datum en tijd in.' },
  colour_expected: {
    kind: 'invalid',
    en: 'Enter a colour like #1d4ed8.',
    nl: 'Vul een kleur in zoals #1d4ed8.',
  },
  vat_rates_format: {
    kind: 'invalid',
    en: 'Enter percentages separated by commas, like 21, 9, 0.',
    nl: 'Vul percentages in, gescheiden door komma’s, zoals 21, 9, 0.',
  },
  vat_rates_missing: {
    kind: 'invalid',
    en: 'Give at least one VAT rate (0 counts).',
    nl: 'Geef minstens één btw-tarief (0 telt ook).',
  },
  unknown_time_zone: { kind: 'invalid', en: 'Unknown time zone.', nl: 'Onbekende tijdzone.' },
  unknown_currency: { kind: 'invalid', en: 'Unknown currency code.', nl: 'Onbekende valutacode.' },
  effort_minutes_range: {
    kind: 'invalid',
    en: 'Enter the minutes it took: a whole number from 1 to {max}.',
    nl: 'Vul in hoeveel minuten het kostte: een heel getal van 1 tot {max}.',
  },
  hourly_rate_range: {
    kind: 'invalid',
    en: 'Enter an hourly rate between 0 and {max}.',
    nl: 'Vul een uurtarief tussen 0 en {max} in.',
  },
  embed_lifetime: {
    kind: 'invalid',
    en: 'Choose between {min} and {max} seconds.',
    nl: 'Kies tussen {min} en {max} seconden.',
  },
  promise_later_needs_reason: {
    kind: 'invalid',
    en: 'A later promise needs a reason the customer reads.',
    nl: 'Een latere belofte heeft een reden nodig die de klant leest.',
  },
  hours_format: {
    kind: 'invalid',
    en: 'Write the hours like 09:00-17:30.',
    nl: 'Schrijf de tijden als 09:00-17:30.',
  },
  hours_all_days: {
    kind: 'invalid',
    en: 'Give the hours of all seven days, Sunday first.',
    nl: 'Geef de tijden van alle zeven dagen, zondag eerst.',
  },
  hours_range: {
    kind: 'invalid',
    en: 'Use times from 00:00 to 24:00 (whole minutes from 0 to 1440).',
    nl: 'Gebruik tijden van 00:00 tot 24:00 (hele minuten van 0 tot 1440).',
  },
  hours_close_before_open: {
    kind: 'invalid',
    en: 'Closing must come after opening.',
    nl: 'Sluiten moet na openen komen.',
  },
  hours_overlap: {
    kind: 'invalid',
    en: 'These opening periods overlap.',
    nl: 'Deze openingsblokken overlappen.',
  },
  hours_none: { kind: 'invalid', en: 'Open on at least one day.', nl: 'Wees op minstens één dag open.' },
  closed_date_format: {
    kind: 'invalid',
    en: 'Write dates like 2026-12-31 (YYYY-MM-DD).',
    nl: 'Schrijf datums als 2026-12-31 (JJJJ-MM-DD).',
  },
  holiday_country_unknown: {
    kind: 'invalid',
    en: 'No public holidays known for this country code.',
    nl: 'Geen feestdagen bekend voor deze landcode.',
  },
  too_many_steps: {
    kind: 'invalid',
    en: 'A workflow has at most {max} steps.',
    nl: 'Een werkwijze heeft hoogstens {max} stappen.',
  },
  too_many_photos: {
    kind: 'invalid',
    en: 'At most {max} photos per note.',
    nl: 'Hoogstens {max} foto’s per bericht.',
  },
  unknown_action: {
    kind: 'invalid',
    api: 'unknown_action',
    en: 'This form was not recognised. Reload the page and try again.',
    nl: 'Dit formulier werd niet herkend. Laad de pagina opnieuw en probeer het nog eens.',
  },
  password_too_short: {
    kind: 'invalid',
    api: 'password_too_short',
    en: 'Use at least {min} characters.',
    nl: 'Gebruik minstens {min} tekens.',
  },
  password_too_long: {
    kind: 'invalid',
    api: 'password_too_long',
    en: 'Use at most {max} characters.',
    nl: 'Gebruik hoogstens {max} tekens.',
  },
  email_in_use: {
    kind: 'invalid',
    en: 'This email address already has an account.',
    nl: 'Dit e-mailadres heeft al een account.',
  },
  cannot_deactivate_self: {
    kind: 'invalid',
    en: 'You cannot deactivate yourself.',
    nl: 'U kunt uzelf niet deactiveren.',
  },
  unknown_step: {
    kind: 'invalid',
    en: 'This is not one of the workflow’s saved steps (or it is named twice). Leave the id out for a new step.',
    nl: 'Dit is geen van de opgeslagen stappen van deze workflow (of hij staat er twee keer in). Laat de id weg voor een nieuwe stap.',
  },
  unknown_role: {
    kind: 'invalid',
    en: 'No role "{role}" in this organisation: choose one from the list of roles, or add it there first.',
    nl: 'Geen rol "{role}" in deze organisatie: kies er een uit de lijst met rollen, of voeg hem daar eerst toe.',
  },
  role_exists: {
    kind: 'conflict',
    en: 'There is already a role called "{role}".',
    nl: 'Er is al een rol met de naam "{role}".',
  },
  role_in_use: {
    kind: 'conflict',
    en: 'This role is still used by {people} people and {steps} workflow steps. Give them another role first.',
    nl: 'Deze rol wordt nog gebruikt door {people} personen en {steps} stappen in werkwijzen. Geef hun eerst een andere rol.',
  },
  no_such_specialist: {
    kind: 'invalid',
    en: 'No such specialist in this organisation: choose someone from your team.',
    nl: 'Kies iemand uit uw team.',
  },
  specialist_deactivated: {
    kind: 'invalid',
    en: 'This specialist has been deactivated.',
    nl: 'Deze persoon is gedeactiveerd.',
  },
  no_such_step: {
    kind: 'invalid',
    en: 'No such step in this job: choose one of its steps.',
    nl: 'Kies een stap van deze opdracht.',
  },
  no_such_workflow: {
    kind: 'invalid',
    en: 'No such workflow in this organisation: choose one of your workflows.',
    nl: 'Kies een van uw werkwijzen.',
  },
  workflow_empty: {
    kind: 'invalid',
    en: 'This workflow has no steps yet. Add them first.',
    nl: 'Deze werkwijze heeft nog geen stappen. Voeg die eerst toe.',
  },
  workflow_or_steps: {
    kind: 'invalid',
    en: 'Give either a workflowId or at least one step, not both: choose a workflow.',
    nl: 'Kies een werkwijze.',
  },
  bad_cursor: {
    kind: 'invalid',
    en: 'Not a cursor this API handed out: start again from the first page.',
    nl: 'Deze paginalink is niet meer geldig. Begin opnieuw bij de eerste pagina.',
  },
  question_empty: { kind: 'invalid', en: 'Write your question first.', nl: 'Schrijf eerst uw vraag.' },
  plain_text_only: {
    kind: 'invalid',
    en: 'Plain text only, please.',
    nl: 'Alleen gewone tekst, graag.',
  },
  channel_not_yours: {
    kind: 'invalid',
    en: 'Customers ask through the tracker; staff record the other channels: choose phone, desk or email.',
    nl: 'Kies telefoon, balie of e-mail.',
  },
  explanation_needed: {
    kind: 'invalid',
    en: 'Explain to the customer why this is needed.',
    nl: 'Leg de klant uit waarom dit nodig is.',
  },
  only_approval_waits: {
    kind: 'invalid',
    en: 'Only a line that asks approval, on a step, can make that step wait.',
    nl: 'Alleen een regel die om akkoord vraagt, bij een stap, kan die stap laten wachten.',
  },
  score_range: { kind: 'invalid', en: 'Give 1 to 5 stars.', nl: 'Geef 1 tot 5 sterren.' },
  score_range_10: {
    kind: 'invalid',
    en: 'Choose a score from 0 to 10.',
    nl: 'Kies een cijfer van 0 tot 10.',
  },
  not_on_job: {
    kind: 'invalid',
    en: 'This person did not work on this job.',
    nl: 'Deze persoon werkte niet aan deze opdracht.',
  },
  nobody_did_step: { kind: 'invalid', en: 'Nobody did this step yet.', nl: 'Niemand deed deze stap nog.' },
  kudos_self: {
    kind: 'invalid',
    en: 'Kudos are for colleagues, not for yourself.',
    nl: 'Een pluim is voor collega’s, niet voor uzelf.',
  },
  file_empty: { kind: 'invalid', en: 'The file is empty.', nl: 'Het bestand is leeg.' },
  image_too_large: {
    kind: 'invalid',
    en: 'The image is larger than {mb} MB.',
    nl: 'De afbeelding is groter dan {mb} MB.',
  },
  image_unreadable: {
    kind: 'invalid',
    en: 'This file is not an image we can read (JPEG, PNG, WebP, HEIC, GIF or AVIF).',
    nl: 'Dit bestand is geen afbeelding die we kunnen lezen (JPEG, PNG, WebP, HEIC, GIF of AVIF).',
  },
  no_such_image: {
    kind: 'invalid',
    en: 'No such image in this organisation: upload the image again.',
    nl: 'Upload de afbeelding opnieuw.',
  },
  date_format: {
    kind: 'invalid',
    en: 'Use a date like 2026-11-23.',
    nl: 'Gebruik een datum als 2026-11-23.',
  },
  date_out_of_range: {
    kind: 'invalid',
    en: 'Choose a date between 2000 and next year.',
    nl: 'Kies een datum tussen 2000 en volgend jaar.',
  },
  period_reversed: {
    kind: 'invalid',
    en: 'The period starts after it ends.',
    nl: 'De periode begint na het einde.',
  },
  period_too_long: {
    kind: 'invalid',
    en: 'A period is at most {max} days.',
    nl: 'Een periode is hooguit {max} dagen.',
  },
  web_address: {
    kind: 'invalid',
    en: 'This is not a web address: write it like https://www.example.com.',
    nl: 'Geen webadres: schrijf het als https://www.voorbeeld.nl.',
  },
  too_many_websites: {
    kind: 'invalid',
    en: 'List at most {max} websites.',
    nl: 'Noem hoogstens {max} websites.',
  },
  booking_move_needs_reason: {
    kind: 'invalid',
    en: 'Say why you move or cancel the customer’s booking: they read it.',
    nl: 'Zeg waarom u de afspraak van de klant verzet of annuleert: de klant leest het.',
  },
  not_a_slot: {
    kind: 'invalid',
    en: 'This is not one of the moments that can be booked. Choose one from the list.',
    nl: 'Dit is geen van de momenten die te boeken zijn. Kies er een uit de lijst.',
  },
  out_of_range: {
    kind: 'invalid',
    en: 'Give a whole number from {min} to {max}.',
    nl: 'Geef een heel getal van {min} tot {max}.',
  },
  postcode_invalid: {
    kind: 'invalid',
    en: 'This is not a valid postcode for country {country}.',
    nl: 'Dit is geen geldige postcode voor land {country}.',
  },
  country_unknown: {
    kind: 'invalid',
    en: 'Unknown country "{country}": give its two-letter code (NL, BE, DE…).',
    nl: 'Onbekend land "{country}": geef de code van twee letters (NL, BE, DE…).',
  },
  house_number_invalid: {
    kind: 'invalid',
    en: 'Give the house number (with an addition if there is one: 12A, 12-3).',
    nl: 'Geef het huisnummer (met toevoeging als die er is: 12A, 12-3).',
  },
  iban_invalid: {
    kind: 'invalid',
    en: 'This IBAN is not right: check the country code, the length and every digit.',
    nl: 'Dit IBAN klopt niet: controleer de landcode, de lengte en elk cijfer.',
  },
  vat_number_invalid: {
    kind: 'invalid',
    en: 'This VAT number is not right: for example NL004495445B01 (country code, number, check digits).',
    nl: 'Dit btw-nummer klopt niet: bijvoorbeeld NL004495445B01 (landcode, nummer, controlecijfers).',
  },
  kvk_invalid: {
    kind: 'invalid',
    en: 'A Chamber of Commerce (KvK) number has eight digits.',
    nl: 'Een KvK-nummer heeft acht cijfers.',
  },
  registration_invalid: {
    kind: 'invalid',
    en: 'Give the registration number as letters and digits (4 to 20).',
    nl: 'Geef het registratienummer als letters en cijfers (4 tot 20).',
  },
  payment_term_invalid: {
    kind: 'invalid',
    en: 'Give the payment term in whole days, 0 to {max}.',
    nl: 'Geef de betaaltermijn in hele dagen, 0 tot {max}.',
  },
  payment_link_invalid: {
    kind: 'invalid',
    en: 'Give an https address with the placeholders amount and reference in braces where the amount and the invoice number go (and optionally currency).',
    nl: 'Geef een https-adres met de plaatshouders amount en reference tussen accolades waar het bedrag en het factuurnummer komen (en eventueel currency).',
  },
  postcode_or_email: {
    kind: 'invalid',
    en: 'Give the postcode or the email address of the job.',
    nl: 'Geef de postcode of het e-mailadres van de opdracht.',
  },
  webhook_url: {
    kind: 'invalid',
    en: 'Enter a full URL, like https://example.com/hooks/open-kitchen.',
    nl: 'Vul een volledige URL in, zoals https://voorbeeld.nl/hooks/open-kitchen.',
  },
  webhook_protocol: {
    kind: 'invalid',
    en: 'Use an http or https URL.',
    nl: 'Gebruik een http- of https-URL.',
  },
  webhook_password: {
    kind: 'invalid',
    en: 'Put no password in the URL; check the signature instead.',
    nl: 'Zet geen wachtwoord in de URL; controleer de handtekening.',
  },
  webhook_event_types: {
    kind: 'invalid',
    en: 'Use event types like step.started or step.*.',
    nl: 'Gebruik soorten zoals step.started of step.*.',
  },
  push_endpoint: {
    kind: 'invalid',
    en: 'Not a push endpoint: this browser gave an unusable push address.',
    nl: 'Deze browser gaf een onbruikbaar pushadres.',
  },
  push_key: {
    kind: 'invalid',
    en: 'Not a P-256 public key: this browser gave an unusable push key.',
    nl: 'Deze browser gaf een onbruikbare pushsleutel.',
  },
  not_your_turn: {
    kind: 'conflict',
    en: 'This is a question for the customer; the customer answers it.',
    nl: 'Dit is een vraag aan de klant; de klant beantwoordt hem.',
  },
  not_asked_of_you: {
    kind: 'conflict',
    en: 'This is not a question the team asked you.',
    nl: 'Dit is geen vraag die het team u stelde.',
  },

  // Inbound mail (replies to our messages). Bounces quote the English text.
  reply_address_unknown: {
    kind: 'not_found',
    api: 'reply_address_unknown',
    en: 'This address does not belong to a job. Reply to a message you received, or use the tracker link.',
    nl: 'Dit adres hoort niet bij een opdracht. Beantwoord een bericht dat u kreeg, of gebruik de volglink.',
  },
  reply_address_forged: {
    kind: 'forbidden',
    en: 'This reply address is not one we gave out; the message was not delivered.',
    nl: 'Dit antwoordadres hebben wij niet uitgegeven; het bericht is niet afgeleverd.',
  },
  reply_address_expired: {
    kind: 'invalid',
    api: 'reply_address_expired',
    en: 'This reply address has expired. Please use the tracker link to ask your question.',
    nl: 'Dit antwoordadres is verlopen. Stel uw vraag via de volglink.',
  },
  mail_unreadable: {
    kind: 'invalid',
    api: 'mail_unreadable',
    en: 'The message could not be read as an email (RFC 5322).',
    nl: 'Het bericht kon niet als e-mail (RFC 5322) gelezen worden.',
  },
  mail_too_large: {
    kind: 'invalid',
    api: 'mail_too_large',
    en: 'The message is larger than {mb} MB.',
    nl: 'Het bericht is groter dan {mb} MB.',
  },
  too_many_attachments: {
    kind: 'invalid',
    api: 'too_many_attachments',
    en: 'The message has more than {max} attachments.',
    nl: 'Het bericht heeft meer dan {max} bijlagen.',
  },
  mail_empty: {
    kind: 'invalid',
    api: 'mail_empty',
    en: 'The message has no text of its own (only quoted text or a signature).',
    nl: 'Het bericht heeft geen eigen tekst (alleen geciteerde tekst of een handtekening).',
  },
  too_many_mails: {
    kind: 'rate_limited',
    en: 'Too many messages from this address. Try again in {retryAfterSeconds} seconds.',
    nl: 'Te veel berichten van dit adres. Probeer het over {retryAfterSeconds} seconden opnieuw.',
  },
  // Documents on a step and the customer's sign-off (docs/decisions/documents.md)
  document_type: {
    kind: 'invalid',
    api: 'unsupported_media_type',
    en: 'Only PDF, JPEG, PNG and WebP files can be attached (checked by their content, not their name).',
    nl: 'Alleen PDF-, JPEG-, PNG- en WebP-bestanden kunnen worden toegevoegd (gecontroleerd op inhoud, niet op naam).',
  },
  document_too_large: {
    kind: 'invalid',
    en: 'The file is larger than {mb} MB.',
    nl: 'Het bestand is groter dan {mb} MB.',
  },
  document_active_content: {
    kind: 'invalid',
    en: 'This PDF contains scripts, automatic actions or embedded files, which we do not accept. Print it to a new PDF and upload that.',
    nl: 'Deze PDF bevat scripts, automatische acties of ingesloten bestanden; die nemen we niet aan. Druk hem af naar een nieuwe PDF en upload die.',
  },
  document_unreadable: {
    kind: 'invalid',
    en: 'The file could not be read: it is damaged, or its picture is too large.',
    nl: 'Het bestand kon niet worden gelezen: het is beschadigd, of de afbeelding is te groot.',
  },
  document_hidden: {
    kind: 'conflict',
    en: 'The customer cannot see this document: make it visible before asking for their sign-off.',
    nl: 'De klant kan dit document niet zien: maak het zichtbaar voordat u om akkoord vraagt.',
  },
  signoff_not_open: {
    kind: 'conflict',
    en: 'This sign-off is no longer open.',
    nl: 'Dit akkoord staat niet meer open.',
  },
  consult_changed: {
    kind: 'conflict',
    en: 'The price or terms of this consult changed since you opened the page. Read them again, then decide.',
    nl: 'De prijs of voorwaarden van dit consult zijn veranderd sinds u de pagina opende. Lees ze opnieuw en beslis dan.',
  },
  signoff_changed: {
    kind: 'conflict',
    en: 'What you were asked to approve has changed since you opened it. Read it again, then decide.',
    nl: 'Wat u moest goedkeuren is veranderd sinds u het opende. Lees het opnieuw en beslis dan.',
  },
  no_estimate: {
    kind: 'conflict',
    en: 'There are no estimate lines to approve.',
    nl: 'Er zijn geen geschatte kostenregels om goed te keuren.',
  },
  document_title_needed: {
    kind: 'invalid',
    en: 'Give the document a title of at most {max} characters.',
    nl: 'Geef het document een titel van hoogstens {max} tekens.',
  },
  too_many_documents: {
    kind: 'conflict',
    en: 'A job holds at most {max} documents.',
    nl: 'Een opdracht heeft hoogstens {max} documenten.',
  },
  too_many_versions: {
    kind: 'conflict',
    en: 'A document keeps at most {max} versions: add a new document instead.',
    nl: 'Een document bewaart hoogstens {max} versies: voeg in plaats daarvan een nieuw document toe.',
  },
  translations_json: {
    kind: 'invalid',
    en: 'Send the translations as a JSON object with a title per language (nl, en).',
    nl: 'Stuur de vertalingen als JSON-object met een titel per taal (nl, en).',
  },
  document_changed: {
    kind: 'conflict',
    en: 'Someone else changed this document at the same moment. Try again.',
    nl: 'Iemand anders wijzigde dit document op hetzelfde moment. Probeer het opnieuw.',
  },
  signer_name_needed: {
    kind: 'invalid',
    en: 'Type your full name to sign.',
    nl: 'Typ uw volledige naam om te ondertekenen.',
  },
  decline_reason_needed: {
    kind: 'invalid',
    en: 'Say why you decline, so we know what to change.',
    nl: 'Zeg waarom u niet akkoord gaat, zodat we weten wat we moeten aanpassen.',
  },
  push_secret: {
    kind: 'invalid',
    en: 'Not a 16-byte secret: this browser gave an unusable push secret.',
    nl: 'Deze browser gaf een onbruikbaar pushgeheim.',
  },
} as const satisfies Record<string, Entry>;

export type ErrorCode = keyof typeof ERRORS;
export type KindOf<C extends ErrorCode> = (typeof ERRORS)[C]['kind'];
/** The codes of one kind, e.g. `CodeOf<'invalid'>` for what `invalid(field, code)` accepts. */
export type CodeOf<K extends ErrorKind> = { [C in ErrorCode]: KindOf<C> extends K ? C : never }[ErrorCode];

type Placeholders<S extends string> = S extends `${string}{${infer P}}${infer Rest}`
  ? P | Placeholders<Rest>
  : never;
/** The parameters a code's message needs, read from its English template: a missing one is a type error. */
export type ErrorParams<C extends ErrorCode> = { [P in Placeholders<(typeof ERRORS)[C]['en']>]: Param<P> };
type Param<P> = P extends 'what' ? Resource : string | number;

/** What `not_found` can name, in both languages. */
export const RESOURCES = {
  job: { en: 'job', nl: 'opdracht' },
  step: { en: 'step', nl: 'stap' },
  'cost line': { en: 'cost line', nl: 'kostenregel' },
  question: { en: 'question', nl: 'vraag' },
  workflow: { en: 'workflow', nl: 'werkwijze' },
  specialist: { en: 'specialist', nl: 'specialist' },
  role: { en: 'role', nl: 'rol' },
  organisation: { en: 'organisation', nl: 'organisatie' },
  invitation: { en: 'invitation', nl: 'uitnodiging' },
  tracker: { en: 'tracker', nl: 'tracker' },
  'API key': { en: 'API key', nl: 'API-sleutel' },
  'webhook endpoint': { en: 'webhook endpoint', nl: 'webhook-endpoint' },
  delivery: { en: 'delivery', nl: 'bezorging' },
  route: { en: 'route', nl: 'route' },
  image: { en: 'image', nl: 'afbeelding' },
  'email message': { en: 'email message', nl: 'e-mailbericht' },
  'follow-up': { en: 'follow-up', nl: 'opvolging' },
  invoice: { en: 'invoice', nl: 'factuur' },
  document: { en: 'document', nl: 'document' },
  'sign-off': { en: 'sign-off', nl: 'akkoord' },
  answer: { en: 'published answer', nl: 'gepubliceerd antwoord' },
  'consult offer': { en: 'consult offer', nl: 'consultaanbod' },
} as const;
export type Resource = keyof typeof RESOURCES;

export const isErrorCode = (code: string): code is ErrorCode => Object.hasOwn(ERRORS, code);

/** A code's message in a locale, its parameters filled in (numbers through Intl, resources translated). */
export function errorText(code: ErrorCode, params: Record<string, unknown>, locale: Locale): string {
  const numbers = new Intl.NumberFormat(locale === 'nl' ? 'nl-NL' : 'en-GB');
  return ERRORS[code][locale].replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    if (typeof value === 'number') return numbers.format(value);
    if (typeof value !== 'string') return whole;
    return name === 'what' && Object.hasOwn(RESOURCES, value) ? RESOURCES[value as Resource][locale] : value;
  });
}
