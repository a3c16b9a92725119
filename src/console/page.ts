import type { AstroGlobal } from 'astro';
import type { z } from 'zod';
import { type ErrorCode, errorText, isErrorCode } from '../errors/catalogue';
import { statusOf } from '../errors/status';
import { pageClientAddress } from '../http/client-address';
import { type ConsoleMessages, consoleMessages } from '../i18n/console';
import { type Formatters, formatters } from '../i18n/format';
import type { Locale } from '../i18n/messages';
import { contextFor, type Runtime } from '../runtime';
import { openQuestionCounts } from '../services/customer-voice/questions';
import { stripBidiForm } from '../services/platform/bidi';
import type { Ctx } from '../services/platform/context';
import { ServiceError } from '../services/platform/errors';
import type { Staff } from '../services/staff/session';
import { chooseLocale } from '../services/tracker/tracker';

export const LOCALE_COOKIE = 'ok_lang';

/** What the staff context reads of a request: a page's `Astro`, or an endpoint's context. */
type ConsoleRequest = Pick<AstroGlobal, 'locals' | 'cookies' | 'request'>;

/** The console's language: the one chosen in the console, then the browser's, then the organisation's. */
export function consoleLocale(Astro: ConsoleRequest, fallback?: Locale): Locale {
  const chosen = Astro.cookies.get(LOCALE_COOKIE)?.value;
  if (chosen === 'nl' || chosen === 'en') return chosen;
  return chooseLocale(
    null,
    Astro.request.headers.get('accept-language'),
    Astro.locals.staff?.organisation.defaultLocale ?? fallback ?? 'en',
  );
}

/**
 * The staff context of a request: who is signed in (found once by the console guard), the service
 * context acting as them, their language and formatters, and what the frame shows on every page (their
 * open questions). Built once per request and kept in `Astro.locals`, so the page, its loader and the
 * layout share it; the layout's count is read once, when first asked for.
 */
export type ConsolePage = {
  rt: Runtime;
  staff: Staff;
  ctx: Ctx;
  locale: Locale;
  t: ConsoleMessages;
  f: Formatters;
  now: number;
  /** How many open questions wait for the signed-in specialist (the navigation shows it). */
  myOpenQuestions: () => Promise<number>;
};

/** What every signed-in console page starts with: this request's staff context. */
export function consolePage(Astro: ConsoleRequest): ConsolePage {
  Astro.locals.console ??= staffContext(Astro);
  return Astro.locals.console;
}

function staffContext(Astro: ConsoleRequest): ConsolePage {
  const staff = Astro.locals.staff;
  if (!staff)
    throw new Error('consolePage: no signed-in staff (the console guard lets only public pages through)');
  const rt = Astro.locals.runtime;
  const locale = consoleLocale(Astro);
  const ctx = contextFor(rt, staff.organisation.id, { type: 'specialist', id: staff.specialist.id });
  const f = formatters({
    locale,
    timeZone: staff.organisation.timeZone,
    currency: staff.organisation.currency,
  });
  let mine: Promise<number> | undefined;
  const myOpenQuestions = () => {
    mine ??= openQuestionCounts(ctx, staff.specialist.id).then((counts) => counts.mine);
    return mine;
  };
  return { rt, staff, ctx, locale, t: consoleMessages[locale], f, now: rt.clock.now(), myOpenQuestions };
}

/** Which language a set of console messages is in. */
export const localeOf = (t: ConsoleMessages): Locale => (t === consoleMessages.nl ? 'nl' : 'en');

export type FormState = {
  /** Which form on the page was sent (its `_action`), so only that one shows errors and values. */
  action: string | null;
  errors: Record<string, string>;
  values: Record<string, string>;
  /** What a handler wants shown once, without a redirect (a new API key, an invitation link). */
  shown: unknown;
  /** Set after a successful post-redirect-get: the action that succeeded. */
  done: string | null;
};

/** What a form handler may return: nothing (redirect back), somewhere to go, or something to show once. */
export type Outcome = undefined | { redirect: string } | { show: unknown };
export type Handler = (form: FormData) => Promise<Outcome>;

/**
 * Runs the form handler named by the posted `_action`. Success redirects (post/redirect/get) unless
 * the handler has something to show once; bad input re-renders the page with 422, each message next
 * to its field in the reader's language, and nothing saved (services run in one transaction).
 */
export async function handleForms(
  Astro: AstroGlobal,
  t: ConsoleMessages,
  handlers: Record<string, Handler>,
): Promise<FormState | Response> {
  const state: FormState = {
    action: null,
    errors: {},
    values: {},
    shown: null,
    done: Astro.url.searchParams.get('done'),
  };
  if (Astro.request.method !== 'POST') return state;
  const form = stripBidiForm(await Astro.request.formData().catch(() => new FormData()));
  const action = String(form.get('_action') ?? '');
  state.action = action;
  for (const [key, value] of form) if (typeof value === 'string') state.values[key] = value;
  const handler = handlers[action];
  if (!handler) {
    state.errors._ = errorText('unknown_action', {}, localeOf(t));
    Astro.response.status = 400;
    return state;
  }
  try {
    const outcome = await handler(form);
    if (outcome && 'show' in outcome) {
      state.shown = outcome.show;
      state.values = {};
      return state;
    }
    const to =
      outcome && 'redirect' in outcome
        ? outcome.redirect
        : `${Astro.url.pathname}?done=${action}${anchorOf(form)}`;
    return Astro.redirect(to, 303);
  } catch (error) {
    const errors = formErrors(error, t);
    if (!errors) throw error;
    state.errors = errors;
    Astro.response.status = formStatus(error);
    return state;
  }
}

/**
 * Where the page returns to after a form worked: the step acted on (`#step-…`, the timeline's own ids), or
 * the section a form names in a hidden `_anchor`; the browser scrolls there and starts keyboard focus there.
 */
function anchorOf(form: FormData): string {
  const stepId = form.get('stepId');
  const named = form.get('_anchor');
  const anchor =
    typeof stepId === 'string' && stepId ? `step-${stepId}` : typeof named === 'string' ? named : '';
  return /^[\w-]{1,100}$/.test(anchor) ? `#${anchor}` : '';
}

/** 422 for bad input; the matching status when a service refused (not found, conflict, …). */
export const formStatus = (error: unknown) => statusOf(error);

/** Field messages for a zod failure or a service refusal; null for anything else (a real fault). */
export function formErrors(error: unknown, t: ConsoleMessages): Record<string, string> | null {
  if (error instanceof FormInvalid) return error.errors;
  if (error instanceof ServiceError) return { [error.field]: error.messageIn(localeOf(t)) };
  return null;
}

export class FormInvalid extends Error {
  constructor(readonly errors: Record<string, string>) {
    super('invalid form');
  }
}

/** Parses the form's text fields with a zod schema; failures become translated field messages. */
export function parseForm<S extends z.ZodType>(schema: S, form: FormData, t: ConsoleMessages): z.output<S> {
  const raw: Record<string, string | string[]> = {};
  for (const [key, value] of form) {
    if (typeof value !== 'string') continue;
    const existing = raw[key];
    raw[key] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
  }
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const errors: Record<string, string> = {};
  for (const issue of result.error.issues) {
    const field = issue.path.map(String).join('.') || '_';
    errors[field] ??= issueMessage(issue, t);
  }
  throw new FormInvalid(errors);
}

/**
 * A zod issue in the reader's language. A schema names its own message by an error catalogue code
 * (`.regex(re, 'colour_expected')`); otherwise the issue's kind decides.
 */
function issueMessage(issue: z.core.$ZodIssue, t: ConsoleMessages): string {
  const say = (code: ErrorCode, params: Record<string, unknown> = {}) => errorText(code, params, localeOf(t));
  if (isErrorCode(issue.message)) {
    const bounds = issue as { minimum?: unknown; maximum?: unknown };
    return say(issue.message, { min: Number(bounds.minimum), max: Number(bounds.maximum) });
  }
  switch (issue.code) {
    case 'invalid_type':
      return say('required');
    case 'too_small':
      return Number(issue.minimum) <= 1 && issue.origin === 'string'
        ? say('required')
        : say('too_short', { min: Number(issue.minimum) });
    case 'too_big':
      return issue.origin === 'string'
        ? say('too_long', { max: Number(issue.maximum) })
        : say('too_big', { max: Number(issue.maximum) });
    case 'invalid_format':
      return say(issue.format === 'email' ? 'email_expected' : 'bad_format');
    case 'invalid_value':
      return say('choose_option');
    default:
      return say('bad_format');
  }
}

/** The uploaded files of a field (a phone's camera or gallery), empty inputs left out. */
export async function uploadedFiles(form: FormData, field: string): Promise<Uint8Array[]> {
  const files = form.getAll(field).filter((v): v is File => typeof v !== 'string' && v.size > 0);
  return Promise.all(files.map(async (file) => new Uint8Array(await file.arrayBuffer())));
}

/** The client (its address behind trusted proxies, src/http/client-address.ts), for sign-in rate limits. */
export const clientOf = (Astro: AstroGlobal) => ({
  ip: pageClientAddress(Astro),
  userAgent: Astro.request.headers.get('user-agent') ?? '',
});

/** Only same-site paths are followed after sign-in. */
export const safeNext = (next: string | null | undefined) =>
  next && /^\/(?!\/)[^\\]*$/.test(next) && next.startsWith('/console') ? next : '/console/';
