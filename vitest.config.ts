import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'services/*/src/**/*.test.ts', 'services/*/test/**/*.test.ts', 'test/**/*.test.ts', 'apps/*/src/**/*.test.{ts,tsx}'],
    // test/fault restarts the shared broker: it runs alone afterwards (vitest.fault.config.ts);
    // the browser journeys (apps/*/e2e) run after this suite too (vitest.web.config.ts);
    // test/ops builds images and runs nginx and Prometheus: it runs last (vitest.ops.config.ts).
    exclude: ['**/node_modules/**', 'test/fault/**', 'apps/*/e2e/**', 'test/ops/**'],
    pool: 'forks',
    poolOptions: { forks: { maxForks: 4, minForks: 1 } },
    globalSetup: ['./test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
})
