import { count, eq } from 'drizzle-orm';
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { events, mailMessages, media, questions } from '../../db/schema';
import type { ReplyListener } from '../../src/notify/mail/listener';
import { startReplyListener } from '../../src/notify/mail/listener';
import { readReplyAddress, replyAddress } from '../../src/notify/mail/reply-address';
import { contextFor, inboundDeps } from '../../src/runtime';
import { askCustomer } from '../../src/services/customer-voice/conversations';
import type { InboundDeps } from '../../src/services/customer-voice/inbound-mail';
import { answerQuestion, jobQuestions } from '../../src/services/customer-voice/questions';
import { createJob } from '../../src/services/jobs/create-job';
import { cancelJob } from '../../src/services/jobs/job-admin';
import { apiClient, makeOrganisation, sampleJob, testRuntime } from '../helpers';

/**
 * Replies by email through the real SMTP listener on loopback (nodemailer as the customer's mail
 * server) and through the HTTP endpoint a provider posts to: each becomes a question, a follow-up or a
 * reply in the right thread; bad input is refused with a clear answer and leaves nothing behind.
 */
const DOMAIN = 'replies.test';
const TOKEN = 'inbound-token-of-enough-length-0123456789';
const rt = await testRuntime({
  config: {
    mail: {
      ...(await import('../../src/config')).loadConfig({}).mail,
      inboundDomain: DOMAIN,
      inboundToken: TOKEN,
    },
  },
});
const org = await makeOrganisation(rt);
const call = apiClient(rt);
let deps: InboundDeps;
let listener: ReplyListener;
let smtp: Transporter;

beforeAll(async () => {
  deps = await inboundDeps(rt);
  listener = await startReplyListener(deps, { port: 0, host: '127.0.0.1' });
  smtp = nodemailer.createTransport({
    host: '127.0.0.1',
    port: listener.port,
    secure: false,
    ignoreTLS: true,
  });
});
afterAll(async () => {
  smtp?.close();
  await listener?.close();
});

async function newJob() {
  const { jobId } = await createJob(org.ctx, { ...sampleJob(), workflowId: org.workflowId });
  return { jobId, address: replyAddress(deps.replyKey, jobId, rt.clock.now(), 30, DOMAIN) };
}

/** The message we queued about a turn (the outbox keeps it: no SMTP_URL in tests). */
async function sentAbout(questionId: string) {
  const [row] = await rt.database.db
    .select()
    .from(mailMessages)
    .where(eq(mailMessages.questionId, questionId));
  if (!row) throw new Error(`no mail about ${questionId}`);
  return row;
}

const stored = async () => {
  const [q] = await rt.database.db.select({ n: count() }).from(questions);
  const [m] = await rt.database.db.select({ n: count() }).from(media);
  const [e] = await rt.database.db.select({ n: count() }).from(events);
  return { questions: q?.n ?? 0, media: m?.n ?? 0, events: e?.n ?? 0 };
};

/** What the customer's mail server hears back: the SMTP code and text of a refusal, or null. */
async function refused(mail: SendMailOptions): Promise<{ code: number; text: string } | null> {
  try {
    await smtp.sendMail(mail);
    return null;
  } catch (error) {
    const e = error as { responseCode?: number; response?: string; message: string };
    return { code: e.responseCode ?? 0, text: e.response ?? e.message };
  }
}

let sender = 0;
const from = () => `klant${++sender}@example.nl`;

describe('a reply by email through the SMTP listener', () => {
  it('becomes a question on the job, channel email, quotes stripped, photos kept, routed like any question', async () => {
    const { jobId, address } = await newJob();
    const photo = await sharp({ create: { width: 80, height: 60, channels: 3, background: '#c00' } })
      .jpeg()
      .toBuffer();
    const info = await smtp.sendMail({
      from: `Sanne <${from()}>`,
      to: address,
      subject: 'Re: Uw auto',
      messageId: '<first-reply@example.nl>',
      text: 'Kan ik hem om 17 uur ophalen?\n\nOp wo 2 dec 2026 om 16:00 schreef Garage <x@y.nl>:\n> Klaar.',
      attachments: [{ filename: 'kras.jpg', content: photo, contentType: 'image/jpeg' }],
    });
    expect(info.response).toMatch(/^250 .*question q_/);
    const [q] = await jobQuestions(rt.database.db, jobId);
    expect(q).toMatchObject({
      channel: 'email',
      body: 'Kan ik hem om 17 uur ophalen?',
      askedBy: 'customer',
      answerer: { name: 'Jan de Boer' },
    });
    expect(q?.photos).toHaveLength(1);
    expect(q?.photos[0]).toMatchObject({ width: 80, height: 60 });
    const [logged] = await rt.database.db.select().from(events).where(eq(events.type, 'question.asked'));
    expect(logged).toMatchObject({ jobId, visibility: 'customer', actorType: 'system' });
  });

  it('continues the thread its In-Reply-To points at, and answers the question the team asked', async () => {
    const { jobId, address } = await newJob();
    const sanne = from();
    await smtp.sendMail({
      from: sanne,
      to: address,
      messageId: '<a1@example.nl>',
      subject: 'Uw auto',
      text: 'Is de APK klaar?',
    });
    const [first] = await jobQuestions(rt.database.db, jobId);
    if (!first) throw new Error('no question');
    await answerQuestion(contextFor(rt, org.id, { type: 'specialist', id: org.mechanic.id }), first.id, {
      answer: 'Morgen om 10 uur.',
    });
    // The answer goes back by email in the customer's thread, replies coming back to the job.
    const answerMail = await sentAbout(first.id);
    expect(answerMail).toMatchObject({ recipient: sanne, kind: 'thread_answer', subject: 'Re: Uw auto' });
    expect(answerMail.headers).toMatchObject({
      'In-Reply-To': '<a1@example.nl>',
      References: '<a1@example.nl>',
    });
    expect(
      readReplyAddress(deps.replyKey, answerMail.headers['Reply-To'] ?? '', rt.clock.now(), DOMAIN),
    ).toEqual({
      ok: true,
      jobId,
    });
    expect(answerMail.text).toContain('Morgen om 10 uur.');
    expect(answerMail.text).toContain('> Is de APK klaar?');
    // A reply to our answer (the outbox knows its Message-ID) is a follow-up in the same thread.
    await smtp.sendMail({
      from: sanne,
      to: address,
      messageId: '<a2@example.nl>',
      inReplyTo: answerMail.messageId,
      references: ['<a1@example.nl>', answerMail.messageId],
      subject: 'Re: Uw auto',
      text: 'En de remmen?\n\n> Morgen om 10 uur.',
    });
    const ask = await askCustomer(org.ctx, jobId, {
      threadId: first.id,
      body: 'Mogen we de remblokken vervangen?',
      askedById: org.mechanic.id,
    });
    // The team's question goes by email too, threaded under the customer's latest message.
    const askMail = await sentAbout(ask.id);
    expect(askMail.headers['In-Reply-To']).toBe('<a2@example.nl>');
    expect(askMail.headers.References).toBe(`<a1@example.nl> ${answerMail.messageId} <a2@example.nl>`);
    // A reply to it is the customer's answer to the team's question.
    const reply = await smtp.sendMail({
      from: sanne,
      to: address,
      messageId: '<a3@example.nl>',
      inReplyTo: askMail.messageId,
      text: 'Ja, graag.\n\nVerstuurd vanaf mijn iPhone',
    });
    expect(reply.response).toMatch(/reply q_/);
    const turns = await jobQuestions(rt.database.db, jobId);
    expect(turns.map((t) => [t.threadId === first.id, t.askedBy, t.body, t.answer])).toEqual([
      [true, 'customer', 'Is de APK klaar?', 'Morgen om 10 uur.'],
      [true, 'customer', 'En de remmen?', null],
      [true, 'specialist', 'Mogen we de remblokken vervangen?', 'Ja, graag.'],
    ]);
    expect(turns[2]?.answerChannel).toBe('email');
    // The same message delivered again (a retry after a lost 250) is stored once.
    const again = await smtp.sendMail({
      from: sanne,
      to: address,
      messageId: '<a1@example.nl>',
      text: 'Is de APK klaar?',
    });
    expect(again.response).toMatch(/duplicate/);
    expect(await jobQuestions(rt.database.db, jobId)).toHaveLength(3);
  });

  it('takes and drops automatic messages (an out-of-office reply to our answer would start a loop)', async () => {
    const { address } = await newJob();
    const before = await stored();
    const answer = await smtp.sendMail({
      from: from(),
      to: address,
      headers: { 'Auto-Submitted': 'auto-replied' },
      text: 'Ik ben tot maandag afwezig.',
    });
    expect(answer.response).toMatch(/^250 .*ignored/);
    expect(await stored()).toEqual(before);
  });

  it('an answer to a sender the outbox cannot write to is still given, on the tracker only', async () => {
    const { jobId, address } = await newJob();
    await smtp.sendMail({ from: 'root@localhost', to: address, text: 'Hallo vanaf de server?' });
    const [q] = await jobQuestions(rt.database.db, jobId);
    const answered = await answerQuestion(org.ctx, q?.id ?? '', {
      answer: 'Hallo!',
      answeredById: org.mechanic.id,
    });
    expect(answered.answer).toBe('Hallo!');
    // The job's own address is used instead.
    expect((await sentAbout(q?.id ?? '')).recipient).toBe('sanne@example.nl');
  });

  it('ignores a reference to another job’s thread: the signed address decides the job', async () => {
    const a = await newJob();
    const b = await newJob();
    await smtp.sendMail({
      from: from(),
      to: a.address,
      messageId: '<other-1@example.nl>',
      text: 'Vraag over A',
    });
    const [onA] = await jobQuestions(rt.database.db, a.jobId);
    await answerQuestion(org.ctx, onA?.id ?? '', { answer: 'Ja', answeredById: org.mechanic.id });
    await smtp.sendMail({
      from: from(),
      to: b.address,
      inReplyTo: (await sentAbout(onA?.id ?? '')).messageId,
      text: 'Vraag over B',
    });
    const [onB] = await jobQuestions(rt.database.db, b.jobId);
    expect(onB).toMatchObject({ body: 'Vraag over B' });
    expect(onB?.threadId).toBe(onB?.id);
  });
});

describe('bad input through SMTP: refused with a clear answer, nothing stored', () => {
  it('a forged, expired or unknown reply address is refused at RCPT TO', async () => {
    const { jobId, address } = await newJob();
    const before = await stored();
    const [local = '', domain] = address.split('@');
    const forged = `${local.slice(0, -1)}${local.endsWith('a') ? 'b' : 'a'}@${domain}`;
    const expired = replyAddress(deps.replyKey, jobId, rt.clock.now() - 400 * 86_400_000, 30, DOMAIN);
    const cases: [string, number, RegExp][] = [
      [forged, 550, /5\.7\.1 This reply address is not one we gave out/],
      [expired, 550, /5\.1\.1 This reply address has expired/],
      [`someone@${DOMAIN}`, 550, /5\.1\.1 This address does not belong to a job/],
    ];
    for (const [to, code, text] of cases) {
      const answer = await refused({ from: from(), to, text: 'Hallo' });
      expect(answer?.code, to).toBe(code);
      expect(answer?.text).toMatch(text);
    }
    expect(await stored()).toEqual(before);
  });

  it('a reply to a cancelled or finished job bounces, and says why', async () => {
    const { jobId, address } = await newJob();
    await cancelJob(org.ctx, jobId, { reason: 'Klant belde af' });
    const before = await stored();
    const answer = await refused({ from: from(), to: address, text: 'Nog een vraag' });
    expect(answer).toMatchObject({ code: 550 });
    expect(answer?.text).toMatch(/5\.2\.1 This job is cancelled/);
    expect(await stored()).toEqual(before);
  });

  it('malformed MIME, a 20 MB message and 200 attachments are refused', async () => {
    const { address } = await newJob();
    const before = await stored();
    const garbage = await refused({
      envelope: { from: from(), to: [address] },
      raw: Buffer.from('this is not a message\r\nat all'),
    });
    expect(garbage).toMatchObject({ code: 554 });
    expect(garbage?.text).toMatch(/could not be read as an email/);

    const huge = await refused({
      from: from(),
      to: address,
      text: 'Een grote bijlage',
      attachments: [{ filename: 'big.bin', content: Buffer.alloc(20 * 1024 * 1024, 7) }],
    });
    expect(huge?.code).toBe(552);

    const many = await refused({
      from: from(),
      to: address,
      text: 'Veel bijlagen',
      attachments: Array.from({ length: 200 }, (_, i) => ({ filename: `f${i}.txt`, content: `file ${i}` })),
    });
    expect(many).toMatchObject({ code: 552 });
    expect(many?.text).toMatch(/more than 20 attachments/);

    const empty = await refused({
      from: from(),
      to: address,
      text: '\n\nOn Wed, 2 Dec 2026, Garage <x@y.nl> wrote:\n> Klaar.',
    });
    expect(empty?.text).toMatch(/no text of its own/);
    expect(await stored()).toEqual(before);
    // The listener still works after all that.
    expect((await smtp.sendMail({ from: from(), to: address, text: 'Nog daar?' })).response).toMatch(/^250/);
  });

  it('limits the messages one sender may send per hour (4xx: the sender may try later)', async () => {
    const { address } = await newJob();
    const flood = from();
    for (let i = 0; i < 20; i++) await smtp.sendMail({ from: flood, to: address, text: `Vraag ${i}` });
    const answer = await refused({ from: flood, to: address, text: 'Vraag 21' });
    expect(answer?.code).toBe(451);
    expect(answer?.text).toMatch(/Too many messages from this address/);
  });
});

describe('POST /api/v1/inbound/mail', () => {
  const raw = (to: string, text: string, extra = '') =>
    [
      `From: Sanne <${from()}>`,
      `To: ${to}`,
      `Message-ID: <http-${sender}@example.nl>`,
      'Subject: Re: uw auto',
      'Content-Type: text/plain; charset=utf-8',
      extra,
      '',
      text,
    ]
      .filter((l, i, all) => l !== '' || i === all.length - 2)
      .join('\r\n');
  const post = (body: string | Uint8Array, headers: Record<string, string> = {}, query = '') =>
    call('POST', `/inbound/mail${query}`, {
      raw: body as string,
      headers: { 'content-type': 'message/rfc822', authorization: `Bearer ${TOKEN}`, ...headers },
    });

  it('takes a raw message from a provider: a question on the job', async () => {
    const { jobId, address } = await newJob();
    const answer = await post(raw(address, 'Hoe laat kan ik langskomen?'));
    expect(answer.status).toBe(202);
    expect(answer.json).toMatchObject({ outcome: 'question', jobId });
    expect((await jobQuestions(rt.database.db, jobId))[0]).toMatchObject({
      channel: 'email',
      body: 'Hoe laat kan ik langskomen?',
    });
  });

  it('reads the recipient from ?to= (the envelope) when the headers do not name it', async () => {
    const { jobId, address } = await newJob();
    const answer = await post(
      raw('list@example.nl', 'Via een lijst'),
      {},
      `?to=${encodeURIComponent(address)}`,
    );
    expect(answer.json).toMatchObject({ outcome: 'question', jobId });
  });

  it('refuses without the token, and bad input with a 4xx in the error shape, storing nothing', async () => {
    const { jobId, address } = await newJob();
    const before = await stored();
    expect((await post(raw(address, 'x'), { authorization: 'Bearer wrong' })).status).toBe(401);
    const forged = address.replace(/^reply\+(.)/, (_m, c: string) => `reply+${c === 'a' ? 'b' : 'a'}`);
    const cases: [string | Uint8Array, number, string][] = [
      [raw(forged, 'Hallo'), 403, 'reply_address_forged'],
      [raw(`nobody@${DOMAIN}`, 'Hallo'), 404, 'reply_address_unknown'],
      ['garbage without headers', 422, 'mail_unreadable'],
      [
        raw(
          address,
          `${Array.from(
            { length: 200 },
            (_, i) =>
              `--b\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; filename=f${i}.txt\r\n\r\n${i}`,
          ).join('\r\n')}\r\n--b--`,
          'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b',
        ).replace('Content-Type: text/plain; charset=utf-8\r\n', ''),
        422,
        'too_many_attachments',
      ],
    ];
    for (const [body, status, code] of cases) {
      const answer = await post(body);
      expect(answer.status, code).toBe(status);
      expect(answer.json.error.code).toBe(code);
    }
    await cancelJob(org.ctx, jobId, {});
    const closed = await post(raw(address, 'Nog iets'));
    expect(closed.status).toBe(409);
    expect(closed.json.error.code).toBe('job_closed');
    const after = await stored();
    expect(after.questions).toBe(before.questions);
    expect(after.media).toBe(before.media);
  });

  it('refuses a 20 MB body with 413 before reading it', async () => {
    const response = await post(new Uint8Array(20 * 1024 * 1024), {
      'content-length': String(20 * 1024 * 1024),
    });
    expect(response.status).toBe(413);
  });
});
