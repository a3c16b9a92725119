import { For, type JSX, Show } from 'solid-js';
import { type Formatting, formatters } from '../i18n/format';
import { fill, type TrackerMessages } from '../i18n/messages';
import type { PublicQuestion } from '../services/customer-voice/questions';
import type { RatingSummary } from '../services/customer-voice/ratings';
import { currentStepIndex, lateBy } from '../services/jobs/progress';
import type { PublicCostLine, PublicNote, PublicStep } from '../services/jobs/views';
import type { TrackerAnswer } from '../services/knowledge/answers';
import { totals } from '../services/platform/money';
import type { ProofView, RoutePlace } from '../services/slots/route';
import type { TrackerInvoice, TrackerView } from '../services/tracker/tracker';
import Approvals from './Approvals';
import Avatar from './Avatar';
import JobFeedback, { type FeedbackRetry } from './JobFeedback';
import StepQuestions, { type AskForm, QuestionItem } from './StepQuestions';
import { QuoteRecords, SignoffRequests, StepDocuments } from './TrackerDocuments';

type Note = PublicNote & { visibility?: 'customer' | 'internal' };

type Props = {
  view: Pick<TrackerView, 'steps' | 'costLines'> & {
    job: Omit<TrackerView['job'], 'cancelReason'>;
    notes: Note[];
    questions: PublicQuestion[];
    ratings?: Record<string, RatingSummary>;
    ratable?: TrackerView['ratable'];
    feedback?: TrackerView['feedback'];
    /** A done job's invoices and credit notes: linked under the cost table. */
    invoices?: TrackerInvoice[];
    /** The customer's tracker: documents at their steps and the sign-offs asked and given. */
    documents?: TrackerView['documents'];
    signoffs?: TrackerView['signoffs'];
    places?: TrackerView['places'];
    proofs?: TrackerView['proofs'];
    /** Published answers of the workflow (the customer's tracker). */
    answers?: TrackerAnswer[];
  };
  /**
   * Where an invoice's PDF is (the console's own address). The tracker's render is shared by every viewer
   * and holds no token: its link is `?invoice=<id>`, which the tracker page sends on to the PDF.
   */
  invoiceHref?: (invoiceId: string) => string;
  messages: TrackerMessages;
  formatting: Formatting;
  now: number;
  /** The console's view: internal notes are marked with this label, and each step gets its actions. */
  staff?: {
    internalLabel: string;
    stepActions: (step: PublicStep) => JSX.Element;
    /** Who asked: staff read "Question from ‹name›" where the customer reads "Your question". */
    customerName: string;
  };
  /** The customer's "ask the expert" form (open jobs only). */
  ask?: AskForm | undefined;
  /** Approve / decline buttons for extra work (the customer's tracker, open jobs only). */
  decide?: boolean;
  /** Signs notes posted without a named author ("The Garage van Dijk team"). */
  organisationName?: string;
  /** The feedback form of a finished job (the customer's tracker), with what was refused, if anything. */
  rate?: { retry: FeedbackRetry | null };
};

/**
 * The customer's timeline and costs, rendered on the server only: complete without JavaScript.
 * The Live island keeps it current by re-reading this page when an event arrives, so there is
 * one rendering of the tracker, not a server one and a client one.
 */
export default function TrackerBody(props: Props) {
  const t = props.messages;
  const f = formatters(props.formatting);
  const view = props.view;
  const sum = totals(view.costLines);
  const progress = () => {
    if (view.job.status === 'cancelled') return t.cancelled;
    if (view.job.status === 'done') return t.allDone;
    const index = currentStepIndex(view.steps);
    const current = view.steps[index];
    return current
      ? `${fill(t.progress, { current: index + 1, total: view.steps.length })}: ${current.title}`
      : t.allDone;
  };

  return (
    <div data-live-region="tracker">
      <p class="progress">{progress()}</p>
      <Show when={props.rate && view.job.status === 'done'}>
        <JobFeedback
          organisationName={props.organisationName ?? ''}
          people={view.ratable ?? []}
          given={view.feedback ?? null}
          t={t}
          retry={props.rate?.retry ?? null}
        />
      </Show>
      <Show when={props.decide}>
        <SignoffRequests
          documents={view.documents ?? []}
          signoffs={view.signoffs ?? []}
          locale={props.formatting.locale}
          f={f}
        />
      </Show>
      <Show when={props.decide}>
        <Approvals lines={view.costLines.filter((l) => l.state === 'awaiting_approval')} t={t} f={f} />
      </Show>
      <section aria-labelledby="steps-heading">
        <h2 id="steps-heading">{t.steps}</h2>
        <ol class="timeline">
          <For each={view.steps}>
            {(step) => (
              <StepItem
                step={step}
                notes={view.notes.filter((n) => n.stepId === step.id)}
                questions={view.questions.filter((q) => q.stepId === step.id)}
                answers={view.answers?.filter((a) => a.stepId === step.id)}
                rating={step.assignee ? view.ratings?.[step.assignee.id] : undefined}
                documents={(view.documents ?? []).filter((d) => d.stepId === step.id)}
                signoffs={view.signoffs ?? []}
                locale={props.formatting.locale}
                place={view.places?.[step.id]}
                proof={view.proofs?.[step.id]}
                jobStatus={view.job.status}
                signature={
                  props.organisationName ? fill(t.signedByTeam, { org: props.organisationName }) : null
                }
                ask={props.ask}
                now={props.now}
                t={t}
                f={f}
                staff={props.staff}
              />
            )}
          </For>
        </ol>
      </section>
      <section aria-labelledby="costs-heading" class="costs">
        <h2 id="costs-heading">{t.costs}</h2>
        <Show when={view.costLines.length > 0} fallback={<p>{t.noCosts}</p>}>
          <CostTable lines={view.costLines} t={t} f={f} />
          <dl class="totals">
            <dt>{t.subtotal}</dt>
            <dd>{f.money(sum.netCents)}</dd>
            <For each={sum.vatByRate}>
              {(r) => (
                <>
                  <dt>{fill(t.vatAt, { rate: f.rate(r.vatRateBp) })}</dt>
                  <dd>{f.money(r.vatCents)}</dd>
                </>
              )}
            </For>
            <dt class="grand">{totalLabel(sum.final, view.job.status, t)}</dt>
            <dd class="grand">{f.money(sum.grossCents)}</dd>
            <Show when={sum.estimatedGrossCents !== sum.grossCents && sum.estimatedGrossCents > 0}>
              <dt>{t.firstEstimate}</dt>
              <dd>{f.money(sum.estimatedGrossCents)}</dd>
            </Show>
            <Show when={sum.awaitingApprovalGrossCents > 0}>
              <dt>{t.awaitingApproval}</dt>
              <dd>{f.money(sum.awaitingApprovalGrossCents)}</dd>
            </Show>
          </dl>
        </Show>
        <Show when={(view.invoices ?? []).length > 0}>
          <Invoices invoices={view.invoices ?? []} href={props.invoiceHref} t={t} f={f} />
        </Show>
        <QuoteRecords signoffs={view.signoffs ?? []} locale={props.formatting.locale} f={f} />
      </section>
    </div>
  );
}

type Ui = { t: TrackerMessages; f: ReturnType<typeof formatters> };

const FIVE_MINUTES = 5 * 60_000;

/**
 * "You are next" / "3 stops before you" with the window the stop is now expected in (no GPS: from the
 * route's progress, services/slots/route.ts). Never earlier than now; rounded up to five minutes.
 */
function RoutePlaceLine(props: Ui & { place: RoutePlace; now: number }) {
  const from = () => Math.ceil(Math.max(props.place.expectedFrom, props.now) / FIVE_MINUTES) * FIVE_MINUTES;
  const until = () => from() + Math.max(FIVE_MINUTES, props.place.expectedUntil - props.place.expectedFrom);
  const count = () => props.place.stopsBefore;
  return (
    <p class="route-place">
      <strong>
        {count() === 0
          ? props.t.youAreNext
          : count() === 1
            ? props.t.oneStopBefore
            : fill(props.t.stopsBefore, { count: count() })}
      </strong>
      <br />
      {fill(props.t.expectedBetween, {
        from: props.f.when(from(), props.now),
        to: props.f.when(until(), from()),
      })}
    </p>
  );
}

/** "Final" only once the job is done and every counted line is actual; before that, so far or estimated. */
export const totalLabel = (final: boolean, status: TrackerView['job']['status'], t: TrackerMessages) =>
  final ? (status === 'done' ? t.totalFinal : t.totalSoFar) : t.totalEstimated;

function StepItem(
  props: Ui & {
    step: PublicStep;
    notes: Note[];
    questions: PublicQuestion[];
    answers?: TrackerAnswer[] | undefined;
    rating: RatingSummary | undefined;
    documents: NonNullable<Props['view']['documents']>;
    signoffs: NonNullable<Props['view']['signoffs']>;
    locale: Formatting['locale'];
    place: RoutePlace | undefined;
    proof: ProofView | undefined;
    jobStatus: TrackerView['job']['status'];
    signature: string | null;
    ask: AskForm | undefined;
    now: number;
    staff: Props['staff'];
  },
) {
  const s = () => props.step;
  // A cancelled job's open steps will not happen: they are not late either.
  const late = () => (props.jobStatus === 'cancelled' ? 0 : lateBy(s(), props.now));
  const moved = () => s().originalPromisedAt != null && s().promisedAt !== s().originalPromisedAt;
  // A skipped step has nothing left to promise; a cancelled job's open steps will not happen.
  const promiseShown = () => s().status !== 'skipped' && props.jobStatus !== 'cancelled';
  const cancelled = () =>
    props.jobStatus === 'cancelled' && s().status !== 'done' && s().status !== 'skipped';
  // Notes, questions and answers in the order they happened, as one thread.
  const thread = () =>
    [
      ...props.notes.map((note) => ({ kind: 'note' as const, at: note.createdAt, note })),
      ...props.questions.map((question) => ({ kind: 'question' as const, at: question.askedAt, question })),
    ].sort((x, y) => x.at - y.at);
  // The last turn of each thread carries the form that continues it.
  const lastTurns = () => {
    const last = new Map<string, string>();
    for (const q of [...props.questions].sort((x, y) => x.askedAt - y.askedAt)) last.set(q.threadId, q.id);
    return new Set(last.values());
  };
  // The route's countdown belongs to the day of the stop only.
  const placeToday = () => {
    const from = s().windowStartsAt;
    return props.jobStatus === 'open' && from !== null && props.f.sameDay(from, props.now)
      ? props.place
      : undefined;
  };
  // The reason is told once: on the step that was moved (and in the headline), not on each step it moved.
  const ownReason = () => (s().promiseCauseStepId ?? s().id) === s().id;
  const Time = (p: { ms: number }) => (
    <time datetime={props.f.iso(p.ms)}>{props.f.when(p.ms, props.now)}</time>
  );
  return (
    <li
      id={`step-${s().id}`}
      class={`step ${s().status}`}
      aria-current={s().status === 'active' ? 'step' : undefined}
    >
      <h3>
        <bdi class="title" lang={s().lang?.title}>
          {s().title}
        </bdi>{' '}
        <span class="badge">{cancelled() ? props.t.stepCancelled : props.t.status[s().status]}</span>
      </h3>
      <Show when={s().description}>
        <p class="description" dir="auto" lang={s().lang?.description}>
          {s().description}
        </p>
      </Show>
      <Show when={s().assignee}>
        {(who) => (
          <div class="specialist">
            <Avatar who={who()} />
            <div>
              <p class="who">
                <span class="visually-hidden">
                  {s().status === 'done' ? props.t.doneBy : props.t.handledBy}:{' '}
                </span>
                <strong>
                  <bdi>{who().name}</bdi>
                </strong>
                , <bdi lang={who().lang?.role}>{who().role}</bdi>
              </p>
              <Show when={who().bio}>
                <p class="bio" lang={who().lang?.bio}>
                  {who().bio}
                </p>
              </Show>
              <Show when={who().expertise?.length}>
                <ul class="expertise" aria-label={props.t.expertise}>
                  <For each={who().expertise}>{(tag) => <li>{tag}</li>}</For>
                </ul>
              </Show>
              <Show when={props.rating}>
                {(r) => (
                  <p class="rating">
                    <span aria-hidden="true">★ </span>
                    {fill(props.t.ratingSummary, { average: props.f.number(r().average), count: r().count })}
                  </p>
                )}
              </Show>
            </div>
          </div>
        )}
      </Show>
      <dl class="times">
        <Show when={promiseShown() && moved() && s().originalPromisedAt}>
          {(first) => (
            <>
              <dt>{props.t.originallyPromised}</dt>
              <dd>
                <del>
                  <Time ms={first()} />
                </del>
              </dd>
            </>
          )}
        </Show>
        <Show when={promiseShown() && s().promisedAt}>
          {(promised) => (
            <>
              <dt>{moved() ? props.t.newPromise : props.t.promised}</dt>
              <dd>
                <Time ms={promised()} />
                <Show when={moved() && ownReason() && s().promiseReason}>
                  <span class="reason"> — {s().promiseReason}</span>
                </Show>
              </dd>
            </>
          )}
        </Show>
        <Show when={s().startedAt}>
          {(at) => (
            <>
              <dt>{props.t.started}</dt>
              <dd>
                <Time ms={at()} />
              </dd>
            </>
          )}
        </Show>
        <Show when={s().doneAt}>
          {(at) => (
            <>
              <dt>{props.t.finished}</dt>
              <dd>
                <Time ms={at()} />
              </dd>
            </>
          )}
        </Show>
      </dl>
      <Show
        when={
          s().bookable &&
          props.jobStatus === 'open' &&
          s().status === 'pending' &&
          (!props.staff || s().windowStartsAt)
        }
      >
        <p class="book">
          <Show when={s().windowStartsAt}>
            {(from) => (
              <>
                {props.t.yourMoment}:{' '}
                <strong>
                  {props.f.when(from(), props.now)}–{props.f.when(s().promisedAt ?? from(), from())}
                </strong>
                <br />
              </>
            )}
          </Show>
          {/* Relative to the tracker's own address, so the cached render needs no token (the page redirects). */}
          <Show when={!props.staff}>
            <a href={`?book=${encodeURIComponent(s().id)}`}>
              {s().windowStartsAt ? props.t.changeMoment : props.t.bookMoment}
            </a>
          </Show>
        </p>
      </Show>
      <Show when={placeToday()}>
        {(place) => <RoutePlaceLine place={place()} now={props.now} t={props.t} f={props.f} />}
      </Show>
      <Show when={props.proof}>
        {(proof) => (
          <figure class="proof">
            <Show when={proof().signatureUrl}>
              {(url) => (
                <img
                  class="signature"
                  src={url()}
                  alt={fill(props.t.signatureOf, { name: proof().recipientName })}
                />
              )}
            </Show>
            <figcaption>
              <bdi>{fill(props.t.receivedBy, { name: proof().recipientName })}</bdi> ·{' '}
              <Time ms={proof().deliveredAt} />
            </figcaption>
            <Show when={proof().photoUrl}>
              {(url) => <img class="photo" src={url()} alt={props.t.deliveryPhoto} loading="lazy" />}
            </Show>
          </figure>
        )}
      </Show>
      <Show when={late() > 0}>
        <p class="late">
          {s().doneAt ? fill(props.t.late, { duration: props.f.duration(late()) }) : props.t.runningLate}
        </p>
      </Show>
      <Show when={s().status === 'blocked' && s().blockedReason}>
        <p class="blocked-reason">{s().blockedReason}</p>
      </Show>
      <Show when={s().status === 'blocked' && s().waitingOn === 'customer_approval'}>
        <p class="blocked-reason">{props.t.waitingForYou}</p>
      </Show>
      <Show when={thread().length > 0}>
        <ul class="notes" aria-label={props.t.notes}>
          <For each={thread()}>
            {(entry) =>
              entry.kind === 'note' ? (
                <NoteItem
                  note={entry.note}
                  stepTitle={s().title}
                  signature={props.signature}
                  staff={props.staff}
                  t={props.t}
                  f={props.f}
                  now={props.now}
                />
              ) : (
                <QuestionItem
                  q={entry.question}
                  asker={props.staff?.customerName}
                  t={props.t}
                  f={props.f}
                  now={props.now}
                  ask={props.ask}
                  last={lastTurns().has(entry.question.id)}
                />
              )
            }
          </For>
        </ul>
      </Show>
      <StepDocuments
        documents={props.documents}
        signoffs={props.signoffs}
        locale={props.locale}
        f={props.f}
      />
      <StepQuestions
        stepId={s().id}
        answers={props.answers}
        stepDueAt={promiseShown() && !s().doneAt ? s().promisedAt : null}
        questions={[]}
        ask={props.ask}
        t={props.t}
        f={props.f}
        now={props.now}
      />
      {props.staff?.stepActions(props.step)}
    </li>
  );
}

function NoteItem(
  props: Ui & { note: Note; stepTitle: string; signature: string | null; staff: Props['staff']; now: number },
) {
  const Time = (p: { ms: number }) => (
    <time datetime={props.f.iso(p.ms)}>{props.f.when(p.ms, props.now)}</time>
  );
  return (
    <li class="note">
      <Show when={props.staff && props.note.visibility === 'internal'}>
        <span class="badge internal">{props.staff?.internalLabel}</span>
      </Show>
      <div class="note-body" dir="auto" innerHTML={props.note.html} />
      <Show when={props.note.photos.length > 0}>
        <ul class="note-photos">
          <For each={props.note.photos}>
            {(photo, i) => (
              <li>
                <a href={photo.url}>
                  <img
                    src={photo.url}
                    width={photo.width}
                    height={photo.height}
                    loading="lazy"
                    alt={fill(props.t.photo, {
                      n: i() + 1,
                      total: props.note.photos.length,
                      step: props.stepTitle,
                    })}
                  />
                </a>
              </li>
            )}
          </For>
        </ul>
      </Show>
      <p class="note-meta">
        <Show when={props.note.author} fallback={props.signature ? `${props.signature} · ` : ''}>
          {(a) => `${a().name} · `}
        </Show>
        <Time ms={props.note.createdAt} />
      </p>
    </li>
  );
}

/** The invoice PDFs, and "Pay now" for an invoice no credit note corrected, when the business has a payment link. */
function Invoices(props: Ui & { invoices: TrackerInvoice[]; href: ((id: string) => string) | undefined }) {
  const t = props.t;
  return (
    <div class="invoices">
      <h3>{t.invoices}</h3>
      <ul>
        <For each={props.invoices}>
          {(invoice) => (
            <li>
              <a href={props.href ? props.href(invoice.id) : `?invoice=${invoice.id}`} type="application/pdf">
                {fill(invoice.kind === 'invoice' ? t.invoiceLink : t.creditNoteLink, {
                  number: invoice.number,
                })}
              </a>
              {invoice.credited ? ` (${t.credited})` : ''}
              <Show when={invoice.kind === 'invoice' && !invoice.credited && invoice.dueAt}>
                {' '}
                {fill(t.invoiceDue, {
                  amount: props.f.money(invoice.grossCents),
                  date: props.f.day(invoice.dueAt ?? 0),
                })}
              </Show>
              <Show when={invoice.paymentUrl}>
                {' '}
                <a class="pay" href={invoice.paymentUrl ?? ''} rel="noopener noreferrer">
                  {fill(t.payNow, { amount: props.f.money(invoice.grossCents) })}
                </a>
              </Show>
            </li>
          )}
        </For>
      </ul>
    </div>
  );
}

function CostTable(props: Ui & { lines: PublicCostLine[] }) {
  const t = props.t;
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">{t.description}</th>
            <th scope="col">{t.quantityTimesPrice}</th>
            <th scope="col">{t.vat}</th>
            <th scope="col" class="num">
              {t.amount}
            </th>
          </tr>
        </thead>
        <tbody>
          <For each={props.lines}>
            {(line) => (
              <tr class={line.state}>
                <th scope="row">
                  <bdi>{line.description}</bdi>
                  <span class="meta">
                    {t.kind[line.kind]} · {t.state[line.state]}
                    {line.specialistName ? ` · ${line.specialistName}` : ''}
                  </span>
                </th>
                <td>
                  {props.f.quantity(line.quantityMilli)} × {props.f.money(line.unitPriceCents)}
                </td>
                <td>{props.f.rate(line.vatRateBp)}</td>
                <td class="num">
                  {props.f.money(line.netCents)}
                  <Show
                    when={
                      line.state === 'actual' &&
                      line.estimateNetCents != null &&
                      line.estimateNetCents !== line.netCents
                    }
                  >
                    <span class="meta">
                      {fill(t.estimatedAt, { amount: props.f.money(line.estimateNetCents ?? 0) })}
                    </span>
                  </Show>
                </td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </div>
  );
}
