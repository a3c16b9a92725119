import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerDataStream } from 'smtp-server';
import { type ErrorCode, errorText } from '../../errors/catalogue';
import { log } from '../../log';
import {
  type InboundDeps,
  jobOfAddress,
  jobStatus,
  receiveMail,
} from '../../services/customer-voice/inbound-mail';
import { ServiceError } from '../../services/platform/errors';
import { INBOUND_LIMITS } from './inbound-parse';

/**
 * The built-in SMTP listener for replies (INBOUND_SMTP_PORT): the MX of the reply domain points here.
 * It takes mail only for our reply addresses, checked at RCPT TO (signature, expiry, an open job), so
 * a forged or expired address is refused before any message is sent; the message itself is checked
 * and stored by services/inbound-mail.ts. A refusal is an SMTP 5xx with the reason in words, which the
 * sender's mail server turns into a bounce; only our own failures and a sender's rate are 4xx (retry).
 */

export type ReplyListener = { port: number; close(): Promise<void> };

/** The SMTP reply for a refusal: code and enhanced status (RFC 3463). */
const SMTP: Partial<Record<ErrorCode, [number, string]>> = {
  reply_address_unknown: [550, '5.1.1'],
  reply_address_expired: [550, '5.1.1'],
  reply_address_forged: [550, '5.7.1'],
  job_closed: [550, '5.2.1'],
  mail_too_large: [552, '5.3.4'],
  too_many_attachments: [552, '5.3.4'],
  mail_unreadable: [554, '5.6.0'],
  mail_empty: [550, '5.6.0'],
  too_many_mails: [451, '4.7.1'],
};

export function smtpError(error: unknown): Error & { responseCode: number } {
  if (error instanceof ServiceError) {
    const [code, status] = SMTP[error.reason as ErrorCode] ?? [554, '5.6.0'];
    // Bounces are read by the customer: English first, then Dutch.
    const text = `${errorText(error.reason, error.params, 'en')} / ${errorText(error.reason, error.params, 'nl')}`;
    return Object.assign(new Error(`${status} ${ascii(text)}`), { responseCode: code });
  }
  log.error({ err: error }, 'inbound mail: receiving failed');
  return Object.assign(new Error('4.3.0 Temporary failure, please try again later'), { responseCode: 451 });
}

/** SMTP replies are ASCII: accents lose their marks, anything else goes. */
const ascii = (text: string) =>
  text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\x20-\x7e]/g, '');

export async function startReplyListener(
  deps: InboundDeps,
  options: { port: number; host: string },
): Promise<ReplyListener> {
  const server = new SMTPServer({
    name: deps.domain,
    banner: 'Open Kitchen replies',
    size: INBOUND_LIMITS.bytes,
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    disableReverseLookup: true,
    logger: false,
    // Each connection may hold one message (10 MB) in memory while it is read: 20 bound that to 200 MB.
    maxClients: 20,
    socketTimeout: 60_000,
    closeTimeout: 5_000,
    onRcptTo(address, session, callback) {
      if (session.envelope.rcptTo.length >= INBOUND_LIMITS.recipients) {
        return callback(Object.assign(new Error('4.5.3 Too many recipients'), { responseCode: 452 }));
      }
      try {
        const jobId = jobOfAddress(deps, address.address);
        openJob(deps, jobId).then(
          () => callback(),
          (error) => callback(smtpError(error)),
        );
      } catch (error) {
        callback(smtpError(error));
      }
    },
    onData(stream: SMTPServerDataStream, session, callback) {
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        // Past the limit the rest is read and dropped: the client hears 552 at the end of DATA.
        if (size <= INBOUND_LIMITS.bytes) chunks.push(chunk);
      });
      stream.on('error', (error) => callback(smtpError(error)));
      stream.on('end', () => {
        if (stream.sizeExceeded || size > INBOUND_LIMITS.bytes) {
          return callback(
            smtpError(
              new ServiceError('invalid', 'mail_too_large', { mb: INBOUND_LIMITS.bytes / 1024 / 1024 }),
            ),
          );
        }
        const mailFrom = session.envelope.mailFrom;
        receiveMail(deps, Buffer.concat(chunks), {
          from: mailFrom ? mailFrom.address : null,
          to: session.envelope.rcptTo.map((r) => r.address),
        }).then(
          (received) =>
            callback(
              null,
              `2.0.0 Received (${received.outcome}${received.questionId ? ` ${received.questionId}` : ''})`,
            ),
          (error) => callback(smtpError(error)),
        );
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (error) => log.error({ err: error }, 'inbound mail: listener error'));
  return {
    port: (server.server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A reply to a finished or cancelled job is refused at RCPT TO, before the message is sent. */
async function openJob(deps: InboundDeps, jobId: string): Promise<void> {
  const status = await jobStatus(deps.db, jobId);
  if (status === null) throw new ServiceError('not_found', 'reply_address_unknown');
  if (status !== 'open') throw new ServiceError('conflict', 'job_closed', { status }, { status });
}
