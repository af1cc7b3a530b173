import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/bench/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'threads',
    // vitest's default leaves one core idle; on 2 cores that ran the files one at a time, while the
    // verify files mostly wait on the control plane's processes: 155 s -> 105 s wall
    maxWorkers: Math.max(2, availableParallelism()),
    // test files of a worker share modules: the example sites are rendered once per worker
    // (test/support/render.ts), and the big generated imports/ load once, not once per file
    isolate: false,
  },
});
