import { describe, expect, it } from 'vitest';
import { createJob } from '../../src/services/jobs/create-job';
import { listJobs } from '../../src/services/jobs/read-job';
import { makeOrganisation, sampleJob, testRuntime } from '../helpers';

describe('concurrent writes in one process', () => {
  it('runs overlapping transactions one after another instead of deadlocking on the embedded database', async () => {
    const rt = await testRuntime();
    const org = await makeOrganisation(rt);
    // Twenty jobs created at once: their transactions interleave at every await. Without the queue the
    // second one waits out SQLite's busy timeout and fails with SQLITE_BUSY.
    const created = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        createJob(org.ctx, { ...sampleJob(`PAR-${i}`), workflowId: org.workflowId }),
      ),
    );
    expect(new Set(created.map((c) => c.jobId)).size).toBe(20);
    expect((await listJobs(org.ctx, { limit: 100 })).jobs).toHaveLength(20);
  });
});
