import type { Locale, Shape } from './messages';

/** What staff read about email in the console: the outbox and a job's mail state. */
const en = {
  outbox: {
    nav: 'Outbox',
    title: 'Outbox',
    introKept:
      'No mail server is configured (SMTP_URL), so nothing leaves this machine: every message is kept here, as it would have been sent.',
    introSent: 'Email sent to customers and staff, newest first.',
    none: 'No messages yet.',
    when: 'Queued',
    to: 'To',
    subject: 'Subject',
    status: 'Status',
    job: 'Job',
    statuses: { queued: 'Waiting to be sent', sent: 'Sent', failed: 'Failed', kept: 'Kept (not sent)' },
    older: 'Older messages',
    newest: 'Newest messages',
    forJob: 'Messages for job {reference}',
    all: 'All messages',
    back: 'Outbox',
    headers: 'Headers',
    html: 'As the recipient sees it',
    htmlFrame: 'Rendered email: {subject}',
    text: 'Plain-text version',
    attempts: 'Attempts',
    lastError: 'Last error',
    sentAt: 'Sent',
  },
  job: {
    heading: 'Email',
    failing: 'Email to {address} fails: {reason}. Nothing more is sent to it until you try again.',
    failingSince: 'Since {when}.',
    retry: 'Try this address again',
    cleared: 'Email to this address will be tried again.',
    messages: 'Messages sent about this job',
  },
  workflow: { notify: 'Email the customer when this step starts and finishes' },
};

const nl: Shape<typeof en> = {
  outbox: {
    nav: 'Uitgaande mail',
    title: 'Uitgaande mail',
    introKept:
      'Er is geen mailserver ingesteld (SMTP_URL), dus er verlaat niets deze machine: elk bericht wordt hier bewaard, zoals het verstuurd zou zijn.',
    introSent: 'E-mail aan klanten en medewerkers, nieuwste eerst.',
    none: 'Nog geen berichten.',
    when: 'Klaargezet',
    to: 'Aan',
    subject: 'Onderwerp',
    status: 'Status',
    job: 'Opdracht',
    statuses: {
      queued: 'Wacht op verzending',
      sent: 'Verstuurd',
      failed: 'Mislukt',
      kept: 'Bewaard (niet verstuurd)',
    },
    older: 'Oudere berichten',
    newest: 'Nieuwste berichten',
    forJob: 'Berichten voor opdracht {reference}',
    all: 'Alle berichten',
    back: 'Uitgaande mail',
    headers: 'Kopregels',
    html: 'Zoals de ontvanger het ziet',
    htmlFrame: 'Opgemaakte e-mail: {subject}',
    text: 'Versie in platte tekst',
    attempts: 'Pogingen',
    lastError: 'Laatste fout',
    sentAt: 'Verstuurd',
  },
  job: {
    heading: 'E-mail',
    failing:
      'E-mail aan {address} mislukt: {reason}. Er wordt niets meer heen gestuurd tot u het opnieuw probeert.',
    failingSince: 'Sinds {when}.',
    retry: 'Dit adres opnieuw proberen',
    cleared: 'E-mail aan dit adres wordt weer geprobeerd.',
    messages: 'Berichten over deze opdracht',
  },
  workflow: { notify: 'De klant e-mailen als deze stap begint en klaar is' },
};

export type MailConsoleMessages = Shape<typeof en>;
export const mailConsoleMessages: Record<Locale, MailConsoleMessages> = { en, nl };

/** What customers and staff read in our email. `{name}` placeholders are filled by `fill`. */
const mailEn = {
  greeting: 'Hello {name},',
  subject: {
    trackerLink: '{org}: follow your job {reference}',
    update: '{org}: news about {title}',
    started: '{org}: {step} has started',
    finished: '{org}: {step} is done',
    promise: '{org}: a new expected time for {title}',
    answer: '{org}: your question is answered',
    approval: '{org}: your approval is needed for {title}',
    done: '{org}: {title} is done',
    staffQuestion: '{reference}: a customer asks a question',
    staffDecision: '{reference}: the customer decided on extra work',
  },
  trackerLink:
    '{org} is working on {title} (reference {reference}). You can follow every step, live, on your own page:',
  trackerButton: 'Follow your job',
  started: '{step} has started.',
  finished: '{step} is done.',
  promise: 'New expected time for {step}: {time}.',
  promiseUnknown: 'The expected time for {step} has changed.',
  answer: '{name} answered your question “{question}”:',
  answerNoName: 'Your question “{question}” was answered:',
  approval: 'Extra work waits for your approval: {item}, {amount}.',
  approvalButton: 'Approve or decline',
  done: '{title} is done. Thank you for your trust.',
  rateAsk: 'How did we do? Rating the people who did the work takes a minute.',
  rateButton: 'Rate the work',
  viewButton: 'See all details',
  replyHint: 'Reply to this email to ask the people doing the work a question.',
  footer:
    'You receive this email because {org} has your address for job {reference}. Choose what you hear about on your job page, or unsubscribe from email about this job:',
  unsubscribe: 'Unsubscribe',
  staffQuestion: 'A customer asks about {reference} ({title}):',
  staffApproved: 'The customer approved {item} on {reference}.',
  staffDeclined: 'The customer declined {item} on {reference}.',
  staffButton: 'Open the job',
  staffFooter: 'You receive this email as a member of the {org} team.',
  unsubscribePage: {
    title: 'Unsubscribe',
    question: 'Stop email about job {reference} at {org}?',
    button: 'Unsubscribe',
    done: 'Done: you will receive no more email about job {reference} from {org}.',
    again: 'You can choose again on your job page.',
    invalid: 'This unsubscribe link is not valid.',
  },
};

const mailNl: Shape<typeof mailEn> = {
  greeting: 'Beste {name},',
  subject: {
    trackerLink: '{org}: volg uw opdracht {reference}',
    update: '{org}: nieuws over {title}',
    started: '{org}: {step} is begonnen',
    finished: '{org}: {step} is klaar',
    promise: '{org}: een nieuwe verwachte tijd voor {title}',
    answer: '{org}: uw vraag is beantwoord',
    approval: '{org}: uw akkoord is nodig voor {title}',
    done: '{org}: {title} is klaar',
    staffQuestion: '{reference}: een klant stelt een vraag',
    staffDecision: '{reference}: de klant besliste over extra werk',
  },
  trackerLink:
    '{org} werkt aan {title} (referentie {reference}). U volgt elke stap, live, op uw eigen pagina:',
  trackerButton: 'Volg uw opdracht',
  started: '{step} is begonnen.',
  finished: '{step} is klaar.',
  promise: 'Nieuwe verwachte tijd voor {step}: {time}.',
  promiseUnknown: 'De verwachte tijd voor {step} is veranderd.',
  answer: '{name} beantwoordde uw vraag “{question}”:',
  answerNoName: 'Uw vraag “{question}” is beantwoord:',
  approval: 'Extra werk wacht op uw akkoord: {item}, {amount}.',
  approvalButton: 'Akkoord geven of weigeren',
  done: '{title} is klaar. Bedankt voor uw vertrouwen.',
  rateAsk: 'Hoe hebben we het gedaan? De mensen die het werk deden beoordelen kost een minuut.',
  rateButton: 'Beoordeel het werk',
  viewButton: 'Bekijk alle details',
  replyHint: 'Beantwoord deze e-mail om de mensen die het werk doen een vraag te stellen.',
  footer:
    'U ontvangt deze e-mail omdat {org} uw adres heeft voor opdracht {reference}. Kies op uw opdrachtpagina waarover u hoort, of meld u af voor e-mail over deze opdracht:',
  unsubscribe: 'Afmelden',
  staffQuestion: 'Een klant vraagt over {reference} ({title}):',
  staffApproved: 'De klant gaf akkoord voor {item} bij {reference}.',
  staffDeclined: 'De klant weigerde {item} bij {reference}.',
  staffButton: 'Open de opdracht',
  staffFooter: 'U ontvangt deze e-mail als lid van het team van {org}.',
  unsubscribePage: {
    title: 'Afmelden',
    question: 'Geen e-mail meer over opdracht {reference} bij {org}?',
    button: 'Afmelden',
    done: 'Gelukt: u ontvangt geen e-mail meer over opdracht {reference} van {org}.',
    again: 'U kunt opnieuw kiezen op uw opdrachtpagina.',
    invalid: 'Deze afmeldlink is niet geldig.',
  },
};

export type MailMessages = Shape<typeof mailEn>;
export const mailMessages: Record<Locale, MailMessages> = { en: mailEn, nl: mailNl };
