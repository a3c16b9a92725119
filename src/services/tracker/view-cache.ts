import type { Db } from '../platform/context';
import { type TrackedJob, type TrackerView, trackerViewOf } from './tracker';

/**
 * The tracker page's job content (steps, notes, cost lines, questions, ratings: ~10 queries) kept per
 * job in this process and reused while nothing on the job changed
 * (docs/decisions/tracker-view-cached.md). A page request still looks its token up (a re-issued or
 * revoked link is 404 at once, and the job and organisation rows are read fresh) and, in the same
 * statement, the job's newest event id; only when that, the job row's `updatedAt`/`status` or the organisation's answer
 * time differ from the entry's is the content read again. Nothing clock-dependent is kept: the page
 * renders from the content with the request's `now`. What changes without an event on this job (a
 * specialist's profile or rating average, a workflow's answer time) is at most `maxAgeMs` old.
 */
export type ViewCacheLimits = { maxEntries: number; maxBytes: number; maxAgeMs: number };

type Entry = { version: string; view: TrackerView; bytes: number; storedAt: number };

/** A bounded LRU (a Map keeps insertion order; a hit moves its entry to the end). */
export class ViewCache {
  readonly #entries = new Map<string, Entry>();
  #bytes = 0;
  hits = 0;
  misses = 0;
  constructor(readonly limits: ViewCacheLimits) {}

  get size() {
    return this.#entries.size;
  }
  get bytes() {
    return this.#bytes;
  }

  get(jobId: string, version: string, now: number): TrackerView | undefined {
    const entry = this.#entries.get(jobId);
    if (!entry) return undefined;
    this.#entries.delete(jobId);
    if (entry.version !== version || now - entry.storedAt > this.limits.maxAgeMs) {
      this.#bytes -= entry.bytes;
      return undefined;
    }
    this.#entries.set(jobId, entry);
    return entry.view;
  }

  set(jobId: string, version: string, view: TrackerView, now: number) {
    const old = this.#entries.get(jobId);
    if (old) {
      this.#entries.delete(jobId);
      this.#bytes -= old.bytes;
    }
    // The size of what is kept, near enough (strings as UTF-16 in memory: ×2 for the JSON text).
    const bytes = JSON.stringify(view).length * 2;
    if (bytes > this.limits.maxBytes || this.limits.maxEntries === 0) return;
    this.#entries.set(jobId, { version, view, bytes, storedAt: now });
    this.#bytes += bytes;
    for (const [key, entry] of this.#entries) {
      if (this.#entries.size <= this.limits.maxEntries && this.#bytes <= this.limits.maxBytes) break;
      this.#entries.delete(key);
      this.#bytes -= entry.bytes;
    }
  }

  clear() {
    this.#entries.clear();
    this.#bytes = 0;
  }
}

/** One cache per database handle (tests run several runtimes, each with its own database, in one process). */
const caches = new WeakMap<Db, ViewCache>();

export function viewCacheOf(db: Db, limits: ViewCacheLimits): ViewCache {
  let cache = caches.get(db);
  if (!cache) {
    cache = new ViewCache(limits);
    caches.set(db, cache);
  }
  return cache;
}

/**
 * The tracker view of a job found by its token, from the cache when the job has not changed since.
 * The job's and the organisation's own fields always come from `found` (read for this request).
 */
export async function cachedTrackerView(
  db: Db,
  found: TrackedJob & { newestEventId: number | null },
  limits: ViewCacheLimits,
): Promise<TrackerView> {
  // Wall time, not the product clock: the bound is on how long this process may show old content.
  const now = performance.now();
  const { job, organisation } = found;
  // The version was read (with the token) before the content: an event committed in between makes the
  // content newer than its key (one extra read later), never older.
  const version = `${found.newestEventId ?? 0}|${job.updatedAt}|${job.status}|${organisation.answerMinutes}`;
  const cache = viewCacheOf(db, limits);
  const kept = cache.get(job.id, version, now);
  if (kept) {
    cache.hits++;
    return withFreshRows(kept, found);
  }
  cache.misses++;
  const view = await trackerViewOf(db, found);
  cache.set(job.id, version, view, now);
  return view;
}

/** A kept view with the job's and the organisation's fields from this request's rows. */
function withFreshRows(view: TrackerView, { job, organisation }: TrackedJob): TrackerView {
  return {
    ...view,
    organisation: {
      ...view.organisation,
      name: organisation.name,
      logoUrl: organisation.logoUrl,
      brandColor: organisation.brandColor,
      defaultLocale: organisation.defaultLocale,
      timeZone: organisation.timeZone,
      currency: organisation.currency,
    },
    job: {
      ...view.job,
      reference: job.reference,
      title: job.title,
      customerName: job.customerName,
      status: job.status,
      locale: job.locale,
      createdAt: job.createdAt,
    },
  };
}
