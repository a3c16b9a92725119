import type { Locale } from './messages';

/** The email that carries a staff turn back into a customer's email thread (services/customer-voice/thread-mail.ts). */
export const threadMailMessages: Record<
  Locale,
  {
    subject: string;
    askSubject: string;
    answers: string;
    asks: string;
    replyHint: string;
    tracker: string;
    trackerLink: string;
    yourQuestion: string;
  }
> = {
  en: {
    subject: 'Your question about {job}',
    askSubject: 'A question about {job}',
    answers: '{name} answers your question:',
    asks: '{name} has a question for you:',
    replyHint: 'Reply to this email to answer or ask more; it reaches the people doing the work.',
    tracker: 'Follow your job: {url}',
    trackerLink: 'Follow your job',
    yourQuestion: 'Your question',
  },
  nl: {
    subject: 'Uw vraag over {job}',
    askSubject: 'Een vraag over {job}',
    answers: '{name} beantwoordt uw vraag:',
    asks: '{name} heeft een vraag voor u:',
    replyHint:
      'Beantwoord deze e-mail om te antwoorden of meer te vragen; hij komt bij de mensen die het werk doen.',
    tracker: 'Volg uw opdracht: {url}',
    trackerLink: 'Volg uw opdracht',
    yourQuestion: 'Uw vraag',
  },
};
