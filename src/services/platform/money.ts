/**
 * Cost arithmetic, shared by the server and the tracker island. Integer cents throughout;
 * quantities are thousandths, VAT rates basis points. Rounding happens once per line.
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

export const vatCents = (netCents: number, vatRateBp: number) => Math.round((netCents * vatRateBp) / 10_000);

export type Totals = {
  /** Lines that count now: estimates, approved extras and actuals. */
  netCents: number;
  vatCents: number;
  grossCents: number;
  vatByRate: { vatRateBp: number; vatCents: number }[];
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
  const byRate = new Map<number, number>();
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
    byRate.set(line.vatRateBp, (byRate.get(line.vatRateBp) ?? 0) + lineVat);
  }
  const vatByRate = [...byRate]
    .sort((a, b) => b[0] - a[0])
    .map(([vatRateBp, vat]) => ({ vatRateBp, vatCents: vat }));
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
