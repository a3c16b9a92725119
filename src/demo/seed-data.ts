import type { organisations, specialists } from '../../db/schema';
import type { WeekHours } from '../../db/schema/calendars';
import type { CostLineInput } from '../services/costs/cost-lines';
import type { WorkflowInput } from '../services/organisation/workflows';
import type { AddressInput } from '../services/platform/address';
import type { DemoPhoto } from './seed-photos';

// The demo data, written in Dutch (the organisations' language; src/demo/seed-translations.ts has the English).
// Times are working minutes after the job was created (`at`), in the organisation's opening hours, so
// they can be read against the promises the workflow proposes, which also count in working time from
// creation; a job is created so that its script ends now, inside the hours.

export type Line = Omit<CostLineInput, 'stepId' | 'specialistId'>;

export type Action = { at?: number; step: number } & (
  | { do: 'start' | 'finish' | 'skip' }
  | { do: 'assign'; who: string }
  | { do: 'promise'; moveBy: number; reason: string; andLater?: boolean }
  | { do: 'note'; who: string; text: string; internal?: boolean; photos?: DemoPhoto[] }
  | { do: 'cost'; line: Line; who?: string; name?: string; photo?: DemoPhoto }
  | { do: 'settle'; name: string; patch: Partial<Pick<Line, 'quantityMilli' | 'unitPriceCents'>> }
  | { do: 'ask'; text: string }
  | { do: 'answer'; who: string; text: string }
  | { do: 'feedback'; score: number; comment?: string; stars?: Record<string, number> }
  | {
      do: 'document';
      who: string;
      title: string;
      translations?: { en?: { title: string }; nl?: { title: string } };
      /** The PDF's own text: a heading and its lines (src/demo/simple-pdf.ts). */
      pdf: { heading: string; lines: string[] };
      signoff?: boolean;
    }
);

export type DemoJob = {
  reference: string;
  title: string;
  locale: 'nl' | 'en' | null;
  customer: { name: string; email?: string; phone?: string; postcode?: string };
  /** Where the work happens (the delivery company's jobs). */
  address?: AddressInput;
  workflow: number;
  startedMinutesAgo: number;
  script: Action[];
};

export type DemoOrganisation = {
  organisation: Omit<typeof organisations.$inferInsert, 'id' | 'createdAt'> & { slug: string; name: string };
  /** How long the business has used Open Kitchen: when its team and workflows were set up. */
  customerForDays: number;
  team: (Omit<typeof specialists.$inferInsert, 'id' | 'organisationId' | 'createdAt'> & { key: string })[];
  workflows: WorkflowInput[];
  /** Answers for others, published after a colleague with the same role checked them (English beside). */
  answers?: DemoAnswer[];
  /** Paid expert time offered on a workflow (docs/decisions/consults.md); `role` by its name. */
  consults?: {
    workflow: number;
    role?: string;
    titleNl: string;
    titleEn: string;
    minutes: number;
    priceCents: number;
    vatRateBp: number;
  }[];
  jobs: DemoJob[];
};

export type DemoAnswer = {
  workflow: number;
  step: number;
  /** Team keys: the writer and the colleague (same role) who checked it. */
  by: string;
  checkedBy: string;
  question: string;
  answer: string;
  en: { question: string; answer: string };
  shown?: number;
  answered?: number;
};

const H = 60;
/** A working day at the notary's (09:00–17:00). */
const D = 8 * H;

/** Opening hours, Sunday first: from `open` to `close` (HH:MM) on the days given. */
const hours = (open: string, close: string, days: number[]): WeekHours => {
  const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));
  return Array.from({ length: 7 }, (_, day) =>
    days.includes(day) ? [{ open: minutes(open), close: minutes(close) }] : [],
  ) as WeekHours;
};
const WEEKDAYS = [1, 2, 3, 4, 5];

type Vat = 21 | 9 | 0;
const line =
  (kind: Line['kind']) =>
  (description: string, quantity: number, euros: number, state: Line['state'] = 'estimate', vat: Vat = 21) =>
    ({
      kind,
      description,
      quantityMilli: Math.round(quantity * 1000),
      unitPriceCents: Math.round(euros * 100),
      vatRateBp: vat * 100,
      state,
    }) satisfies Line;
const labour = line('labour');
const part = line('part');
const fee = line('fee');
const discount = line('discount');

const garage: DemoOrganisation = {
  organisation: {
    slug: 'garage-van-dijk',
    name: 'Garage Van Dijk',
    invoiceDetails: {
      legalName: 'Garage Van Dijk V.O.F.',
      address: { street: 'Kanaalweg', number: '41', postcode: '3526 KM', city: 'Utrecht', country: 'NL' },
      registrationNumber: '30123456',
      vatNumber: 'NL812345678B01',
      iban: 'NL81RABO0312345678',
      paymentTermDays: 14,
      // The business's own payment page (its provider's), filled in per invoice.
      paymentLink: 'https://betalen.garage-van-dijk.example/?bedrag={amount}&kenmerk={reference}',
    },
    brandColor: '#b45309',
    defaultLocale: 'nl',
    timeZone: 'Europe/Amsterdam',
    currency: 'EUR',
    // The workshop: weekdays 08:00–17:30, closed on Dutch public holidays; questions within two hours.
    hours: hours('08:00', '17:30', WEEKDAYS),
    holidayCountry: 'NL',
    answerMinutes: 120,
  },
  customerForDays: 120,
  team: [
    {
      key: 'kees',
      name: 'Kees van Dijk',
      role: 'Werkplaatschef',
      permission: 'admin',
      bio: 'Begon hier in 1998 als leerling-monteur en nam de garage in 2012 over van zijn vader. Rijdt zelf elke auto na voordat hij terug naar de klant gaat.',
      expertise: ['planning', 'diagnose', 'proefrit'],
    },
    {
      key: 'ingrid',
      name: 'Ingrid Smit',
      role: 'Serviceadviseur',
      permission: 'front_desk',
      bio: 'Uw aanspreekpunt aan de balie: plant uw afspraak, belt u met de prijs en legt de rekening uit.',
      expertise: ['afspraken', 'offertes', 'lease'],
    },
    {
      key: 'fatima',
      name: 'Fatima El Amrani',
      role: 'APK-keurmeester',
      bio: 'Erkend keurmeester voor personen- en bedrijfsauto’s. Laat u graag zien wat ze heeft gevonden.',
      expertise: ['APK', 'remmen', 'verlichting'],
    },
    {
      key: 'jan',
      name: 'Jan de Boer',
      role: 'Monteur',
      bio: 'Twintig jaar onder de motorkap, gespecialiseerd in Volkswagen, Audi, Seat en Škoda.',
      expertise: ['VAG', 'distributieriem', 'remmen'],
    },
    {
      key: 'tom',
      name: 'Tom Hendriks',
      role: 'Monteur',
      bio: 'Gecertificeerd voor hybride en elektrische auto’s (IVS 3). Legt ook in het Engels graag uit wat hij doet.',
      expertise: ['hybride', 'elektrisch', 'airco', 'diagnose'],
    },
  ],
  workflows: [
    {
      name: 'APK en onderhoud',
      steps: [
        {
          title: 'Intake',
          description: 'We nemen uw auto in ontvangst en noteren uw wensen en klachten.',
          defaultRole: 'Serviceadviseur',
          expectedMinutes: 15,
        },
        {
          title: 'APK-keuring',
          description: 'De keurmeester controleert uw auto volgens de eisen van de RDW.',
          defaultRole: 'APK-keurmeester',
          expectedMinutes: 45,
        },
        {
          title: 'Onderhoud en reparatie',
          description: 'Olie, filters en wat er verder nodig is. Extra werk doen we alleen na uw akkoord.',
          defaultRole: 'Monteur',
          expectedMinutes: 120,
        },
        {
          title: 'Proefrit en eindcontrole',
          description: 'Een korte proefrit en een laatste controle van alles wat we hebben gedaan.',
          defaultRole: 'Werkplaatschef',
          expectedMinutes: 20,
        },
        {
          title: 'Klaar voor ophalen',
          description: 'Uw auto staat klaar; de sleutel ligt bij de balie.',
          defaultRole: 'Serviceadviseur',
          expectedMinutes: 10,
        },
      ],
    },
    {
      name: 'Storing en diagnose',
      steps: [
        {
          title: 'Intake',
          description: 'U vertelt wat u merkt; wij noteren wanneer en hoe het gebeurt.',
          defaultRole: 'Serviceadviseur',
          expectedMinutes: 15,
        },
        {
          title: 'Diagnose',
          description: 'We lezen de storingscodes uit en zoeken de oorzaak.',
          defaultRole: 'Monteur',
          expectedMinutes: 60,
        },
        {
          title: 'Prijsopgave en akkoord',
          description: 'We bellen u met de oorzaak en de prijs. We beginnen pas na uw akkoord.',
          defaultRole: 'Serviceadviseur',
          expectedMinutes: 30,
        },
        {
          title: 'Reparatie',
          description: 'We voeren de reparatie uit die u heeft goedgekeurd.',
          defaultRole: 'Monteur',
          expectedMinutes: 180,
        },
        {
          title: 'Eindcontrole en ophalen',
          description: 'Proefrit, storingsgeheugen wissen en uw auto klaarzetten.',
          defaultRole: 'Werkplaatschef',
          expectedMinutes: 20,
        },
      ],
    },
  ],
  answers: [
    {
      workflow: 0,
      step: 1,
      by: 'tom',
      checkedBy: 'jan',
      question: 'Kan ik wachten tijdens de APK-keuring?',
      answer:
        'Ja. Een APK-keuring duurt ongeveer drie kwartier; in onze kantine staan koffie en thee klaar en er is gratis wifi.',
      en: {
        question: 'Can I wait during the MOT inspection?',
        answer:
          'Yes. An MOT takes about three quarters of an hour; there is coffee and tea in our canteen and free wifi.',
      },
      shown: 41,
      answered: 17,
    },
    {
      workflow: 0,
      step: 2,
      by: 'jan',
      checkedBy: 'tom',
      question: 'Doen jullie extra reparaties zonder te bellen?',
      answer:
        'Nee. Vinden we iets dat niet in de afspraak stond, dan ziet u het hier met prijs en kunt u eerst akkoord geven of weigeren.',
      en: {
        question: 'Do you do extra repairs without calling me?',
        answer:
          'No. If we find something that was not agreed, you see it here with its price and can approve or decline it first.',
      },
      shown: 28,
      answered: 9,
    },
    {
      workflow: 0,
      step: 4,
      by: 'jan',
      checkedBy: 'tom',
      question: 'Tot hoe laat kan ik mijn auto ophalen?',
      answer:
        'Tot 18.00 uur op werkdagen. Later? Bel de balie, dan leggen we de sleutel in de sleutelkluis naast de deur.',
      en: {
        question: 'Until what time can I collect my car?',
        answer:
          'Until 6 pm on working days. Later? Call the front desk and we leave the key in the key safe next to the door.',
      },
      shown: 35,
      answered: 14,
    },
  ],
  jobs: [
    {
      // In progress, with a promise moved later because a part has to be delivered.
      reference: 'WO-2026-0142',
      title: 'APK + grote beurt, VW Golf 1.5 TSI (2017)',
      locale: 'nl',
      customer: {
        name: 'Sanne de Vries',
        email: 'sanne.devries@example.nl',
        phone: '06 12345678',
        postcode: '3511 AB',
      },
      workflow: 0,
      startedMinutesAgo: 4 * H,
      script: [
        { at: 2, step: 0, do: 'start' },
        {
          at: 8,
          step: 0,
          do: 'note',
          who: 'ingrid',
          text: 'Uw Golf staat binnen. Kilometerstand: **84.210 km**. U noemde een piepende rem rechtsvoor; die laten we bij de APK meteen bekijken.',
        },
        { at: 12, step: 0, do: 'finish' },
        { at: 18, step: 1, do: 'start' },
        { step: 1, do: 'cost', who: 'fatima', line: fee('APK-keuring personenauto', 1, 49, 'actual') },
        {
          at: 48,
          step: 1,
          do: 'note',
          who: 'fatima',
          photos: ['brake-disc'],
          text: [
            'APK-keuring gedaan. Wat ik heb gevonden:',
            '',
            '- Remschijven voor zijn **onder de minimumdikte** (20,1 mm, minimaal 21 mm). Dat verklaart ook het piepen.',
            '- Remblokken voor: nog 3 mm.',
            '- Banden, verlichting, uitlaatgassen en schokdempers: in orde.',
            '',
            'Met nieuwe remschijven en -blokken voor keur ik de auto goed. Jan neemt dat mee in het onderhoud.',
          ].join('\n'),
        },
        {
          step: 1,
          do: 'note',
          who: 'fatima',
          internal: true,
          text: 'Vaste klant sinds 2019. Met Kees afgesproken: 10% korting op de remonderdelen.',
        },
        { at: 56, step: 1, do: 'finish' },
        { at: 60, step: 2, do: 'start' },
        {
          step: 2,
          do: 'cost',
          who: 'jan',
          name: 'service',
          line: labour('Grote beurt volgens fabrieksvoorschrift', 2, 89),
        },
        { step: 2, do: 'cost', line: part('Motorolie 5W-30 (VW 504.00), liter', 4.5, 16.95, 'actual') },
        { step: 2, do: 'cost', line: part('Filterset: olie-, lucht- en interieurfilter', 1, 58.4, 'actual') },
        { step: 2, do: 'cost', line: part('Remschijven en -blokken voor (ATE)', 1, 214.5) },
        { step: 2, do: 'cost', who: 'jan', line: labour('Remschijven en -blokken voor vervangen', 1.5, 89) },
        { step: 2, do: 'cost', line: discount('Vaste-klantkorting 10% op remonderdelen', 1, 21.45) },
        { step: 2, do: 'cost', line: fee('Milieutoeslag en klein materiaal', 1, 7.5, 'actual') },
        {
          at: 85,
          step: 2,
          do: 'promise',
          moveBy: 2 * H,
          andLater: true,
          reason: 'De juiste remschijven waren niet op voorraad; onze leverancier brengt ze binnen twee uur.',
        },
        {
          at: 88,
          step: 2,
          do: 'note',
          who: 'jan',
          text: 'Even een update: de remschijven voor uw Golf waren niet op voorraad. Ze worden binnen twee uur gebracht, daarom schuift de planning op. In de tussentijd doe ik de grote beurt.',
        },
        { at: 170, step: 2, do: 'settle', name: 'service', patch: { quantityMilli: 2500 } },
        {
          at: 172,
          step: 2,
          do: 'note',
          who: 'jan',
          text: 'Olie en filters zijn vervangen. Dat kostte een half uur extra: de carterplug zat muurvast en de schroefdraad moest worden nagetapt. Nu wachten op de remschijven.',
        },
        {
          at: 180,
          step: 2,
          do: 'ask',
          text: 'Lukt het vandaag nog? Ik moet morgenochtend om 7 uur naar Groningen.',
        },
        {
          at: 192,
          step: 2,
          do: 'answer',
          who: 'jan',
          text: 'Ja, dat gaat lukken. De remschijven zijn net binnen; ik verwacht dat uw Golf om half zes klaar staat.',
        },
        {
          at: 205,
          step: 2,
          do: 'cost',
          who: 'jan',
          photo: 'wiper-blade',
          line: {
            ...part('Ruitenwisserbladen voor (Bosch Aerotwin, set)', 1, 32.5, 'awaiting_approval'),
            explanation:
              'De wisserbladen laten strepen achter en het rubber is gescheurd. Vervangen kost 5 minuten extra; zonder uw akkoord laten we ze zitten.',
          },
        },
      ],
    },
    {
      // Finished yesterday: one step ran late, the rest was on time.
      reference: 'WO-2026-0143',
      title: 'Hybrid service, Toyota C-HR 1.8 Hybrid (2020)',
      locale: 'en',
      customer: { name: 'James Whitfield', email: 'james.whitfield@example.com', postcode: '3584 CS' },
      workflow: 0,
      startedMinutesAgo: 26 * H,
      script: [
        { at: 3, step: 0, do: 'start' },
        {
          at: 8,
          step: 0,
          do: 'note',
          who: 'ingrid',
          text: 'Thanks for dropping off your C-HR. As agreed we’ll do the **hybrid service** today. Your APK isn’t due until October, so we’re skipping that step.',
        },
        { at: 12, step: 0, do: 'finish' },
        { at: 13, step: 1, do: 'skip' },
        { step: 2, do: 'assign', who: 'tom' },
        { at: 15, step: 2, do: 'start' },
        {
          at: 90,
          step: 2,
          do: 'note',
          who: 'tom',
          text: 'Hybrid system check done: battery health **94%**, inverter coolant fine, no fault codes. The cabin filter was very dusty, so I’m replacing it.',
        },
        {
          step: 2,
          do: 'cost',
          who: 'tom',
          line: labour('Hybrid service (Toyota schedule)', 1.5, 95, 'actual'),
        },
        { step: 2, do: 'cost', line: part('Engine oil 0W-16, litre', 4.2, 18.5, 'actual') },
        { step: 2, do: 'cost', line: part('Oil filter', 1, 14.95, 'actual') },
        { step: 2, do: 'cost', line: part('Cabin filter', 1, 28.95, 'actual') },
        {
          at: 172,
          step: 2,
          do: 'note',
          who: 'tom',
          text: 'While checking the cooling circuit I found a cracked hose clamp near the inverter and replaced it (no charge). That put me a few minutes behind, sorry.',
        },
        { at: 190, step: 2, do: 'finish' },
        { at: 191, step: 3, do: 'start' },
        { at: 198, step: 3, do: 'finish' },
        { at: 199, step: 4, do: 'start' },
        {
          at: 200,
          step: 4,
          do: 'note',
          who: 'ingrid',
          text: 'All done! Your car is parked out front and the keys are at the desk. You can pay by card when you pick it up.',
        },
        { at: 201, step: 4, do: 'finish' },
        {
          step: 4,
          do: 'feedback',
          score: 9,
          comment: 'Explained everything clearly; the car came back clean.',
          stars: { tom: 5, ingrid: 4 },
        },
      ],
    },
    {
      // Just brought in; nothing has happened yet. No locale: the tracker follows the browser.
      reference: 'WO-2026-0150',
      title: 'Airco blaast niet meer koud, Škoda Octavia Combi (2019)',
      locale: null,
      customer: { name: 'Ahmed Yilmaz', phone: '06 98765432', postcode: '3521 CD' },
      workflow: 1,
      startedMinutesAgo: 10,
      script: [],
    },
    {
      // A fault found, priced and approved by phone; the repair is under way.
      reference: 'WO-2026-0148',
      title: 'Motorstoringslampje brandt, Peugeot 208 1.2 PureTech (2020)',
      locale: 'nl',
      customer: { name: 'Marloes Kuipers', phone: '06 24681357', postcode: '3523 GK' },
      workflow: 1,
      startedMinutesAgo: 2.5 * H,
      script: [
        { at: 2, step: 0, do: 'start' },
        { at: 10, step: 0, do: 'finish' },
        { at: 20, step: 1, do: 'start' },
        {
          step: 1,
          do: 'cost',
          who: 'jan',
          line: labour('Diagnose met uitleesapparatuur', 0.75, 89, 'actual'),
        },
        {
          at: 65,
          step: 1,
          do: 'note',
          who: 'jan',
          text: [
            '**Diagnose:** storingscode P0303, overslaan in cilinder 3.',
            '',
            'Ik heb de bobines van cilinder 2 en 3 omgewisseld en de storing verhuisde mee: **de bobine is defect**. De bougies zijn na 68.000 km ook aan vervanging toe.',
            '',
            'Ingrid belt u zo met de prijs.',
          ].join('\n'),
        },
        { at: 70, step: 1, do: 'finish' },
        { at: 72, step: 2, do: 'start' },
        { step: 2, do: 'cost', line: part('Bobine (origineel)', 1, 78.4) },
        { step: 2, do: 'cost', line: part('Bougies, set van 3', 1, 42.9) },
        { step: 2, do: 'cost', who: 'jan', line: labour('Bobine en bougies vervangen', 0.75, 89) },
        {
          at: 98,
          step: 2,
          do: 'note',
          who: 'ingrid',
          text: 'Dank u voor uw telefonische akkoord op de prijsopgave hieronder. Jan gaat meteen aan de slag; uw auto is naar verwachting vandaag nog klaar.',
        },
        { at: 99, step: 2, do: 'finish' },
        { at: 105, step: 3, do: 'start' },
        {
          at: 140,
          step: 3,
          do: 'note',
          who: 'jan',
          text: 'De bougies zijn vervangen en de nieuwe bobine zit erin. De motor loopt weer rond; straks nog een proefrit.',
        },
      ],
    },
  ],
};

const notary: DemoOrganisation = {
  organisation: {
    slug: 'bakker-de-wit',
    name: 'Bakker & De Wit Notarissen',
    invoiceDetails: {
      legalName: 'Bakker & De Wit Notarissen B.V.',
      address: { street: 'Maliebaan', number: '82', postcode: '3581 CW', city: 'Utrecht', country: 'NL' },
      registrationNumber: '30234567',
      vatNumber: 'NL812345691B01',
      iban: 'NL20INGB0001234567',
      paymentTermDays: 30,
      paymentLink: null,
    },
    brandColor: '#1e3a8a',
    defaultLocale: 'nl',
    timeZone: 'Europe/Amsterdam',
    currency: 'EUR',
    // The office: weekdays 09:00–17:00, never a deed signed at the weekend; an answer within a working day.
    hours: hours('09:00', '17:00', WEEKDAYS),
    holidayCountry: 'NL',
    answerMinutes: 8 * 60,
  },
  customerForDays: 200,
  consults: [
    {
      workflow: 0,
      role: 'Notaris',
      titleNl: '15 minuten met de notaris',
      titleEn: '15 minutes with the notary',
      minutes: 15,
      priceCents: 2500,
      vatRateBp: 2100,
    },
  ],
  team: [
    {
      key: 'marieke',
      name: 'mr. Marieke Bakker',
      role: 'Notaris',
      permission: 'admin',
      bio: 'Notaris in Utrecht sinds 2009. Familierecht, testamenten en nalatenschappen.',
      expertise: ['testament', 'levenstestament', 'nalatenschap'],
    },
    {
      key: 'daan',
      name: 'mr. Daan de Wit',
      role: 'Notaris',
      bio: 'Notaris voor woningen en bedrijfspanden, van leveringsakte tot hypotheekakte.',
      expertise: ['vastgoed', 'hypotheek', 'VvE'],
    },
    {
      key: 'noor',
      name: 'mr. Noor Jacobs',
      role: 'Kandidaat-notaris',
      bio: 'Stelt uw aktes op en is uw eerste aanspreekpunt voor vragen. Werkt in het Nederlands en het Engels.',
      expertise: ['testament', 'samenlevingscontract', 'internationaal erfrecht'],
    },
    {
      key: 'lotte',
      name: 'Lotte Visser',
      role: 'Notarieel medewerker',
      bio: 'Plant uw afspraken en zorgt dat alle stukken op tijd klaarliggen en worden ingeschreven.',
      expertise: ['planning', 'Kadaster', 'registers'],
    },
  ],
  workflows: [
    {
      name: 'Testament',
      steps: [
        {
          title: 'Intakegesprek',
          description: 'We bespreken uw wensen en uw familiesituatie, op kantoor of bij u thuis.',
          defaultRole: 'Kandidaat-notaris',
          expectedMinutes: 3 * D,
        },
        {
          title: 'Concept opstellen',
          description: 'We schrijven uw wensen uit in een conceptakte, met een toelichting in gewone taal.',
          defaultRole: 'Kandidaat-notaris',
          expectedMinutes: 7 * D,
        },
        {
          title: 'Concept ter controle bij u',
          description: 'U leest het concept rustig door en geeft uw opmerkingen door.',
          defaultRole: 'Notarieel medewerker',
          expectedMinutes: 7 * D,
        },
        {
          title: 'Ondertekening',
          description: 'U tekent de akte bij de notaris op kantoor. Neem een geldig legitimatiebewijs mee.',
          defaultRole: 'Notaris',
          expectedMinutes: 5 * D,
        },
        {
          title: 'Registratie',
          description: 'Wij schrijven uw testament in bij het Centraal Testamentenregister.',
          defaultRole: 'Notarieel medewerker',
          expectedMinutes: 2 * D,
        },
      ],
    },
    {
      name: 'Levering woning',
      steps: [
        {
          title: 'Stukken ontvangen',
          description:
            'We ontvangen de koopovereenkomst van de makelaar en de hypotheekofferte van uw adviseur.',
          defaultRole: 'Notarieel medewerker',
          expectedMinutes: 2 * D,
        },
        {
          title: 'Onderzoek Kadaster en registers',
          description:
            'We controleren eigendom, hypotheken en beslagen, en vragen de gegevens van de VvE op.',
          defaultRole: 'Kandidaat-notaris',
          expectedMinutes: 5 * D,
        },
        {
          title: 'Concept-aktes en nota van afrekening',
          description: 'U ontvangt de concept-aktes en de nota met het bedrag dat u overmaakt.',
          defaultRole: 'Kandidaat-notaris',
          expectedMinutes: 7 * D,
        },
        {
          title: 'Passeren',
          description: 'Koper, verkoper en notaris tekenen de akte van levering en de hypotheekakte.',
          defaultRole: 'Notaris',
          expectedMinutes: 7 * D,
        },
        {
          title: 'Inschrijving in het Kadaster',
          description: 'We schrijven de akten in; daarna bent u ook officieel eigenaar.',
          defaultRole: 'Notarieel medewerker',
          expectedMinutes: D,
        },
      ],
    },
  ],
  answers: [
    {
      workflow: 0,
      step: 0,
      by: 'marieke',
      checkedBy: 'daan',
      question: 'Wat moet ik meenemen naar het intakegesprek?',
      answer:
        'Een geldig legitimatiebewijs en, als u die heeft, een eerder testament of huwelijkse voorwaarden. Een lijst van uw bezittingen helpt, maar is niet nodig.',
      en: {
        question: 'What should I bring to the first meeting?',
        answer:
          'Valid ID and, if you have them, an earlier will or a prenuptial agreement. A list of what you own helps but is not required.',
      },
      shown: 22,
      answered: 8,
    },
    {
      workflow: 0,
      step: 3,
      by: 'marieke',
      checkedBy: 'daan',
      question: 'Moeten er getuigen mee naar de ondertekening?',
      answer:
        'Nee. Voor een testament zijn geen getuigen nodig; u ondertekent alleen met de notaris. Neem wel uw legitimatiebewijs mee.',
      en: {
        question: 'Do I need to bring witnesses to the signing?',
        answer: 'No. A will needs no witnesses; you sign with the notary alone. Do bring your ID.',
      },
      shown: 19,
      answered: 7,
    },
  ],
  jobs: [
    {
      // The draft is delayed by a register extract; the whole plan moved with a reason.
      reference: 'AKTE-2026-0087',
      title: 'Testament en levenstestament',
      locale: 'nl',
      customer: { name: 'Henk en Ria Jansen', email: 'fam.jansen@example.nl', postcode: '3572 KP' },
      workflow: 0,
      startedMinutesAgo: 12 * D,
      script: [
        { at: D, step: 0, do: 'start' },
        {
          at: D + 90,
          step: 0,
          do: 'note',
          who: 'noor',
          text: [
            'Dank u voor het prettige gesprek. We nemen het volgende op:',
            '',
            '- een **langstlevende-testament** voor ieder van u, met een regeling voor de kleinkinderen;',
            '- een **levenstestament** voor ieder van u, met elkaar als eerste gevolmachtigde en uw dochter Anouk als tweede.',
            '',
            'We vragen eerst een uittreksel uit het huwelijksgoederenregister op; daarna schrijven we het concept.',
          ].join('\n'),
        },
        {
          step: 0,
          do: 'cost',
          who: 'marieke',
          line: fee('Testament, vast tarief per persoon', 2, 395),
        },
        { step: 0, do: 'cost', who: 'marieke', line: fee('Levenstestament, per persoon', 2, 295) },
        {
          step: 0,
          do: 'cost',
          line: fee(
            'Inschrijving Centraal Testamentenregister en levenstestamentenregister',
            4,
            8.5,
            'estimate',
            0,
          ),
        },
        { at: D + 100, step: 0, do: 'finish' },
        { at: 2 * D, step: 1, do: 'start' },
        {
          at: 6 * D,
          step: 1,
          do: 'promise',
          moveBy: 5 * D,
          andLater: true,
          reason: 'We wachten nog op het uittreksel uit het huwelijksgoederenregister van de rechtbank.',
        },
        {
          at: 6 * D + 5,
          step: 1,
          do: 'note',
          who: 'noor',
          internal: true,
          text: 'Uittreksel aangevraagd bij de rechtbank Midden-Nederland; rappel staat in de agenda voor vrijdag.',
        },
        {
          at: 9 * D,
          step: 1,
          do: 'note',
          who: 'noor',
          text: 'Het uittreksel is binnen. Ik werk nu het concept uit; u ontvangt het hier op uw pagina met een korte toelichting in gewone taal.',
        },
        { at: 11 * D, step: 1, do: 'finish' },
        { at: 11 * D + 5, step: 2, do: 'start' },
        {
          at: 11 * D + 10,
          step: 2,
          do: 'document',
          who: 'noor',
          title: 'Concept-testament ter controle',
          translations: { en: { title: 'Draft will for your review' } },
          signoff: true,
          pdf: {
            heading: 'CONCEPT - Testament H. en R. Jansen',
            lines: [
              'Notariskantoor, dossier AKTE-2026-0087. Dit is een concept, nog geen akte.',
              '',
              'Artikel 1. Ik herroep alle eerdere uiterste wilsbeschikkingen.',
              'Artikel 2. Ik benoem tot mijn enige erfgenaam mijn echtgeno(o)t(e), met een',
              '           regeling ten gunste van onze kleinkinderen (wettelijke verdeling).',
              'Artikel 3. Ik benoem mijn dochter Anouk tot executeur.',
              '',
              'Toelichting in gewone taal: uw partner erft alles en mag in het huis blijven wonen;',
              'de kinderen krijgen een vordering die pas opeisbaar is na het overlijden van de langstlevende.',
              '',
              'Leest u het concept rustig door. Akkoord? Onderteken dan op uw pagina.',
              'Wilt u iets anders? Wijs het af met uw opmerking; wij passen het concept aan.',
            ],
          },
        },
      ],
    },
    {
      reference: 'AKTE-2026-0091',
      title: 'Will with a choice of law',
      locale: 'en',
      customer: { name: 'Priya Raman', email: 'priya.raman@example.com', postcode: '3581 BK' },
      workflow: 0,
      startedMinutesAgo: 2 * D,
      script: [
        { at: H, step: 0, do: 'start' },
        {
          at: 2 * H,
          step: 0,
          do: 'note',
          who: 'noor',
          text: [
            'Thank you for coming in. As discussed:',
            '',
            '- Dutch law applies to your estate by default, because you live here. In your will you **choose the law of your nationality** instead.',
            '- The deed itself is in Dutch; you will receive an English translation with the draft. The Dutch text is the one that counts.',
          ].join('\n'),
        },
        { step: 0, do: 'cost', who: 'noor', line: fee('Will, fixed fee', 1, 395) },
        { step: 0, do: 'cost', line: fee('English translation of the draft', 1, 150) },
        {
          step: 0,
          do: 'cost',
          line: fee('Registration in the Central Wills Register', 1, 8.5, 'estimate', 0),
        },
        { at: 2 * H + 5, step: 0, do: 'finish' },
        { at: D, step: 1, do: 'start' },
      ],
    },
    {
      // A property transfer, finished on time; every cost line is final.
      reference: 'AKTE-2026-0064',
      title: 'Levering appartement Biltstraat 112-B, Utrecht',
      locale: 'nl',
      customer: {
        name: 'Thijs en Femke van Leeuwen',
        email: 'thijs.vanleeuwen@example.nl',
        postcode: '3572 BH',
      },
      workflow: 1,
      startedMinutesAgo: 30 * D,
      script: [
        { at: H, step: 0, do: 'start' },
        {
          at: 2 * H,
          step: 0,
          do: 'note',
          who: 'lotte',
          text: 'We hebben de koopovereenkomst van de makelaar ontvangen. Wilt u uw hypotheekadviseur vragen de offerte naar ons te sturen? Dan kunnen we verder.',
        },
        { at: D + 3 * H, step: 0, do: 'finish' },
        { at: D + 4 * H, step: 1, do: 'start' },
        {
          at: 5 * D,
          step: 1,
          do: 'note',
          who: 'noor',
          text: 'Kadaster en registers zijn gecontroleerd: geen beslagen, en de hypotheek van de verkoper wordt bij de levering afgelost. De VvE heeft de maandelijkse bijdrage en de stand van het reservefonds opgegeven.',
        },
        { at: 5 * D + 10, step: 1, do: 'finish' },
        { at: 6 * D, step: 2, do: 'start' },
        { step: 2, do: 'cost', who: 'daan', line: fee('Akte van levering', 1, 695, 'actual') },
        { step: 2, do: 'cost', who: 'daan', line: fee('Hypotheekakte', 1, 495, 'actual') },
        { step: 2, do: 'cost', line: fee('Kadaster: inschrijving van twee akten', 2, 158, 'actual', 0) },
        {
          step: 2,
          do: 'cost',
          line: discount('Korting: levering en hypotheek in één opdracht', 1, 100, 'actual'),
        },
        {
          at: 11 * D,
          step: 2,
          do: 'note',
          who: 'noor',
          text: 'De concept-aktes en de nota van afrekening staan in uw mailbox. Wilt u het bedrag op de nota **uiterlijk twee werkdagen voor het passeren** overmaken naar onze kwaliteitsrekening?',
        },
        { at: 11 * D + 10, step: 2, do: 'finish' },
        { step: 3, do: 'assign', who: 'daan' },
        { at: 20 * D, step: 3, do: 'start' },
        {
          at: 20 * D + H,
          step: 3,
          do: 'note',
          who: 'daan',
          text: 'Gefeliciteerd met uw nieuwe woning! De akten zijn getekend; de makelaar geeft u de sleutels.',
        },
        { at: 20 * D + H + 5, step: 3, do: 'finish' },
        { at: 20 * D + 2 * H, step: 4, do: 'start' },
        {
          at: 21 * D,
          step: 4,
          do: 'note',
          who: 'lotte',
          text: 'De akten zijn ingeschreven in het Kadaster: u bent nu ook officieel eigenaar. De afschriften sturen we u per post.',
        },
        { at: 21 * D + 5, step: 4, do: 'finish' },
        // A low score: the office's admin follows it up (the board shows it, the customer reads who calls).
        {
          step: 4,
          do: 'feedback',
          score: 5,
          comment: 'Goed geholpen, maar de akte was een week later klaar dan beloofd en niemand belde.',
        },
      ],
    },
    {
      reference: 'AKTE-2026-0102',
      title: 'Testament na scheiding',
      locale: 'nl',
      customer: { name: 'Yara Mansour', email: 'yara.mansour@example.nl', postcode: '3514 EB' },
      workflow: 0,
      startedMinutesAgo: 25,
      script: [],
    },
  ],
};

const delivery: DemoOrganisation = {
  organisation: {
    slug: 'snel-bezorgd',
    name: 'Snel Bezorgd',
    invoiceDetails: {
      legalName: 'Snel Bezorgd Utrecht B.V.',
      address: { street: 'Cartesiusweg', number: '120', postcode: '3534 BD', city: 'Utrecht', country: 'NL' },
      registrationNumber: '30345678',
      vatNumber: 'NL812345708B01',
      iban: 'NL02ABNA0123456789',
      paymentTermDays: 14,
      paymentLink: 'https://betalen.snelbezorgd.example/?bedrag={amount}&kenmerk={reference}',
    },
    brandColor: '#047857',
    defaultLocale: 'nl',
    timeZone: 'Europe/Amsterdam',
    currency: 'EUR',
    // The vans drive Monday to Saturday 08:00–21:00; the planners answer within the hour, and a
    // question about a van on its way before it arrives (the workflow's own answer time).
    hours: hours('08:00', '21:00', [1, 2, 3, 4, 5, 6]),
    holidayCountry: 'NL',
    answerMinutes: 60,
  },
  customerForDays: 60,
  team: [
    {
      key: 'eva',
      name: 'Eva Mulder',
      role: 'Planner',
      permission: 'admin',
      bio: 'Maakt elke avond de routes voor de volgende dag en houdt bij waar de bussen zijn.',
      expertise: ['planning', 'routes', 'klantcontact'],
    },
    {
      key: 'mo',
      name: 'Mohamed Bouzid',
      role: 'Bezorger',
      bio: 'Bezorgt grote meubels in Utrecht en omgeving, altijd met z’n tweeën, en neemt het verpakkingsmateriaal weer mee.',
      expertise: ['meubels', 'trappen', 'montage'],
    },
    {
      key: 'sven',
      name: 'Sven Koster',
      role: 'Bezorger',
      bio: 'Bezorgt en monteert meubels en apparaten. Spreekt Engels en Duits.',
      expertise: ['montage', 'witgoed'],
    },
    {
      key: 'ricardo',
      name: 'Ricardo Martins',
      role: 'Witgoedmonteur',
      bio: 'Sluit uw wasmachine, droger of vaatwasser aan en test hem voordat hij weggaat.',
      expertise: ['wasmachines', 'vaatwassers', 'waterleiding'],
    },
  ],
  workflows: [
    {
      name: 'Bezorgen en plaatsen',
      answerMinutes: 30,
      steps: [
        {
          title: 'Opgehaald bij de winkel',
          description: 'We halen uw bestelling op en controleren hem op schade.',
          defaultRole: 'Bezorger',
          expectedMinutes: 60,
        },
        {
          title: 'In het depot',
          description: 'Uw bestelling staat klaar voor de route. U krijgt vooraf een tijdvak van twee uur.',
          defaultRole: 'Planner',
          expectedMinutes: 18 * H,
        },
        {
          title: 'Onderweg naar u',
          description: 'De bus is onderweg; we laten het weten als we bijna bij u zijn.',
          defaultRole: 'Bezorger',
          expectedMinutes: 90,
          // The customer picks the two-hour window; two vans, so two places per window.
          booking: { slotMinutes: 120, capacity: 2, horizonDays: 14, cutoffWorkingDays: 1, leadMinutes: 60 },
        },
        {
          title: 'Bezorgd en geplaatst',
          description: 'We zetten alles op de plek die u wilt en nemen het verpakkingsmateriaal mee.',
          defaultRole: 'Bezorger',
          expectedMinutes: 45,
        },
      ],
    },
    {
      name: 'Witgoed bezorgen en aansluiten',
      answerMinutes: 30,
      steps: [
        {
          title: 'Opgehaald bij de winkel',
          description: 'We halen uw apparaat op en controleren het op transportschade.',
          defaultRole: 'Bezorger',
          expectedMinutes: 60,
        },
        {
          title: 'Ingepland',
          description: 'We plannen de bezorging en sturen u de avond ervoor een tijdvak van twee uur.',
          defaultRole: 'Planner',
          expectedMinutes: 20 * H,
        },
        {
          title: 'Onderweg naar u',
          description: 'De bus is onderweg; we laten het weten als we bijna bij u zijn.',
          defaultRole: 'Bezorger',
          expectedMinutes: 90,
        },
        {
          title: 'Aansluiten en testen',
          description: 'We sluiten het apparaat aan en laten een testprogramma draaien.',
          defaultRole: 'Witgoedmonteur',
          expectedMinutes: 45,
        },
        {
          title: 'Oud apparaat afvoeren',
          description: 'Uw oude apparaat nemen we mee voor recycling.',
          defaultRole: 'Bezorger',
          expectedMinutes: 20,
        },
      ],
    },
  ],
  answers: [
    {
      workflow: 0,
      step: 2,
      by: 'mo',
      checkedBy: 'sven',
      question: 'Nemen jullie de verpakking mee?',
      answer: 'Ja. We pakken alles bij u uit, zetten het op zijn plaats en nemen karton en folie mee.',
      en: {
        question: 'Do you take the packaging away?',
        answer:
          'Yes. We unpack everything at your place, put it where you want it and take the cardboard and plastic with us.',
      },
      shown: 30,
      answered: 12,
    },
    {
      workflow: 0,
      step: 2,
      by: 'sven',
      checkedBy: 'mo',
      question: 'Wat als ik niet thuis ben in het tijdvak?',
      answer:
        'Wij bellen een kwartier voor aankomst. Lukt het niet, dan kiest u op deze pagina een nieuw tijdvak; een tweede rit is gratis.',
      en: {
        question: 'What if I am not home during the window?',
        answer:
          'We call a quarter of an hour before we arrive. If it does not work out, choose a new window on this page; a second trip is free.',
      },
      shown: 26,
      answered: 10,
    },
  ],
  jobs: [
    {
      // On the road and stuck in traffic: the promise moved before the customer had to ask.
      reference: 'SB-118204',
      title: 'Bank "Lund" 3-zits, bezorgen en plaatsen',
      locale: 'nl',
      customer: { name: 'Lisa Bosman', phone: '06 11223344', postcode: '3512 JE' },
      address: { street: 'Lange Nieuwstraat', number: '12', postcode: '3512 JE', city: 'Utrecht' },
      workflow: 0,
      startedMinutesAgo: 20 * H,
      script: [
        { at: 10, step: 0, do: 'start' },
        { at: 50, step: 0, do: 'finish' },
        { at: 70, step: 1, do: 'start' },
        {
          at: 75,
          step: 1,
          do: 'note',
          who: 'eva',
          photos: ['sofa-in-depot'],
          text: 'Uw bank staat in ons depot in Nieuwegein. Morgen rijden we naar u toe; u krijgt vanavond een sms met een tijdvak van twee uur.',
        },
        { at: 17 * H + 15, step: 1, do: 'finish' },
        { at: 18 * H + 15, step: 2, do: 'start' },
        {
          at: 18 * H + 20,
          step: 2,
          do: 'note',
          who: 'mo',
          text: 'We zijn onderweg! U bent de **derde** stop. Wilt u zorgen dat er een parkeerplek voor de deur vrij is?',
        },
        { step: 2, do: 'cost', line: fee('Bezorgen tot in de woonkamer', 1, 49, 'actual') },
        { step: 2, do: 'cost', line: fee('Toeslag 2e verdieping zonder lift', 1, 15, 'actual') },
        {
          at: 19 * H + 10,
          step: 2,
          do: 'promise',
          moveBy: 40,
          andLater: true,
          reason: 'File op de A12 bij knooppunt Oudenrijn; we zijn ongeveer 40 minuten later bij u.',
        },
        {
          at: 19 * H + 12,
          step: 2,
          do: 'note',
          who: 'mo',
          text: 'Helaas staan we vast in de file op de A12. Excuses voor het wachten; we laten het weten als we bijna bij u zijn.',
        },
      ],
    },
    {
      reference: 'SB-118230',
      title: 'Washing machine, deliver and connect',
      locale: 'en',
      customer: { name: 'Tomasz Nowak', phone: '06 55667788', postcode: '3531 AB' },
      address: { street: 'Kanaalstraat', number: '48-bis', postcode: '3531 AB', city: 'Utrecht' },
      workflow: 1,
      startedMinutesAgo: 30 * H,
      script: [
        { at: 30, step: 0, do: 'start' },
        { at: 55, step: 0, do: 'finish' },
        { at: 60, step: 1, do: 'start' },
        {
          at: 65,
          step: 1,
          do: 'note',
          who: 'eva',
          text: 'Your washing machine is in our depot. Delivery is planned for tomorrow; we’ll text you a two-hour time window tonight.',
        },
        { at: 19 * H, step: 1, do: 'finish' },
        { step: 2, do: 'assign', who: 'sven' },
        { at: 19 * H + 50, step: 2, do: 'start' },
        {
          at: 20 * H,
          step: 2,
          do: 'note',
          who: 'sven',
          text: 'On our way, you’re the next stop. We should be with you in about **25 minutes**.',
        },
        { at: 20 * H + 40, step: 2, do: 'finish' },
        { at: 20 * H + 45, step: 3, do: 'start' },
        { step: 3, do: 'cost', who: 'ricardo', line: fee('Delivery and connection', 1, 59, 'actual') },
        { step: 3, do: 'cost', line: part('Drain hose extension, 1.5 m', 1, 12.5, 'actual') },
        { step: 3, do: 'cost', line: part('Washing machine tap with backflow valve', 1, 14.95, 'actual') },
        { step: 3, do: 'cost', who: 'ricardo', line: labour('Replace leaking tap', 0.5, 55, 'actual') },
        {
          at: 21 * H + 25,
          step: 3,
          do: 'note',
          who: 'ricardo',
          photos: ['washing-machine'],
          text: 'Connected and a test run done: no leaks. Your old tap was dripping, so I replaced it, as we agreed at the door.',
        },
        { at: 21 * H + 30, step: 3, do: 'finish' },
        { step: 4, do: 'assign', who: 'sven' },
        { at: 21 * H + 31, step: 4, do: 'start' },
        {
          at: 21 * H + 33,
          step: 4,
          do: 'note',
          who: 'sven',
          text: 'We took your old machine for recycling; that’s free under the Wecycle scheme.',
        },
        { at: 21 * H + 35, step: 4, do: 'finish' },
      ],
    },
    {
      // Plants carry the low VAT rate (9%); the planter and the delivery the standard 21%.
      reference: 'SB-118251',
      title: 'Olijfboom met plantenbak, bezorgen op het balkon',
      locale: 'nl',
      customer: { name: 'Wouter Vermeulen', email: 'wouter.vermeulen@example.nl', postcode: '3581 CV' },
      address: { street: 'Biltstraat', number: '143-3', postcode: '3581 CV', city: 'Utrecht' },
      workflow: 0,
      startedMinutesAgo: 3 * H,
      script: [
        { at: 15, step: 0, do: 'start' },
        {
          at: 50,
          step: 0,
          do: 'note',
          who: 'mo',
          text: 'Opgehaald bij Kwekerij Het Groene Hart. De boom is goed ingepakt, zodat de takken onderweg niet breken.',
        },
        { at: 55, step: 0, do: 'finish' },
        { at: 70, step: 1, do: 'start' },
        { step: 1, do: 'cost', line: part('Olijfboom (Olea europaea), 180 cm', 1, 189, 'actual', 9) },
        { step: 1, do: 'cost', line: part('Plantenbak zink, 60 cm', 1, 64.95, 'actual') },
        { step: 1, do: 'cost', line: fee('Bezorgen en plaatsen op balkon, 3e verdieping', 1, 45) },
        {
          at: 80,
          step: 1,
          do: 'note',
          who: 'eva',
          text: 'Uw olijfboom staat binnen in ons depot, uit de wind. We bezorgen morgen; u krijgt vanavond een tijdvak van twee uur.',
        },
      ],
    },
    {
      reference: 'SB-118262',
      title: 'Dining table and six chairs, deliver and assemble',
      locale: 'en',
      customer: { name: 'Sophie Laurent', email: 'sophie.laurent@example.com', postcode: '3583 EP' },
      address: { street: 'Burgemeester Reigerstraat', number: '77', postcode: '3583 EP', city: 'Utrecht' },
      workflow: 0,
      startedMinutesAgo: 20,
      script: [],
    },
  ],
};

export const demoOrganisations: DemoOrganisation[] = [garage, notary, delivery];
