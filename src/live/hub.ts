import type { EventRow } from '../../db/schema';
import { ACCESS_ENDED } from '../services/platform/events';
import { eventFrame, type Frame, HEARTBEAT, sendable } from './frames';

/** What a stream was opened with; revoking that ends it (see `Hub.revoke`). */
export type Grant =
  | { via: 'tracker' }
  | { via: 'embed'; expiresAt: number }
  | { via: 'staff'; specialistId: string; sessionId: string };

/** Why a stream ended, sent to the client as `event: revoked` so it stops reconnecting. */
export type RevokedReason = 'link_reissued' | 'job_deleted' | 'expired' | 'signed_out';

/** One open stream. `write` goes straight to the socket where we have it (see stream.ts). */
export type Subscriber = {
  /** A job id, or `org:<organisation id>` for every job of an organisation (the console's board). */
  jobId: string;
  /** Staff streams see internal events; customers never do. */
  internal: boolean;
  /** Newest event id this subscriber has been sent; anything at or below it is skipped. */
  lastId: number;
  /** While the stream is still sending its backlog, live frames wait here, in order. */
  pending: { id: number; frame: Frame }[] | null;
  write(frame: Frame): void;
  /** Its place in the hub's list for its topic (kept by the hub; -1 while not in it). */
  slot: number;
  grant: Grant;
  /**
   * The log position when it joined the hub: a revocation at or below it was already in force when the
   * stream's grant was re-checked after joining, so it concerns an earlier grant (an old link, an old session).
   */
  since: number;
  /** Ends the stream: with a reason the client is told, or none for a client too slow to keep up. */
  end(reason: RevokedReason | null): void;
};

/** Frames a stream may queue while it is still sending its backlog; a client that slow is dropped. */
export const MAX_PENDING = 1024;

/** Log entries that change who may read a job or an organisation (organisation-level ones have no job). */
const REVOKING = new Set(['job.link_reissued', 'job.deleted', ACCESS_ENDED]);

/** The public data of an event on the wire. */
export const wireEvent = (e: EventRow) => ({
  id: e.id,
  type: e.type,
  stepId: e.stepId,
  at: e.createdAt,
  ...e.payload,
});

export const orgTopic = (organisationId: string) => `org:${organisationId}`;

/**
 * Fans committed events out to the subscribers of their job, in log order. Each topic's subscribers
 * are a plain array (removal swaps the last one into the gap): the write loop over ten thousand of them
 * is measured against a raw `res.write` loop over an array (bench/fanout.ts).
 */
export class Hub {
  private readonly byJob = new Map<string, Subscriber[]>();
  private heartbeatTimer: NodeJS.Timeout | undefined;
  size = 0;
  /** Organisation-wide subscribers; while there are none, publishing skips the second lookup. */
  private orgTopics = 0;

  constructor(private readonly heartbeatMs: number) {}

  add(sub: Subscriber): void {
    if (sub.jobId.startsWith('org:')) this.orgTopics++;
    let list = this.byJob.get(sub.jobId);
    if (!list) {
      list = [];
      this.byJob.set(sub.jobId, list);
    }
    sub.slot = list.length;
    list.push(sub);
    this.size++;
    this.heartbeatTimer ??= setInterval(() => this.heartbeat(), this.heartbeatMs).unref();
  }

  remove(sub: Subscriber): void {
    const list = this.byJob.get(sub.jobId);
    const slot = sub.slot;
    if (!list || list[slot] !== sub) return;
    const last = list.pop() as Subscriber;
    if (last !== sub) {
      list[slot] = last;
      last.slot = slot;
    }
    sub.slot = -1;
    if (sub.jobId.startsWith('org:')) this.orgTopics--;
    this.size--;
    if (list.length === 0) this.byJob.delete(sub.jobId);
    if (this.size === 0) {
      clearInterval(this.heartbeatTimer);
      this.heartbeatTimer = undefined;
    }
  }

  /** The hot loop: one frame encoded per event, then one write per subscriber. */
  publish(rows: EventRow[]): void {
    for (const row of rows) {
      // One set lookup per event; only the rare access change walks subscribers.
      if (REVOKING.has(row.type)) this.revoke(row);
      if (row.jobId === '') continue;
      this.deliver(row, this.byJob.get(row.jobId));
      if (this.orgTopics > 0) this.deliver(row, this.byJob.get(orgTopic(row.organisationId)));
    }
  }

  private deliver(row: EventRow, list: Subscriber[] | undefined): void {
    if (!list) return;
    const frame = sendable(eventFrame(row.id, wireEvent(row)));
    const internalOnly = row.visibility === 'internal';
    // A write may drop a slow subscriber (swapping the last one into its place): walk from the end.
    for (let i = list.length - 1; i >= 0; i--) {
      const sub = list[i] as Subscriber;
      if (row.id <= sub.lastId || (internalOnly && !sub.internal)) continue;
      if (sub.pending) {
        if (sub.pending.push({ id: row.id, frame }) > MAX_PENDING) sub.end(null);
      } else {
        sub.lastId = row.id;
        sub.write(frame);
      }
    }
  }

  /**
   * Ends the streams whose grant a log entry takes away: a re-issued tracker link ends the streams
   * opened with a tracker link (embed tokens stay valid), a deleted job every stream of it, a staff
   * member's ended session (or all their sessions) their console streams.
   */
  revoke(row: EventRow): void {
    const ended: [Subscriber, RevokedReason][] = [];
    if (row.type === ACCESS_ENDED) {
      const { specialistId, sessionId } = row.payload as { specialistId?: string; sessionId?: string | null };
      for (const list of this.byJob.values())
        for (const sub of list) {
          const g = sub.grant;
          if (
            g.via === 'staff' &&
            g.specialistId === specialistId &&
            (!sessionId || g.sessionId === sessionId)
          )
            if (row.id > sub.since) ended.push([sub, 'signed_out']);
        }
    } else {
      const reissued = row.type === 'job.link_reissued';
      for (const sub of this.byJob.get(row.jobId) ?? [])
        if (row.id > sub.since && (!reissued || sub.grant.via === 'tracker'))
          ended.push([sub, reissued ? 'link_reissued' : 'job_deleted']);
    }
    for (const [sub, reason] of ended) sub.end(reason);
  }

  heartbeat(): void {
    for (const list of this.byJob.values())
      for (let i = list.length - 1; i >= 0; i--) {
        const sub = list[i] as Subscriber;
        if (!sub.pending) sub.write(HEARTBEAT);
      }
  }

  close(): void {
    clearInterval(this.heartbeatTimer);
    this.byJob.clear();
    this.size = 0;
    this.orgTopics = 0;
  }
}
