/**
 * Working calendars are stored as columns of their owner (an organisation; a workflow that keeps
 * its own hours): the shapes and defaults live here so schema and services share them.
 */

/** One opening period on a day, in minutes after local midnight (09:00–17:30 = 540–1050). */
export type Period = { open: number; close: number };

/** Opening hours per weekday, Sunday first (index 0 = Sunday, as `Date#getDay`). */
export type WeekHours = [Period[], Period[], Period[], Period[], Period[], Period[], Period[]];

export type CalendarSettings = {
  hours: WeekHours;
  /** The business's own closed days, as local dates (YYYY-MM-DD). */
  closedDates: string[];
  /** ISO 3166 country whose public holidays are closed days; null for none. */
  holidayCountry: string | null;
};

const weekday = (): Period[] => [{ open: 540, close: 1050 }];

/** What a new organisation gets: Monday to Friday 09:00–17:30, Dutch public holidays closed. */
export const DEFAULT_HOURS: WeekHours = [[], weekday(), weekday(), weekday(), weekday(), weekday(), []];

/**
 * How a customer books a step's moment (docs/decisions/slots.md): slots of `slotMinutes` inside the
 * working calendar, `capacity` bookings per slot for the step's role (or the step alone), bookable from
 * `leadMinutes` ahead to `horizonDays` ahead, changeable until `cutoffWorkingDays` working days before.
 */
export type BookingRules = {
  slotMinutes: number;
  capacity: number;
  horizonDays: number;
  cutoffWorkingDays: number;
  leadMinutes: number;
};
