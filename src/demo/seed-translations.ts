/**
 * The demo's job content in English, keyed by the Dutch text the demo organisations write in. The
 * seed gives every role, bio, step title and description its English text from here, and the seed
 * test checks none is missing, so the demo is complete in both languages.
 */
export const ENGLISH: Record<string, string> = {
  // Garage Van Dijk
  Werkplaatschef: 'Workshop manager',
  'Begon hier in 1998 als leerling-monteur en nam de garage in 2012 over van zijn vader. Rijdt zelf elke auto na voordat hij terug naar de klant gaat.':
    'Started here in 1998 as an apprentice mechanic and took the garage over from his father in 2012. Test-drives every car himself before it goes back to its owner.',
  Serviceadviseur: 'Service adviser',
  'Uw aanspreekpunt aan de balie: plant uw afspraak, belt u met de prijs en legt de rekening uit.':
    'Your contact at the front desk: plans your appointment, calls you with the price and explains the invoice.',
  'APK-keurmeester': 'MOT inspector',
  'Erkend keurmeester voor personen- en bedrijfsauto’s. Laat u graag zien wat ze heeft gevonden.':
    'Certified inspector for cars and vans. Happy to show you what she found.',
  Monteur: 'Mechanic',
  'Twintig jaar onder de motorkap, gespecialiseerd in Volkswagen, Audi, Seat en Škoda.':
    'Twenty years under the bonnet, specialised in Volkswagen, Audi, Seat and Škoda.',
  'Gecertificeerd voor hybride en elektrische auto’s (IVS 3). Legt ook in het Engels graag uit wat hij doet.':
    'Certified to work on hybrid and electric cars (IVS 3). Happy to explain what he does in English.',
  // Workflow names (the console's workflow templates, src/console/workflow-templates.ts).
  'APK en onderhoud': 'APK and service',
  Testament: 'Will',
  'Bezorgen en plaatsen': 'Delivery and installation',
  Intake: 'Intake',
  'We nemen uw auto in ontvangst en noteren uw wensen en klachten.':
    'We take in your car and write down your wishes and complaints.',
  'APK-keuring': 'MOT inspection',
  'De keurmeester controleert uw auto volgens de eisen van de RDW.':
    'The inspector checks your car against the RDW’s requirements.',
  'Onderhoud en reparatie': 'Service and repair',
  'Olie, filters en wat er verder nodig is. Extra werk doen we alleen na uw akkoord.':
    'Oil, filters and whatever else is needed. We only do extra work once you agree.',
  'Proefrit en eindcontrole': 'Test drive and final check',
  'Een korte proefrit en een laatste controle van alles wat we hebben gedaan.':
    'A short test drive and a last check of everything we did.',
  'Klaar voor ophalen': 'Ready for pickup',
  'Uw auto staat klaar; de sleutel ligt bij de balie.': 'Your car is ready; the key is at the front desk.',
  'U vertelt wat u merkt; wij noteren wanneer en hoe het gebeurt.':
    'You tell us what you notice; we note when and how it happens.',
  Diagnose: 'Diagnosis',
  'We lezen de storingscodes uit en zoeken de oorzaak.': 'We read the fault codes and look for the cause.',
  'Prijsopgave en akkoord': 'Quote and approval',
  'We bellen u met de oorzaak en de prijs. We beginnen pas na uw akkoord.':
    'We call you with the cause and the price. We only start once you agree.',
  Reparatie: 'Repair',
  'We voeren de reparatie uit die u heeft goedgekeurd.': 'We carry out the repair you approved.',
  'Eindcontrole en ophalen': 'Final check and pickup',
  'Proefrit, storingsgeheugen wissen en uw auto klaarzetten.':
    'Test drive, clearing the fault memory and getting your car ready.',
  // Bakker & De Wit Notarissen
  Notaris: 'Notary',
  'Notaris in Utrecht sinds 2009. Familierecht, testamenten en nalatenschappen.':
    'Notary in Utrecht since 2009. Family law, wills and estates.',
  'Notaris voor woningen en bedrijfspanden, van leveringsakte tot hypotheekakte.':
    'Notary for homes and commercial property, from transfer deed to mortgage deed.',
  'Kandidaat-notaris': 'Junior notary',
  'Stelt uw aktes op en is uw eerste aanspreekpunt voor vragen. Werkt in het Nederlands en het Engels.':
    'Drafts your deeds and is your first point of contact for questions. Works in Dutch and English.',
  'Notarieel medewerker': 'Notarial assistant',
  'Plant uw afspraken en zorgt dat alle stukken op tijd klaarliggen en worden ingeschreven.':
    'Plans your appointments and makes sure every document is ready in time and registered.',
  Intakegesprek: 'Intake meeting',
  'We bespreken uw wensen en uw familiesituatie, op kantoor of bij u thuis.':
    'We discuss your wishes and your family situation, at our office or at your home.',
  'Concept opstellen': 'Drafting',
  'We schrijven uw wensen uit in een conceptakte, met een toelichting in gewone taal.':
    'We write your wishes out in a draft deed, with an explanation in plain language.',
  'Concept ter controle bij u': 'Draft with you for review',
  'U leest het concept rustig door en geeft uw opmerkingen door.':
    'You read the draft at your own pace and send us your comments.',
  Ondertekening: 'Signing',
  'U tekent de akte bij de notaris op kantoor. Neem een geldig legitimatiebewijs mee.':
    'You sign the deed with the notary at our office. Bring valid ID.',
  Registratie: 'Registration',
  'Wij schrijven uw testament in bij het Centraal Testamentenregister.':
    'We register your will with the Central Wills Register.',
  'Stukken ontvangen': 'Documents received',
  'We ontvangen de koopovereenkomst van de makelaar en de hypotheekofferte van uw adviseur.':
    'We receive the purchase agreement from the estate agent and the mortgage offer from your adviser.',
  'Onderzoek Kadaster en registers': 'Land Registry and register checks',
  'We controleren eigendom, hypotheken en beslagen, en vragen de gegevens van de VvE op.':
    'We check ownership, mortgages and attachments, and request the owners’ association’s details.',
  'Concept-aktes en nota van afrekening': 'Draft deeds and settlement statement',
  'U ontvangt de concept-aktes en de nota met het bedrag dat u overmaakt.':
    'You receive the draft deeds and the statement with the amount to transfer.',
  Passeren: 'Completion',
  'Koper, verkoper en notaris tekenen de akte van levering en de hypotheekakte.':
    'Buyer, seller and notary sign the transfer deed and the mortgage deed.',
  'Inschrijving in het Kadaster': 'Registration with the Land Registry',
  'We schrijven de akten in; daarna bent u ook officieel eigenaar.':
    'We register the deeds; from then on you are officially the owner.',
  // Snel Bezorgd
  Planner: 'Planner',
  'Maakt elke avond de routes voor de volgende dag en houdt bij waar de bussen zijn.':
    'Plans the next day’s routes every evening and keeps track of where the vans are.',
  Bezorger: 'Delivery driver',
  'Bezorgt grote meubels in Utrecht en omgeving, altijd met z’n tweeën, en neemt het verpakkingsmateriaal weer mee.':
    'Delivers large furniture in and around Utrecht, always in pairs, and takes the packaging away.',
  'Bezorgt en monteert meubels en apparaten. Spreekt Engels en Duits.':
    'Delivers and assembles furniture and appliances. Speaks English and German.',
  Witgoedmonteur: 'Appliance technician',
  'Sluit uw wasmachine, droger of vaatwasser aan en test hem voordat hij weggaat.':
    'Connects your washing machine, dryer or dishwasher and tests it before leaving.',
  'Opgehaald bij de winkel': 'Collected from the shop',
  'We halen uw bestelling op en controleren hem op schade.': 'We collect your order and check it for damage.',
  'In het depot': 'In the depot',
  'Uw bestelling staat klaar voor de route. U krijgt vooraf een tijdvak van twee uur.':
    'Your order is ready for its route. You get a two-hour window in advance.',
  'Onderweg naar u': 'On its way to you',
  'De bus is onderweg; we laten het weten als we bijna bij u zijn.':
    'The van is on its way; we let you know when we are almost there.',
  'Bezorgd en geplaatst': 'Delivered and placed',
  'We zetten alles op de plek die u wilt en nemen het verpakkingsmateriaal mee.':
    'We put everything where you want it and take the packaging away.',
  'We halen uw apparaat op en controleren het op transportschade.':
    'We collect your appliance and check it for transport damage.',
  Ingepland: 'Scheduled',
  'We plannen de bezorging en sturen u de avond ervoor een tijdvak van twee uur.':
    'We schedule the delivery and send you a two-hour window the evening before.',
  'Aansluiten en testen': 'Connecting and testing',
  'We sluiten het apparaat aan en laten een testprogramma draaien.':
    'We connect the appliance and run a test programme.',
  'Oud apparaat afvoeren': 'Old appliance taken away',
  'Uw oude apparaat nemen we mee voor recycling.': 'We take your old appliance away for recycling.',
};

/** The English text of a Dutch demo text; a missing one is a fault in the demo data. */
export function english(dutch: string): string {
  const text = ENGLISH[dutch];
  if (text === undefined) throw new Error(`demo text has no English: ${dutch}`);
  return text;
}
