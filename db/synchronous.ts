/**
 * How hard an embedded database's commit waits for the disk (SQLite's `PRAGMA synchronous`, in WAL mode):
 *
 * - `NORMAL` (the default): a commit is appended to the write-ahead log without an fsync; the log is
 *   synced at each checkpoint. An acknowledged write survives the process being killed (`kill -9`, a
 *   crash, an out-of-memory kill): the bytes are in the operating system's page cache. A power loss or
 *   kernel crash may lose the last commits before the next checkpoint, never corrupt the database.
 * - `FULL`: every commit fsyncs the log first; an acknowledged write also survives a power loss.
 *
 * Chosen and measured in docs/decisions/durability.md (README: Durability). Set with `DATABASE_SYNCHRONOUS`.
 * The setting belongs to a connection, not to the file: db/embedded-client.ts sets it on every connection it opens.
 */
export type Synchronous = 'NORMAL' | 'FULL';
export const SYNCHRONOUS_LEVELS = ['NORMAL', 'FULL'] as const;
export const DEFAULT_SYNCHRONOUS: Synchronous = 'NORMAL';
