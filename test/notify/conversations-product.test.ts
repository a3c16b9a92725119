import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readReplyAddress, replyAddress } from '../../src/notify/mail/reply-address';
import { createJob } from '../../src/services/jobs/create-job';
import { loadSecrets } from '../../src/services/platform/secrets';
import { consoleClient, signedUpAdmin } from '../console-client';
import { eventually } from '../helpers';
import { type Mailbox, REPLY_DOMAIN, startProductWithMail } from '../mailbox';
import type { startProduct } from '../server';
import { readSse, type Sse } from '../sse';

/**
 * The whole conversation on the real product (dist/server.mjs): a customer's email to the built-in
 * SMTP listener becomes a question live on the console's job stream; the specialist answers in the
 * console and the answer arrives by real SMTP in the customer's thread; their reply to it is a
 * follow-up; on the tracker, without JavaScript, they follow up and reply to the team's question.
 */
const DOMAIN = REPLY_DOMAIN;

let product: Awaited<ReturnType<typeof startProduct>>;
let mailbox: Mailbox;
let smtpPort: number;
let stream: Sse | undefined;

beforeAll(async () => {
  ({ product, mailbox, smtpPort } = await startProductWithMail());
});
afterAll(() => stream?.close());

describe('a conversation by email and on the tracker, on the real server', () => {
  it('email in → live on the console → answer by email in the thread → reply is a follow-up → tracker turns', async () => {
    const admin = await signedUpAdmin(product.url, product.rt, 'Garage Gesprek');
    const { jobId, trackerToken } = await createJob(admin.ctx, {
      reference: 'G-1',
      title: 'Distributieriem',
      customer: { name: 'Sanne', email: 'sanne@example.nl', locale: 'nl' },
      steps: [{ title: 'Vervangen', assigneeId: admin.specialist.id }],
    });
    const secrets = await loadSecrets(product.rt.database.db);
    const address = replyAddress(secrets.reply, jobId, Date.now(), 30, DOMAIN);
    const cookie = [...admin.client.jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const controller = new AbortController();
    const response = await fetch(`${product.url}/console/live/jobs/${jobId}/events`, {
      headers: { cookie },
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    const live = readSse(response.body as ReadableStream<Uint8Array>, () => controller.abort());
    stream = live;
    const seen = (type: string, n = 1) =>
      live.until((s) => s.events.filter((e) => e.json.type === type).length >= n);

    const customer = nodemailer.createTransport({
      host: '127.0.0.1',
      port: smtpPort,
      secure: false,
      ignoreTLS: true,
    });
    await customer.sendMail({
      from: 'Sanne <sanne@example.nl>',
      to: address,
      subject: 'Vraag over de riem',
      messageId: '<s1@example.nl>',
      text: 'Is de waterpomp ook vervangen?\n\nMet vriendelijke groet,\nSanne',
    });
    await seen('question.asked');
    const asked = live.events.find((e) => e.json.type === 'question.asked')?.json as unknown as {
      question: { id: string; channel: string; body: string };
    };
    expect(asked.question).toMatchObject({ channel: 'email', body: 'Is de waterpomp ook vervangen?' });
    expect((await admin.client.get(`/console/jobs/${jobId}`)).text).toContain(
      'Is de waterpomp ook vervangen?',
    );

    const answered = await admin.client.post(`/console/jobs/${jobId}`, {
      _action: 'answer',
      questionId: asked.question.id,
      answer: 'Ja, die is meegenomen.',
    });
    expect(answered.status).toBe(303);
    await seen('question.answered');
    // Other messages (the tracker link) may arrive too: the answer is the one in the customer's thread.
    const inThread = (id: string) => mailbox.received.find((m) => m.parsed.inReplyTo === id);
    await eventually(() => !!inThread('<s1@example.nl>'));
    const mail = inThread('<s1@example.nl>');
    if (!mail) throw new Error('no mail');
    expect(mail.envelope.to).toEqual(['sanne@example.nl']);
    expect(mail.parsed.subject).toBe('Re: Vraag over de riem');
    expect(mail.parsed.inReplyTo).toBe('<s1@example.nl>');
    expect(mail.header('references')).toBe('<s1@example.nl>');
    expect(mail.parsed.text).toContain('Ja, die is meegenomen.');
    expect(mail.parsed.html).toContain('Ja, die is meegenomen.');
    const replyTo = mail.parsed.replyTo?.value[0]?.address ?? '';
    expect(readReplyAddress(secrets.reply, replyTo, Date.now(), DOMAIN)).toEqual({ ok: true, jobId });

    // The customer answers the answer from their mail program: a follow-up in the thread.
    await customer.sendMail({
      from: 'sanne@example.nl',
      to: replyTo,
      subject: 'Re: Vraag over de riem',
      messageId: '<s2@example.nl>',
      inReplyTo: mail.parsed.messageId,
      references: ['<s1@example.nl>', mail.parsed.messageId ?? ''],
      text: `En de V-snaar?\n\nOp ${new Date().toDateString()} schreef Garage Gesprek <${replyTo}>:\n> Ja, die is meegenomen.`,
    });
    await seen('question.asked', 2);
    const follow = live.events.filter((e) => e.json.type === 'question.asked')[1]?.json as unknown as {
      question: { threadId: string; body: string };
    };
    expect(follow.question).toMatchObject({ threadId: asked.question.id, body: 'En de V-snaar?' });
    customer.close();

    // On the tracker, without JavaScript: a follow-up form under the answered thread.
    const tracker = consoleClient(product.url);
    const page = await tracker.get(`/t/${trackerToken}`);
    expect(page.text).toContain('U vroeg door');
    // Its last turn waits for the team: nothing to follow up yet.
    expect(page.text).not.toContain('Stel een vervolgvraag');
    // The team asks back in the thread (console form); the tracker offers the reply form.
    const askBack = await admin.client.post(`/console/jobs/${jobId}`, {
      _action: 'askBack',
      threadId: asked.question.id,
      body: 'Mogen we ook de koelvloeistof verversen?',
    });
    expect(askBack.status).toBe(303);
    await seen('question.asked_back');
    const ask = live.events.find((e) => e.json.type === 'question.asked_back')?.json as unknown as {
      question: { id: string };
    };
    const withAsk = await tracker.get(`/t/${trackerToken}`);
    expect(withAsk.text).toContain('Mogen we ook de koelvloeistof verversen?');
    expect(withAsk.text).toContain('Antwoord versturen');
    const empty = await tracker.post(`/t/${trackerToken}`, {
      _action: 'reply',
      turnId: ask.question.id,
      body: ' ',
    });
    expect(empty.status).toBe(422);
    expect(empty.text).toContain('Schrijf eerst uw vraag.');
    const replied = await tracker.post(`/t/${trackerToken}`, {
      _action: 'reply',
      turnId: ask.question.id,
      body: 'Ja, graag.',
    });
    expect(replied.status).toBe(303);
    expect(replied.location).toContain(`#turn-${ask.question.id}`);
    await seen('question.replied');
    // The team's question in an email thread went by email too, threaded under the customer's last email.
    await eventually(() => !!inThread('<s2@example.nl>'));
    expect(inThread('<s2@example.nl>')?.parsed.text).toContain('Mogen we ook de koelvloeistof verversen?');
    const after = await tracker.get(`/t/${trackerToken}`);
    expect(after.text).toContain('U antwoordde');
    // Now the thread's last turn is answered: the customer may follow up, again without JavaScript.
    expect(after.text).toContain('Stel een vervolgvraag');
    const more = await tracker.post(`/t/${trackerToken}`, {
      _action: 'follow_up',
      turnId: ask.question.id,
      body: 'Hoe lang duurt dat?',
    });
    expect(more.status).toBe(303);
    await seen('question.asked', 3);
    const third = live.events.filter((e) => e.json.type === 'question.asked')[2]?.json as unknown as {
      question: { threadId: string; channel: string };
    };
    expect(third.question).toMatchObject({ threadId: asked.question.id, channel: 'tracker' });
  });
});
