import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createJob } from '../../src/services/jobs/create-job';
import { loadSecrets } from '../../src/services/platform/secrets';
import { issueEmbedToken, resolveEmbed } from '../../src/services/tracker/widget';
import { makeOrganisation, refusal, sampleJob, testRuntime } from '../helpers';

const rt = await testRuntime();

describe('embed token lifetime', () => {
  it('refuses to issue a token for longer than a day', async () => {
    const org = await makeOrganisation(rt);
    const { jobId } = await createJob(org.ctx, { ...sampleJob(), workflowId: org.workflowId });
    const error = await refusal(issueEmbedToken(org.ctx, jobId, 10 * 365 * 24 * 3600));
    expect(error.kind).toBe('invalid');
    expect((await issueEmbedToken(org.ctx, jobId, 24 * 3600)).token).toBeTruthy();
  });

  it('rejects a correctly signed token that claims to live ten years', async () => {
    const org = await makeOrganisation(rt);
    const { jobId } = await createJob(org.ctx, { ...sampleJob(), workflowId: org.workflowId });
    const now = rt.clock.now();
    const sign = async (exp: number) => {
      const { embed } = await loadSecrets(rt.database.db);
      const sig = createHmac('sha256', embed).update(`embed:read:${jobId}.${exp}`).digest('base64url');
      return `${jobId}.${exp}.${sig}`;
    };
    const tenYears = await sign(Math.floor(now / 1000) + 10 * 365 * 24 * 3600);
    expect((await resolveEmbed(rt.database.db, tenYears, now)).kind).toBe('unknown');
    const oneHour = await sign(Math.floor(now / 1000) + 3600);
    expect((await resolveEmbed(rt.database.db, oneHour, now)).kind).toBe('found');
  });
});
