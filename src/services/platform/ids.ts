import { createHash, randomBytes } from 'node:crypto';

/** Prefixed random ids ("job_…") so an id in a log or a support mail says what it is. */
export const newId = (prefix: string) => `${prefix}_${randomBytes(12).toString('base64url')}`;

/** A capability token: 192 random bits, URL-safe. */
export const newToken = () => randomBytes(24).toString('base64url');

export const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
