import type { PublicCostLine } from '../jobs/views';

/**
 * What a customer sees of a line when approving or declining it: the tracker's form sends it back, and
 * the decision is refused (409 `signoff_changed`) when the line changed in between, so a customer never
 * approves an amount they were not shown (docs/decisions/documents.md). Pure: the tracker renders it.
 */
export const shownLine = (
  line: Pick<
    PublicCostLine,
    'kind' | 'description' | 'quantityMilli' | 'unitPriceCents' | 'vatRateBp' | 'explanation'
  >,
): string =>
  JSON.stringify([
    line.kind,
    line.description,
    line.quantityMilli,
    line.unitPriceCents,
    line.vatRateBp,
    line.explanation ?? null,
  ]);
