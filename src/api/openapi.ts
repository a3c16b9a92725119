/**
 * What every operation shares, added to the generated document in one place so it cannot be forgotten
 * on a route: a stable operationId for generated clients, and the answers the pipeline itself gives
 * before or around any route (413 from the body limit, 415 and 400 from the JSON body gate, 503 when
 * storage is unavailable).
 */
type Operation = {
  operationId?: string;
  requestBody?: { content?: Record<string, unknown> };
  responses?: Record<string, unknown>;
};
type Document = { paths?: Record<string, Record<string, Operation>> };

const METHODS = new Set(['get', 'put', 'post', 'patch', 'delete']);

const errorRef = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

const shared = {
  '413': errorRef('The body is larger than this operation accepts (64 KB unless stated)'),
  '503': errorRef('Storage is briefly unavailable; see Retry-After'),
};
const jsonBody = {
  '400': errorRef('Malformed request (for example invalid JSON)'),
  '415': errorRef('The body is not application/json'),
};

/** `post /jobs/{jobId}/cost-lines` → `postJobsByJobIdCostLines`. */
export function operationIdOf(method: string, path: string): string {
  const words = path
    .split('/')
    .filter(Boolean)
    .map((segment) => {
      const param = /^\{(.+)\}$/.exec(segment)?.[1];
      const word = (param ? `by-${param}` : segment).replace(/[-_](\w)/g, (_, c: string) => c.toUpperCase());
      return word.charAt(0).toUpperCase() + word.slice(1);
    });
  return method + words.join('');
}

export function finishDocument<D extends object>(doc: D): D {
  for (const [path, item] of Object.entries((doc as Document).paths ?? {})) {
    for (const [method, operation] of Object.entries(item)) {
      if (!METHODS.has(method)) continue;
      operation.operationId ??= operationIdOf(method, path);
      const extra = {
        ...shared,
        ...(operation.requestBody?.content?.['application/json'] ? jsonBody : {}),
      };
      operation.responses = { ...extra, ...operation.responses };
    }
  }
  return doc;
}
