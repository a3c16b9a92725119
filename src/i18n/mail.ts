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
};

export type MailConsoleMessages = Shape<typeof en>;
export const mailConsoleMessages: Record<Locale, MailConsoleMessages> = { en, nl };
