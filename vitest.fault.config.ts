import { defineConfig } from 'vitest/config'

// The fault suite (test/fault): restarts the shared RabbitMQ and kills service processes,
// so it runs after the parallel suite, one file at a time, with timeouts sized for a
// stream of orders plus the time the shop takes to settle.
export default defineConfig({
  test: {
    include: ['test/fault/**/*.test.ts'],
    exclude: ['**/node_modules/**'],
    pool: 'forks',
    fileParallelism: false,
    poolOptions: { forks: { singleFork: true } },
    globalSetup: ['./test/global-setup.ts', './test/fault/broker-guard.ts'],
    testTimeout: 180_000,
    hookTimeout: 240_000,
    reporters: ['default'],
  },
})
