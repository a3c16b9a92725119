import { and, eq, inArray } from 'drizzle-orm';
import { param, prepared } from '../../db/prepared';
import {
  NOTIFY_CHANNELS,
  NOTIFY_KINDS,
  type NotifyChannel,
  type NotifyKind,
  notifyPreferences,
} from '../../db/schema';
import type { Db } from '../services/platform/context';

export { NOTIFY_CHANNELS, NOTIFY_KINDS, type NotifyChannel, type NotifyKind };

/**
 * Does the customer of this job want to hear about this kind of moment on this channel? Yes unless they
 * said no (on the tracker, or by unsubscribing). Email, web push and text messages all ask this.
 */
export async function wants(
  tx: Db,
  jobId: string,
  channel: NotifyChannel,
  kind: NotifyKind,
): Promise<boolean> {
  const [row] = await tx
    .select({ wanted: notifyPreferences.wanted })
    .from(notifyPreferences)
    .where(
      and(
        eq(notifyPreferences.jobId, jobId),
        eq(notifyPreferences.channel, channel),
        eq(notifyPreferences.kind, kind),
      ),
    );
  return row?.wanted ?? true;
}

export type Preferences = Record<NotifyChannel, Record<NotifyKind, boolean>>;

/** Read on every tracker page: built once (db/prepared.ts). */
const preferenceRows = prepared((db) =>
  db
    .select({
      channel: notifyPreferences.channel,
      kind: notifyPreferences.kind,
      wanted: notifyPreferences.wanted,
    })
    .from(notifyPreferences)
    .where(eq(notifyPreferences.jobId, param<string>('jobId')))
    .prepare(),
);

/** All of a job's choices, defaults filled in (for the tracker's form, and to ask many at once). */
export async function preferencesOf(tx: Db, jobId: string): Promise<Preferences> {
  return preferencesFrom(await preferenceRows(tx).all({ jobId }));
}

/** A job's choices from its stored rows (those it made), defaults filled in. */
export function preferencesFrom(
  rows: { channel: NotifyChannel; kind: NotifyKind; wanted: boolean }[],
): Preferences {
  const all = Object.fromEntries(
    NOTIFY_CHANNELS.map((c) => [c, Object.fromEntries(NOTIFY_KINDS.map((k) => [k, true]))]),
  ) as Preferences;
  for (const row of rows) all[row.channel][row.kind] = row.wanted;
  return all;
}

/** Records choices (only those given); the caller runs it in its transaction. */
export async function setPreferences(
  tx: Db,
  jobId: string,
  choices: Partial<Record<NotifyChannel, Partial<Record<NotifyKind, boolean>>>>,
  now: number,
): Promise<void> {
  for (const channel of NOTIFY_CHANNELS) {
    for (const kind of NOTIFY_KINDS) {
      const wanted = choices[channel]?.[kind];
      if (wanted === undefined) continue;
      await tx
        .insert(notifyPreferences)
        .values({ jobId, channel, kind, wanted, updatedAt: now })
        .onConflictDoUpdate({
          target: [notifyPreferences.jobId, notifyPreferences.channel, notifyPreferences.kind],
          set: { wanted, updatedAt: now },
        });
    }
  }
}

/** One-click unsubscribe: no more email of any kind about this job. */
export function unsubscribeEmail(tx: Db, jobId: string, now: number): Promise<void> {
  return setPreferences(tx, jobId, { email: Object.fromEntries(NOTIFY_KINDS.map((k) => [k, false])) }, now);
}

/** For many jobs at once: the `jobId|kind` pairs whose customer said no on this channel. */
export async function declined(tx: Db, jobIds: string[], channel: NotifyChannel): Promise<Set<string>> {
  if (jobIds.length === 0) return new Set();
  const rows = await tx
    .select({ jobId: notifyPreferences.jobId, kind: notifyPreferences.kind })
    .from(notifyPreferences)
    .where(
      and(
        inArray(notifyPreferences.jobId, [...new Set(jobIds)]),
        eq(notifyPreferences.channel, channel),
        eq(notifyPreferences.wanted, false),
      ),
    );
  return new Set(rows.map((r) => `${r.jobId}|${r.kind}`));
}

/** Which preference a tracker announcement falls under (web push, text messages); null: always sent. */
export function kindOfAnnouncement(say: string): NotifyKind | null {
  switch (say) {
    case 'started':
    case 'finished':
      return 'progress';
    case 'promise':
      return 'promise';
    case 'answered':
      return 'answer';
    case 'approval':
      return 'approval';
    case 'completed':
      return 'done';
    default:
      return null;
  }
}

/** The channels a job's customer can choose for: email with an address, push, text with a number and SMS on. */
export function channelsFor(
  job: { customerEmail: string | null; customerPhone: string | null },
  smsOn: boolean,
) {
  const channels: NotifyChannel[] = [];
  if (job.customerEmail) channels.push('email');
  channels.push('push');
  if (smsOn && job.customerPhone) channels.push('sms');
  return channels;
}

/** Reads the tracker's preferences form: for each channel it showed, an unchecked box is a no. */
export function readPreferencesForm(
  form: FormData,
): Partial<Record<NotifyChannel, Record<NotifyKind, boolean>>> {
  const shown = String(form.get('channels') ?? '')
    .split(',')
    .filter((c): c is NotifyChannel => (NOTIFY_CHANNELS as readonly string[]).includes(c));
  return Object.fromEntries(
    [...new Set(shown)].map((channel) => [
      channel,
      Object.fromEntries(NOTIFY_KINDS.map((kind) => [kind, form.get(`${channel}.${kind}`) === '1'])),
    ]),
  );
}
