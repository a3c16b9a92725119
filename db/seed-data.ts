import type { CostLineInput } from '../src/services/cost-lines';
import type { WorkflowInput } from '../src/services/directory';
import type { organisations, specialists } from './schema';

/** A step of a demo job's history: what happens, how many minutes after the previous action. */
export type Action = { after?: number; step?: number } & (
  | { do: 'start' | 'finish' | 'skip' }
  | { do: 'block'; reason: string }
  | { do: 'assign'; who?: string }
  | { do: 'promise'; inMinutes: number; reason?: string }
  | { do: 'note'; text: string; who?: string; internal?: boolean }
  | { do: 'cost'; line: Omit<CostLineInput, 'stepId' | 'specialistId'>; who?: string; name?: string }
  | { do: 'settle'; name: string; patch?: Partial<Pick<CostLineInput, 'quantityMilli' | 'unitPriceCents'>> }
);

export type DemoJob = {
  reference: string;
  title: string;
  locale: 'nl' | 'en' | null;
  customer: { name: string; email?: string; phone?: string; postcode?: string };
  workflow: number;
  startedMinutesAgo: number;
  script: Action[];
};

type DemoOrganisation = {
  organisation: Omit<typeof organisations.$inferInsert, 'id' | 'createdAt'> & { slug: string; name: string };
  team: (Omit<typeof specialists.$inferInsert, 'id' | 'organisationId' | 'createdAt'> & { key: string })[];
  workflows: WorkflowInput[];
  jobs: DemoJob[];
};

const hours = (h: number) => h * 60;
const labour = (description: string, quantity: number, euros: number) =>
  ({
    kind: 'labour',
    description,
    quantityMilli: quantity * 1000,
    unitPriceCents: euros * 100,
    vatRateBp: 2100,
    state: 'estimate',
  }) as const;
const part = (
  description: string,
  quantity: number,
  cents: number,
  state: 'estimate' | 'actual' = 'estimate',
) =>
  ({
    kind: 'part',
    description,
    quantityMilli: quantity * 1000,
    unitPriceCents: cents,
    vatRateBp: 2100,
    state,
  }) as const;

export const demoOrganisations: DemoOrganisation[] = [
  {
    organisation: {
      slug: 'garage-van-dijk',
      name: 'Garage Van Dijk',
      brandColor: '#b45309',
      defaultLocale: 'nl',
      timeZone: 'Europe/Amsterdam',
      currency: 'EUR',
    },
    team: [
      {
        key: 'kees',
        name: 'Kees van Dijk',
        role: 'Werkplaatschef',
        permission: 'admin',
        bio: 'Runt de werkplaats sinds 1998 en weet van elke klant welke auto er voor de deur staat.',
        expertise: ['planning', 'diagnose'],
      },
      {
        key: 'fatima',
        name: 'Fatima El Amrani',
        role: 'APK-keurmeester',
        bio: 'Erkend keurmeester voor personen- en bestelauto’s. Legt graag uit wat ze ziet.',
        expertise: ['APK', 'remmen', 'verlichting'],
      },
      {
        key: 'jan',
        name: 'Jan de Boer',
        role: 'Monteur',
        bio: 'Twintig jaar onder de motorkap, specialist in Volkswagen en Škoda.',
        expertise: ['VAG', 'distributieriem', 'airco'],
      },
      {
        key: 'tom',
        name: 'Tom Hendriks',
        role: 'Monteur',
        bio: 'Hybride- en EV-gecertificeerd (IVS 3). Answers in English too.',
        expertise: ['hybride', 'elektrisch', 'diagnose'],
      },
    ],
    workflows: [
      {
        name: 'APK en onderhoud',
        steps: [
          {
            title: 'Intake',
            description: 'We nemen uw auto in ontvangst en noteren uw wensen.',
            defaultRole: 'Werkplaatschef',
            expectedMinutes: 20,
          },
          {
            title: 'APK-keuring',
            description: 'De keurmeester controleert uw auto volgens de RDW-eisen.',
            defaultRole: 'APK-keurmeester',
            expectedMinutes: 60,
          },
          {
            title: 'Onderhoud en reparatie',
            description: 'Olie, filters en wat er verder nodig is.',
            defaultRole: 'Monteur',
            expectedMinutes: 120,
          },
          { title: 'Proefrit en eindcontrole', defaultRole: 'Werkplaatschef', expectedMinutes: 20 },
          {
            title: 'Klaar voor ophalen',
            description: 'U kunt uw auto ophalen tot 18:00.',
            expectedMinutes: 10,
          },
        ],
      },
    ],
    jobs: [
      {
        reference: 'WO-2026-0142',
        title: 'APK + grote beurt, VW Golf (2017)',
        locale: 'nl',
        customer: {
          name: 'Sanne de Vries',
          email: 'sanne.devries@example.nl',
          phone: '06 12345678',
          postcode: '3511 AB',
        },
        workflow: 0,
        startedMinutesAgo: hours(3),
        script: [
          { do: 'start', step: 0, after: 2 },
          {
            do: 'note',
            step: 0,
            who: 'kees',
            text: 'Auto staat binnen. Kilometerstand **84.210**. U vroeg ook naar een piepende rem rechtsvoor; dat nemen we mee.',
          },
          { do: 'finish', step: 0, after: 12 },
          { do: 'start', step: 1, after: 8 },
          { do: 'cost', step: 1, who: 'fatima', line: { ...labour('APK-keuring', 1, 49), state: 'actual' } },
          {
            do: 'note',
            step: 1,
            after: 35,
            who: 'fatima',
            text: 'Remschijven voor zijn **onder de minimumdikte** (20,1 mm, minimum 21 mm). Zonder vervanging keur ik de auto af. Verder alles in orde.',
          },
          {
            do: 'note',
            step: 1,
            who: 'fatima',
            internal: true,
            text: 'Klant is vaste klant, remmen met 10% korting op onderdelen aanbieden.',
          },
          { do: 'finish', step: 1, after: 10 },
          { do: 'start', step: 2, after: 5 },
          {
            do: 'promise',
            step: 2,
            inMinutes: 150,
            reason: 'Remschijven worden vanmiddag geleverd door onze leverancier.',
          },
          {
            do: 'cost',
            step: 2,
            who: 'jan',
            name: 'service',
            line: labour('Grote beurt (olie, filters, controle)', 2, 89),
          },
          { do: 'cost', step: 2, name: 'discs', line: part('Remschijven + blokken voor (ATE)', 1, 21450) },
          { do: 'cost', step: 2, who: 'jan', line: labour('Remschijven en blokken vervangen', 1.5, 89) },
          {
            do: 'cost',
            step: 2,
            line: {
              kind: 'discount',
              description: 'Vaste-klantkorting onderdelen',
              quantityMilli: 1000,
              unitPriceCents: 2145,
              vatRateBp: 2100,
              state: 'estimate',
            },
          },
          { do: 'settle', step: 2, name: 'service', after: 40, patch: { quantityMilli: 2500 } },
          {
            do: 'note',
            step: 2,
            who: 'jan',
            text: 'Olie en filters zijn vervangen. Het duurde iets langer: de carterplug zat muurvast. Nu wachten op de remschijven.',
          },
        ],
      },
      {
        reference: 'WO-2026-0143',
        title: 'Hybrid service, Toyota C-HR',
        locale: 'en',
        customer: { name: 'James Whitfield', email: 'james.whitfield@example.com', postcode: '3584 CS' },
        workflow: 0,
        startedMinutesAgo: hours(26),
        script: [
          { do: 'start', step: 0 },
          { do: 'finish', step: 0, after: 15 },
          { do: 'skip', step: 1, after: 5 },
          { do: 'assign', step: 2, who: 'tom' },
          { do: 'start', step: 2, after: 10 },
          {
            do: 'note',
            step: 2,
            after: 60,
            who: 'tom',
            text: 'Hybrid system check done: battery health **94%**, no fault codes. Replacing the cabin filter, it was very dusty.',
          },
          {
            do: 'cost',
            step: 2,
            who: 'tom',
            line: { ...labour('Hybrid service', 1.5, 95), state: 'actual' },
          },
          { do: 'cost', step: 2, line: part('Cabin filter', 1, 2895, 'actual') },
          { do: 'finish', step: 2, after: 20 },
          { do: 'start', step: 3, after: 5 },
          { do: 'finish', step: 3, after: 25 },
          { do: 'start', step: 4, after: 1 },
          {
            do: 'note',
            step: 4,
            who: 'kees',
            text: 'All done. Your car is parked out front, keys at the desk.',
          },
          { do: 'finish', step: 4, after: 90 },
        ],
      },
      {
        reference: 'WO-2026-0150',
        title: 'Airco werkt niet, Škoda Octavia',
        locale: null,
        customer: { name: 'Ahmed Yilmaz', phone: '06 98765432', postcode: '3521 CD' },
        workflow: 0,
        startedMinutesAgo: 10,
        script: [],
      },
    ],
  },
  {
    organisation: {
      slug: 'bakker-de-wit',
      name: 'Bakker & De Wit Notarissen',
      brandColor: '#1e3a8a',
      defaultLocale: 'nl',
      timeZone: 'Europe/Amsterdam',
      currency: 'EUR',
    },
    team: [
      {
        key: 'marieke',
        name: 'mr. Marieke Bakker',
        role: 'Notaris',
        permission: 'admin',
        bio: 'Notaris in Utrecht sinds 2009; familierecht en nalatenschappen.',
        expertise: ['testament', 'levenstestament', 'nalatenschap'],
      },
      {
        key: 'daan',
        name: 'mr. Daan de Wit',
        role: 'Kandidaat-notaris',
        bio: 'Bereidt uw akte voor en is uw eerste aanspreekpunt voor vragen.',
        expertise: ['testament', 'samenlevingscontract'],
      },
      {
        key: 'lotte',
        name: 'Lotte Visser',
        role: 'Notarieel medewerker',
        bio: 'Plant uw afspraken en zorgt dat alle stukken op tijd klaarliggen.',
        expertise: ['planning', 'registers'],
      },
    ],
    workflows: [
      {
        name: 'Testament',
        steps: [
          {
            title: 'Intakegesprek',
            description: 'We bespreken uw wensen en uw familiesituatie.',
            defaultRole: 'Kandidaat-notaris',
            expectedMinutes: 60 * 24 * 3,
          },
          {
            title: 'Concept opstellen',
            description: 'We schrijven uw testament uit in een conceptakte.',
            defaultRole: 'Kandidaat-notaris',
            expectedMinutes: 60 * 24 * 7,
          },
          {
            title: 'Concept ter controle bij u',
            description: 'U leest het concept en geeft opmerkingen door.',
            defaultRole: 'Notarieel medewerker',
            expectedMinutes: 60 * 24 * 7,
          },
          {
            title: 'Ondertekening',
            description: 'U tekent de akte bij de notaris op kantoor.',
            defaultRole: 'Notaris',
            expectedMinutes: 60 * 24 * 5,
          },
          {
            title: 'Registratie',
            description: 'Wij registreren uw testament in het Centraal Testamentenregister.',
            defaultRole: 'Notarieel medewerker',
            expectedMinutes: 60 * 24 * 2,
          },
        ],
      },
    ],
    jobs: [
      {
        reference: 'AKTE-2026-0087',
        title: 'Testament en levenstestament',
        locale: 'nl',
        customer: { name: 'Henk en Ria Jansen', email: 'fam.jansen@example.nl', postcode: '3572 KP' },
        workflow: 0,
        startedMinutesAgo: 60 * 24 * 12,
        script: [
          { do: 'start', step: 0, after: 60 * 24 },
          {
            do: 'note',
            step: 0,
            after: 90,
            who: 'daan',
            text: 'Fijn gesprek gehad. We nemen het **langstlevende-testament** op met een regeling voor de kleinkinderen, en een levenstestament voor ieder van u.',
          },
          {
            do: 'cost',
            step: 0,
            who: 'marieke',
            line: {
              kind: 'fee',
              description: 'Testament (2 personen), vast tarief',
              quantityMilli: 2000,
              unitPriceCents: 39500,
              vatRateBp: 2100,
              state: 'estimate',
            },
          },
          {
            do: 'cost',
            step: 0,
            who: 'marieke',
            line: {
              kind: 'fee',
              description: 'Levenstestament (2 personen)',
              quantityMilli: 2000,
              unitPriceCents: 29500,
              vatRateBp: 2100,
              state: 'estimate',
            },
          },
          {
            do: 'cost',
            step: 0,
            line: {
              kind: 'fee',
              description: 'Inschrijving Centraal Testamentenregister',
              quantityMilli: 4000,
              unitPriceCents: 850,
              vatRateBp: 0,
              state: 'estimate',
            },
          },
          { do: 'finish', step: 0, after: 5 },
          { do: 'start', step: 1, after: 60 * 24 },
          {
            do: 'promise',
            step: 1,
            after: 60 * 24 * 4,
            inMinutes: 60 * 24 * 5,
            reason: 'Wij wachten nog op het uittreksel uit het huwelijksgoederenregister.',
          },
          {
            do: 'note',
            step: 1,
            who: 'daan',
            internal: true,
            text: 'Register aangevraagd, rappel staat op vrijdag.',
          },
        ],
      },
      {
        reference: 'AKTE-2026-0091',
        title: 'Will (English-language clients)',
        locale: 'en',
        customer: { name: 'Priya Raman', email: 'priya.raman@example.com', postcode: '3581 BK' },
        workflow: 0,
        startedMinutesAgo: 60 * 24 * 2,
        script: [
          { do: 'start', step: 0, after: 60 },
          {
            do: 'note',
            step: 0,
            after: 60,
            who: 'daan',
            text: 'Thank you for coming in. As discussed, Dutch law applies to your estate unless you **choose the law of your nationality** in the will; we will include that choice.',
          },
          { do: 'finish', step: 0, after: 5 },
          { do: 'start', step: 1, after: 60 * 20 },
        ],
      },
    ],
  },
  {
    organisation: {
      slug: 'snel-bezorgd',
      name: 'Snel Bezorgd',
      brandColor: '#047857',
      defaultLocale: 'nl',
      timeZone: 'Europe/Amsterdam',
      currency: 'EUR',
    },
    team: [
      {
        key: 'eva',
        name: 'Eva Mulder',
        role: 'Planner',
        permission: 'admin',
        bio: 'Plant de routes en houdt in de gaten waar iedereen is.',
        expertise: ['planning', 'klantcontact'],
      },
      {
        key: 'mo',
        name: 'Mohamed Bouzid',
        role: 'Bezorger',
        bio: 'Bezorgt grote meubels in Utrecht en omstreken, altijd met collega.',
        expertise: ['meubels', 'montage'],
      },
      {
        key: 'sven',
        name: 'Sven Koster',
        role: 'Bezorger',
        bio: 'Bezorgt en monteert; speaks English and German.',
        expertise: ['montage', 'witgoed'],
      },
    ],
    workflows: [
      {
        name: 'Meubelbezorging',
        steps: [
          { title: 'Opgehaald bij de winkel', defaultRole: 'Bezorger', expectedMinutes: 60 },
          {
            title: 'In het depot',
            description: 'Uw bestelling staat klaar voor de route.',
            defaultRole: 'Planner',
            expectedMinutes: 60 * 18,
          },
          { title: 'Onderweg naar u', defaultRole: 'Bezorger', expectedMinutes: 90 },
          { title: 'Bezorgd en gemonteerd', defaultRole: 'Bezorger', expectedMinutes: 45 },
        ],
      },
    ],
    jobs: [
      {
        reference: 'SB-118204',
        title: 'Bank "Lund" 3-zits, bezorgen en plaatsen',
        locale: 'nl',
        customer: { name: 'Lisa Bosman', phone: '06 11223344', postcode: '3512 JE' },
        workflow: 0,
        startedMinutesAgo: 60 * 20,
        script: [
          { do: 'start', step: 0, after: 10 },
          { do: 'finish', step: 0, after: 40 },
          { do: 'start', step: 1, after: 20 },
          { do: 'finish', step: 1, after: 60 * 17 },
          { do: 'assign', step: 2, who: 'mo' },
          { do: 'start', step: 2, after: 5 },
          {
            do: 'note',
            step: 2,
            after: 20,
            who: 'mo',
            text: 'We zijn onderweg! U bent de **derde** stop, verwachte aankomst tussen 11:00 en 11:30.',
          },
          {
            do: 'cost',
            step: 2,
            line: {
              kind: 'fee',
              description: 'Bezorging tot in de woonkamer',
              quantityMilli: 1000,
              unitPriceCents: 4900,
              vatRateBp: 2100,
              state: 'actual',
            },
          },
        ],
      },
      {
        reference: 'SB-118230',
        title: 'Washing machine, deliver and connect',
        locale: 'en',
        customer: { name: 'Tomasz Nowak', phone: '06 55667788', postcode: '3531 AB' },
        workflow: 0,
        startedMinutesAgo: 60 * 30,
        script: [
          { do: 'start', step: 0, after: 30 },
          { do: 'finish', step: 0, after: 60 },
          { do: 'start', step: 1, after: 10 },
          { do: 'finish', step: 1, after: 60 * 20 },
          { do: 'assign', step: 2, who: 'sven' },
          { do: 'start', step: 2, after: 30 },
          { do: 'finish', step: 2, after: 120 },
          { do: 'start', step: 3, after: 1 },
          {
            do: 'cost',
            step: 3,
            who: 'sven',
            line: {
              kind: 'fee',
              description: 'Delivery and connection',
              quantityMilli: 1000,
              unitPriceCents: 5900,
              vatRateBp: 2100,
              state: 'actual',
            },
          },
          { do: 'cost', step: 3, line: part('Drain hose extension', 1, 1250, 'actual') },
          {
            do: 'note',
            step: 3,
            who: 'sven',
            text: 'Connected and test run done, no leaks. The old machine went with us for recycling.',
          },
          { do: 'finish', step: 3, after: 40 },
        ],
      },
    ],
  },
];
