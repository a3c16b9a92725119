import { z } from 'zod';
import { errorText } from '../errors/catalogue';
import type { ConsoleMessages } from '../i18n/console';
import { type ContentLocale, otherLocale } from '../i18n/content';
import type { WorkflowInput } from '../services/organisation/workflows';
import { LIMITS } from '../services/platform/limits';
import { FormInvalid, localeOf, type Outcome, parseForm } from './page';

export const MAX_STEPS = 30;
/** Empty rows the editor offers below the existing steps (no JavaScript needed to add steps). */
export const SPARE_ROWS = 3;

const optionalWhole = z.union([z.literal(''), z.coerce.number().int().min(0).max(100_000)]);

const row = z.object({
  title: z.string().trim().max(LIMITS.title),
  description: z.string().trim().max(LIMITS.stepDescription),
  titleOther: z.string().trim().max(LIMITS.title),
  descriptionOther: z.string().trim().max(LIMITS.stepDescription),
  /** A role's id, `new:<name>|<other language's name>` for a template's role not on the list yet, or empty. */
  defaultRole: z
    .string()
    .trim()
    .max(LIMITS.id + 2 * LIMITS.role + 8),
  expectedMinutes: z.union([z.literal(''), z.coerce.number().int().min(1).max(100_000)]),
  position: z.union([z.literal(''), z.coerce.number().int().min(1).max(999)]),
  // The customer books this step: the rules' numbers (checked by the service; empty: its defaults).
  slotMinutes: optionalWhole,
  capacity: optionalWhole,
  horizonDays: optionalWhole,
  cutoffWorkingDays: optionalWhole,
});

/** The editor's "More rows" button: nothing is saved; the page comes back with what was typed and more rows. */
export function moreRows(form: FormData): Outcome | null {
  if (form.get('_more') !== '1') return null;
  const values = Object.fromEntries(
    [...form].filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
  return { show: { moreRows: values } };
}

/**
 * Reads the editor's rows (`steps.0.title`, `steps.0.description`, …). Rows without a title or with
 * "Remove this step" ticked are left out; rows are ordered by their position numbers (a step given another
 * row's number goes just before it); at least one step is needed.
 */
export function readWorkflowForm(form: FormData, t: ConsoleMessages, own: ContentLocale): WorkflowInput {
  const other = otherLocale(own);
  const addRoles: NonNullable<WorkflowInput['addRoles']> = [];
  const { name, answerMinutes } = parseForm(
    z.object({
      name: z.string().trim().min(1).max(LIMITS.workflowName),
      answerMinutes: z.union([z.literal(''), z.coerce.number().int().min(1).max(LIMITS.answerMinutes)]),
    }),
    withDefault(form, 'answerMinutes', ''),
    t,
  );
  const steps: (WorkflowInput['steps'][number] & { order: number; moved: boolean; row: number })[] = [];
  // Every row the form sent, however many times "More rows" was pressed (the body limit bounds them).
  const posted = [...form.keys()].flatMap((key) => /^steps\.(\d{1,4})\.title$/.exec(key)?.[1] ?? []);
  for (const i of [...new Set(posted.map(Number))].sort((a, b) => a - b)) {
    // "Remove this step" ticked: the row is left out.
    if (form.get(`steps.${i}.remove`) === '1') continue;
    const fields = new FormData();
    for (const key of [
      'title',
      'description',
      'titleOther',
      'descriptionOther',
      'defaultRole',
      'expectedMinutes',
      'position',
      'slotMinutes',
      'capacity',
      'horizonDays',
      'cutoffWorkingDays',
    ]) {
      fields.set(key, String(form.get(`steps.${i}.${key}`) ?? ''));
    }
    let parsed: z.output<typeof row>;
    try {
      parsed = parseForm(row, fields, t);
    } catch (error) {
      // Name the row's fields as the form does.
      if (error instanceof FormInvalid) throw new FormInvalid(prefix(error.errors, i));
      throw error;
    }
    if (!parsed.title) continue;
    const id = String(form.get(`steps.${i}.id`) ?? '').trim();
    steps.push({
      // A saved step keeps its id (and what belongs to it); a new row has none.
      ...(id ? { id } : {}),
      // Rows are put in the order their positions say; equal positions keep the form's order.
      order: parsed.position === '' ? i + 1 : parsed.position,
      // A step given another row's number goes before that row's own step.
      moved: parsed.position !== '' && parsed.position !== i + 1,
      row: i,
      title: parsed.title,
      description: parsed.description,
      // The title and description in the organisation's other language (empty: customers reading it see these).
      translations: { [other]: { title: parsed.titleOther, description: parsed.descriptionOther } },
      ...roleOfRow(parsed.defaultRole, other, addRoles),
      expectedMinutes: parsed.expectedMinutes === '' ? null : parsed.expectedMinutes,
      // A checkbox sends nothing when unchecked; the hidden marker says the form had the box at all.
      notifyCustomer: form.has(`steps.${i}.notifyShown`)
        ? form.get(`steps.${i}.notifyCustomer`) === '1'
        : true,
      booking: form.get(`steps.${i}.bookable`) === '1' ? bookingOfRow(parsed) : null,
    });
  }
  if (steps.length === 0) {
    throw new FormInvalid({ 'steps.0.title': errorText('required', {}, localeOf(t)) });
  }
  if (steps.length > MAX_STEPS) {
    throw new FormInvalid({ _: errorText('too_many_steps', { max: MAX_STEPS }, localeOf(t)) });
  }
  steps.sort((a, b) => a.order - b.order || Number(b.moved) - Number(a.moved) || a.row - b.row);
  return {
    name,
    ...(addRoles.length ? { addRoles } : {}),
    answerMinutes: answerMinutes === '' ? null : answerMinutes,
    steps: steps.map(({ order: _o, moved: _m, row: _r, ...step }) => step),
  };
}

/** A row's booking rules: the numbers typed; the service fills in and checks the rest. */
function bookingOfRow(parsed: z.output<typeof row>) {
  const out: Record<string, number> = {};
  for (const key of ['slotMinutes', 'capacity', 'horizonDays', 'cutoffWorkingDays'] as const) {
    const value = parsed[key];
    if (value !== '') out[key] = value;
  }
  return out;
}

/** The prefix of a role option that adds the role on save (a template's role not on the list yet). */
export const NEW_ROLE = 'new:';

export const newRoleValue = (name: string, other: string | null) =>
  `${NEW_ROLE}${name}${other ? `|${other}` : ''}`;

/** A row's role: an id, or a name to add to the organisation's list first. */
function roleOfRow(value: string, other: ContentLocale, addRoles: NonNullable<WorkflowInput['addRoles']>) {
  if (!value) return { defaultRoleId: null };
  if (!value.startsWith(NEW_ROLE)) return { defaultRoleId: value };
  const [name = '', otherName = ''] = value.slice(NEW_ROLE.length).split('|');
  addRoles.push({ name, translations: { [other]: { name: otherName } } });
  return { defaultRole: name };
}

/** A form posted without the field (an older page) reads as if it were left empty. */
function withDefault(form: FormData, key: string, value: string): FormData {
  if (form.has(key)) return form;
  const copy = new FormData();
  for (const [k, v] of form) copy.append(k, v);
  copy.set(key, value);
  return copy;
}

const prefix = (errors: Record<string, string>, i: number) =>
  Object.fromEntries(Object.entries(errors).map(([k, v]) => [`steps.${i}.${k}`, v]));
