import { defineConfig } from 'vitest/config'

// The ops suite (test/ops): what deploy/ holds, run for real as far as this machine
// allows (podman, nginx, Prometheus, a throwaway PostgreSQL cluster, kubectl kustomize).
// It runs after the other suites, one file at a time: the container build and the
// distributed shops it starts would otherwise compete for the two cores with them.
export default defineConfig({
  test: {
    include: ['test/ops/**/*.test.ts'],
    exclude: ['**/node_modules/**'],
    pool: 'forks',
    fileParallelism: false,
    globalSetup: ['./test/ops/prerequisites.ts', './test/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 900_000,
    reporters: ['default'],
  },
})
