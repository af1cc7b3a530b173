import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/bench/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'threads',
    // test files of a worker share modules: the example sites are rendered once per worker
    // (test/support/render.ts), and the big generated imports/ load once, not once per file
    isolate: false,
  },
});
