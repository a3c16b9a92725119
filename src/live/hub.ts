import type { EventRow } from '../../db/schema';
import { ACCESS_ENDED } from '../services/platform/events';
import { eventFrame, type Frame, HEARTBEAT, sendable } from './frames';

export type Locale = 'nl' | 'en';

/**
 * Renders what a job's live viewers show, once per job and language for a batch of events (not per
 * viewer): the result is added to the event's data for every tracker viewer in that language, so no
 * viewer needs to re-read the page (docs/decisions/tracker-regions-rendered-once.md). Resolves without
 * a language it could not render; those viewers get the plain event and re-read the page.
 */
export type Renderer = (jobId: string, locales: Locale[]) => Promise<Map<Locale, Record<string, unknown>>>;

/** What a stream was opened with; revoking that ends it (see `Hub.revoke`). */
export type Grant =
  /** `locale`: the language the viewer's page is in, for what the hub renders per event (see `Renderer`). */
  | { via: 'tracker'; locale?: Locale }
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
  /** Set by the app (src/fetch.ts); without it every viewer gets the plain event. */
  renderer: Renderer | undefined;
  /** Told of every batch as it arrives, before it goes out (the metrics' event lag). */
  observer: ((rows: EventRow[]) => void) | undefined;
  /** Batches waiting for a render, in log order: while one waits, later batches queue behind it. */
  private queue: Promise<void> | null = null;

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

  /**
   * Hands a batch of committed events out, in log order. A batch whose job has tracker viewers waits
   * for one render per job and language (see `Renderer`); everything after it queues behind it, so
   * order holds. Without such viewers (or a renderer) it goes out at once, as the plain fan-out.
   * Resolves when the batch has been written.
   */
  publish(rows: EventRow[]): Promise<void> | undefined {
    this.observer?.(rows);
    if (!this.queue && !this.wantsRender(rows)) {
      this.send(rows, null);
      return undefined;
    }
    const run = (this.queue ?? Promise.resolve()).then(() => this.renderAndSend(rows));
    const queued: Promise<void> = run.finally(() => {
      if (this.queue === queued) this.queue = null;
    });
    this.queue = queued;
    return queued;
  }

  /** Resolves once every queued batch has gone out (tests, shutdown). */
  async settle(): Promise<void> {
    while (this.queue) await this.queue;
  }

  private wantsRender(rows: EventRow[]): boolean {
    if (!this.renderer) return false;
    for (const row of rows)
      if (row.jobId !== '' && row.visibility === 'customer' && this.localesOf(row.jobId).length > 0)
        return true;
    return false;
  }

  /** The languages of a job's tracker viewers now (two at most: a set would cost more than this). */
  private localesOf(jobId: string): Locale[] {
    const out: Locale[] = [];
    for (const sub of this.byJob.get(jobId) ?? []) {
      const g = sub.grant;
      if (g.via === 'tracker' && g.locale && !out.includes(g.locale)) out.push(g.locale);
    }
    return out;
  }

  private async renderAndSend(rows: EventRow[]): Promise<void> {
    // One render per job and language for the whole batch, read after every event in it committed.
    const rendered = new Map<string, Map<Locale, Record<string, unknown>>>();
    const renderer = this.renderer;
    if (renderer)
      await Promise.all(
        [
          ...new Set(rows.filter((r) => r.jobId !== '' && r.visibility === 'customer').map((r) => r.jobId)),
        ].map(async (jobId) => {
          const locales = this.localesOf(jobId);
          if (locales.length === 0) return;
          try {
            rendered.set(jobId, await renderer(jobId, locales));
          } catch (error) {
            // The viewers get the plain event and re-read the page, as they would without a renderer.
            console.error('live: rendering a job for its viewers failed', error);
          }
        }),
      );
    this.send(rows, rendered);
  }

  /** The hot loop: one frame encoded per event (and per language rendered), then one write per subscriber. */
  private send(rows: EventRow[], rendered: Map<string, Map<Locale, Record<string, unknown>>> | null): void {
    for (const row of rows) {
      // One set lookup per event; only the rare access change walks subscribers.
      if (REVOKING.has(row.type)) this.revoke(row);
      if (row.jobId === '') continue;
      this.deliver(row, this.byJob.get(row.jobId), rendered?.get(row.jobId));
      if (this.orgTopics > 0) this.deliver(row, this.byJob.get(orgTopic(row.organisationId)), undefined);
    }
  }

  private deliver(
    row: EventRow,
    list: Subscriber[] | undefined,
    rendered: Map<Locale, Record<string, unknown>> | undefined,
  ): void {
    if (!list) return;
    const data = wireEvent(row);
    const frame = sendable(eventFrame(row.id, data));
    const internalOnly = row.visibility === 'internal';
    // The same event with what was rendered for each language: encoded once per language.
    let nl: Frame | undefined;
    let en: Frame | undefined;
    if (rendered && !internalOnly) {
      const forNl = rendered.get('nl');
      const forEn = rendered.get('en');
      if (forNl) nl = sendable(eventFrame(row.id, { ...data, ...forNl }));
      if (forEn) en = sendable(eventFrame(row.id, { ...data, ...forEn }));
    }
    // A write may drop a slow subscriber (swapping the last one into its place): walk from the end.
    for (let i = list.length - 1; i >= 0; i--) {
      const sub = list[i] as Subscriber;
      if (row.id <= sub.lastId || (internalOnly && !sub.internal)) continue;
      let own = frame;
      if (rendered) {
        const g = sub.grant;
        if (g.via === 'tracker') own = (g.locale === 'nl' ? nl : g.locale === 'en' ? en : undefined) ?? frame;
      }
      if (sub.pending) {
        if (sub.pending.push({ id: row.id, frame: own }) > MAX_PENDING) sub.end(null);
      } else {
        sub.lastId = row.id;
        sub.write(own);
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
    this.queue = null;
    this.byJob.clear();
    this.size = 0;
    this.orgTopics = 0;
  }
}
