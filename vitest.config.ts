import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Guards against a hang, not estimates of how long the work takes: tests wait on conditions (a
    // server's ready message, an event arriving), and a busy machine only makes those come later.
    testTimeout: 300_000,
    hookTimeout: 300_000,
    // expect.poll looks again until the condition holds (1 s by default).
    expect: { poll: { timeout: 300_000 } },
    // Browser and server tests start processes; two cores, so keep parallelism modest.
    maxWorkers: 2,
    // With TEST_DATABASE=postgres (`npm run test:pg`): check the server, drop the run's databases after.
    globalSetup: ['test/postgres-setup.ts'],
    // `npm test` runs both; `npm run test:fast` only `unit` (no browser), `npm run test:browser` the rest.
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: ['test/e2e/**'] },
      },
      { extends: true, test: { name: 'browser', include: ['test/e2e/**/*.test.ts'] } },
    ],
  },
});
