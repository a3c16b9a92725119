import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/client';
import { mailMessages } from '../../db/schema';
import {
  clearFailingAddress,
  failingAddress,
  type OutgoingMail,
  pruneMail,
  queueMail,
} from '../../src/notify/mail/outbox';
import {
  classifyFailure,
  type MailTransport,
  sendDueMail,
  smtpTransport,
} from '../../src/notify/mail/sender';
import { writeTransaction } from '../../src/services/platform/context';
import { fakeClock, makeOrganisation, testRuntime } from '../helpers';
import { startMailbox } from '../mailbox';

const FROM = 'tracker@mail.test';

const message = (organisationId: string, over: Partial<OutgoingMail> = {}): OutgoingMail => ({
  organisationId,
  recipient: 'sanne@example.nl',
  locale: 'nl',
  kind: 'update',
  subject: 'Uw auto: de keuring is begonnen',
  html: '<!doctype html><html lang="nl"><body><h1>De keuring is begonnen</h1></body></html>',
  text: 'De keuring is begonnen',
  ...over,
});

/** Sends rounds until nothing more is due now. */
async function drain(rt: Awaited<ReturnType<typeof testRuntime>>, transport: MailTransport | null) {
  let total = 0;
  for (;;) {
    const n = await sendDueMail(rt.database.db, rt.clock, transport, FROM);
    if (n === 0) return total;
    total += n;
  }
}

describe('the email outbox', () => {
  it('sends a queued message over real SMTP with its threading, reply and unsubscribe headers', async () => {
    const clock = fakeClock();
    const rt = await testRuntime({
      clock,
      config: { mail: { ...(await defaults()), inboundDomain: 'mail.test' } },
    });
    const org = await makeOrganisation(rt, { name: 'Garage Noord' });
    const mailbox = await startMailbox();
    const transport = smtpTransport(mailbox.url);
    try {
      const id = await writeTransaction(rt.database.db, (tx) =>
        queueMail(
          tx,
          message(org.id, {
            recipient: 'Sanne@Example.nl',
            inReplyTo: '<earlier@mail.test>',
            references: ['<first@mail.test>'],
            replyTo: 'reply+abc.def.ghijklmnopqrstuv@mail.test',
            unsubscribeUrl: 'https://tracker.test/u/abc',
            subject: 'Line\r\nBcc: injected@evil.test',
          }),
          clock.now(),
        ),
      );
      expect(id).toMatch(/^<mail_[A-Za-z0-9_-]+@mail\.test>$/);
      expect(await drain(rt, transport)).toBe(1);
      const [got] = await mailbox.waitFor(1);
      expect(got?.envelope).toEqual({ from: FROM, to: ['sanne@example.nl'] });
      expect(got?.parsed.messageId).toBe(id);
      expect(got?.parsed.from?.value[0]).toEqual({ name: 'Garage Noord', address: FROM });
      expect(got?.parsed.subject).toBe('Line Bcc: injected@evil.test');
      expect(got?.parsed.inReplyTo).toBe('<earlier@mail.test>');
      expect(got?.parsed.references).toEqual(['<first@mail.test>', '<earlier@mail.test>']);
      expect(got?.parsed.replyTo?.value[0]?.address).toBe('reply+abc.def.ghijklmnopqrstuv@mail.test');
      expect(got?.header('list-unsubscribe')).toBe('<https://tracker.test/u/abc>');
      expect(got?.header('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
      expect(got?.header('auto-submitted')).toBe('auto-generated');
      expect(got?.header('bcc')).toBeUndefined();
      expect(got?.parsed.html).toContain('<h1>De keuring is begonnen</h1>');
      expect(got?.parsed.text?.trim()).toBe('De keuring is begonnen');
      const [row] = await rt.database.db.select().from(mailMessages).where(eq(mailMessages.messageId, id));
      expect(row).toMatchObject({ status: 'sent', attempts: 1, sentAt: clock.now() });
    } finally {
      transport.close();
    }
  });

  it('keeps messages in the outbox when there is no SMTP server, and prunes them much later', async () => {
    const clock = fakeClock();
    const rt = await testRuntime({ clock });
    const org = await makeOrganisation(rt);
    await writeTransaction(rt.database.db, (tx) => queueMail(tx, message(org.id), clock.now()));
    // A message queued in a transaction that rolls back is never kept or sent.
    await writeTransaction(rt.database.db, async (tx) => {
      await queueMail(tx, message(org.id, { subject: 'rolled back' }), clock.now());
      throw new Error('roll back');
    }).catch(() => {});
    expect(await drain(rt, null)).toBe(1);
    const rows = await rt.database.db.select().from(mailMessages);
    expect(rows.map((r) => [r.status, r.subject])).toEqual([['kept', 'Uw auto: de keuring is begonnen']]);
    expect(await pruneMail(rt.database.db, clock.now())).toBe(0);
    clock.advance(91 * 86_400_000);
    expect(await pruneMail(rt.database.db, clock.now())).toBe(1);
  });

  it('refuses what is not an address and bodies over the limit', async () => {
    const rt = await testRuntime();
    const org = await makeOrganisation(rt);
    for (const bad of [
      { recipient: 'no-at-sign' },
      { recipient: 'a@b.nl\r\nBcc: x@y.nl' },
      { html: 'x'.repeat(300_000) },
    ]) {
      await expect(
        writeTransaction(rt.database.db, (tx) => queueMail(tx, message(org.id, bad), 0)),
      ).rejects.toThrow();
    }
  });

  it('retries a 4xx answer with backoff, then sends', async () => {
    const clock = fakeClock();
    const rt = await testRuntime({ clock });
    const org = await makeOrganisation(rt);
    let refusals = 2;
    const mailbox = await startMailbox({
      rcpt: () => (refusals-- > 0 ? { code: 451, message: 'greylisted, try again later' } : undefined),
    });
    const transport = smtpTransport(mailbox.url);
    try {
      const id = await writeTransaction(rt.database.db, (tx) => queueMail(tx, message(org.id), clock.now()));
      const row = async () =>
        (await rt.database.db.select().from(mailMessages).where(eq(mailMessages.messageId, id)))[0];
      await drain(rt, transport);
      expect(await row()).toMatchObject({
        status: 'queued',
        attempts: 1,
        nextAttemptAt: clock.now() + 60_000,
      });
      expect((await row())?.lastError).toContain('greylisted');
      // Not due yet: nothing is tried.
      clock.advance(59_000);
      expect(await drain(rt, transport)).toBe(0);
      clock.advance(1_000);
      await drain(rt, transport);
      expect(await row()).toMatchObject({
        status: 'queued',
        attempts: 2,
        nextAttemptAt: clock.now() + 300_000,
      });
      clock.advance(300_000);
      await drain(rt, transport);
      expect(await row()).toMatchObject({ status: 'sent', attempts: 3 });
      expect(mailbox.received).toHaveLength(1);
      expect(await failingAddress(rt.database.db, org.id, 'sanne@example.nl')).toBeNull();
    } finally {
      transport.close();
    }
  });

  it('gives up after the last retry; a connection refused is temporary', async () => {
    const clock = fakeClock();
    const rt = await testRuntime({ clock });
    const org = await makeOrganisation(rt);
    const mailbox = await startMailbox();
    await mailbox.stop();
    const transport = smtpTransport(mailbox.url);
    try {
      const id = await writeTransaction(rt.database.db, (tx) => queueMail(tx, message(org.id), clock.now()));
      for (let i = 0; i < 8; i++) {
        await drain(rt, transport);
        clock.advance(86_400_000);
      }
      const [row] = await rt.database.db.select().from(mailMessages).where(eq(mailMessages.messageId, id));
      expect(row).toMatchObject({ status: 'failed', attempts: 8 });
      expect(await failingAddress(rt.database.db, org.id, 'sanne@example.nl')).toBeNull();
    } finally {
      transport.close();
    }
  });

  it('marks an address failing on a 5xx answer, sends it nothing more until staff clear the mark', async () => {
    const clock = fakeClock();
    const rt = await testRuntime({ clock });
    const org = await makeOrganisation(rt);
    const other = await makeOrganisation(rt);
    const mailbox = await startMailbox({
      rcpt: (address) =>
        address === 'gone@example.nl' ? { code: 550, message: 'no such user here' } : undefined,
    });
    const transport = smtpTransport(mailbox.url);
    try {
      await writeTransaction(rt.database.db, (tx) =>
        queueMail(tx, message(org.id, { recipient: 'Gone@example.nl' }), clock.now()),
      );
      await drain(rt, transport);
      const mark = await failingAddress(rt.database.db, org.id, 'GONE@example.nl');
      expect(mark?.reason).toContain('no such user here');
      // Another organisation's customer with the same address is not affected.
      expect(await failingAddress(rt.database.db, other.id, 'gone@example.nl')).toBeNull();
      const [first] = await rt.database.db.select().from(mailMessages);
      expect(first).toMatchObject({ status: 'failed', attempts: 1 });

      const second = await writeTransaction(rt.database.db, (tx) =>
        queueMail(tx, message(org.id, { recipient: 'gone@example.nl' }), clock.now()),
      );
      await drain(rt, transport);
      const [row] = await rt.database.db
        .select()
        .from(mailMessages)
        .where(eq(mailMessages.messageId, second));
      expect(row).toMatchObject({ status: 'failed', attempts: 0 });
      expect(row?.lastError).toContain('address marked failing');

      await clearFailingAddress(rt.database.db, org.id, 'gone@example.nl');
      expect(await failingAddress(rt.database.db, org.id, 'gone@example.nl')).toBeNull();
      expect(mailbox.received).toHaveLength(0);
    } finally {
      transport.close();
    }
  });

  it('a restart in the middle of the queue loses and duplicates nothing', async () => {
    const clock = fakeClock();
    const rt = await testRuntime({ clock });
    const org = await makeOrganisation(rt);
    const mailbox = await startMailbox();
    const COUNT = 120;
    await writeTransaction(rt.database.db, async (tx) => {
      for (let i = 0; i < COUNT; i++) {
        await queueMail(
          tx,
          message(org.id, { recipient: `customer${i}@example.nl`, subject: `#${i}` }),
          clock.now(),
        );
      }
    });
    // The first process sends one round, then claims five more and dies before sending them.
    const first = smtpTransport(mailbox.url);
    await sendDueMail(rt.database.db, clock, first, FROM);
    first.close();
    const claimedThenDied = (
      await rt.database.db.select().from(mailMessages).where(eq(mailMessages.status, 'queued'))
    )
      .slice(0, 5)
      .map((r) => r.id);
    for (const id of claimedThenDied) {
      await rt.database.db
        .update(mailMessages)
        .set({ lockedUntil: clock.now() + 5 * 60_000 })
        .where(eq(mailMessages.id, id));
    }
    // A second process on the same database file (its own connection) takes over.
    const second = await openDatabase(rt.config.databaseUrl);
    const transport = smtpTransport(mailbox.url);
    try {
      const send = () => sendDueMail(second.db, clock, transport, FROM);
      while ((await send()) > 0) {}
      expect(mailbox.received.length).toBe(COUNT - 5);
      // The dead process's claims run out; then its messages go too.
      clock.advance(5 * 60_000);
      while ((await send()) > 0) {}
      await mailbox.waitFor(COUNT);
      const ids = mailbox.received.map((m) => m.parsed.messageId);
      expect(new Set(ids).size).toBe(COUNT);
      expect(mailbox.received).toHaveLength(COUNT);
      const statuses = await second.db.select({ status: mailMessages.status }).from(mailMessages);
      expect(statuses.every((s) => s.status === 'sent')).toBe(true);
    } finally {
      transport.close();
      second.close();
    }
  });

  it('classifies failures: recipient or message 5xx is the address, login and sender 5xx are ours', () => {
    expect(classifyFailure({ responseCode: 550, command: 'RCPT TO' })).toBe('address');
    expect(classifyFailure({ responseCode: 552, command: 'DATA' })).toBe('address');
    expect(classifyFailure({ responseCode: 535, code: 'EAUTH', command: 'AUTH PLAIN' })).toBe('temporary');
    expect(classifyFailure({ responseCode: 553, command: 'MAIL FROM' })).toBe('temporary');
    expect(classifyFailure({ responseCode: 421, command: 'RCPT TO' })).toBe('temporary');
    expect(classifyFailure({ code: 'ECONNECTION' })).toBe('temporary');
  });
});

async function defaults() {
  const { loadConfig } = await import('../../src/config');
  return loadConfig({}).mail;
}
