import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../../src/api';
import { createJob } from '../../src/services/jobs/create-job';
import { getJob } from '../../src/services/jobs/read-job';
import { issueEmbedToken } from '../../src/services/tracker/widget';
import { makeOrganisation, sampleJob, testRuntime } from '../helpers';
import { contractChecker } from '../openapi-contract';

/**
 * Schema-driven fuzzing of every operation in the OpenAPI document, in-process, bounded and seeded:
 * valid, boundary and wrong-type values, missing and extra fields, bad path parameters, bad JSON and
 * wrong content types. Every answer must be documented, match its schema, keep the error shape, and
 * never be a 5xx.
 */
const SEED = 20261123;
const PER_OPERATION = 70;

type Schema = {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minItems?: number;
  maxItems?: number;
  format?: string;
  example?: unknown;
  default?: unknown;
};
type Param = { name: string; in: string; schema?: Schema; required?: boolean };
type Operation = {
  parameters?: Param[];
  requestBody?: { content?: Record<string, { schema?: Schema }>; required?: boolean };
  security?: unknown[];
};

/** mulberry32: a tiny seeded PRNG, so every run sends the same requests. */
function prng(seed: number) {
  let a = seed;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  const pick = <T>(items: readonly T[]): T => items[int(0, items.length - 1)] as T;
  return { next, int, pick, chance: (p: number) => next() < p };
}

// Odd values from fast-check (same seed): unicode, empty, whitespace, huge numbers, nested junk.
const oddStrings = fc.sample(
  fc.oneof(
    fc.string(),
    fc.string({ unit: 'binary' }),
    fc.constantFrom('', ' ', '\u202e', '%', '../..', '\u0000'),
  ),
  { seed: SEED, numRuns: 200 },
);
const oddValues = fc.sample(fc.anything({ maxDepth: 2 }), { seed: SEED, numRuns: 200 });

describe('fuzzing every operation from the OpenAPI document', () => {
  let app: ReturnType<typeof createApi>;
  let doc: {
    paths: Record<string, Record<string, Operation>>;
    components: { schemas: Record<string, Schema> };
  };
  let check: Awaited<ReturnType<typeof contractChecker>>;
  const real: Record<string, string[]> = {};
  /** Off for about a third of the requests, so valid requests reach the services too. */
  let mutate = true;
  let keys: (string | undefined)[] = [];

  beforeAll(async () => {
    const rt = await testRuntime();
    app = createApi(rt);
    const org = await makeOrganisation(rt, { slug: 'fuzz-garage' });
    const other = await makeOrganisation(rt);
    const made = await createJob(org.ctx, { ...sampleJob(), workflowId: org.workflowId });
    const otherJob = await createJob(other.ctx, { ...sampleJob(), workflowId: other.workflowId });
    const job = await getJob(org.ctx, made.jobId);
    const embed = await issueEmbedToken(org.ctx, made.jobId, 3600);
    Object.assign(real, {
      jobId: [made.jobId, otherJob.jobId],
      stepId: job.steps.map((s) => s.id),
      lineId: ['cost_none'],
      workflowId: [org.workflowId],
      token: [made.trackerToken, embed.token],
      organisation: ['fuzz-garage'],
    });
    keys = [org.key, org.key, org.key, org.readKey, undefined, 'ok_live_nope'];
    doc = (await (await app.request('/api/v1/openapi.json')).json()) as typeof doc;
    check = await contractChecker(doc);
  });

  const resolve = (s: Schema): Schema => {
    let schema = s;
    while (schema.$ref) schema = doc.components.schemas[schema.$ref.split('/').pop() ?? ''] ?? {};
    if (schema.allOf) {
      const parts = schema.allOf.map(resolve);
      return {
        type: 'object',
        properties: Object.assign({}, ...parts.map((p) => p.properties ?? {})),
        required: parts.flatMap((p) => p.required ?? []),
      };
    }
    return schema;
  };

  function value(r: ReturnType<typeof prng>, s: Schema, depth = 0): unknown {
    const schema = resolve(s);
    if (mutate && r.chance(0.04)) return r.pick(oddValues); // wrong type
    if (schema.anyOf || schema.oneOf) return value(r, r.pick(schema.anyOf ?? schema.oneOf ?? []), depth);
    if (schema.const !== undefined) return schema.const;
    if (schema.enum) return !mutate || r.chance(0.9) ? r.pick(schema.enum) : r.pick(oddStrings);
    const types = Array.isArray(schema.type) ? schema.type : [schema.type ?? 'string'];
    const type = r.pick(
      types.filter((t) => t !== 'null').length && r.chance(0.9) ? types.filter((t) => t !== 'null') : types,
    );
    switch (type) {
      case 'null':
        return null;
      case 'boolean':
        return r.chance(0.5);
      case 'integer':
      case 'number': {
        const lo = schema.minimum ?? schema.exclusiveMinimum ?? 0;
        const hi = schema.maximum ?? lo + 1000;
        const inside = r.int(Math.ceil(lo), Math.floor(hi));
        const n = mutate ? r.pick([lo, hi, lo - 1, hi + 1, inside, 1.5, 1e308, -0]) : inside;
        return type === 'integer' && r.chance(0.8) ? Math.round(n) : n;
      }
      case 'array': {
        if (depth > 3) return [];
        const n = mutate
          ? r.pick([0, 1, 2, schema.minItems ?? 1, (schema.maxItems ?? 3) + 1])
          : (schema.minItems ?? 1);
        return Array.from({ length: Math.min(n, 60) }, () => value(r, schema.items ?? {}, depth + 1));
      }
      case 'object': {
        const out: Record<string, unknown> = {};
        for (const [name, prop] of Object.entries(schema.properties ?? {})) {
          const required = schema.required?.includes(name);
          if (required ? !mutate || r.chance(0.95) : r.chance(0.5))
            out[name] = depth > 3 ? null : value(r, prop, depth + 1);
        }
        if (mutate && r.chance(0.05)) out[r.pick(oddStrings) || 'extra'] = r.pick(oddValues);
        return out;
      }
      default:
        return string(r, schema);
    }
  }

  function string(r: ReturnType<typeof prng>, schema: Schema): string {
    const roll = mutate ? r.next() : 1;
    if (roll < 0.1) return r.pick(oddStrings);
    if (roll < 0.2 && schema.maxLength) return 'x'.repeat(schema.maxLength + r.int(0, 1));
    if (roll < 0.25) return 'x'.repeat(Math.max(0, (schema.minLength ?? 1) - 1));
    if (schema.format === 'date-time')
      return r.pick(['2026-11-24T10:00:00Z', '2026-13-45T99:00:00Z', '2026-11-24']);
    if (schema.format === 'email') return r.pick(['sanne@example.nl', 'not-an-email']);
    if (schema.format === 'uri')
      return r.pick(['https://push.example.com/x', 'http://tracker.test/t/abc', 'nope']);
    if (typeof schema.example === 'string' && r.chance(0.5)) return schema.example;
    return 'x'.repeat(Math.min(Math.max(schema.minLength ?? 1, r.int(1, 12)), schema.maxLength ?? 12));
  }

  function pathParam(r: ReturnType<typeof prng>, name: string): string {
    const pool = real[name];
    if (pool && (!mutate || r.chance(0.7))) return r.pick(pool);
    return r.pick([...oddStrings.filter(Boolean), 'x'.repeat(300), '%ZZ', 'job_unknown']);
  }

  it('never answers 5xx, outside the document or outside the error shape', { timeout: 240_000 }, async () => {
    const r = prng(SEED);
    const problems: string[] = [];
    const statuses = new Map<number, number>();
    let sent = 0;
    for (const [template, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        for (let i = 0; i < PER_OPERATION; i++) {
          mutate = r.chance(0.65);
          const params = op.parameters ?? [];
          const path = template.replace(/\{(\w+)\}/g, (_, name: string) =>
            encodeURIComponent(pathParam(r, name)),
          );
          const query = new URLSearchParams();
          for (const p of params.filter((p) => p.in === 'query'))
            if (r.chance(0.5)) query.set(p.name, String(value(r, p.schema ?? {})));
          const headers: Record<string, string> = {};
          const key = mutate ? r.pick(keys) : keys[0];
          if (key) headers.authorization = `Bearer ${key}`;
          if (params.some((p) => p.name === 'last-event-id') && r.chance(0.3))
            headers['last-event-id'] = r.pick(['5', '-1', 'x']);
          let body: string | Uint8Array<ArrayBuffer> | undefined;
          const content = op.requestBody?.content ?? {};
          const jsonSchema = content['application/json']?.schema;
          const roll = r.next();
          if (content['image/*']) {
            headers['content-type'] = r.pick(['image/png', 'image/jpeg', 'text/plain']);
            body = new Uint8Array(Array.from({ length: r.int(0, 64) }, () => r.int(0, 255)));
          } else if (jsonSchema && (!mutate || roll < 0.8)) {
            headers['content-type'] = 'application/json';
            body = JSON.stringify(value(r, jsonSchema));
          } else if (roll < 0.87) {
            headers['content-type'] = 'application/json';
            body = r.pick(['{', '', 'null', '[]', '"x"', '{"a":', '\u0000']);
          } else if (roll < 0.94) {
            headers['content-type'] = r.pick([
              'text/plain',
              'application/x-www-form-urlencoded',
              'multipart/form-data',
            ]);
            body = 'a=1';
          }
          const url = `/api/v1${path}${query.size ? `?${query}` : ''}`;
          if (method === 'get') body = undefined;
          const response = await app.request(url, { method: method.toUpperCase(), headers, body });
          sent++;
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          const type = response.headers.get('content-type') ?? '';
          let json: unknown;
          if (type.includes('event-stream')) await response.body?.cancel();
          else {
            const text = await response.text();
            try {
              json = text ? JSON.parse(text) : undefined;
            } catch {
              json = text;
            }
          }
          if (response.status >= 500)
            problems.push(`${method.toUpperCase()} ${url} → ${response.status} ${JSON.stringify(json)}`);
          problems.push(
            ...check(method.toUpperCase(), `${path}${query.size ? `?${query}` : ''}`, {
              status: response.status,
              json,
              headers: response.headers,
            }),
          );
        }
      }
    }
    console.log(`fuzz: ${sent} requests`, Object.fromEntries([...statuses].sort()));
    expect(sent).toBeGreaterThan(1500);
    expect([...new Set(problems)].slice(0, 40)).toEqual([]);
  });
});
