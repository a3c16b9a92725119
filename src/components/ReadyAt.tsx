import { Show } from 'solid-js';
import { type Formatting, formatters } from '../i18n/format';
import { fill, type TrackerMessages } from '../i18n/messages';
import { type JobPromise, jobPromise } from '../services/jobs/job-promise';
import { currentStepIndex, runningLate } from '../services/jobs/progress';
import type { PublicStep } from '../services/jobs/views';
import Avatar from './Avatar';

type Props = {
  steps: PublicStep[];
  status: 'open' | 'done' | 'cancelled';
  cancelReason: string | null;
  messages: TrackerMessages;
  formatting: Formatting;
  now: number;
};

/** Why the job's promise moved, in the customer's words: the reason given, or what happened. */
export function promiseChangeText(change: NonNullable<JobPromise['change']>, t: TrackerMessages): string {
  if (change.reason) return change.reason;
  const text = {
    moved: '',
    finished_late: t.causeFinishedLate,
    finished_early: t.causeFinishedEarly,
    skipped: t.causeSkipped,
  }[change.cause];
  return fill(text, { step: change.stepTitle });
}

/**
 * The one time the customer cares about, first on the page: when the job will be done, how that
 * moved and why (said once, here), and who is working on it now. Server-rendered; the Live island
 * re-reads it with the rest of the page.
 */
export default function ReadyAt(props: Props) {
  const t = props.messages;
  const f = formatters(props.formatting);
  const promise = jobPromise(props.steps);
  const index = currentStepIndex(props.steps);
  const current = props.steps[index];
  const Time = (p: { ms: number }) => <time datetime={f.iso(p.ms)}>{f.when(p.ms, props.now)}</time>;
  const late = runningLate(promise, props.now);
  const doneAt =
    props.status === 'done' ? (promise?.doneAt ?? props.steps.findLast((s) => s.doneAt)?.doneAt) : null;

  return (
    <section class={`ready ${props.status}`} data-live-region="headline" aria-labelledby="ready-label">
      <Show
        when={props.status !== 'cancelled'}
        fallback={
          <>
            <h2 id="ready-label" class="ready-label">
              {t.cancelled}
            </h2>
            <Show when={props.cancelReason}>
              <p class="ready-moved">{fill(t.cancelledReason, { reason: props.cancelReason ?? '' })}</p>
            </Show>
          </>
        }
      >
        <h2 id="ready-label" class="ready-label">
          {props.status === 'done' ? t.readyDone : t.readyLabel}
        </h2>
        <Show when={doneAt ?? promise?.promisedDoneAt}>
          {(ms) => (
            <p class="ready-time">
              <Time ms={ms()} />
              <Show when={late}>
                <span class="late"> · {t.runningLate}</span>
              </Show>
            </p>
          )}
        </Show>
        <Show when={props.status === 'open' && promise?.change ? promise : null}>
          {(p) => (
            <p class="ready-moved">
              {t.firstPromised}{' '}
              <del>
                <Time ms={p().firstPromisedDoneAt} />
              </del>
              <Show
                when={p().change && promiseChangeText(p().change as NonNullable<JobPromise['change']>, t)}
              >
                {(text) => <span class="reason"> · {text()}</span>}
              </Show>
            </p>
          )}
        </Show>
        <Show when={props.status === 'open' && current}>
          {(step) => (
            <div class="ready-now">
              <Show when={step().assignee}>{(who) => <Avatar who={who()} />}</Show>
              <p>
                <a href={`#step-${step().id}`}>
                  {fill(t.progress, { current: index + 1, total: props.steps.length })}:{' '}
                  <bdi lang={step().lang?.title}>{step().title}</bdi>
                </a>
                <Show when={step().assignee}>
                  {(who) => (
                    <>
                      <br />
                      <span class="who">
                        <bdi>{who().name}</bdi>, <bdi lang={who().lang?.role}>{who().role}</bdi>
                      </span>
                    </>
                  )}
                </Show>
              </p>
            </div>
          )}
        </Show>
      </Show>
    </section>
  );
}
