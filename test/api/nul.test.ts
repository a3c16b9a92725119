import { beforeAll, describe, expect, it } from 'vitest';
import { getJob } from '../../src/services/jobs/read-job';
import { apiClient, makeOrganisation, sampleJob, type TestOrg, testRuntime } from '../helpers';

let call: ReturnType<typeof apiClient>;
let org: TestOrg;

beforeAll(async () => {
  const rt = await testRuntime();
  call = apiClient(rt);
  org = await makeOrganisation(rt);
});

/**
 * PostgreSQL can neither store nor compare a NUL character, and no text needs one: NUL is dropped from
 * what clients send in bodies (with the direction controls, src/services/platform/bidi.ts), and an id
 * holding one is not found. The same on both databases, never a 500.
 */
describe('a NUL character in what a client sends', () => {
  it('is dropped from bodies and matches nothing in the URL', async () => {
    const created = await call('POST', '/jobs', {
      key: org.key,
      body: { ...sampleJob(), title: 'APK\u0000 Golf', workflowId: org.workflowId },
    });
    expect(created.status).toBe(201);
    expect(created.json.title).toBe('APK Golf');
    const stepId = (await getJob(org.ctx, created.json.id)).steps[0]?.id ?? '';
    const note = await call('POST', `/jobs/${created.json.id}/steps/${stepId}/notes`, {
      key: org.key,
      body: { markdown: 'Op de\u0000 brug', visibility: 'customer' },
    });
    expect(note.status).toBe(201);
    expect(JSON.stringify(note.json)).not.toContain('\\u0000');

    // An id holding one is not found, as on libSQL (db/client.ts); a filter holding one is no error.
    for (const [path, status] of [
      ['/jobs?q=%00', 200],
      ['/jobs?workflowId=a%00', 200],
      ['/jobs?cursor=%00', 422],
      ['/jobs/%00', 404],
      [`/jobs/${created.json.id}%00`, 404],
    ] as const) {
      const answer = await call('GET', path, { key: org.key });
      expect(answer.status, path).toBe(status);
    }
  });
});
