import { For, Show } from 'solid-js';
import type { formatters } from '../i18n/format';
import { fill, type TrackerMessages } from '../i18n/messages';
import { shownLine } from '../services/costs/shown-line';
import type { PublicCostLine } from '../services/jobs/views';

/** Extra work waiting for the customer's decision: what, why, a photo, the amount; approve or decline. */
export default function Approvals(props: {
  lines: PublicCostLine[];
  t: TrackerMessages;
  f: ReturnType<typeof formatters>;
}) {
  const t = props.t;
  return (
    <Show when={props.lines.length > 0}>
      <section class="approvals" aria-labelledby="approvals-heading">
        <h2 id="approvals-heading">{t.approvalTitle}</h2>
        <p>{t.approvalIntro}</p>
        <ul>
          <For each={props.lines}>
            {(line) => {
              const gross = () => props.f.money(line.netCents + line.vatCents);
              return (
                <li class="approval" id={`approval-${line.id}`}>
                  <h3 dir="auto">{line.description}</h3>
                  <Show when={line.explanation}>
                    <p class="question-body" dir="auto">
                      {line.explanation}
                    </p>
                  </Show>
                  <Show when={line.photoUrl}>
                    <a href={line.photoUrl ?? ''}>
                      <img
                        src={line.photoUrl ?? ''}
                        alt={line.description}
                        loading="lazy"
                        class="approval-photo"
                      />
                    </a>
                  </Show>
                  <p>
                    {props.f.quantity(line.quantityMilli)} × {props.f.money(line.unitPriceCents)} ·{' '}
                    <strong>{fill(t.inclVat, { amount: gross() })}</strong>
                    <Show when={line.specialistName}>
                      <span class="meta">{fill(t.proposedBy, { name: line.specialistName ?? '' })}</span>
                    </Show>
                  </p>
                  <div class="decide">
                    <form method="post">
                      <input type="hidden" name="_action" value="approve" />
                      <input type="hidden" name="lineId" value={line.id} />
                      <input type="hidden" name="shown" value={shownLine(line)} />
                      <button
                        type="submit"
                        aria-label={fill(t.approveLine, { item: line.description, amount: gross() })}
                      >
                        {t.approve}
                      </button>
                    </form>
                    <form method="post">
                      <input type="hidden" name="_action" value="decline" />
                      <input type="hidden" name="lineId" value={line.id} />
                      <input type="hidden" name="shown" value={shownLine(line)} />
                      <button
                        type="submit"
                        class="secondary"
                        aria-label={fill(t.declineLine, { item: line.description })}
                      >
                        {t.decline}
                      </button>
                    </form>
                  </div>
                </li>
              );
            }}
          </For>
        </ul>
      </section>
    </Show>
  );
}
