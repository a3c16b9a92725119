import { asc, gt, max } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { param, prepared } from '../../db/prepared';
import { events } from '../../db/schema';
import { log } from '../log';
import { withProfiles } from '../services/platform/events';
import type { Hub, Subscriber } from './hub';

const BATCH = 500;

const eventsAfter = prepared((db) =>
  db
    .select()
    .from(events)
    .where(gt(events.id, param('after')))
    .orderBy(asc(events.id))
    .limit(BATCH)
    .prepare(),
);

/**
 * Follows the event log by id and hands new events to the hub: one query per tick for the whole
 * process, however many subscribers. Local commits poke it so they go out at once; events written
 * by other processes sharing the database arrive on the next tick. It only runs while someone listens.
 */
export class LogTail {
  private lastId = 0;
  private timer: NodeJS.Timeout | undefined;
  private starting: Promise<void> | null = null;
  private running: Promise<void> | null = null;
  private again = false;

  constructor(
    private readonly db: Db,
    private readonly hub: Hub,
    private readonly pollMs: number,
  ) {}

  /**
   * Registers a subscriber with the tail running. Read the subscriber's backlog only after this:
   * then every event is in the backlog, or delivered by the tail, or both (the hub skips repeats).
   */
  async attach(sub: Subscriber): Promise<void> {
    // The loop covers the last subscriber leaving (and the tail stopping) while we waited to start.
    while (!this.timer) await this.start();
    sub.since = this.lastId;
    this.hub.add(sub);
  }

  /** The newest event id handed to the hub. */
  get position(): number {
    return this.lastId;
  }

  detach(sub: Subscriber): void {
    this.hub.remove(sub);
    if (this.hub.size === 0) this.stop();
  }

  /** Read the log now. Coalesced: a poke during a read causes exactly one more read after it. */
  poke(): void {
    if (!this.timer) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .catch((error) => log.error({ err: error }, 'live: reading the event log failed'))
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.poke();
        }
      });
  }

  /** Resolves once any read in progress is done (tests and shutdown). */
  async settle(): Promise<void> {
    while (this.running) await this.running;
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private start(): Promise<void> {
    this.starting ??= (async () => {
      const [row] = await this.db.select({ id: max(events.id) }).from(events);
      this.lastId = row?.id ?? 0;
      this.timer ??= setInterval(() => this.poke(), this.pollMs).unref();
    })().finally(() => {
      this.starting = null;
    });
    return this.starting;
  }

  private async drain(): Promise<void> {
    for (;;) {
      const rows = await withProfiles(this.db, await eventsAfter(this.db).all({ after: this.lastId }));
      if (rows.length === 0) return;
      this.lastId = rows[rows.length - 1]?.id ?? this.lastId;
      await this.hub.publish(rows);
      if (rows.length < BATCH) return;
    }
  }
}
