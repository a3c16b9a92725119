import type { EventRow } from '../../db/schema';
import { eventFrame, type Frame, HEARTBEAT, sendable } from './frames';

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
};

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
        sub.pending.push({ id: row.id, frame });
      } else {
        sub.lastId = row.id;
        sub.write(frame);
      }
    }
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
