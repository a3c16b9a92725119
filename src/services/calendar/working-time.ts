import Holidays from 'date-holidays';
import { type CalendarSettings, DEFAULT_HOURS } from '../../../db/schema/calendars';
import { ServiceError } from '../platform/errors';

export type { CalendarSettings, Period, WeekHours } from '../../../db/schema/calendars';
export { DEFAULT_HOURS };

/**
 * Working time: when an organisation (or one of its workflows) works, in its own time zone.
 * Every promise the product computes is a start time plus working minutes on such a calendar.
 *
 * All arithmetic walks local calendar days and turns each day's opening hours into UTC instants
 * through the time zone's real offset on that day, so a day of 23 or 25 hours (daylight saving)
 * needs no special case.
 */

export type Calendar = CalendarSettings & { timeZone: string };

export const DEFAULT_CALENDAR: CalendarSettings = {
  hours: DEFAULT_HOURS,
  closedDates: [],
  holidayCountry: 'NL',
};

const MINUTE = 60_000;
const DAY = 86_400_000;
/** A calendar with no opening at all would loop forever; after this many days we give up. */
const SEARCH_DAYS = 3 * 366;

type LocalDate = { y: number; m: number; d: number };

const partsFormats = new Map<string, Intl.DateTimeFormat>();
function partsFormat(timeZone: string) {
  let format = partsFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    partsFormats.set(timeZone, format);
  }
  return format;
}

/** The wall-clock reading of `ms` in the time zone, as if it were UTC. */
function wallClock(timeZone: string, ms: number): number {
  const p: Record<string, number> = {};
  for (const part of partsFormat(timeZone).formatToParts(ms)) {
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  }
  return Date.UTC(p.year ?? 0, (p.month ?? 1) - 1, p.day ?? 1, p.hour ?? 0, p.minute ?? 0, p.second ?? 0);
}

/** The zone's offset from UTC at instant `ms` (whole seconds; sub-second parts are not offsets). */
const offsetAt = (timeZone: string, ms: number) => wallClock(timeZone, ms) - Math.floor(ms / 1000) * 1000;

/**
 * The instant a local wall-clock time happens. A time skipped by the spring change (02:30 on the
 * last Sunday of March) is read with the offset before the change, i.e. it lands an hour later,
 * the way clocks themselves jump; a time that happens twice in autumn is its first occurrence.
 */
export function zonedInstant(timeZone: string, date: LocalDate, minuteOfDay: number): number {
  const wall = Date.UTC(date.y, date.m - 1, date.d) + minuteOfDay * MINUTE;
  // At most one offset change happens within a day either side, so these are the two candidates.
  const before = offsetAt(timeZone, wall - DAY);
  const after = offsetAt(timeZone, wall + DAY);
  const fits = [wall - before, wall - after].filter((t) => wallClock(timeZone, t) === wall);
  return fits.length ? Math.min(...fits) : wall - before;
}

export function localDateOf(timeZone: string, ms: number): LocalDate {
  const wall = new Date(wallClock(timeZone, ms));
  return { y: wall.getUTCFullYear(), m: wall.getUTCMonth() + 1, d: wall.getUTCDate() };
}

const nextDate = ({ y, m, d }: LocalDate): LocalDate => {
  const next = new Date(Date.UTC(y, m - 1, d + 1));
  return { y: next.getUTCFullYear(), m: next.getUTCMonth() + 1, d: next.getUTCDate() };
};

const isoDate = ({ y, m, d }: LocalDate) =>
  `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;

const dayOfWeek = ({ y, m, d }: LocalDate) => new Date(Date.UTC(y, m - 1, d)).getUTCDay();

// date-holidays builds its rules per country once; the dates per year are kept as they are asked for.
const holidayLibraries = new Map<string, Holidays>();
const holidayYears = new Map<string, Set<string>>();

/** The public holidays (days off by law, not observances) of a country in a year, as local dates. */
export function publicHolidays(country: string, year: number): Set<string> {
  const key = `${country}:${year}`;
  let dates = holidayYears.get(key);
  if (!dates) {
    let library = holidayLibraries.get(country);
    if (!library) {
      library = new Holidays(country, { types: ['public'] });
      holidayLibraries.set(country, library);
    }
    dates = new Set(
      (library.getHolidays(year) || []).filter((h) => h.type === 'public').map((h) => h.date.slice(0, 10)),
    );
    holidayYears.set(key, dates);
  }
  return dates;
}

/** Whether date-holidays knows the country (for validating input). */
export function isHolidayCountry(country: string): boolean {
  return Object.hasOwn(new Holidays().getCountries(), country);
}

export function isClosedDay(calendar: CalendarSettings, date: LocalDate): boolean {
  const iso = isoDate(date);
  if (calendar.closedDates.includes(iso)) return true;
  return calendar.holidayCountry !== null && publicHolidays(calendar.holidayCountry, date.y).has(iso);
}

/** The day's opening periods as UTC instants, in order; none on a closed day. */
function periodsOn(calendar: Calendar, date: LocalDate): { start: number; end: number }[] {
  if (isClosedDay(calendar, date)) return [];
  return [...(calendar.hours[dayOfWeek(date)] ?? [])]
    .sort((a, b) => a.open - b.open)
    .map((p) => ({
      start: zonedInstant(calendar.timeZone, date, p.open),
      end: zonedInstant(calendar.timeZone, nextDateIf(date, p.close), p.close % 1440),
    }))
    .filter((p) => p.end > p.start);
}

// A period may close at 24:00, which is 00:00 of the next day.
const nextDateIf = (date: LocalDate, minute: number) => (minute >= 1440 ? nextDate(date) : date);

/** Calls `visit` with every opening period that ends after `from`, in order, until it returns true. */
function walk(calendar: Calendar, from: number, visit: (start: number, end: number) => boolean): boolean {
  // Start a day early: a period of yesterday may still be running at `from` in another offset.
  let date = localDateOf(calendar.timeZone, from - DAY);
  for (let i = 0; i < SEARCH_DAYS; i++, date = nextDate(date)) {
    for (const p of periodsOn(calendar, date)) {
      if (p.end <= from) continue;
      if (visit(Math.max(p.start, from), p.end)) return true;
    }
  }
  return false;
}

/** Only a calendar closed on every day it could reach: a refusal of the change, not a fault. */
export class NoWorkingTime extends ServiceError<'no_working_time'> {
  constructor() {
    super('conflict', 'no_working_time');
  }
}

/** Whether the business works at instant `ms`. */
export function isOpen(calendar: Calendar, ms: number): boolean {
  let open = false;
  walk(calendar, ms, (start) => {
    open = start <= ms;
    return true;
  });
  return open;
}

/** The first instant at or after `ms` when the business works. */
export function nextOpening(calendar: Calendar, ms: number): number {
  let at: number | null = null;
  walk(calendar, ms, (start) => {
    at = start;
    return true;
  });
  if (at === null) throw new NoWorkingTime();
  return at;
}

/**
 * The instant `minutes` of working time after `startMs`. Zero minutes is `startMs` itself; time
 * outside opening hours does not count, so work started after closing begins at the next opening.
 */
export function addWorkingMinutes(calendar: Calendar, startMs: number, minutes: number): number {
  if (minutes <= 0) return startMs;
  let left = minutes * MINUTE;
  let at: number | null = null;
  walk(calendar, startMs, (start, end) => {
    if (end - start >= left) {
      at = start + left;
      return true;
    }
    left -= end - start;
    return false;
  });
  if (at === null) throw new NoWorkingTime();
  return at;
}

/** The working minutes between two instants (0 when `to` is not after `from`), rounded to a minute. */
export function workingMinutesBetween(calendar: Calendar, from: number, to: number): number {
  if (to <= from) return 0;
  let total = 0;
  walk(calendar, from, (start, end) => {
    if (start >= to) return true;
    total += Math.min(end, to) - start;
    return end >= to;
  });
  return Math.round(total / MINUTE);
}

const previousDate = ({ y, m, d }: LocalDate): LocalDate => {
  const prev = new Date(Date.UTC(y, m - 1, d - 1));
  return { y: prev.getUTCFullYear(), m: prev.getUTCMonth() + 1, d: prev.getUTCDate() };
};

const opensOn = (calendar: Calendar, date: LocalDate) => periodsOn(calendar, date).length > 0;

export type Slot = { startsAt: number; endsAt: number };

/**
 * The slots of `minutes` that fit inside the opening periods, each period cut from its opening on in
 * local time (09:00, 10:00, …), that start in [`from`, `to`). A period's tail shorter than a slot is no
 * slot. Local times become instants through that day's own offset, so a slot at 09:00 stays at 09:00
 * on both sides of a daylight-saving change.
 */
export function slotsBetween(calendar: Calendar, minutes: number, from: number, to: number): Slot[] {
  const slots: Slot[] = [];
  if (minutes <= 0 || to <= from) return slots;
  let date = localDateOf(calendar.timeZone, from);
  const last = localDateOf(calendar.timeZone, to);
  for (let i = 0; i < SEARCH_DAYS && isoDate(date) <= isoDate(last); i++, date = nextDate(date)) {
    if (isClosedDay(calendar, date)) continue;
    for (const p of [...(calendar.hours[dayOfWeek(date)] ?? [])].sort((a, b) => a.open - b.open)) {
      for (let m = p.open; m + minutes <= p.close; m += minutes) {
        const end = m + minutes;
        const startsAt = zonedInstant(calendar.timeZone, date, m);
        if (startsAt < from || startsAt >= to) continue;
        slots.push({ startsAt, endsAt: zonedInstant(calendar.timeZone, nextDateIf(date, end), end % 1440) });
      }
    }
  }
  return slots;
}

/**
 * Until when something at `ms` may still be changed when changes must come `days` working days
 * before: local midnight at the start of the `days`-th working day before the day of `ms` (two
 * working days before a Thursday visit: Tuesday 00:00, so Monday is the last day to change it).
 * Zero days: `ms` itself.
 */
export function workingDaysBefore(calendar: Calendar, ms: number, days: number): number {
  if (days <= 0) return ms;
  let date = localDateOf(calendar.timeZone, ms);
  let counted = 0;
  for (let i = 0; i < SEARCH_DAYS; i++) {
    date = previousDate(date);
    if (opensOn(calendar, date) && ++counted === days) return zonedInstant(calendar.timeZone, date, 0);
  }
  throw new NoWorkingTime();
}
