import addFormats from 'ajv-formats';
import OpenAPIBackend from 'openapi-backend';
import { expect } from 'vitest';

type Doc = ConstructorParameters<typeof OpenAPIBackend>[0]['definition'];
export type Answer = { status: number; json: unknown; headers: Headers };

const shape = {
  error: expect.objectContaining({ code: expect.any(String), message: expect.any(String) }),
  requestId: expect.any(String),
};

/**
 * Checks answers of the API against its own OpenAPI document: the status is documented for the
 * operation, a JSON body matches that status's schema, and every error body is in the error shape.
 * Returns the problems found (empty when the answer keeps the contract).
 */
export async function contractChecker(document: unknown) {
  const api = new OpenAPIBackend({
    definition: document as Doc,
    quick: true,
    validate: true,
    ajvOpts: { strict: false, unicodeRegExp: true },
    // The document's string formats (date-time, uri, email, …) are checked, not ignored with a warning.
    customizeAjv: (ajv) => {
      addFormats(ajv);
      return ajv;
    },
  });
  await api.init();
  return (method: string, path: string, answer: Answer): string[] => {
    const [pathname = '', search = ''] = path.split('?');
    // The document itself and CORS preflights are HTTP plumbing, not operations.
    if (pathname === '/openapi.json' || method === 'OPTIONS') return [];
    const operation = api.matchOperation({
      method,
      path: pathname,
      query: search,
      headers: {},
    });
    const where = `${method} ${path} → ${answer.status}`;
    const problems: string[] = [];
    if (answer.status >= 400) {
      try {
        expect(answer.json).toMatchObject(shape);
      } catch {
        problems.push(`${where}: error body not in the error shape: ${JSON.stringify(answer.json)}`);
      }
    }
    if (!operation) {
      // Paths outside the document may only answer 404 (or 413/405 before routing).
      if (![404, 405, 413].includes(answer.status))
        problems.push(`${where}: no such operation in the document`);
      return problems;
    }
    const responses = (operation.responses ?? {}) as Record<string, { content?: Record<string, unknown> }>;
    const documented = responses[String(answer.status)] ?? responses.default;
    if (!documented) {
      problems.push(`${where}: status not documented for ${operation.operationId}`);
      return problems;
    }
    const type = answer.headers.get('content-type') ?? '';
    if (documented.content?.['application/json'] && type.includes('json')) {
      const result = api.validateResponse(answer.json, operation, answer.status);
      if (!result.valid)
        problems.push(
          `${where}: body does not match the schema: ${JSON.stringify(result.errors?.slice(0, 3))}`,
        );
    }
    return problems;
  };
}
