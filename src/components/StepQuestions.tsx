import { For, Show } from 'solid-js';
import type { formatters } from '../i18n/format';
import { fill, type TrackerMessages } from '../i18n/messages';
import type { PublicQuestion } from '../services/customer-voice/questions';

/** Whether the step's own promise comes before the answer time would: then the answer is due by it. */
const answerBefore = (stepDueAt: number | null | undefined, minutes: number, now: number) =>
  stepDueAt != null && stepDueAt > now && stepDueAt < now + minutes * 60_000;

/** The tracker's "ask the expert" form, when the job is open: who answers, how soon, and what went wrong. */
export type AskForm = {
  /** Who answers a question about each step (its specialist, or the active step's). */
  answererFor: (stepId: string) => { name: string } | null;
  answerMinutes: number;
  /** After a question was sent: the step it was about (the confirmation shows there). */
  askedAt: string | null;
  /** A question sent back with an error (without JavaScript the page re-renders with it). */
  failed: { stepId: string; error: string; body: string } | null;
};

type Props = {
  stepId: string;
  /** The step's promise while it is still ahead: an answer is never promised after it. */
  stepDueAt?: number | null;
  questions: PublicQuestion[];
  ask: AskForm | undefined;
  t: TrackerMessages;
  f: ReturnType<typeof formatters>;
  now: number;
};

/** A step's questions and answers, and the form to ask the person doing it. Plain HTML: works without JS. */
export default function StepQuestions(props: Props) {
  const t = props.t;
  const answerer = () => props.ask?.answererFor(props.stepId) ?? null;
  const failed = () => (props.ask?.failed?.stepId === props.stepId ? props.ask.failed : null);
  const id = (name: string) => `ask-${props.stepId}-${name}`;
  return (
    <>
      <Show when={props.questions.length > 0}>
        <ul class="questions" aria-label={t.questions}>
          <For each={props.questions}>{(q) => <QuestionItem q={q} t={t} f={props.f} now={props.now} />}</For>
        </ul>
      </Show>
      <Show when={props.ask?.askedAt === props.stepId}>
        <p class="sent" role="status">
          {answerer() ? fill(t.sentTo, { name: answerer()?.name ?? '' }) : t.sent}
        </p>
      </Show>
      <Show when={props.ask}>
        {(ask) => (
          <details class="ask" open={!!failed()}>
            <summary>
              {answerer() ? fill(t.ask, { name: answerer()?.name ?? '' }) : t.askTeam}
              <span class="meta">
                {answerBefore(props.stepDueAt, ask().answerMinutes, props.now)
                  ? fill(t.answerBefore, { time: props.f.when(props.stepDueAt ?? 0, props.now) })
                  : fill(t.answerWithin, { duration: props.f.duration(ask().answerMinutes * 60_000) })}
              </span>
            </summary>
            <form method="post" class="ask-form">
              <input type="hidden" name="_action" value="ask" />
              <input type="hidden" name="stepId" value={props.stepId} />
              <label for={id('body')}>{t.yourQuestion}</label>
              <textarea
                id={id('body')}
                name="body"
                rows={3}
                maxlength={1000}
                required
                aria-invalid={failed() ? 'true' : undefined}
                aria-describedby={failed() ? id('error') : undefined}
              >
                {failed()?.body ?? ''}
              </textarea>
              <Show when={failed()}>
                <p class="error" id={id('error')}>
                  {failed()?.error}
                </p>
              </Show>
              <button type="submit">{t.send}</button>
            </form>
          </details>
        )}
      </Show>
    </>
  );
}

/** One question and its answer (or who answers by when), as an item of a step's thread. */
export function QuestionItem(props: {
  q: PublicQuestion;
  t: TrackerMessages;
  f: ReturnType<typeof formatters>;
  now: number;
}) {
  const t = props.t;
  const q = props.q;
  const Time = (p: { ms: number }) => (
    <time datetime={props.f.iso(p.ms)}>{props.f.when(p.ms, props.now)}</time>
  );
  return (
    <li class="question">
      <p class="asked">
        <strong>
          {q.channel === 'tracker' ? t.youAsked : fill(t.youAskedVia, { channel: t.channel[q.channel] })}
        </strong>{' '}
        <Time ms={q.askedAt} />
      </p>
      <p class="question-body" dir="auto">
        {q.body}
      </p>
      <Show
        when={q.answer}
        fallback={
          <p class="waiting">
            {q.answerer
              ? fill(q.movedToColleague ? t.movedTo : t.answersBy, {
                  name: q.answerer.name,
                  time: props.f.when(q.dueAt, props.now),
                })
              : fill(t.answersByTeam, { time: props.f.when(q.dueAt, props.now) })}
          </p>
        }
      >
        <div class="answer">
          <p class="asked">
            <strong>{fill(t.answerFrom, { name: q.answeredBy?.name ?? '' })}</strong>{' '}
            <Time ms={q.answeredAt ?? q.askedAt} />
          </p>
          <p class="question-body" dir="auto">
            {q.answer}
          </p>
        </div>
      </Show>
    </li>
  );
}
