import type { MiddlewareHandler } from 'hono';
import { hasBidiControls, stripBidiDeep } from '../services/platform/bidi';

/**
 * Drops Unicode direction controls from every string of a JSON body before validation (see
 * services/platform/bidi.ts), so names, titles and notes are stored without them. Malformed JSON is left for
 * the validator to refuse.
 */
export const withoutBidiControls: MiddlewareHandler = async (c, next) => {
  if (!/^application\/([\w.+-]+\+)?json/i.test(c.req.header('content-type') ?? '')) return next();
  // A body over the limit fails here and again in the validator; src/http/body-limit.ts answers 413.
  const text = await c.req.text().catch(() => null);
  if (text !== null && (hasBidiControls(text) || /\\u(20(2[a-e]|6[6-9])|0000)/i.test(text))) {
    try {
      // Hono keeps the body it read as a promise under its kind; the validator reads `text`.
      (c.req.bodyCache as Record<string, unknown>).text = Promise.resolve(
        JSON.stringify(stripBidiDeep(JSON.parse(text))),
      );
    } catch {}
  }
  return next();
};
