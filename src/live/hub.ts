import type { EventRow } from '../../db/schema';
import { eventFrame, HEARTBEAT } from './frames';

/** One open stream. `write` goes straight to the socket where we have it (see stream.ts). */
export type Subscriber = {
  /** A job id, or `org:<organisation id>` for every job of an organisation (the console's board). */
  jobId: string;
  /** Staff streams see internal events; customers never do. */
  internal: boolean;
  /** Newest event id this subscriber has been sent; anything at or below it is skipped. */
  lastId: number;
  /** While the stream is still sending its backlog, live frames wait here, in order. */
  pending: { id: number; frame: Uint8Array }[] | null;
  write(frame: Uint8Array): void;
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

/** Fans committed events out to the subscribers of their job, in log order. */
export class Hub {
  private readonly byJob = new Map<string, Set<Subscriber>>();
  private heartbeatTimer: NodeJS.Timeout | undefined;
  size = 0;
  /** Organisation-wide subscribers; while there are none, publishing skips the second lookup. */
  private orgTopics = 0;

  constructor(private readonly heartbeatMs: number) {}

  add(sub: Subscriber): void {
    if (sub.jobId.startsWith('org:')) this.orgTopics++;
    let set = this.byJob.get(sub.jobId);
    if (!set) {
      set = new Set();
      this.byJob.set(sub.jobId, set);
    }
    set.add(sub);
    this.size++;
    this.heartbeatTimer ??= setInterval(() => this.heartbeat(), this.heartbeatMs).unref();
  }

  remove(sub: Subscriber): void {
    const set = this.byJob.get(sub.jobId);
    if (!set?.delete(sub)) return;
    if (sub.jobId.startsWith('org:')) this.orgTopics--;
    this.size--;
    if (set.size === 0) this.byJob.delete(sub.jobId);
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

  private deliver(row: EventRow, set: Set<Subscriber> | undefined): void {
    if (!set) return;
    const frame = eventFrame(row.id, wireEvent(row));
    const internalOnly = row.visibility === 'internal';
    for (const sub of set) {
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
    for (const set of this.byJob.values()) for (const sub of set) if (!sub.pending) sub.write(HEARTBEAT);
  }

  close(): void {
    clearInterval(this.heartbeatTimer);
    this.byJob.clear();
    this.size = 0;
    this.orgTopics = 0;
  }
}
