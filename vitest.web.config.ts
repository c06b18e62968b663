import { defineConfig } from 'vitest/config'

// Browser journeys (apps/*/e2e): each file starts an embedded shop and drives Chromium, so
// they run after the parallel suite, two files at a time, with room for a real browser.
export default defineConfig({
  test: {
    include: ['apps/*/e2e/**/*.test.ts'],
    exclude: ['**/node_modules/**'],
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    globalSetup: ['./test/global-setup.ts'],
    testTimeout: 120_000,
    // a page that waits on a shop under load: polls give it time (vitest's default is one second)
    expect: { poll: { timeout: 15_000, interval: 100 } },
    hookTimeout: 240_000,
    reporters: ['default'],
  },
})
