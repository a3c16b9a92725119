/**
 * Cost arithmetic, shared by the server and the tracker island. Integer cents throughout;
 * quantities are thousandths, VAT rates basis points. A line's amount is rounded once per line; VAT is
 * computed per rate on the sum of the lines at that rate, as the invoice prints it
 * (docs/decisions/invoice.md). Halves round away from zero, so a credit note mirrors its invoice.
 */
export type CostKind = 'labour' | 'part' | 'fee' | 'discount';
export type CostState = 'estimate' | 'awaiting_approval' | 'approved' | 'declined' | 'actual';

export type PricedLine = {
  kind: CostKind;
  quantityMilli: number;
  unitPriceCents: number;
  vatRateBp: number;
  state: CostState;
  estimateNetCents?: number | null;
};

export function lineNetCents(line: Pick<PricedLine, 'kind' | 'quantityMilli' | 'unitPriceCents'>): number {
  const net = Math.round((line.quantityMilli * line.unitPriceCents) / 1000);
  return line.kind === 'discount' ? -net : net;
}

/** Half a cent away from zero: -2.5 becomes -3 as 2.5 becomes 3. */
export const roundCents = (value: number) => Math.sign(value) * Math.round(Math.abs(value));

export const vatCents = (netCents: number, vatRateBp: number) => roundCents((netCents * vatRateBp) / 10_000);

/** Net and VAT per rate, highest rate first: VAT on each rate's net sum, rounded once per rate. */
export function vatPerRate(lines: { netCents: number; vatRateBp: number }[]) {
  const byRate = new Map<number, number>();
  for (const line of lines) byRate.set(line.vatRateBp, (byRate.get(line.vatRateBp) ?? 0) + line.netCents);
  return [...byRate]
    .sort((a, b) => b[0] - a[0])
    .map(([vatRateBp, net]) => ({ vatRateBp, netCents: net, vatCents: vatCents(net, vatRateBp) }));
}

export type Totals = {
  /** Lines that count now: estimates, approved extras and actuals. */
  netCents: number;
  vatCents: number;
  grossCents: number;
  vatByRate: { vatRateBp: number; netCents: number; vatCents: number }[];
  /** What the customer was first told (gross), from each line's estimate. */
  estimatedGrossCents: number;
  /** Extra work that waits for the customer's decision (gross). */
  awaitingApprovalGrossCents: number;
  /** True when every counted line is actual: the total is final. */
  final: boolean;
};

export function totals(lines: PricedLine[]): Totals {
  let net = 0;
  let estimated = 0;
  let awaiting = 0;
  let final = lines.length > 0;
  const counted: { netCents: number; vatRateBp: number }[] = [];
  for (const line of lines) {
    const lineNet = lineNetCents(line);
    const lineVat = vatCents(lineNet, line.vatRateBp);
    if (line.estimateNetCents != null) {
      estimated += line.estimateNetCents + vatCents(line.estimateNetCents, line.vatRateBp);
    }
    if (line.state === 'declined') continue;
    if (line.state === 'awaiting_approval') {
      awaiting += lineNet + lineVat;
      // Work the customer has not decided on yet means the total is not settled.
      final = false;
      continue;
    }
    if (line.state !== 'actual') final = false;
    net += lineNet;
    counted.push({ netCents: lineNet, vatRateBp: line.vatRateBp });
  }
  const vatByRate = vatPerRate(counted);
  const vat = vatByRate.reduce((sum, r) => sum + r.vatCents, 0);
  return {
    netCents: net,
    vatCents: vat,
    grossCents: net + vat,
    vatByRate,
    estimatedGrossCents: estimated,
    awaitingApprovalGrossCents: awaiting,
    final,
  };
}
