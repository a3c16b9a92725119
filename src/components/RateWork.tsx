import { For, Show } from 'solid-js';
import { fill, type TrackerMessages } from '../i18n/messages';

type Person = { id: string; name: string; role: string; score: number | null };

/** After the job: rate each person who did the work, once. Plain forms: they work without JavaScript. */
export default function RateWork(props: { people: Person[]; t: TrackerMessages; failedFor: string | null }) {
  const t = props.t;
  return (
    <Show when={props.people.length > 0}>
      <section class="rate" aria-labelledby="rate-heading">
        <h2 id="rate-heading">{t.rateTitle}</h2>
        <p>{t.rateIntro}</p>
        <For each={props.people}>
          {(person) => (
            <Show
              when={person.score === null}
              fallback={<p class="sent">{fill(t.rated, { name: person.name, score: person.score ?? 0 })}</p>}
            >
              <form method="post" class="rate-form" id={`rate-${person.id}`}>
                <input type="hidden" name="_action" value="rate" />
                <input type="hidden" name="specialistId" value={person.id} />
                <fieldset>
                  <legend>{fill(t.rateLegend, { name: `${person.name}, ${person.role}` })}</legend>
                  <div class="stars">
                    <For each={[1, 2, 3, 4, 5]}>
                      {(n) => (
                        <label>
                          <input type="radio" name="score" value={n} required />
                          <span aria-hidden="true">{'★'.repeat(n)}</span>
                          <span class="visually-hidden">{fill(t.stars, { n })}</span>
                        </label>
                      )}
                    </For>
                  </div>
                </fieldset>
                <label for={`rate-${person.id}-comment`}>{t.rateComment}</label>
                <textarea id={`rate-${person.id}-comment`} name="comment" rows={2} maxlength={1000} />
                <Show when={props.failedFor === person.id}>
                  <p class="error" role="alert">
                    {t.rateError}
                  </p>
                </Show>
                <button type="submit">{t.rateSubmit}</button>
              </form>
            </Show>
          )}
        </For>
      </section>
    </Show>
  );
}
