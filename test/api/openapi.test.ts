import { Validator } from '@seriousme/openapi-schema-validator';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../../src/api';
import { testRuntime } from '../helpers';
import { contractChecker } from '../openapi-contract';

type Doc = {
  paths: Record<
    string,
    Record<string, { operationId?: string; requestBody?: unknown; responses: Record<string, unknown> }>
  >;
  components: { schemas: Record<string, { properties?: Record<string, { pattern?: string }> }> };
};

let doc: Doc;

beforeAll(async () => {
  const rt = await testRuntime();
  doc = (await (await createApi(rt).request('/api/v1/openapi.json')).json()) as Doc;
});

const operations = () =>
  Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => ({ path, method, op })),
  );

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const result = await new Validator().validate(doc as unknown as Record<string, unknown>);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('gives the reference a flagless Unicode pattern that accepts real references', () => {
    const pattern = doc.components.schemas.CreateJob?.properties?.reference?.pattern ?? '';
    expect(pattern).not.toMatch(/\/[a-z]*$/);
    // JSON Schema patterns are ECMA-262 with Unicode semantics (as Ajv and generated clients compile them).
    const re = new RegExp(pattern, 'u');
    for (const ok of ['WO-2026-0142', 'Café/12#3', 'ДЕЛО-7']) expect(re.test(ok), ok).toBe(true);
    for (const bad of ['-WO', 'a b', '']) expect(re.test(bad), bad).toBe(false);
  });

  it('names every operation and documents 413 and 503 on each, 400 and 415 where a JSON body is taken', () => {
    const ids = new Set<string>();
    for (const { path, method, op } of operations()) {
      const where = `${method} ${path}`;
      expect(op.operationId, where).toBeTruthy();
      ids.add(op.operationId ?? '');
      expect(Object.keys(op.responses), where).toEqual(expect.arrayContaining(['413', '503']));
      const json = (op.requestBody as { content?: Record<string, unknown> } | undefined)?.content?.[
        'application/json'
      ];
      if (json) expect(Object.keys(op.responses), where).toEqual(expect.arrayContaining(['400', '415']));
    }
    expect(ids.size).toBe(operations().length);
  });

  it('documents 422 on the widget job routes that validate their path', () => {
    for (const path of ['/widget/jobs/{token}', '/widget/jobs/{token}/events'])
      expect(Object.keys(doc.paths[path]?.get?.responses ?? {}), path).toContain('422');
  });

  it('the response checker catches an undocumented status, a wrong body and an error outside the shape', async () => {
    const check = await contractChecker(doc);
    const headers = new Headers({ 'content-type': 'application/json' });
    expect(
      check('GET', '/specialists', {
        status: 418,
        json: { error: { code: 'x', message: 'y' }, requestId: 'r' },
        headers,
      }),
    ).not.toEqual([]);
    expect(check('GET', '/specialists', { status: 200, json: { specialists: 'none' }, headers })).not.toEqual(
      [],
    );
    expect(check('GET', '/specialists', { status: 401, json: { message: 'no' }, headers })).not.toEqual([]);
    expect(check('GET', '/specialists', { status: 200, json: { specialists: [] }, headers })).toEqual([]);
  });
});
