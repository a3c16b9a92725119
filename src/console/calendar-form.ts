import { z } from 'zod';
import type { ConsoleMessages } from '../i18n/console';
import type { CalendarSettings, Period, WeekHours } from '../services/calendar/working-time';
import { ServiceError } from '../services/platform/errors';
import { parseForm } from './page';

const DAYS = [0, 1, 2, 3, 4, 5, 6] as const;
const time = /^([01]?\d|2[0-3])[:.]([0-5]\d)$|^24[:.]00$/;

const minutes = (hhmm: string) => {
  const [h, m] = hhmm.split(/[:.]/).map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
};
const hhmm = (m: number) =>
  `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

/** A day's periods as staff type them: "09:00-17:30" or "08:00-12:00, 13:00-17:00"; empty for closed. */
export const periodsText = (periods: Period[]) =>
  periods.map((p) => `${hhmm(p.open)}-${hhmm(p.close)}`).join(', ');

/** The form's values for a calendar, as the page shows them. */
export const calendarValues = (c: CalendarSettings): Record<string, string> => ({
  ...Object.fromEntries(DAYS.map((d) => [`day${d}`, periodsText(c.hours[d] ?? [])])),
  holidayCountry: c.holidayCountry ?? '',
  closedDates: c.closedDates.join('\n'),
});

const dayField = () =>
  z
    .string()
    .max(200)
    .transform((v, c) => {
      const parts = v
        .split(/[,;]/)
        .map((p) => p.trim())
        .filter(Boolean);
      const periods: Period[] = [];
      for (const part of parts) {
        const [open, close] = part.split(/\s*[-–]\s*/);
        if (!open || !close || !time.test(open) || !time.test(close)) {
          c.addIssue({ code: 'custom', message: 'hours_format' });
          return z.NEVER;
        }
        periods.push({ open: minutes(open), close: minutes(close) });
      }
      return periods;
    });

/** Parses the working-hours form; a service's complaint about `hours.3.0` is put next to that day. */
export function parseCalendar(form: FormData, t: ConsoleMessages): CalendarSettings {
  const schema = z.object({
    ...Object.fromEntries(DAYS.map((d) => [`day${d}`, dayField()])),
    holidayCountry: z.string().trim().max(2),
    closedDates: z.string().max(10_000),
  }) as unknown as z.ZodType<
    Record<`day${number}`, Period[]> & { holidayCountry: string; closedDates: string }
  >;
  const input = parseForm(schema, form, t);
  return {
    hours: DAYS.map((d) => input[`day${d}`] ?? []) as WeekHours,
    holidayCountry: input.holidayCountry || null,
    closedDates: input.closedDates.split(/[\s,]+/).filter(Boolean),
  };
}

/** Runs a calendar save, naming the form's field (day3, closedDates) in what it refuses. */
export async function onDayFields<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ServiceError) {
      const day = /^hours\.(\d)/.exec(error.field);
      const field = day ? `day${day[1]}` : error.field.startsWith('closedDates') ? 'closedDates' : null;
      // The same refusal, put next to the field the form shows.
      if (field) throw new ServiceError(error.kind as never, error.reason, error.params as never, { field });
    }
    throw error;
  }
}
