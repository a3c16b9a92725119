import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // Browser and server tests start processes; two cores, so keep parallelism modest.
    maxWorkers: 2,
  },
});
