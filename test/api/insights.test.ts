import { beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../../src/api';
import { workflowInsights } from '../../src/services/insights/figures';
import { createJob } from '../../src/services/jobs/create-job';
import { getJob } from '../../src/services/jobs/read-job';
import { changeStepStatus } from '../../src/services/steps/change-step-status';
import { apiClient, fakeClock, makeOrganisation, sampleJob, type TestOrg, testRuntime } from '../helpers';

const MIN = 60_000;
const t0 = Date.parse('2026-11-23T08:00:00Z');
const clock = fakeClock(t0);
const rt = await testRuntime({ clock });
const call = apiClient(rt);
let a: TestOrg;
let b: TestOrg;
let jobId: string;

beforeAll(async () => {
  a = await makeOrganisation(rt);
  b = await makeOrganisation(rt);
  ({ jobId } = await createJob(a.ctx, { ...sampleJob(), workflowId: a.workflowId }));
  const [intake] = (await getJob(a.ctx, jobId)).steps;
  clock.advance(5 * MIN);
  await changeStepStatus(a.ctx, jobId, intake?.id ?? '', 'start');
  clock.advance(25 * MIN);
  await changeStepStatus(a.ctx, jobId, intake?.id ?? '', 'finish');
});

const period = 'from=2026-11-23&to=2026-11-23';

describe('insights through the API', () => {
  it('gives the same figures as the console', async () => {
    const response = await call('GET', `/insights/workflows?${period}`, { key: a.readKey });
    expect(response.status).toBe(200);
    expect(response.json).toEqual(
      JSON.parse(JSON.stringify(await workflowInsights(a.ctx, { from: '2026-11-23', to: '2026-11-23' }))),
    );
    const intake = response.json.workflows[0].steps[0];
    expect(intake).toMatchObject({
      jobs: 1,
      timeInStep: { count: 1, median: 25 * MIN, p90: 25 * MIN },
      waitBefore: { median: 5 * MIN },
    });
    expect(intake.promises).toMatchObject({ promised: 1, kept: 0, late: 1, averageLatenessMs: 15 * MIN });

    const one = await call('GET', `/insights/workflows/${a.workflowId}?${period}`, { key: a.key });
    expect(one.json.workflow.id).toBe(a.workflowId);
    const questions = await call('GET', `/insights/questions?${period}`, { key: a.key });
    expect(questions.json.total).toMatchObject({ asked: 0, jobs: 1, perJob: 0, costCents: 0 });
    const people = await call('GET', `/insights/specialists?${period}`, { key: a.key });
    expect(people.json.specialists.find((s: { id: string }) => s.id === a.mechanic.id)).toMatchObject({
      steps: 1,
      jobs: 1,
    });
    const drill = await call(
      'GET',
      `/insights/jobs?${period}&workflowId=${a.workflowId}&position=0&filter=late`,
      { key: a.key },
    );
    expect(drill.json).toMatchObject({
      total: 1,
      items: [{ jobId, lateMs: 15 * MIN, timeInStepMs: 25 * MIN }],
    });
  });

  it('answers bad input with 422 naming the field, never 500', async () => {
    const cases: [string, string][] = [
      ['/insights/workflows?from=23-11-2026', 'query.from'],
      ['/insights/workflows?from=2026-02-30', 'from'],
      ['/insights/workflows?from=2026-11-24&to=2026-11-23', 'from'],
      ['/insights/workflows?from=2024-01-01&to=2026-01-01', 'from'],
      ['/insights/jobs?kind=questions&filter=skipped', 'query.filter'],
      ['/insights/jobs?position=-1', 'query.position'],
      ['/insights/jobs?kind=people', 'query.kind'],
      ['/insights/jobs?page=x', 'query.page'],
    ];
    for (const [path, field] of cases) {
      const response = await call('GET', path, { key: a.key });
      expect(response.status, path).toBe(422);
      expect(response.json.error.code, path).toBe('invalid_input');
      const named = response.json.error.details.field ?? response.json.error.details.fields?.[0]?.field;
      expect(named, path).toBe(field);
    }
    expect((await call('GET', '/insights/workflows')).status).toBe(401);
    expect((await call('GET', '/insights/workflows/wf_unknown', { key: a.key })).status).toBe(404);
  });

  it('shows nothing of another organisation: every insights operation in the OpenAPI document', async () => {
    const doc = (await (await createApi(rt).request('/api/v1/openapi.json')).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const paths = Object.keys(doc.paths).filter((p) => p.startsWith('/insights'));
    expect(paths.length).toBeGreaterThanOrEqual(5);
    for (const path of paths) {
      const filled = path.replace('{workflowId}', a.workflowId);
      const response = await call('GET', `${filled}?${period}`, { key: b.key });
      const text = JSON.stringify(response.json);
      if (path.includes('{')) expect(response.status, path).toBe(404);
      else expect(response.status, path).toBe(200);
      for (const secret of [jobId, a.workflowId, a.mechanic.id]) expect(text, path).not.toContain(secret);
    }
    const drillIntoA = await call('GET', `/insights/jobs?workflowId=${a.workflowId}`, { key: b.key });
    expect(drillIntoA.status).toBe(404);
    const personOfA = await call('GET', `/insights/jobs?specialistId=${a.mechanic.id}`, { key: b.key });
    expect(personOfA.status).toBe(404);
  });
});
