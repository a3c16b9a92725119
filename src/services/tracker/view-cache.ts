import type { Db } from '../platform/context';
import { type Locale, type TrackerView, trackerViewOf, type VersionedTrackedJob } from './tracker';

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
export type ViewCacheLimits = {
  maxEntries: number;
  maxBytes: number;
  maxAgeMs: number;
  /** How long rendered regions are reused (the clock-dependent parts' age); 0 or absent: not kept. */
  regionsFreshMs?: number;
};

/** The page's live regions as HTML (what `renderRegions` in live-render.ts returns). */
export type Regions = { headline: string; tracker: string };

/** Rendered regions kept with an entry: for one language and organisation settings, in one time slot. */
type KeptRegions = { key: string; slot: number; regions: Regions; bytes: number };

/**
 * A page's shared body (docs/decisions/tracker-body-kept.md) kept with an entry, encoded once: for one
 * key (everything the page read for it besides the entry's content) in one time slot.
 */
type KeptBody = { key: string; slot: number; html: Uint8Array; bytes: number };

type Entry = {
  version: string;
  view: TrackerView;
  bytes: number;
  storedAt: number;
  /** At most a few (languages × organisation settings); replaced when their time slot passes. */
  regions: KeptRegions[];
  /** The same for whole page bodies. */
  bodies: KeptBody[];
};

/** Regions kept per entry: two languages, and room for an organisation's settings changing meanwhile. */
const REGIONS_PER_ENTRY = 4;
/** Bodies kept per entry: as many (a body is also per link and per notification choices). */
const BODIES_PER_ENTRY = 4;
const encoder = new TextEncoder();

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
    return this.entry(jobId, version, now)?.view;
  }

  /** The live entry for a job at this version (a hit moves it to the end), or none. */
  entry(jobId: string, version: string, now: number): Entry | undefined {
    const entry = this.#entries.get(jobId);
    if (!entry) return undefined;
    this.#entries.delete(jobId);
    if (entry.version !== version || now - entry.storedAt > this.limits.maxAgeMs) {
      this.#bytes -= entry.bytes;
      return undefined;
    }
    this.#entries.set(jobId, entry);
    return entry;
  }

  set(jobId: string, version: string, view: TrackerView, now: number): Entry | undefined {
    const old = this.#entries.get(jobId);
    if (old) {
      this.#entries.delete(jobId);
      this.#bytes -= old.bytes;
    }
    // The size of what is kept, near enough (strings as UTF-16 in memory: ×2 for the JSON text).
    const bytes = JSON.stringify(view).length * 2;
    if (bytes > this.limits.maxBytes || this.limits.maxEntries === 0) return undefined;
    const entry: Entry = { version, view, bytes, storedAt: now, regions: [], bodies: [] };
    this.#entries.set(jobId, entry);
    this.#bytes += bytes;
    this.#evict();
    return this.#entries.get(jobId);
  }

  /**
   * Regions rendered for an entry's content, kept with it under `key` (language, organisation settings)
   * for the time slot `slot`; counted in the cache's bytes and dropped with the entry.
   */
  keepRegions(jobId: string, entry: Entry, key: string, slot: number, regions: Regions) {
    // The entry may have been replaced or evicted since it was read (a concurrent request's miss).
    if (this.#entries.get(jobId) !== entry) return;
    const bytes = (regions.headline.length + regions.tracker.length) * 2;
    const index = entry.regions.findIndex((r) => r.key === key);
    const old =
      index >= 0
        ? entry.regions.splice(index, 1)[0]
        : entry.regions.length >= REGIONS_PER_ENTRY
          ? entry.regions.shift()
          : undefined;
    if (old) {
      entry.bytes -= old.bytes;
      this.#bytes -= old.bytes;
    }
    entry.regions.push({ key, slot, regions, bytes });
    entry.bytes += bytes;
    this.#bytes += bytes;
    this.#evict();
  }

  /**
   * A page body rendered from an entry's content, kept with it under `key` for the time slot `slot` as
   * UTF-8 (sent as it is, never encoded again); counted in the cache's bytes (with its key, a few
   * hundred characters) and dropped with the entry.
   */
  keepBody(jobId: string, entry: Entry, key: string, slot: number, html: string) {
    // The entry may have been replaced or evicted since it was read (a concurrent request's miss).
    if (this.#entries.get(jobId) !== entry) return;
    const encoded = encoder.encode(html);
    const bytes = encoded.byteLength + key.length * 2;
    const index = entry.bodies.findIndex((b) => b.key === key);
    const old =
      index >= 0
        ? entry.bodies.splice(index, 1)[0]
        : entry.bodies.length >= BODIES_PER_ENTRY
          ? entry.bodies.shift()
          : undefined;
    if (old) {
      entry.bytes -= old.bytes;
      this.#bytes -= old.bytes;
    }
    entry.bodies.push({ key, slot, html: encoded, bytes });
    entry.bytes += bytes;
    this.#bytes += bytes;
    this.#evict();
  }

  /** Oldest first, until within both bounds. */
  #evict() {
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
  found: VersionedTrackedJob,
  limits: ViewCacheLimits,
): Promise<TrackerView> {
  return (await cachedTrackerPage(db, found, limits)).view;
}

/** A job's tracker content for one page request, and its live regions rendered or reused. */
export type TrackerPage = {
  view: TrackerView;
  /**
   * The shared live regions (nothing of one viewer's) for a language at `now`: kept from an earlier
   * request while the content, the organisation's settings they show and the time slot are the same,
   * else `render()`ed and kept.
   */
  regions(locale: Locale, now: number, render: () => Regions): Regions;
  /**
   * The page body kept for `key` in the time slot of `now` (as sent: UTF-8), or none. `key` must hold
   * everything the body shows besides this entry's content and the regions of that slot.
   */
  keptBody(key: string, now: number): Uint8Array | undefined;
  /** Keeps a body rendered for `key` at `now` (nothing when the content or regions are not kept). */
  keepBody(key: string, now: number, html: string): void;
};

/**
 * The tracker view of a job found by its token, from the cache when the job has not changed since,
 * with its rendered regions. The job's and the organisation's own fields always come from `found`.
 */
export async function cachedTrackerPage(
  db: Db,
  found: VersionedTrackedJob,
  limits: ViewCacheLimits,
): Promise<TrackerPage> {
  // Wall time, not the product clock: the bound is on how long this process may show old content.
  const now = performance.now();
  const { job, organisation } = found;
  // The version was read (with the token) before the content: an event committed in between makes the
  // content newer than its key (one extra read later), never older.
  const version = `${found.newestEventId ?? 0}|${job.updatedAt}|${job.status}|${organisation.answerMinutes}|${found.knowledgeAt ?? 0}`;
  const cache = viewCacheOf(db, limits);
  let entry = cache.entry(job.id, version, now);
  let view: TrackerView;
  if (entry) {
    cache.hits++;
    view = withFreshRows(entry.view, found);
  } else {
    cache.misses++;
    view = await trackerViewOf(db, found);
    entry = cache.set(job.id, version, view, now);
  }
  const freshMs = limits.regionsFreshMs ?? 0;
  const keeping = !!entry && freshMs > 0;
  return {
    view,
    keptBody(key, at) {
      if (!entry || !keeping) return undefined;
      const slot = Math.floor(at / freshMs);
      return entry.bodies.find((b) => b.key === key && b.slot === slot)?.html;
    },
    keepBody(key, at, html) {
      if (entry && keeping) cache.keepBody(job.id, entry, key, Math.floor(at / freshMs), html);
    },
    regions(locale, at, render) {
      if (!entry || freshMs <= 0) return render();
      // What the regions show from this request's rows rather than the kept content.
      const { organisation: o } = view;
      const key = `${locale}\u0000${o.name}\u0000${o.defaultLocale}\u0000${o.timeZone}\u0000${o.currency}`;
      const slot = Math.floor(at / freshMs);
      const kept = entry.regions.find((r) => r.key === key);
      if (kept && kept.slot === slot) return kept.regions;
      const regions = render();
      cache.keepRegions(job.id, entry, key, slot, regions);
      return regions;
    },
  };
}

/** A kept view with the job's and the organisation's fields from this request's rows. */
function withFreshRows(view: TrackerView, { job, organisation }: VersionedTrackedJob): TrackerView {
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
