import { and, eq } from 'drizzle-orm';
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

/** All of a job's choices, defaults filled in (for the tracker's form, and to ask many at once). */
export async function preferencesOf(tx: Db, jobId: string): Promise<Preferences> {
  const rows = await tx.select().from(notifyPreferences).where(eq(notifyPreferences.jobId, jobId));
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
