import { defineConfig } from 'vitest/config';

// Tests touch real files, real SQLite databases and real child processes: keep them in
// separate forks and allow generous timeouts on this shared 2-core machine.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['node_modules', 'dist', 'src/renderer/**/*.e2e.ts'],
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // The second prints one line when tests were skipped for want of ../shared/data.
    reporters: ['default', './test/shared-data-reporter.ts'],
  },
});
