import { For, Show } from 'solid-js';
import type { formatters } from '../i18n/format';
import { fill, type TrackerMessages } from '../i18n/messages';
import { consultTerms, offerPrice, offerTitle, type TrackerOffer } from '../services/consults/terms';
import type { PublicQuestion } from '../services/customer-voice/questions';
import type { ShownAnswer } from '../services/knowledge/answers';
import { LIMITS } from '../services/platform/limits';

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
  /**
   * A question sent back with an error (without JavaScript the page re-renders with it): a new
   * question about a step, or (`turnId`) a follow-up or reply in a thread.
   */
  failed: { stepId: string; error: string; body: string; turnId?: string; field?: string } | null;
  /** The paid consult offered at a step, if any (docs/decisions/consults.md). */
  offerFor?: (stepId: string) => TrackerOffer | null;
  /** After a paid consult was asked: the step it was about. */
  consultedAt?: string | null;
  /** After a follow-up or reply was sent: the turn it continued. */
  continuedAt?: string | null;
  /**
   * Without JavaScript, "search the answers first" shows the page again with the matches for what was
   * typed (kept in the box); `answered` after "this answers my question" (docs/decisions/knowledge.md).
   */
  found?: { stepId: string; body: string; answers: ShownAnswer[] } | null;
  answeredAt?: string | null;
};

type Props = {
  stepId: string;
  /** Published answers at this step: "Others asked at this step", above the form. */
  answers?: ShownAnswer[] | undefined;
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
  const failed = () =>
    props.ask?.failed?.stepId === props.stepId && !props.ask.failed.turnId ? props.ask.failed : null;
  const id = (name: string) => `ask-${props.stepId}-${name}`;
  const found = () => (props.ask?.found?.stepId === props.stepId ? props.ask.found : null);
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
      <Show when={props.ask?.consultedAt === props.stepId}>
        <p class="sent" role="status">
          {t.consult.sent}
        </p>
      </Show>
      <Show when={props.ask && (props.answers?.length ?? 0) > 0}>
        <section class="others-asked" aria-labelledby={id('others')}>
          <h3 id={id('others')}>{t.othersAsked}</h3>
          <ul class="answers">
            <For each={props.answers}>{(a) => <PublishedAnswerItem a={a} t={t} />}</For>
          </ul>
        </section>
      </Show>
      <Show when={props.ask?.answeredAt === props.stepId}>
        <p class="sent" role="status">
          {t.gladAnswered}
        </p>
      </Show>
      <Show when={props.ask}>
        {(ask) => (
          <details class="ask" open={!!failed() || found() !== null}>
            <summary>
              {answerer() ? fill(t.ask, { name: answerer()?.name ?? '' }) : t.askTeam}
              <span class="meta">
                {answerBefore(props.stepDueAt, ask().answerMinutes, props.now)
                  ? fill(t.answerBefore, { time: props.f.when(props.stepDueAt ?? 0, props.now) })
                  : fill(t.answerWithin, { duration: props.f.duration(ask().answerMinutes * 60_000) })}
              </span>
            </summary>
            <form
              method="post"
              class="ask-form"
              data-answer-search={JSON.stringify({
                maybe: t.maybeAnswered,
                yes: t.thisAnswers,
                glad: t.gladAnswered,
                checked: t.checkedBy,
              })}
            >
              <input type="hidden" name="stepId" value={props.stepId} />
              <QuestionBox
                id={id}
                label={t.yourQuestion}
                failed={failed()?.field === 'consent' ? null : failed()}
                keep={failed()?.field === 'consent' ? failed()?.body : found()?.body}
              />
              <div class="answer-matches" aria-live="polite">
                <Show when={found()}>
                  {(f) => (
                    <Show when={f().answers.length > 0} fallback={<p>{t.noAnswersFound}</p>}>
                      <p>{t.maybeAnswered}</p>
                      <ul class="answers">
                        <For each={f().answers}>{(a) => <PublishedAnswerItem a={a} t={t} answers />}</For>
                      </ul>
                    </Show>
                  )}
                </Show>
              </div>
              <button type="submit" name="_action" value="ask">
                {t.send}
              </button>{' '}
              <button type="submit" name="_action" value="search_answers" class="secondary" formnovalidate>
                {t.searchAnswers}
              </button>
              <Show when={ask().offerFor?.(props.stepId)}>
                {(offer) => (
                  <ConsultOffer
                    offer={offer()}
                    id={id}
                    t={t}
                    f={props.f}
                    now={props.now}
                    error={failed()?.field === 'consent' ? failed()?.error : undefined}
                  />
                )}
              </Show>
            </form>
          </details>
        )}
      </Show>
    </>
  );
}

/**
 * The paid consult beside the free question (docs/decisions/consults.md): its price excl. and incl. VAT
 * in the reader's language, the consent it needs, and its own button; the question box is shared, so
 * "Send question" stays the free question it always was. The terms as shown go back with the form.
 */
function ConsultOffer(props: {
  offer: TrackerOffer;
  id: (name: string) => string;
  t: TrackerMessages;
  f: ReturnType<typeof formatters>;
  now: number;
  error: string | undefined;
}) {
  const c = props.t.consult;
  const talk = (props.offer.talk ?? []).filter((s) => s.startsAt > props.now);
  const locale = props.f.locale;
  const price = offerPrice(props.offer);
  const gross = props.f.money(price.grossCents);
  return (
    <fieldset class="consult-offer">
      <legend>{c.offerHeading}</legend>
      <p class="offer">
        {fill(c.offerLine, {
          title: offerTitle(props.offer, locale),
          net: props.f.money(price.netCents),
          gross,
        })}
      </p>
      <p class="meta">{fill(c.offerMinutes, { minutes: props.offer.minutes })}</p>
      <input type="hidden" name="offerId" value={props.offer.id} />
      <input type="hidden" name="terms" value={consultTerms(props.offer, locale)} />
      <input type="hidden" name="lang" value={locale} />
      <Show when={talk.length > 0}>
        <label for={props.id('talk')}>{c.talk}</label>
        <select id={props.id('talk')} name="talkAt">
          <option value="">{c.noTalk}</option>
          <For each={talk}>
            {(slot) => (
              <option value={String(slot.startsAt)}>{props.f.when(slot.startsAt, props.now)}</option>
            )}
          </For>
        </select>
      </Show>
      <p class="consent">
        <input
          type="checkbox"
          id={props.id('consent')}
          name="consent"
          value="1"
          aria-invalid={props.error ? 'true' : undefined}
          aria-describedby={props.error ? props.id('consent-error') : props.id('consent-text')}
        />{' '}
        <label for={props.id('consent')}>{fill(c.consentLabel, { gross })}</label>
      </p>
      <p class="meta" id={props.id('consent-text')}>
        {c.consent} {c.free}
      </p>
      <Show when={props.error}>
        <p class="error" id={props.id('consent-error')}>
          {props.error}
        </p>
      </Show>
      <button type="submit" name="_action" value="consult">
        {fill(c.choose, { gross })}
      </button>
    </fieldset>
  );
}

/** A published answer: the question, its answer on opening, who checked it; optionally "this answers my question". */
function PublishedAnswerItem(props: { a: ShownAnswer; t: TrackerMessages; answers?: boolean }) {
  const a = props.a;
  return (
    <li class="published-answer">
      <details>
        <summary lang={a.lang}>{a.question}</summary>
        <p class="question-body" lang={a.lang}>
          {a.answer}
        </p>
        <Show when={a.checkedBy}>
          {(c) => <p class="meta">{fill(props.t.checkedBy, { name: c().name, role: c().role })}</p>}
        </Show>
      </details>
      <Show when={props.answers}>
        <button type="submit" name="answered" value={a.id} class="secondary">
          {props.t.thisAnswers}
        </button>
      </Show>
    </li>
  );
}

/**
 * One turn of a conversation, as an item of a step's thread: the customer's question and its answer
 * (or who answers by when), or the team's question and the customer's reply. The last turn of a thread
 * carries the form that continues it (a follow-up, or the reply the team waits for) while the job is open.
 */
export function QuestionItem(props: {
  q: PublicQuestion;
  t: TrackerMessages;
  f: ReturnType<typeof formatters>;
  now: number;
  /** The thread's last turn on an open job: offer to continue it. */
  ask?: AskForm | undefined;
  last?: boolean;
  /** The console's view: the customer who asked, named instead of "you". */
  asker?: string | undefined;
}) {
  const t = props.t;
  const q = props.q;
  const Time = (p: { ms: number }) => (
    <time datetime={props.f.iso(p.ms)}>{props.f.when(p.ms, props.now)}</time>
  );
  if (q.askedBy === 'specialist') return <TeamAsks {...props} />;
  return (
    <li class="question" id={`turn-${q.id}`}>
      <p class="asked">
        <strong>
          {props.asker !== undefined
            ? q.threadId !== q.id
              ? fill(t.followUpFrom, { name: props.asker })
              : q.channel === 'tracker'
                ? fill(t.questionFrom, { name: props.asker })
                : fill(t.questionFromVia, { name: props.asker, channel: t.channel[q.channel] })
            : q.threadId !== q.id
              ? t.youFollowedUp
              : q.channel === 'tracker'
                ? t.youAsked
                : fill(t.youAskedVia, { channel: t.channel[q.channel] })}
        </strong>{' '}
        <Time ms={q.askedAt} />
        <Show when={q.paid}>
          {' '}
          <span class="paid-consult">
            {props.asker !== undefined ? t.consult.paidPriority : t.consult.paid}
          </span>
        </Show>
      </p>
      <p class="question-body" dir="auto">
        {q.body}
      </p>
      <Photos q={q} t={t} />
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
      <Show when={q.talkAt}>
        {(at) => <p class="meta">{fill(t.consult.talkAt, { time: props.f.when(at(), props.now) })}</p>}
      </Show>
      <Show when={props.last && props.ask && q.answer}>
        <Continue {...props} kind="follow_up" />
      </Show>
    </li>
  );
}

/** The team's question to the customer, and the reply (or the form to give it). */
function TeamAsks(props: Parameters<typeof QuestionItem>[0]) {
  const t = props.t;
  const q = props.q;
  const Time = (p: { ms: number }) => (
    <time datetime={props.f.iso(p.ms)}>{props.f.when(p.ms, props.now)}</time>
  );
  return (
    <li class="question team-asks" id={`turn-${q.id}`}>
      <p class="asked">
        <strong>{q.askedByPerson ? fill(t.teamAsks, { name: q.askedByPerson.name }) : t.teamAsksTeam}</strong>{' '}
        <Time ms={q.askedAt} />
      </p>
      <p class="question-body">{q.body}</p>
      <Show when={q.answer}>
        <div class="answer">
          <p class="asked">
            <strong>{q.answerChannel === 'email' ? t.youRepliedByEmail : t.youReplied}</strong>{' '}
            <Time ms={q.answeredAt ?? q.askedAt} />
          </p>
          <p class="question-body">{q.answer}</p>
          <Photos q={q} t={t} />
        </div>
      </Show>
      <Show when={props.ask && !q.answer}>
        <Continue {...props} kind="reply" />
      </Show>
      <Show when={props.last && props.ask && q.answer}>
        <Continue {...props} kind="follow_up" />
      </Show>
    </li>
  );
}

function Photos(props: { q: PublicQuestion; t: TrackerMessages }) {
  return (
    <Show when={props.q.photos.length > 0}>
      <ul class="note-photos" aria-label={props.t.photosWith}>
        <For each={props.q.photos}>
          {(p) => (
            <li>
              <a href={p.url}>
                <img src={p.url} width={p.width} height={p.height} alt="" loading="lazy" />
              </a>
            </li>
          )}
        </For>
      </ul>
    </Show>
  );
}

/** A plain form that continues a thread: the customer's follow-up, or their reply to the team's question. */
function Continue(props: Parameters<typeof QuestionItem>[0] & { kind: 'follow_up' | 'reply' }) {
  const t = props.t;
  const q = props.q;
  const failed = () => (props.ask?.failed?.turnId === q.id ? props.ask.failed : null);
  const id = (name: string) => `${props.kind}-${q.id}-${name}`;
  const form = (
    <form method="post" class="ask-form">
      <input type="hidden" name="_action" value={props.kind} />
      <input type="hidden" name="turnId" value={q.id} />
      <QuestionBox id={id} label={props.kind === 'reply' ? t.yourReply : t.yourFollowUp} failed={failed()} />
      <button type="submit">{props.kind === 'reply' ? t.sendReply : t.send}</button>
    </form>
  );
  return (
    <>
      <Show when={props.ask?.continuedAt === q.id}>
        <p class="sent" role="status">
          {t.replySent}
        </p>
      </Show>
      {props.kind === 'reply' ? (
        form
      ) : (
        <details class="ask" open={!!failed()}>
          <summary>{t.followUp}</summary>
          {form}
        </details>
      )}
    </>
  );
}

/** The text box of a question, follow-up or reply: what was typed comes back with the refusal, if any. */
function QuestionBox(props: {
  id: (name: string) => string;
  label: string;
  failed: { body: string; error: string } | null;
  /** What was typed, shown again without an error (after a search for answers). */
  keep?: string | undefined;
}) {
  return (
    <>
      <label for={props.id('body')}>{props.label}</label>
      <textarea
        id={props.id('body')}
        name="body"
        rows={3}
        maxlength={LIMITS.question}
        required
        aria-invalid={props.failed ? 'true' : undefined}
        aria-describedby={props.failed ? props.id('error') : undefined}
      >
        {props.failed?.body ?? props.keep ?? ''}
      </textarea>
      <Show when={props.failed}>
        <p class="error" id={props.id('error')}>
          {props.failed?.error}
        </p>
      </Show>
    </>
  );
}
