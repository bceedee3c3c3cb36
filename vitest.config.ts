import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'fixtures/apps/*/test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // one test file per core: most files wait on child processes (the CLI, git, tmux, redis-server),
    // so vitest's default of cores - 1 left a 2-core machine running one file at a time (205 s -> 135 s)
    maxWorkers: availableParallelism(),
  },
});
