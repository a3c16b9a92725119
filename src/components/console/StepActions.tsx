import { For, Show } from 'solid-js';
import type { FormState } from '../../console/page';
import type { bookingConsoleMessages } from '../../i18n/booking';
import type { ConsoleMessages } from '../../i18n/console';
import { fill } from '../../i18n/messages';
import type { PublicStep } from '../../services/jobs/views';
import type { PlanChange } from '../../services/steps/replan';

/** What the console's "show the effect" button answers: the later steps that would move. */
export type PromisePreview = { stepId: string; changes: PlanChange[]; values: Record<string, string> };

type Props = {
  step: PublicStep & { assigneeId?: string | null; atRisk?: boolean };
  /** Formats a time for this reader (the preview of a moved promise). */
  formatTime: (ms: number) => string;
  t: ConsoleMessages;
  team: { id: string; name: string; role: string }[];
  form: FormState;
  /** The step's promise as a datetime-local value in the organisation's time zone. */
  promisedLocal: string;
  /** Whether the job can still change (a finished job keeps only kudos). */
  jobOpen: boolean;
  /** Kudos for a colleague's work on this step: offered when someone else did it and none given yet. */
  kudos: { to: string } | null;
  /** What the viewer's permission allows on this step (src/services/staff/permissions.ts). */
  may: { progress: boolean; promise: boolean; assign: boolean; note: boolean };
  /** The viewer is doing this step now: the note-and-photo form is out, not folded away. */
  working: boolean;
  /** A bookable step's moment, for staff who may promise it: the window booked and the moments to choose. */
  booking?: {
    text: (typeof bookingConsoleMessages)['en'];
    window: string | null;
    slots: { value: string; label: string }[];
    /** Admins may book a full slot anyway. */
    force: boolean;
  } | null;
};

/**
 * A step's actions on the console's job page: plain HTML forms (they work without JavaScript), the
 * common ones as big buttons for one thumb, the rest folded away. Errors appear next to their field.
 */
export default function StepActions(props: Props) {
  const t = props.t.job;
  const s = props.step;
  const mine = props.form.values.stepId === s.id;
  const err = (field: string) => (mine ? props.form.errors[field] : undefined);
  // The booking forms share field names with the promise form; each shows only its own errors.
  const bookingAction = props.form.action === 'bookSlot' || props.form.action === 'cancelBooking';
  const promiseErr = (field: string) => (bookingAction ? undefined : err(field));
  const val = (field: string, fallback = '') => (mine ? (props.form.values[field] ?? fallback) : fallback);
  const fid = (name: string) => `${s.id}-${name}`;
  const preview = (props.form.shown as { preview?: PromisePreview } | null)?.preview;
  const previewHere = preview?.stepId === s.id ? preview : null;
  const open = (mine && Object.keys(props.form.errors).length > 0) || previewHere !== null;
  const promiseVal = (field: string, fallback = '') => previewHere?.values[field] ?? val(field, fallback);
  const canStart = s.status === 'pending' || s.status === 'blocked';
  const canClose = s.status !== 'done' && s.status !== 'skipped';
  const Hidden = (p: { action: string }) => (
    <>
      <input type="hidden" name="_action" value={p.action} />
      <input type="hidden" name="stepId" value={s.id} />
    </>
  );
  const FieldError = (p: { field: string }) => (
    <Show when={err(p.field)}>
      <p class="error" id={fid(`${p.field}-error`)}>
        {err(p.field)}
      </p>
    </Show>
  );

  const Kudos = () => (
    <Show when={props.kudos}>
      {(k) => (
        <form method="post" class="kudos-form">
          <Hidden action="kudos" />
          <label for={fid('kudos-note')}>{fill(t.kudosNote, { name: k().to })}</label>
          <input id={fid('kudos-note')} name="note" maxlength={280} />
          <button type="submit" class="secondary">
            {fill(t.kudos, { name: k().to })}
          </button>
        </form>
      )}
    </Show>
  );
  const NoteForm = () => (
    <form method="post" enctype="multipart/form-data" class="stack panel">
      <Hidden action="note" />
      <h3>{t.note}</h3>
      <div class={`field${err('markdown') ? ' invalid' : ''}`}>
        <label for={fid('markdown')}>{t.noteText}</label>
        <textarea
          id={fid('markdown')}
          name="markdown"
          rows={3}
          required
          aria-invalid={err('markdown') ? 'true' : undefined}
          aria-describedby={err('markdown') ? fid('markdown-error') : undefined}
        >
          {val('markdown')}
        </textarea>
        <FieldError field="markdown" />
      </div>
      <fieldset class="field">
        <legend class="label">{t.visibility}</legend>
        <label>
          <input
            type="radio"
            name="visibility"
            value="customer"
            checked={val('visibility', 'customer') === 'customer'}
          />{' '}
          {t.visibilityCustomer}
        </label>
        <label>
          <input type="radio" name="visibility" value="internal" checked={val('visibility') === 'internal'} />{' '}
          {t.visibilityInternal}
        </label>
      </fieldset>
      <div class={`field${err('photos') ? ' invalid' : ''}`}>
        <label for={fid('photos')}>{t.photos}</label>
        <p class="hint" id={fid('photos-hint')}>
          {t.photosHint}
        </p>
        <input
          id={fid('photos')}
          name="photos"
          type="file"
          accept="image/*"
          multiple
          aria-describedby={`${fid('photos-hint')}${err('photos') ? ` ${fid('photos-error')}` : ''}`}
        />
        <FieldError field="photos" />
      </div>
      <div>
        <button type="submit">{t.post}</button>
      </div>
    </form>
  );
  if (!props.jobOpen) return <Kudos />;

  return (
    <div class="step-actions">
      <Show when={s.atRisk}>
        <p class="error at-risk">{t.atRisk}</p>
      </Show>
      <Kudos />
      <Show when={mine && err('_')}>
        <p class="error" role="alert">
          {err('_')}
        </p>
      </Show>
      <Show when={props.may.progress}>
        <div class="buttons">
          <Show when={canStart}>
            <form method="post">
              <Hidden action="start" />
              <button type="submit">{t.start}</button>
            </form>
          </Show>
          <Show when={canClose}>
            <form method="post">
              <Hidden action="finish" />
              <button type="submit">{t.finish}</button>
            </form>
            <form method="post">
              <Hidden action="skip" />
              <button type="submit" class="secondary">
                {t.skip}
              </button>
            </form>
          </Show>
        </div>
      </Show>
      <Show when={props.booking}>
        {(bk) => (
          <section class="stack panel booking-staff" aria-labelledby={fid('booking-heading')}>
            <h3 id={fid('booking-heading')}>{bk().text.heading}</h3>
            <p>{bk().window ? fill(bk().text.current, { window: bk().window ?? '' }) : bk().text.nothing}</p>
            <Show when={bk().slots.length > 0}>
              <form method="post" class="stack">
                <Hidden action="bookSlot" />
                <div class={`field${err('startsAt') ? ' invalid' : ''}`}>
                  <label for={fid('startsAt')}>{bk().text.slot}</label>
                  <select
                    id={fid('startsAt')}
                    name="startsAt"
                    required
                    aria-invalid={err('startsAt') ? 'true' : undefined}
                    aria-describedby={err('startsAt') ? fid('startsAt-error') : undefined}
                  >
                    <For each={bk().slots}>
                      {(slot) => (
                        <option value={slot.value} selected={val('startsAt') === slot.value}>
                          {slot.label}
                        </option>
                      )}
                    </For>
                  </select>
                  <FieldError field="startsAt" />
                </div>
                <Show when={bk().window}>
                  <div class={`field${err('reason') && props.form.action === 'bookSlot' ? ' invalid' : ''}`}>
                    <label for={fid('booking-reason')}>{bk().text.reason}</label>
                    <p class="hint" id={fid('booking-reason-hint')}>
                      {bk().text.reasonHint}
                    </p>
                    <input
                      id={fid('booking-reason')}
                      name="reason"
                      maxlength={500}
                      value={props.form.action === 'bookSlot' ? val('reason') : ''}
                      aria-describedby={fid('booking-reason-hint')}
                    />
                    <Show when={props.form.action === 'bookSlot'}>
                      <FieldError field="reason" />
                    </Show>
                  </div>
                </Show>
                <Show when={bk().force}>
                  <label>
                    <input type="checkbox" name="force" value="1" /> {bk().text.force}
                  </label>
                </Show>
                <div>
                  <button type="submit">{bk().window ? bk().text.move : bk().text.book}</button>
                </div>
              </form>
            </Show>
            <Show when={bk().window}>
              <form method="post" class="stack">
                <Hidden action="cancelBooking" />
                <div class="field">
                  <label for={fid('cancel-reason')}>{bk().text.cancelReason}</label>
                  <input
                    id={fid('cancel-reason')}
                    name="reason"
                    maxlength={500}
                    value={props.form.action === 'cancelBooking' ? val('reason') : ''}
                  />
                  <Show when={props.form.action === 'cancelBooking'}>
                    <FieldError field="reason" />
                  </Show>
                </div>
                <div>
                  <button type="submit" class="secondary">
                    {bk().text.cancel}
                  </button>
                </div>
              </form>
            </Show>
          </section>
        )}
      </Show>
      <Show when={props.may.note && props.working}>
        <NoteForm />
      </Show>
      <details class="actions" open={open}>
        <summary>{fill(t.actionsFor, { step: s.title })}</summary>
        <div class="stack">
          <Show when={props.may.note && !props.working}>
            <NoteForm />
          </Show>

          <Show when={canClose}>
            <Show when={props.may.promise}>
              <form method="post" class="stack panel">
                <input type="hidden" name="stepId" value={s.id} />
                <div class={`field${promiseErr('promisedAt') ? ' invalid' : ''}`}>
                  <label for={fid('promisedAt')}>{t.promise}</label>
                  <input
                    id={fid('promisedAt')}
                    name="promisedAt"
                    type="datetime-local"
                    value={promiseVal('promisedAt', props.promisedLocal)}
                    aria-invalid={promiseErr('promisedAt') ? 'true' : undefined}
                    aria-describedby={promiseErr('promisedAt') ? fid('promisedAt-error') : undefined}
                  />
                  <Show when={!bookingAction}>
                    <FieldError field="promisedAt" />
                  </Show>
                </div>
                <div class={`field${promiseErr('reason') ? ' invalid' : ''}`}>
                  <label for={fid('promise-reason')}>{t.promiseReason}</label>
                  <p class="hint" id={fid('promise-reason-hint')}>
                    {t.reasonHint}
                  </p>
                  <input
                    id={fid('promise-reason')}
                    name="reason"
                    maxlength={500}
                    value={promiseVal('reason')}
                    aria-invalid={promiseErr('reason') ? 'true' : undefined}
                    aria-describedby={`${fid('promise-reason-hint')}${promiseErr('reason') ? ` ${fid('reason-error')}` : ''}`}
                  />
                  <Show when={!bookingAction}>
                    <FieldError field="reason" />
                  </Show>
                </div>
                <label>
                  <input
                    type="checkbox"
                    name="fixed"
                    value="1"
                    checked={previewHere ? previewHere.values.fixed === '1' : s.fixedPromise}
                  />{' '}
                  {t.fixedPromise}
                </label>
                <Show when={previewHere}>
                  {(p) => (
                    <div class="preview" role="status">
                      <Show when={p().changes.length > 0} fallback={<p>{t.previewNone}</p>}>
                        <p>{t.previewTitle}</p>
                        <ul>
                          <For each={p().changes}>
                            {(c) => (
                              <li>
                                {c.moves
                                  ? fill(t.previewMove, {
                                      step: c.title,
                                      from:
                                        c.previousPromisedAt == null
                                          ? '–'
                                          : props.formatTime(c.previousPromisedAt),
                                      to: c.promisedAt == null ? '–' : props.formatTime(c.promisedAt),
                                    })
                                  : fill(t.previewAtRisk, {
                                      step: c.title,
                                      time: c.promisedAt == null ? '–' : props.formatTime(c.promisedAt),
                                    })}
                              </li>
                            )}
                          </For>
                        </ul>
                      </Show>
                    </div>
                  )}
                </Show>
                <div class="buttons">
                  <button type="submit" name="_action" value="promise" class="secondary">
                    {t.promiseButton}
                  </button>
                  <button type="submit" name="_action" value="previewPromise" class="secondary">
                    {t.promisePreview}
                  </button>
                </div>
              </form>
            </Show>

            <Show when={props.may.assign}>
              <form method="post" class="stack panel">
                <Hidden action="assign" />
                <div class={`field${err('assigneeId') ? ' invalid' : ''}`}>
                  <label for={fid('assignee')}>{t.assign}</label>
                  <select id={fid('assignee')} name="assigneeId">
                    <option value="">{t.nobody}</option>
                    <For each={props.team}>
                      {(p) => (
                        <option value={p.id} selected={p.id === (s.assignee?.id ?? '')}>
                          {p.name} · {p.role}
                        </option>
                      )}
                    </For>
                  </select>
                  <FieldError field="assigneeId" />
                </div>
                <div>
                  <button type="submit" class="secondary">
                    {t.assignButton}
                  </button>
                </div>
              </form>
            </Show>

            <Show when={props.may.progress && (s.status === 'pending' || s.status === 'active')}>
              <form method="post" class="stack panel">
                <Hidden action="block" />
                <div class="field">
                  <label for={fid('block-reason')}>{t.blockReason}</label>
                  <input id={fid('block-reason')} name="reason" maxlength={500} />
                </div>
                <div>
                  <button type="submit" class="secondary">
                    {t.block}
                  </button>
                </div>
              </form>
            </Show>
          </Show>
        </div>
      </details>
    </div>
  );
}
