import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../src/services/platform/markdown';
import { apiClient, makeOrganisation, sampleJob, testRuntime } from '../helpers';

const rt = await testRuntime();
const call = apiClient(rt);
const RLO = '\u202e';

describe('Unicode direction controls', () => {
  it('are dropped from names, titles and notes sent to the API (literal or escaped)', async () => {
    const org = await makeOrganisation(rt);
    const created = await call('POST', '/jobs', {
      key: org.key,
      raw: JSON.stringify({
        ...sampleJob(),
        title: `Remblokken ${RLO}gpj.exe`,
        customer: { name: `Sanne${RLO} de Vries` },
        workflowId: org.workflowId,
      }).replace('Sanne\u202e', 'Sanne\\u202E'),
    });
    expect(created.status).toBe(201);
    expect(created.json.title).toBe('Remblokken gpj.exe');
    expect(created.json.customer.name).toBe('Sanne de Vries');
    const step = created.json.steps[0].id;
    const note = await call('POST', `/jobs/${created.json.id}/steps/${step}/notes`, {
      key: org.key,
      body: { markdown: `Klaar ${RLO}\u2066tekst\u2069` },
    });
    expect(note.status).toBe(201);
    expect(note.json.markdown).toBe('Klaar tekst');
    expect(note.json.html).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
  });

  it('never reach a page from notes stored before', () => {
    expect(renderMarkdown(`a ${RLO}b`)).toBe('<p>a b</p>');
  });
});
