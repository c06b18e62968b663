import { loadTest } from '../lib/autocannon.ts'
import { type ChildServer, startChildServer } from '../lib/child-server.ts'
import type { Scenario } from '../lib/types.ts'

let server: ChildServer | undefined

/** Baseline (a): the ceiling for any HTTP route on this machine, a bare Fastify route in its own process. */
export const rawFastify: Scenario = {
  name: 'raw-fastify',
  group: 'baseline',
  async setup(ctx) {
    server = await startChildServer('bench/servers/raw.ts', { cwd: ctx.repoRoot })
  },
  async run(ctx) {
    return loadTest(ctx, { url: `${server!.url}/` })
  },
  async teardown() {
    await server?.stop()
    server = undefined
  },
}
