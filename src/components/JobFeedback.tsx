import { For, Show } from 'solid-js';
import { fill, type TrackerMessages } from '../i18n/messages';

type Person = { id: string; name: string; role: string; score: number | null };
type Given = { score: number; comment: string | null; followUp: { name: string; role: string } | null };

/** What the customer posted, shown again when it was refused. */
export type FeedbackRetry = { score: number | null; comment: string };

/**
 * After the job: one form for the whole job — "would you recommend us" from 0 to 10, a comment, and stars
 * for each person who did the work (each optional). A plain form: it works without JavaScript. Once sent,
 * the customer reads their score back and, after a low one, who will contact them.
 */
export default function JobFeedback(props: {
  organisationName: string;
  people: Person[];
  given: Given | null;
  t: TrackerMessages;
  retry: FeedbackRetry | null;
}) {
  const t = props.t;
  const unrated = () => props.people.filter((p) => p.score === null);
  return (
    <section class="rate" aria-labelledby="rate-heading">
      <h2 id="rate-heading">{t.rateTitle}</h2>
      <Show
        when={!props.given}
        fallback={
          <>
            <p class="sent">{fill(t.feedbackThanks, { score: props.given?.score ?? 0 })}</p>
            <Show when={props.given?.followUp}>
              {(who) => <p>{fill(t.feedbackFollowUp, { name: who().name, role: who().role })}</p>}
            </Show>
            <For each={props.people.filter((p) => p.score !== null)}>
              {(person) => <p>{fill(t.rated, { name: person.name, score: person.score ?? 0 })}</p>}
            </For>
          </>
        }
      >
        <form method="post" class="rate-form" id="feedback">
          <input type="hidden" name="_action" value="feedback" />
          <fieldset>
            <legend>{fill(t.feedbackScoreLegend, { org: props.organisationName })}</legend>
            <div class="scale">
              <For each={[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]}>
                {(n) => (
                  <label>
                    <input
                      type="radio"
                      name="score"
                      value={n}
                      required
                      checked={props.retry?.score === n}
                      class="visually-hidden"
                    />
                    <span>{n}</span>
                  </label>
                )}
              </For>
            </div>
            <p class="scale-ends" aria-hidden="true">
              <span>{t.feedbackScoreLow}</span>
              <span>{t.feedbackScoreHigh}</span>
            </p>
          </fieldset>
          <label for="feedback-comment">{t.feedbackComment}</label>
          <textarea id="feedback-comment" name="comment" rows={3} maxlength={1000}>
            {props.retry?.comment ?? ''}
          </textarea>
          <Show when={unrated().length > 0}>
            <p>{t.feedbackPeople}</p>
            <For each={unrated()}>
              {(person) => (
                <fieldset>
                  <legend>{fill(t.rateLegend, { name: `${person.name}, ${person.role}` })}</legend>
                  <div class="stars">
                    <For each={[1, 2, 3, 4, 5]}>
                      {(n) => (
                        <label>
                          <input type="radio" name={`stars.${person.id}`} value={n} class="visually-hidden" />
                          <span aria-hidden="true">★</span>
                          <span class="visually-hidden">{fill(t.stars, { n })}</span>
                        </label>
                      )}
                    </For>
                  </div>
                </fieldset>
              )}
            </For>
          </Show>
          <Show when={props.retry}>
            <p class="error" role="alert">
              {t.feedbackError}
            </p>
          </Show>
          <button type="submit">{t.feedbackSubmit}</button>
        </form>
      </Show>
    </section>
  );
}
