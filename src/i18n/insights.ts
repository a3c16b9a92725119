import type { Locale, Shape } from './messages';

/** Every string of the insights (console page, CSV, the tracker's promise record), in English and Dutch. */
const en = {
  nav: 'Insights',
  title: 'Insights',
  intro:
    'Where jobs wait, which promises slip and what questions cost: computed from the log of every job. A step counts on the day it finished; a question on the day it was asked.',
  ownOnly: 'Your own figures. Admins see those of the whole organisation.',
  catchingUp: 'Still reading the history: {count} events to go. The figures fill in over the next minutes.',
  period: 'Period',
  from: 'From',
  to: 'To',
  show: 'Show',
  lastDays: 'Last {n} days',
  periodShown: '{from} to {to} ({days} days)',
  badPeriod: 'Choose dates like 2026-11-23, the first not after the last, at most 366 days apart.',
  workflows: 'Workflows',
  adHoc: 'Jobs without a workflow',
  stepN: 'Step {n}',
  jobsSummary:
    '{created} jobs started, {completed} finished, {cancelled} cancelled. Lead time from start to finish: median {median}, 90th percentile {p90}.',
  noData: 'Nothing in this period.',
  median: 'Median',
  p90: '90th percentile',
  chartNote: 'Each bar links to the jobs behind it.',
  measure: {
    jobs: 'Jobs through each step',
    timeInStep: 'Time in the step',
    waitBefore: 'Waiting before the step starts (handoff gap)',
    keptShare: 'Promises kept (finished by the first promise)',
    lateness: 'Average lateness of late steps',
    changedShare: 'Steps whose promise was changed',
    questions: 'Questions per job, by the step they were asked at',
  },
  table: {
    show: 'The numbers as a table',
    step: 'Step',
    jobs: 'Jobs',
    skipped: 'Skipped',
    timeMedian: 'Time in step, median',
    timeP90: 'Time in step, p90',
    waitMedian: 'Waiting before, median',
    waitP90: 'Waiting before, p90',
    promised: 'With a promise',
    kept: 'Kept',
    keptShare: 'Kept share',
    late: 'Late',
    lateness: 'Average lateness',
    changed: 'Promise changed',
    changedShare: 'Changed share',
    questions: 'Questions',
    perJob: 'Per job',
  },
  csv: 'Download as CSV',
  badTable: 'Choose a table: steps, questions or specialists.',
  questions: {
    title: 'Questions',
    summary:
      '{asked} questions ({perJob} per job), {answered} answered. Median time to answer {median}; {inTime} answered within the promised time.',
    cost: "Estimated cost of answering: {cost} ({minutes} of specialists' time × {rate} an hour, set in Settings; effort, not waiting).",
    saved: 'That saved about {minutes} of specialists’ time, {cost}.',
    overTime: 'Questions per job, month by month',
    month: 'Month',
    perJob: 'Per job',
    topStep: 'Asked most at',
    byChannel: 'Questions by channel',
    byStep: 'Questions by the step they were asked at',
    answerTime: 'Median time to answer by channel',
    channel: 'Channel',
    channels: { tracker: 'Tracker', phone: 'Phone', desk: 'Desk', email: 'Email' },
    noStep: 'No step',
    asked: 'Asked',
    answered: 'Answered',
    medianAnswer: 'Median time to answer',
    p90Answer: 'Time to answer, p90',
    inTime: 'Answered in time',
    costLabel: 'Estimated cost',
    deflected: '{count} questions were answered by published answers before they were sent.',
    effortLabel: 'Specialist time',
    deflectedLabel: 'Answered by published answers',
    consults: '{count} paid consults, {revenue} excl. VAT.',
    consultsLabel: 'Paid consults',
    consultRevenueLabel: 'Consult revenue (excl. VAT)',
  },
  bookings: {
    title: 'Bookings',
    intro:
      'Windows customers booked that started in this period: how often they moved and were cancelled, whether the visit came inside the window, and how full the booked slots were.',
    none: 'No bookings in this period.',
    booked: 'Booked',
    moved: 'Moved',
    movedBy: '{customer} by customers, {staff} by staff',
    cancelled: 'Cancelled',
    inside: 'Visits inside the booked window',
    noVisits: 'No visits done yet',
    fill: 'How full the booked slots were',
    full: '{full} of {slots} slots full',
  },
  feedback: {
    title: 'Would customers recommend you?',
    intro:
      'The 0–10 score customers give a finished job. NPS: the share scoring 9–10 minus the share scoring 0–6. Below, per step: the score of jobs where that step finished after its first promise, beside jobs where it was on time.',
    none: 'No feedback in this period yet.',
    workflow: 'Workflow',
    responses: 'Responses',
    average: 'Average score',
    nps: 'NPS',
    whenLate: 'When late',
    whenOnTime: 'When on time',
    scoreOf: '{average} ({count})',
    chart: 'Average score per workflow',
  },
  specialists: {
    title: 'Specialists',
    steps: 'Steps handled per specialist',
    name: 'Name',
    jobs: 'Jobs',
    stepsCol: 'Steps',
    ratings: 'Ratings',
    average: 'Average rating',
    kudos: 'Kudos',
    answers: 'Answers',
    medianAnswer: 'Median time to answer',
  },
  drill: {
    title: 'Jobs behind the figure',
    back: 'Back to the insights',
    total: '{count} found',
    none: 'No jobs match.',
    filter: 'Show',
    filters: {
      all: 'All',
      late: 'Late',
      kept: 'Promise kept',
      changed: 'Promise changed',
      skipped: 'Skipped',
      unanswered: 'Not answered',
    },
    job: 'Job',
    ready: 'Ready',
    started: 'Started',
    finished: 'Finished',
    wait: 'Waited',
    time: 'Took',
    promised: 'First promise',
    late: 'Late by',
    changes: 'Promise changes',
    asked: 'Asked',
    answered: 'Answered',
    answerTime: 'Time to answer',
    inTime: 'In time',
    yes: 'yes',
    no: 'no',
    previous: 'Previous page',
    next: 'Next page',
    pages: 'Pages',
  },
  settings: {
    title: 'Insights',
    hourlyRate: 'Hourly rate, to estimate what answering questions costs',
    questionMinutes: 'Minutes a question takes when none were entered or measured',
    questionMinutesHint:
      'Per channel. A question typed on the tracker or by email counts from when a specialist opened it in the console to the answer (up to 30 minutes); a phone or desk question counts the minutes entered with it.',
    showPromiseRecord: 'Show customers our record of kept promises on the tracker (last 90 days)',
  },
  tracker: {
    promiseRecord: '{share} of steps finished by the promised time, last {days} days',
  },
  empty: '–',
};

const nl: Shape<typeof en> = {
  nav: 'Inzichten',
  title: 'Inzichten',
  intro:
    'Waar opdrachten wachten, welke beloftes verschuiven en wat vragen kosten: berekend uit het logboek van elke opdracht. Een stap telt op de dag dat hij klaar was; een vraag op de dag dat hij gesteld werd.',
  ownOnly: 'Uw eigen cijfers. Beheerders zien die van de hele organisatie.',
  catchingUp:
    'De geschiedenis wordt nog gelezen: nog {count} gebeurtenissen. De cijfers vullen zich de komende minuten aan.',
  period: 'Periode',
  from: 'Van',
  to: 'Tot en met',
  show: 'Tonen',
  lastDays: 'Laatste {n} dagen',
  periodShown: '{from} tot en met {to} ({days} dagen)',
  badPeriod: 'Kies datums als 2026-11-23, de eerste niet na de laatste, hooguit 366 dagen uit elkaar.',
  workflows: 'Werkwijzen',
  adHoc: 'Opdrachten zonder werkwijze',
  stepN: 'Stap {n}',
  jobsSummary:
    '{created} opdrachten begonnen, {completed} afgerond, {cancelled} geannuleerd. Doorlooptijd van begin tot eind: mediaan {median}, 90e percentiel {p90}.',
  noData: 'Niets in deze periode.',
  median: 'Mediaan',
  p90: '90e percentiel',
  chartNote: 'Elke balk linkt naar de opdrachten erachter.',
  measure: {
    jobs: 'Opdrachten per stap',
    timeInStep: 'Tijd in de stap',
    waitBefore: 'Wachten voordat de stap begint (overdracht)',
    keptShare: 'Beloftes nagekomen (klaar vóór de eerste belofte)',
    lateness: 'Gemiddelde vertraging van te late stappen',
    changedShare: 'Stappen waarvan de belofte veranderde',
    questions: 'Vragen per opdracht, per stap waarbij ze gesteld werden',
  },
  table: {
    show: 'De cijfers als tabel',
    step: 'Stap',
    jobs: 'Opdrachten',
    skipped: 'Overgeslagen',
    timeMedian: 'Tijd in stap, mediaan',
    timeP90: 'Tijd in stap, p90',
    waitMedian: 'Wachten ervoor, mediaan',
    waitP90: 'Wachten ervoor, p90',
    promised: 'Met belofte',
    kept: 'Nagekomen',
    keptShare: 'Aandeel nagekomen',
    late: 'Te laat',
    lateness: 'Gemiddelde vertraging',
    changed: 'Belofte veranderd',
    changedShare: 'Aandeel veranderd',
    questions: 'Vragen',
    perJob: 'Per opdracht',
  },
  csv: 'Downloaden als CSV',
  badTable: 'Kies een tabel: steps, questions of specialists.',
  questions: {
    title: 'Vragen',
    summary:
      '{asked} vragen ({perJob} per opdracht), {answered} beantwoord. Mediane tijd tot antwoord {median}; {inTime} binnen de beloofde tijd beantwoord.',
    cost: 'Geschatte kosten van het beantwoorden: {cost} ({minutes} tijd van specialisten × {rate} per uur, in te stellen bij Instellingen; moeite, geen wachttijd).',
    saved: 'Dat bespaarde ongeveer {minutes} tijd van specialisten, {cost}.',
    overTime: 'Vragen per opdracht, per maand',
    month: 'Maand',
    perJob: 'Per opdracht',
    topStep: 'Het meest gevraagd bij',
    byChannel: 'Vragen per kanaal',
    byStep: 'Vragen per stap waarbij ze gesteld werden',
    answerTime: 'Mediane tijd tot antwoord per kanaal',
    channel: 'Kanaal',
    channels: { tracker: 'Volgpagina', phone: 'Telefoon', desk: 'Balie', email: 'E-mail' },
    noStep: 'Geen stap',
    asked: 'Gesteld',
    answered: 'Beantwoord',
    medianAnswer: 'Mediane tijd tot antwoord',
    p90Answer: 'Tijd tot antwoord, p90',
    inTime: 'Op tijd beantwoord',
    costLabel: 'Geschatte kosten',
    deflected: '{count} vragen werden beantwoord door gepubliceerde antwoorden voordat ze gesteld werden.',
    effortLabel: 'Tijd van specialisten',
    deflectedLabel: 'Beantwoord door gepubliceerde antwoorden',
    consults: '{count} betaalde consulten, {revenue} excl. btw.',
    consultsLabel: 'Betaalde consulten',
    consultRevenueLabel: 'Opbrengst consulten (excl. btw)',
  },
  bookings: {
    title: 'Afspraken',
    intro:
      'Tijdvakken die klanten boekten en die in deze periode begonnen: hoe vaak ze verzet en geannuleerd werden, of het bezoek binnen het tijdvak kwam, en hoe vol de geboekte tijdvakken waren.',
    none: 'Geen afspraken in deze periode.',
    booked: 'Geboekt',
    moved: 'Verzet',
    movedBy: '{customer} door klanten, {staff} door medewerkers',
    cancelled: 'Geannuleerd',
    inside: 'Bezoeken binnen het geboekte tijdvak',
    noVisits: 'Nog geen bezoeken gedaan',
    fill: 'Hoe vol de geboekte tijdvakken waren',
    full: '{full} van {slots} tijdvakken vol',
  },
  feedback: {
    title: 'Zouden klanten u aanbevelen?',
    intro:
      'Het cijfer van 0 tot 10 dat klanten een afgeronde opdracht geven. NPS: het aandeel met 9–10 min het aandeel met 0–6. Daaronder per stap: het cijfer van opdrachten waarin die stap later klaar was dan eerst beloofd, naast opdrachten waarin ze op tijd was.',
    none: 'Nog geen feedback in deze periode.',
    workflow: 'Werkwijze',
    responses: 'Reacties',
    average: 'Gemiddeld cijfer',
    nps: 'NPS',
    whenLate: 'Als te laat',
    whenOnTime: 'Als op tijd',
    scoreOf: '{average} ({count})',
    chart: 'Gemiddeld cijfer per werkwijze',
  },
  specialists: {
    title: 'Specialisten',
    steps: 'Afgeronde stappen per specialist',
    name: 'Naam',
    jobs: 'Opdrachten',
    stepsCol: 'Stappen',
    ratings: 'Beoordelingen',
    average: 'Gemiddelde beoordeling',
    kudos: 'Kudos',
    answers: 'Antwoorden',
    medianAnswer: 'Mediane tijd tot antwoord',
  },
  drill: {
    title: 'Opdrachten achter het cijfer',
    back: 'Terug naar de inzichten',
    total: '{count} gevonden',
    none: 'Geen opdrachten gevonden.',
    filter: 'Tonen',
    filters: {
      all: 'Alle',
      late: 'Te laat',
      kept: 'Belofte nagekomen',
      changed: 'Belofte veranderd',
      skipped: 'Overgeslagen',
      unanswered: 'Niet beantwoord',
    },
    job: 'Opdracht',
    ready: 'Klaar om te beginnen',
    started: 'Begonnen',
    finished: 'Klaar',
    wait: 'Gewacht',
    time: 'Duurde',
    promised: 'Eerste belofte',
    late: 'Te laat met',
    changes: 'Beloftewijzigingen',
    asked: 'Gesteld',
    answered: 'Beantwoord',
    answerTime: 'Tijd tot antwoord',
    inTime: 'Op tijd',
    yes: 'ja',
    no: 'nee',
    previous: 'Vorige pagina',
    next: 'Volgende pagina',
    pages: 'Pagina’s',
  },
  settings: {
    title: 'Inzichten',
    hourlyRate: 'Uurtarief, om te schatten wat het beantwoorden van vragen kost',
    questionMinutes: 'Minuten die een vraag kost als er niets is ingevuld of gemeten',
    questionMinutesHint:
      'Per kanaal. Een vraag via de volgpagina of e-mail telt vanaf het moment dat een specialist hem in de console opende tot het antwoord (tot 30 minuten); een vraag per telefoon of aan de balie telt de ingevulde minuten.',
    showPromiseRecord:
      'Laat klanten op de volgpagina zien hoe vaak we onze beloftes nakomen (laatste 90 dagen)',
  },
  tracker: {
    promiseRecord: '{share} van de stappen klaar op de beloofde tijd, laatste {days} dagen',
  },
  empty: '–',
};

export type InsightMessages = Shape<typeof en>;
export const insightMessages: Record<Locale, InsightMessages> = { en, nl };

const tags = { nl: 'nl-NL', en: 'en-GB' } as const;

/** Durations for figures: 0 stays 0 (a handoff gap may be none), whole minutes up to 90, then hours, then days. */
export function durationFormatter(locale: Locale) {
  const unit = (u: 'minute' | 'hour' | 'day', digits: number) =>
    new Intl.NumberFormat(tags[locale], {
      style: 'unit',
      unit: u,
      unitDisplay: 'short',
      maximumFractionDigits: digits,
    });
  const minutes = unit('minute', 0);
  const hours = unit('hour', 1);
  const days = unit('day', 1);
  return (ms: number | null | undefined): string => {
    if (ms === null || ms === undefined) return '–';
    const m = ms / 60_000;
    if (m < 90) return minutes.format(Math.round(m));
    if (m < 36 * 60) return hours.format(m / 60);
    return days.format(m / 1440);
  };
}

export function shareFormatter(locale: Locale) {
  const percent = new Intl.NumberFormat(tags[locale], { style: 'percent', maximumFractionDigits: 0 });
  return (value: number | null | undefined) =>
    value === null || value === undefined ? '–' : percent.format(value);
}

export function numberFormatter(locale: Locale) {
  const number = new Intl.NumberFormat(tags[locale], { maximumFractionDigits: 2 });
  return (value: number | null | undefined) =>
    value === null || value === undefined ? '–' : number.format(value);
}
