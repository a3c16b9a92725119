/**
 * Dates, money and durations with Intl: the viewer's language, the organisation's time zone and currency.
 * Shared by server render and island, so both print exactly the same text.
 */
const tags = { nl: 'nl-NL', en: 'en-GB' } as const;

export type Formatting = { locale: 'nl' | 'en'; timeZone: string; currency: string };

/** Built once per key and kept (Intl constructors are costly; a render used to build nine per call). */
const MAX_CACHED = 256;
function cached<T>(cache: Map<string, T>, key: string, build: () => T): T {
  let value = cache.get(key);
  if (value === undefined) {
    value = build();
    // Bounded: keys come from organisations' settings; past the bound the oldest goes.
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value as string);
    cache.set(key, value);
  }
  return value;
}

const formatterCache = new Map<string, ReturnType<typeof buildFormatters>>();

/** The formatters for a language, time zone and currency: built on first use, then shared. */
export function formatters(f: Formatting) {
  return cached(formatterCache, `${f.locale}\u0000${f.timeZone}\u0000${f.currency}`, () =>
    buildFormatters(f),
  );
}

function buildFormatters({ locale, timeZone, currency }: Formatting) {
  const tag = tags[locale];
  const dateTime = new Intl.DateTimeFormat(tag, {
    timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
  });
  const time = new Intl.DateTimeFormat(tag, { timeZone, hour: '2-digit', minute: '2-digit' });
  const day = new Intl.DateTimeFormat(tag, { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  const longDay = new Intl.DateTimeFormat(tag, { timeZone, day: 'numeric', month: 'long', year: 'numeric' });
  const money = new Intl.NumberFormat(tag, { style: 'currency', currency });
  const number = new Intl.NumberFormat(tag, { maximumFractionDigits: 3 });
  const percent = new Intl.NumberFormat(tag, { style: 'percent', maximumFractionDigits: 2 });
  const wholePercent = new Intl.NumberFormat(tag, { style: 'percent' });
  const unit = (u: 'minute' | 'hour' | 'day') =>
    new Intl.NumberFormat(tag, { style: 'unit', unit: u, unitDisplay: 'long' });
  const minutes = unit('minute');
  const hours = unit('hour');
  const days = unit('day');
  return {
    locale,
    /** Whether two instants fall on the same local day. */
    sameDay(a: number, b: number): boolean {
      return day.format(a) === day.format(b);
    },
    /** Time only when on the same day as `reference`, else weekday, date and time. */
    when(ms: number, reference: number): string {
      return day.format(ms) === day.format(reference) ? time.format(ms) : dateTime.format(ms);
    },
    iso: (ms: number) => new Date(ms).toISOString(),
    /** A calendar date written out ("4 december 2026"), as on an invoice. */
    day: (ms: number) => longDay.format(ms),
    money: (cents: number) => money.format(cents / 100),
    quantity: (milli: number) => number.format(milli / 1000),
    number: (n: number) => number.format(n),
    rate: (bp: number) => percent.format(bp / 10_000),
    /** A share (0.87) as a whole percentage: "87%". */
    share: (fraction: number) => wholePercent.format(fraction),
    duration(ms: number): string {
      const m = Math.max(1, Math.round(ms / 60_000));
      if (m < 90) return minutes.format(m);
      const h = Math.round(m / 60);
      return h < 36 ? hours.format(h) : days.format(Math.round(h / 24));
    },
  };
}

export type Formatters = ReturnType<typeof buildFormatters>;

const partsCache = new Map<string, Intl.DateTimeFormat>();

const zoneParts = (ms: number, timeZone: string) => {
  const parts = cached(
    partsCache,
    timeZone,
    () =>
      new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
      }),
  ).formatToParts(ms);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return {
    y: get('year'),
    m: get('month'),
    d: get('day'),
    h: get('hour'),
    min: get('minute'),
    s: get('second'),
  };
};

/** How far `timeZone` is ahead of UTC at the instant `ms`. */
const offsetAt = (ms: number, timeZone: string) => {
  const p = zoneParts(ms, timeZone);
  return Date.UTC(p.y, p.m - 1, p.d, p.h, p.min, p.s) - Math.floor(ms / 1000) * 1000;
};

/** An instant as the value of `<input type="datetime-local">` in the organisation's time zone. */
export function toLocalInput(ms: number, timeZone: string): string {
  const p = zoneParts(ms, timeZone);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${p.y}-${two(p.m)}-${two(p.d)}T${two(p.h)}:${two(p.min)}`;
}

/** A `datetime-local` value, read as wall-clock time in the organisation's time zone; null if malformed. */
export function fromLocalInput(value: string, timeZone: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::\d{2})?$/.exec(value);
  if (!match) return null;
  const [y, m, d, h, min] = match.slice(1).map(Number) as [number, number, number, number, number];
  const wall = Date.UTC(y, m - 1, d, h, min);
  if (Number.isNaN(wall) || new Date(wall).getUTCDate() !== d) return null;
  // Two passes: the offset at the guess may differ from the offset at the answer around DST changes.
  const first = wall - offsetAt(wall, timeZone);
  return wall - offsetAt(first, timeZone);
}
