import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Per-job reply addresses: `reply+<job>.<expiry>.<signature>@<domain>`. A reply to any message we send
 * for a job comes back to that job (the thread is found from In-Reply-To/References). The local part
 * holds the job's id, the day the address stops working and an HMAC of both, so an address cannot be
 * guessed, pointed at another job or kept alive past its expiry. Lower-case base32 throughout: mail
 * systems may change the case of a local part. 48 characters, inside the 64 that RFC 5321 allows.
 */

const PREFIX = 'reply+';
const ID_PREFIX = 'job_';
const DAY_MS = 86_400_000;
const SIGNATURE_BYTES = 10;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

export type ReplyAddressProblem = 'malformed' | 'forged' | 'expired';

export type ReadReplyAddress = { ok: true; jobId: string } | { ok: false; problem: ReplyAddressProblem };

/** The reply address for a job, valid for `days` from `now`. */
export function replyAddress(key: Buffer, jobId: string, now: number, days: number, domain: string): string {
  if (!jobId.startsWith(ID_PREFIX)) throw new Error(`not a job id: ${jobId}`);
  const job = base32(Buffer.from(jobId.slice(ID_PREFIX.length), 'base64url'));
  const expiry = (Math.floor(now / DAY_MS) + days).toString(36);
  return `${PREFIX}${job}.${expiry}.${sign(key, jobId, expiry)}@${domain}`;
}

/**
 * Reads a reply address (any case, with or without a display name around it). `domain`, when given,
 * must match. Expired means: past the last day the address was given for.
 */
export function readReplyAddress(
  key: Buffer,
  address: string,
  now: number,
  domain?: string,
): ReadReplyAddress {
  const match = /^reply\+([a-z2-7]{1,40})\.([0-9a-z]{1,8})\.([a-z2-7]{16})@([a-z0-9.-]+)$/.exec(
    address.trim().toLowerCase(),
  );
  if (!match) return { ok: false, problem: 'malformed' };
  const [, job = '', expiry = '', signature = '', at = ''] = match;
  if (domain && at !== domain.toLowerCase()) return { ok: false, problem: 'malformed' };
  const bytes = unbase32(job);
  if (!bytes) return { ok: false, problem: 'malformed' };
  const jobId = ID_PREFIX + bytes.toString('base64url');
  const expected = Buffer.from(sign(key, jobId, expiry));
  if (expected.length !== signature.length || !timingSafeEqual(expected, Buffer.from(signature))) {
    return { ok: false, problem: 'forged' };
  }
  if (Math.floor(now / DAY_MS) > Number.parseInt(expiry, 36)) return { ok: false, problem: 'expired' };
  return { ok: true, jobId };
}

function sign(key: Buffer, jobId: string, expiry: string): string {
  return base32(createHmac('sha256', key).update(`${jobId}|${expiry}`).digest().subarray(0, SIGNATURE_BYTES));
}

function base32(bytes: Buffer): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

function unbase32(text: string): Buffer | null {
  const bytes: number[] = [];
  let bits = 0;
  let value = 0;
  for (const char of text) {
    const index = ALPHABET.indexOf(char);
    if (index < 0) return null;
    value = ((value << 5) | index) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  // Only the padding bits of the last character may remain, and they are zero in what we wrote.
  if (bits >= 5 || (value & ((1 << bits) - 1)) !== 0) return null;
  return Buffer.from(bytes);
}
