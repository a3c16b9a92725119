import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { readReplyAddress, replyAddress } from '../../src/notify/mail/reply-address';
import { newId } from '../../src/services/platform/ids';

const key = randomBytes(32);
const now = Date.UTC(2026, 11, 2, 12);
const day = 86_400_000;

describe('reply addresses', () => {
  it('carry the job back, in any case, within 64 characters of local part', () => {
    for (let i = 0; i < 200; i++) {
      const jobId = newId('job');
      const address = replyAddress(key, jobId, now, 30, 'reply.example');
      expect(address.split('@')[0]?.length).toBeLessThanOrEqual(64);
      expect(readReplyAddress(key, address, now, 'reply.example')).toEqual({ ok: true, jobId });
      expect(readReplyAddress(key, address.toUpperCase(), now + 30 * day, 'reply.example')).toEqual({
        ok: true,
        jobId,
      });
    }
  });

  it('refuse a forged, altered, expired or foreign address', () => {
    const jobId = newId('job');
    const address = replyAddress(key, jobId, now, 30, 'reply.example');
    expect(readReplyAddress(randomBytes(32), address, now)).toEqual({ ok: false, problem: 'forged' });
    const other = replyAddress(key, newId('job'), now, 30, 'reply.example');
    const swapped = `${other.split('.')[0]}.${address.split('.').slice(1).join('.')}`;
    expect(readReplyAddress(key, swapped, now)).toEqual({ ok: false, problem: 'forged' });
    const longer = address.replace(
      /\.([0-9a-z]+)\./,
      (_, e: string) => `.${(Number.parseInt(e, 36) + 99).toString(36)}.`,
    );
    expect(readReplyAddress(key, longer, now)).toEqual({ ok: false, problem: 'forged' });
    expect(readReplyAddress(key, address, now + 31 * day)).toEqual({ ok: false, problem: 'expired' });
    expect(readReplyAddress(key, address, now, 'elsewhere.example')).toEqual({
      ok: false,
      problem: 'malformed',
    });
    for (const junk of [
      '',
      'reply+@x',
      'someone@reply.example',
      address.replace('@', 'x@'),
      'reply+a.b.c@x',
    ]) {
      expect(readReplyAddress(key, junk, now).ok).toBe(false);
    }
  });
});
