import { describe, expect, it } from 'vitest';
import {
  addWorkingMinutes,
  type Calendar,
  DEFAULT_CALENDAR,
  isOpen,
  nextOpening,
  type Period,
  publicHolidays,
  type WeekHours,
  workingMinutesBetween,
  zonedInstant,
} from '../../src/services/calendar/working-time';
import { fakeClock } from '../helpers';

const TZ = 'Europe/Amsterdam';
const office: Calendar = { ...DEFAULT_CALENDAR, timeZone: TZ };
const day = (open: number, close: number): Period[] => [{ open, close }];
const week = (hours: (weekday: number) => Period[]) =>
  Array.from({ length: 7 }, (_, d) => hours(d)) as unknown as WeekHours;
// A delivery service drives 08:00–21:00, Saturday included.
const delivery: Calendar = {
  timeZone: TZ,
  hours: week((d) => (d === 0 ? [] : day(480, 1260))),
  closedDates: [],
  holidayCountry: 'NL',
};
const always: Calendar = {
  timeZone: TZ,
  hours: week(() => day(0, 1440)),
  closedDates: [],
  holidayCountry: null,
};
const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

describe('working time on a fake clock', () => {
  it('a 3-hour step starting at 16:00 with closing at 17:30 ends at 10:30 the next working day', () => {
    const clock = fakeClock(at('2026-11-23T16:00:00+01:00')); // a Monday
    expect(iso(addWorkingMinutes(office, clock.now(), 180))).toBe(iso(at('2026-11-24T10:30:00+01:00')));
  });

  it('a job created on Friday afternoon lands on Monday', () => {
    const clock = fakeClock(at('2026-11-27T15:00:00+01:00')); // a Friday
    expect(iso(addWorkingMinutes(office, clock.now(), 240))).toBe(iso(at('2026-11-30T10:30:00+01:00')));
  });

  it('work started outside opening hours begins at the next opening', () => {
    expect(iso(addWorkingMinutes(office, at('2026-11-24T06:00:00+01:00'), 30))).toBe(
      iso(at('2026-11-24T09:30:00+01:00')),
    );
    expect(iso(addWorkingMinutes(office, at('2026-11-24T21:00:00+01:00'), 30))).toBe(
      iso(at('2026-11-25T09:30:00+01:00')),
    );
  });

  it('ends exactly at closing rather than at the next opening', () => {
    expect(iso(addWorkingMinutes(office, at('2026-11-24T17:00:00+01:00'), 30))).toBe(
      iso(at('2026-11-24T17:30:00+01:00')),
    );
  });

  it('skips public holidays from the holiday library and the business’s own closed days', () => {
    // Thursday 24 December 16:00: Christmas Day and Boxing Day are public holidays, then a Sunday.
    expect(iso(addWorkingMinutes(office, at('2026-12-24T16:00:00+01:00'), 180))).toBe(
      iso(at('2026-12-28T10:30:00+01:00')),
    );
    expect(publicHolidays('NL', 2026).has('2026-04-27')).toBe(true); // King's Day
    expect(publicHolidays('NL', 2026).has('2026-05-04')).toBe(false); // an observance, not a day off
    const ownClosed = { ...office, closedDates: ['2026-12-28'] };
    expect(iso(addWorkingMinutes(ownClosed, at('2026-12-24T16:00:00+01:00'), 180))).toBe(
      iso(at('2026-12-29T10:30:00+01:00')),
    );
    const noHolidays = { ...office, holidayCountry: null };
    expect(iso(addWorkingMinutes(noHolidays, at('2026-12-24T16:00:00+01:00'), 180))).toBe(
      iso(at('2026-12-25T10:30:00+01:00')),
    );
  });

  it('a delivery calendar works Saturdays, not Sundays', () => {
    expect(iso(addWorkingMinutes(delivery, at('2026-11-28T20:00:00+01:00'), 120))).toBe(
      iso(at('2026-11-30T09:00:00+01:00')),
    );
    expect(iso(addWorkingMinutes(delivery, at('2026-11-27T20:00:00+01:00'), 120))).toBe(
      iso(at('2026-11-28T09:00:00+01:00')),
    );
  });

  it('several periods a day (closed for lunch)', () => {
    const lunch: Calendar = {
      ...office,
      hours: week((d) =>
        d === 0 || d === 6
          ? []
          : [
              { open: 780, close: 1020 },
              { open: 540, close: 720 },
            ],
      ),
    };
    expect(iso(addWorkingMinutes(lunch, at('2026-11-24T11:00:00+01:00'), 120))).toBe(
      iso(at('2026-11-24T14:00:00+01:00')),
    );
  });

  describe('daylight saving in Europe/Amsterdam', () => {
    it('a step spanning the last Sunday of March keeps local opening times', () => {
      // Saturday 28 March 20:00 CET, two hours of driving: one tonight, one on Monday from 08:00 CEST.
      expect(iso(addWorkingMinutes(delivery, at('2026-03-28T20:00:00+01:00'), 120))).toBe(
        '2026-03-30T07:00:00.000Z',
      );
      // Open day and night: Sunday 29 March has 23 hours.
      expect(
        workingMinutesBetween(always, at('2026-03-29T00:00:00+01:00'), at('2026-03-30T00:00:00+02:00')),
      ).toBe(23 * 60);
      expect(iso(addWorkingMinutes(always, at('2026-03-28T12:00:00+01:00'), 24 * 60))).toBe(
        iso(at('2026-03-29T13:00:00+02:00')),
      );
    });

    it('a step spanning the last Sunday of October keeps local opening times', () => {
      expect(iso(addWorkingMinutes(delivery, at('2026-10-24T20:00:00+02:00'), 120))).toBe(
        '2026-10-26T08:00:00.000Z',
      );
      // Sunday 25 October has 25 hours.
      expect(
        workingMinutesBetween(always, at('2026-10-25T00:00:00+02:00'), at('2026-10-26T00:00:00+01:00')),
      ).toBe(25 * 60);
      expect(iso(addWorkingMinutes(always, at('2026-10-24T12:00:00+02:00'), 24 * 60))).toBe(
        iso(at('2026-10-25T11:00:00+01:00')),
      );
      // The office: Friday 23 October 16:00 CEST plus 3 hours ends Monday 10:30 CET.
      expect(iso(addWorkingMinutes(office, at('2026-10-23T16:00:00+02:00'), 180))).toBe(
        iso(at('2026-10-26T10:30:00+01:00')),
      );
    });

    it('local times skipped or repeated by the change resolve the way clocks do', () => {
      // 02:30 does not exist on 29 March: it reads as 03:30 summer time.
      expect(iso(zonedInstant(TZ, { y: 2026, m: 3, d: 29 }, 150))).toBe('2026-03-29T01:30:00.000Z');
      // 02:30 happens twice on 25 October: the first one, still summer time.
      expect(iso(zonedInstant(TZ, { y: 2026, m: 10, d: 25 }, 150))).toBe('2026-10-25T00:30:00.000Z');
    });
  });

  it('isOpen and nextOpening', () => {
    expect(isOpen(office, at('2026-11-24T10:00:00+01:00'))).toBe(true);
    expect(isOpen(office, at('2026-11-24T17:30:00+01:00'))).toBe(false);
    expect(isOpen(office, at('2026-11-28T10:00:00+01:00'))).toBe(false); // Saturday
    expect(iso(nextOpening(office, at('2026-11-27T18:00:00+01:00')))).toBe(
      iso(at('2026-11-30T09:00:00+01:00')),
    );
    expect(nextOpening(office, at('2026-11-24T10:00:00+01:00'))).toBe(at('2026-11-24T10:00:00+01:00'));
  });

  it('workingMinutesBetween is the inverse of addWorkingMinutes', () => {
    const start = at('2026-11-26T15:10:00+01:00');
    for (const minutes of [1, 45, 140, 600, 2000]) {
      expect(workingMinutesBetween(office, start, addWorkingMinutes(office, start, minutes))).toBe(minutes);
    }
  });

  it('other time zones', () => {
    const ny: Calendar = { ...office, timeZone: 'America/New_York', holidayCountry: 'US' };
    expect(iso(addWorkingMinutes(ny, at('2026-11-25T16:00:00-05:00'), 180))).toBe(
      iso(at('2026-11-27T10:30:00-05:00')), // Thanksgiving is closed
    );
  });

  it('a calendar without opening hours is refused instead of looping', () => {
    const closed: Calendar = { ...office, hours: [[], [], [], [], [], [], []] };
    expect(() => addWorkingMinutes(closed, at('2026-11-24T10:00:00+01:00'), 10)).toThrow(/no opening time/);
  });
});
