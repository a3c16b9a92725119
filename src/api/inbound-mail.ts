import { timingSafeEqual } from 'node:crypto';
import { createRoute, z } from '@hono/zod-openapi';
import { errorResponse } from '../http/errors';
import { INBOUND_LIMITS } from '../notify/mail/limits';
import { inboundDeps, type Runtime } from '../runtime';
import { receiveMail } from '../services/customer-voice/inbound-mail';
import { sha256 } from '../services/platform/ids';
import { router } from './env';
import { errors, json } from './responses';

/**
 * Inbound mail from a provider that posts it (instead of delivering to our SMTP listener): the raw
 * RFC 5322 message as the body. Authenticated with the installation's INBOUND_MAIL_TOKEN, not an API
 * key: the signed reply address, not the caller, says which organisation's job a message is for.
 */

const ReceivedOut = z
  .object({
    outcome: z.enum(['question', 'follow_up', 'reply', 'duplicate', 'ignored']).openapi({
      description:
        '`question`: a new question on the job; `follow_up`: in the thread the message answers; ' +
        "`reply`: the customer's reply to the team's question; `duplicate`: this message was received before; " +
        '`ignored`: an automatic message (out of office, a list, a bounce; RFC 3834), dropped',
    }),
    jobId: z.string(),
    questionId: z.string().nullable(),
  })
  .openapi('ReceivedMail');

const route = createRoute({
  method: 'post',
  path: '/inbound/mail',
  tags: ['Inbound mail'],
  security: [{ inboundToken: [] }],
  summary: 'Receive a reply by email: a raw RFC 5322 message posted by a mail provider',
  description:
    `At most ${INBOUND_LIMITS.bytes / 1024 / 1024} MB and ${INBOUND_LIMITS.attachments} attachments. ` +
    'The recipient is `to` (the envelope recipient) or else the message’s Delivered-To, To and Cc: one of our ' +
    'reply addresses. A forged or expired address, a finished job or an unreadable message is refused and ' +
    'nothing is stored.',
  request: {
    query: z.object({
      to: z.string().max(320).optional().openapi({ description: 'The envelope recipient (RCPT TO)' }),
      from: z.string().max(320).optional().openapi({ description: 'The envelope sender (MAIL FROM)' }),
    }),
    body: {
      content: { 'message/rfc822': { schema: z.string().openapi({ format: 'binary' }) } },
      required: true,
    },
  },
  responses: {
    202: json(ReceivedOut, 'Received'),
    401: errors[401],
    403: json(errors[403].content['application/json'].schema, 'A forged reply address'),
    404: json(
      errors[404].content['application/json'].schema,
      'Not one of our reply addresses (or the endpoint is off)',
    ),
    409: json(errors[409].content['application/json'].schema, 'The job is finished or cancelled'),
    413: json(errors[400].content['application/json'].schema, 'The message is too large'),
    422: json(
      errors[422].content['application/json'].schema,
      'Unreadable, expired address, too many attachments, no text',
    ),
    429: errors[429],
  },
});

const same = (given: string, expected: string) =>
  timingSafeEqual(Buffer.from(sha256(given)), Buffer.from(sha256(expected)));

export const inboundMailRoutes = (rt: Runtime) => {
  const app = router();
  app.openAPIRegistry.registerComponent('securitySchemes', 'inboundToken', {
    type: 'http',
    scheme: 'bearer',
    description: 'The installation’s INBOUND_MAIL_TOKEN (for mail providers)',
  });
  return app.openapi(route, async (c) => {
    const token = rt.config.mail.inboundToken;
    if (!token)
      return errorResponse(c, 404, 'not_found', 'inbound mail over HTTP is off (INBOUND_MAIL_TOKEN)');
    const given = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
    if (!given || !same(given, token)) {
      c.header('www-authenticate', 'Bearer');
      return errorResponse(c, 401, 'unauthorized', 'send the inbound mail token: Authorization: Bearer …');
    }
    const raw = Buffer.from(await c.req.arrayBuffer());
    const { to, from } = c.req.valid('query');
    const received = await receiveMail(await inboundDeps(rt), raw, {
      from: from ?? null,
      ...(to ? { to: [to] } : {}),
    });
    return c.json(received, 202);
  });
};
