import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { EventType, Payload } from '../events/catalogue';

/**
 * The body of a webhook message: the event's type and time, and as `data` where it happened, who did
 * it and the event's payload as the catalogue declares it (src/events/catalogue.ts).
 */
export type WebhookMessage = {
  [T in EventType]: {
    type: T;
    timestamp: string;
    data: {
      eventId: number;
      jobId: string;
      reference: string | null;
      stepId: string | null;
      visibility: 'customer' | 'internal';
      actor: { type: string; id: string | null };
    } & Payload<T>;
  };
}[EventType];

/** A new endpoint secret in the Standard Webhooks format: `whsec_` + base64 of 24 random bytes. */
export const newWebhookSecret = () => `whsec_${randomBytes(24).toString('base64')}`;

/**
 * The `webhook-signature` value of the Standard Webhooks specification: HMAC-SHA256, keyed with the
 * base64 part of the secret, over `{id}.{timestamp}.{body}`, as `v1,<base64>`.
 */
export function signWebhook(secret: string, id: string, timestampSeconds: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const mac = createHmac('sha256', key).update(`${id}.${timestampSeconds}.${body}`).digest('base64');
  return `v1,${mac}`;
}

/** What a receiver does (used in tests and documented for businesses): any listed v1 signature matches. */
export function verifyWebhook(
  secret: string,
  id: string,
  timestampSeconds: number,
  body: string,
  header: string,
) {
  const expected = Buffer.from(signWebhook(secret, id, timestampSeconds, body));
  return header.split(' ').some((candidate) => {
    const given = Buffer.from(candidate);
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

/**
 * When to try again after each failed attempt (Standard Webhooks' suggested schedule): at once, then
 * 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h. After the last one the message has failed.
 */
export const RETRY_DELAYS_MS = [0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000];

/** The time of the next attempt after `attempts` tries, or null when there is none left. */
export function nextAttemptAt(attempts: number, now: number): number | null {
  const delay = RETRY_DELAYS_MS[attempts];
  return delay === undefined ? null : now + delay;
}

/** Whether an endpoint wants an event type: no list means everything; `step.*` matches a family. */
export function wants(eventTypes: string[], type: string): boolean {
  if (eventTypes.length === 0) return true;
  return eventTypes.some((t) => t === type || (t.endsWith('.*') && type.startsWith(t.slice(0, -1))));
}
