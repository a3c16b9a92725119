/**
 * Dates, money and durations with Intl: the viewer's language, the organisation's time zone and currency.
 * Shared by server render and island, so both print exactly the same text.
 */
const tags = { nl: 'nl-NL', en: 'en-GB' } as const;

export type Formatting = { locale: 'nl' | 'en'; timeZone: string; currency: string };

export function formatters({ locale, timeZone, currency }: Formatting) {
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
  const money = new Intl.NumberFormat(tag, { style: 'currency', currency });
  const number = new Intl.NumberFormat(tag, { maximumFractionDigits: 3 });
  const percent = new Intl.NumberFormat(tag, { style: 'percent', maximumFractionDigits: 2 });
  const unit = (u: 'minute' | 'hour' | 'day') =>
    new Intl.NumberFormat(tag, { style: 'unit', unit: u, unitDisplay: 'long' });
  const minutes = unit('minute');
  const hours = unit('hour');
  const days = unit('day');
  return {
    /** Time only when on the same day as `reference`, else weekday, date and time. */
    when(ms: number, reference: number): string {
      return day.format(ms) === day.format(reference) ? time.format(ms) : dateTime.format(ms);
    },
    iso: (ms: number) => new Date(ms).toISOString(),
    money: (cents: number) => money.format(cents / 100),
    quantity: (milli: number) => number.format(milli / 1000),
    rate: (bp: number) => percent.format(bp / 10_000),
    duration(ms: number): string {
      const m = Math.max(1, Math.round(ms / 60_000));
      if (m < 90) return minutes.format(m);
      const h = Math.round(m / 60);
      return h < 36 ? hours.format(h) : days.format(Math.round(h / 24));
    },
  };
}

export type Formatters = ReturnType<typeof formatters>;
