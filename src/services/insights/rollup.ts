/**
 * The small pieces the insights are made of: local days, the samples codec and the statistics,
 * each defined exactly, because the tests check the figures to the millisecond.
 */

const DAY = 86_400_000;
const HOUR = 3_600_000;

/** Which series a rollup row's `samples` blob holds, in order; each series' length is in counts[`#name`]. */
export const SERIES = {
  step: ['duration', 'wait'],
  /** Time to answer, per channel the question came by. */
  question: ['tracker', 'phone', 'desk', 'email'],
  person: ['answer'],
  job: ['lead'],
} as const;
export type Scope = keyof typeof SERIES;

/**
 * Float64 values in series order (milliseconds are integers far below 2^53, so they stay exact): what a
 * row held before, then the values added. Writes each series' length into counts[`#name`].
 */
export function encodeSamples(
  scope: Scope,
  before: Record<string, ArrayLike<number>>,
  added: Record<string, ArrayLike<number>>,
  counts: Record<string, number>,
): Buffer | null {
  const names = SERIES[scope];
  const length = (name: string) => (before[name]?.length ?? 0) + (added[name]?.length ?? 0);
  const total = names.reduce((sum, name) => sum + length(name), 0);
  if (total === 0) return null;
  const values = new Float64Array(total);
  let at = 0;
  for (const name of names) {
    for (const part of [before[name], added[name]]) {
      if (!part) continue;
      values.set(part, at);
      at += part.length;
    }
    counts[`#${name}`] = length(name);
  }
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
}

/** Calls `each(name, values)` for every series of a stored row without copying the blob. */
export function readSamples(
  scope: Scope,
  samples: Uint8Array | ArrayBuffer | null,
  counts: Record<string, number>,
  each: (name: string, values: Float64Array) => void,
) {
  if (!samples) return;
  const bytes = samples instanceof Uint8Array ? samples : new Uint8Array(samples);
  // Copy only when the blob is not 8-byte aligned in its buffer (Float64Array needs alignment).
  const aligned = bytes.byteOffset % 8 === 0 ? bytes : bytes.slice();
  const all = new Float64Array(aligned.buffer, aligned.byteOffset, aligned.byteLength / 8);
  let at = 0;
  for (const name of SERIES[scope]) {
    const n = counts[`#${name}`] ?? 0;
    each(name, all.subarray(at, at + n));
    at += n;
  }
}

const dayFormats = new Map<string, Intl.DateTimeFormat>();
const dayCache = new Map<string, number>();

/**
 * The local calendar day of an instant in a time zone, as days since 1970-01-01. Every zone's offset is
 * constant within a UTC quarter hour, so the answer is cached per quarter hour.
 */
export function localDay(ms: number, timeZone: string): number {
  const quarter = Math.floor(ms / (HOUR / 4));
  const key = `${timeZone}|${quarter}`;
  const cached = dayCache.get(key);
  if (cached !== undefined) return cached;
  let format = dayFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    dayFormats.set(timeZone, format);
  }
  const day = dayNumber(format.format(ms)) ?? Math.floor(ms / DAY);
  if (dayCache.size > 200_000) dayCache.clear();
  dayCache.set(key, day);
  return day;
}

/** `2026-11-23` → days since 1970-01-01; null when it is not a real date. */
export function dayNumber(date: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) return null;
  const [y, m, d] = match.slice(1).map(Number) as [number, number, number];
  const ms = Date.UTC(y, m - 1, d);
  if (Number.isNaN(ms) || new Date(ms).getUTCDate() !== d || new Date(ms).getUTCMonth() !== m - 1)
    return null;
  return ms / DAY;
}

export const dayString = (day: number) => new Date(day * DAY).toISOString().slice(0, 10);

/** The first day of the month a day is in. */
export const monthOf = (day: number) => {
  const date = new Date(day * DAY);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1) / DAY;
};

/** The first day of the next month. */
const nextMonth = (month: number) => {
  const date = new Date(month * DAY);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1) / DAY;
};

/**
 * Splits the days from..to (included) into the whole months inside them and the loose days around:
 * `months` lists first days of months; `days` lists [first, last] ranges.
 */
export function coverPeriod(from: number, to: number) {
  let month = monthOf(from) === from ? from : nextMonth(monthOf(from));
  const months: number[] = [];
  while (nextMonth(month) - 1 <= to) {
    months.push(month);
    month = nextMonth(month);
  }
  const first = months[0];
  if (first === undefined) return { months, days: [[from, to]] as [number, number][] };
  const days: [number, number][] = [];
  if (from < first) days.push([from, first - 1]);
  const after = nextMonth(months[months.length - 1] as number);
  if (after <= to) days.push([after, to]);
  return { months, days };
}

/**
 * Percentiles by the nearest-rank method: for n values sorted ascending, the p-th percentile is the
 * value at 1-based rank ⌈p/100 · n⌉ (rank 1 for p = 0). It is always one of the measured values.
 * The median is the 50th percentile by this definition: for an even count, the lower of the two
 * middle values. Null for no values.
 */
export function percentile(sorted: ArrayLike<number>, p: number): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * n));
  return sorted[Math.min(n, rank) - 1] ?? null;
}

/** A distribution's summary: count, median (p50), p90 and mean (rounded to whole ms), all nearest-rank. */
export type Distribution = { count: number; median: number | null; p90: number | null; mean: number | null };

export function distribution(values: Float64Array): Distribution {
  const n = values.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i] as number;
  return {
    count: n,
    median: select(values, 50),
    p90: select(values, 90),
    mean: n ? Math.round(sum / n) : null,
  };
}

/**
 * The nearest-rank percentile without sorting everything: quickselect puts the value of that rank in
 * place in linear time (on average), which is what makes a year of a million steps cheap to summarise.
 * Reorders `values`; gives exactly what `percentile` gives on the sorted values.
 */
export function select(values: Float64Array, p: number): number | null {
  const n = values.length;
  if (n === 0) return null;
  const k = Math.min(n, Math.max(1, Math.ceil((p / 100) * n))) - 1;
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const pivot = values[(lo + hi) >>> 1] as number;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while ((values[i] as number) < pivot) i++;
      while ((values[j] as number) > pivot) j--;
      if (i <= j) {
        const swap = values[i] as number;
        values[i] = values[j] as number;
        values[j] = swap;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return values[k] as number;
}

/** Collects Float64 chunks per key and joins them once, so a year of daily rows costs one copy. */
export class SampleBag {
  private chunks = new Map<string, Float64Array[]>();
  add(key: string, values: Float64Array) {
    if (values.length === 0) return;
    const list = this.chunks.get(key);
    if (list) list.push(values);
    else this.chunks.set(key, [values]);
  }
  /** The values of one key, or of several joined. */
  take(keys: string | string[]): Float64Array {
    const list = (Array.isArray(keys) ? keys : [keys]).flatMap((key) => this.chunks.get(key) ?? []);
    const out = new Float64Array(list.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const chunk of list) {
      out.set(chunk, at);
      at += chunk.length;
    }
    return out;
  }
}

/** A ratio that is null rather than NaN when there is nothing to divide. */
export const share = (part: number, whole: number) => (whole > 0 ? part / whole : null);
