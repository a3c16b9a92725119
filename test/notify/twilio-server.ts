import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { afterAll } from 'vitest';

export type Received = {
  to: string;
  from: string | null;
  service: string | null;
  body: string;
  fields: URLSearchParams;
};
type Reply = { status: number; json: Record<string, unknown> };

/**
 * A local stand-in for Twilio's Messages API, answering as Twilio documents it:
 * `POST /2010-04-01/Accounts/{AccountSid}/Messages.json` with HTTP Basic auth (AccountSid:AuthToken)
 * and an `application/x-www-form-urlencoded` body of To (E.164), exactly one of From and
 * MessagingServiceSid, and Body (at most 1,600 characters). 201 answers the Message resource;
 * refusals answer `{code, message, more_info, status}`. `next` queues answers for the next requests
 * (a 429, a 400 with 21211) before the normal behaviour resumes.
 */
export async function twilioServer(accountSid: string, authToken: string) {
  const received: Received[] = [];
  const queued: Reply[] = [];
  const error = (status: number, code: number, message: string): Reply => ({
    status,
    json: { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status },
  });
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const answer = (reply: Reply) => {
        res.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify(reply.json));
      };
      const path = `/2010-04-01/Accounts/${accountSid}/Messages.json`;
      if (req.method !== 'POST' || req.url !== path)
        return answer(error(404, 20404, 'The requested resource was not found'));
      const expected = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;
      if (req.headers.authorization !== expected) return answer(error(401, 20003, 'Authenticate'));
      if (!req.headers['content-type']?.startsWith('application/x-www-form-urlencoded'))
        return answer(error(400, 21200, 'Unsupported content type'));
      const fields = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      const to = fields.get('To') ?? '';
      const from = fields.get('From');
      const service = fields.get('MessagingServiceSid');
      const body = fields.get('Body') ?? '';
      if (!to) return answer(error(400, 21604, "A 'To' phone number is required."));
      if (!from && !service) return answer(error(400, 21603, "A 'From' phone number is required."));
      if (from && service) return answer(error(400, 21603, 'Either From or MessagingServiceSid, not both.'));
      if (!body) return answer(error(400, 21602, 'Message body is required.'));
      if (body.length > 1600)
        return answer(error(400, 21617, 'The concatenated message body exceeds the 1600 character limit.'));
      if (!/^\+[1-9]\d{6,14}$/.test(to))
        return answer(error(400, 21211, `The 'To' number ${to} is not a valid phone number.`));
      received.push({ to, from, service, body, fields });
      const forced = queued.shift();
      if (forced) return answer(forced);
      const sid = `SM${randomBytes(16).toString('hex')}`;
      const now = new Date().toUTCString();
      answer({
        status: 201,
        json: {
          account_sid: accountSid,
          api_version: '2010-04-01',
          body,
          date_created: now,
          date_sent: null,
          date_updated: now,
          direction: 'outbound-api',
          error_code: null,
          error_message: null,
          from: from ?? null,
          messaging_service_sid: service ?? null,
          num_media: '0',
          num_segments: '1',
          price: null,
          price_unit: null,
          sid,
          status: service ? 'accepted' : 'queued',
          subresource_uris: { media: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}/Media.json` },
          to,
          uri: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}.json`,
        },
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    next: {
      tooManyRequests: () => queued.push(error(429, 20429, 'Too Many Requests')),
      invalidNumber: (to: string) =>
        queued.push(error(400, 21211, `The 'To' number ${to} is not a valid phone number.`)),
      serverError: () => queued.push(error(500, 20500, 'Internal Server Error')),
    },
  };
}
