import { eq } from 'drizzle-orm';
import { expect } from 'vitest';
import { organisations, specialists, users } from '../db/schema';
import type { Runtime } from '../src/runtime';
import { contextFor } from '../src/runtime';
import { ALWAYS_OPEN } from './helpers';

/** A browser-like HTTP client for the console: keeps cookies, sends Origin on writes, never follows redirects. */
export function consoleClient(base: string) {
  const jar = new Map<string, string>();
  async function request(method: string, path: string, body?: Record<string, string> | FormData, extra = {}) {
    const headers = new Headers(extra);
    if (jar.size) headers.set('cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '));
    if (method !== 'GET' && !headers.has('origin')) headers.set('origin', base);
    const response = await fetch(`${base}${path}`, {
      method,
      headers,
      body: body instanceof FormData ? body : body ? new URLSearchParams(body) : undefined,
      redirect: 'manual',
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair = ''] = cookie.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at);
      const value = pair.slice(at + 1);
      if (!value || /max-age=0\b/i.test(cookie)) jar.delete(name);
      else jar.set(name, value);
    }
    return {
      status: response.status,
      location: response.headers.get('location'),
      text: await response.text(),
    };
  }
  return {
    jar,
    get: (path: string) => request('GET', path),
    post: (path: string, body: Record<string, string> | FormData, headers: Record<string, string> = {}) =>
      request('POST', path, body, headers),
  };
}

export type ConsoleClient = ReturnType<typeof consoleClient>;

/** Signs up a new organisation through the console; returns its signed-in admin and service context. */
export async function signedUpAdmin(base: string, rt: Runtime, name: string, locale: 'nl' | 'en' = 'nl') {
  const client = consoleClient(base);
  const email = `${name.toLowerCase().replace(/\W+/g, '.')}@example.test`;
  const response = await client.post('/console/sign-up', {
    organisationName: name,
    name: `Admin of ${name}`,
    role: 'Owner',
    email,
    password: 'a password of some length',
    locale,
  });
  expect(response.status, response.text.slice(0, 500)).toBe(303);
  const [row] = await rt.database.db
    .select({ specialist: specialists })
    .from(specialists)
    .innerJoin(users, eq(users.id, specialists.userId))
    .where(eq(users.email, email));
  if (!row) throw new Error('sign-up made no specialist');
  // Open round the clock, so no console test depends on the time of day (calendar tests set their own).
  await rt.database.db
    .update(organisations)
    .set(ALWAYS_OPEN)
    .where(eq(organisations.id, row.specialist.organisationId));
  const ctx = contextFor(rt, row.specialist.organisationId, { type: 'specialist', id: row.specialist.id });
  return { client, email, specialist: row.specialist, organisationId: row.specialist.organisationId, ctx };
}
