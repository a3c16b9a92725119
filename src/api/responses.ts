import { z } from '@hono/zod-openapi';
import { ErrorSchema } from '../http/errors';

/** OpenAPI response blocks, so each route lists its success and error cases in one line. */
export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { 'application/json': { schema } },
  description,
});

const error = (description: string) => json(ErrorSchema, description);

export const eventStream = {
  content: { 'text/event-stream': { schema: z.string() } },
  description: 'The event stream',
};

export const errors = {
  400: error('Malformed request (for example invalid JSON)'),
  401: error('Missing or unknown API key'),
  403: error('The API key may only read'),
  404: error("Not found (or another organisation's)"),
  409: error('Conflicts with the current state'),
  422: error('Invalid input; details.fields names each field'),
  410: error('Expired'),
  429: error('Too many attempts; see Retry-After'),
} as const;

export const body = <T extends z.ZodType>(schema: T) => ({
  body: { content: { 'application/json': { schema } }, required: true },
});
