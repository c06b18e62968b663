import { Redis } from 'ioredis'
import { answers, uniqueName } from '@shop/platform/testing'
import { loadTest } from '../lib/autocannon.ts'
import { type ChildServer, startChildServer } from '../lib/child-server.ts'
import { type Scenario, SkipScenario } from '../lib/types.ts'

let server: ChildServer | undefined
let key: string | undefined

const withoutPassword = (url: string) => url.replace(/\/\/[^@]*@/, '//')

/** Baseline (b): the raw route plus one Redis GET per request, the floor under any cached read. */
export const fastifyRedisGet: Scenario = {
  name: 'fastify-redis-get',
  group: 'baseline',
  baseline: 'raw-fastify',
  async setup(ctx) {
    if (!(await answers(ctx.redisUrl))) throw new SkipScenario(`Redis does not answer at ${withoutPassword(ctx.redisUrl)}`)
    key = `${uniqueName('bench')}:id`
    const redis = new Redis(ctx.redisUrl, { maxRetriesPerRequest: 1 })
    try {
      await redis.set(key, '1', 'EX', 3600)
    } finally {
      await redis.quit()
    }
    server = await startChildServer('bench/servers/raw.ts', {
      cwd: ctx.repoRoot,
      env: { BENCH_REDIS_URL: ctx.redisUrl, BENCH_REDIS_KEY: key },
    })
  },
  async run(ctx) {
    return loadTest(ctx, { url: `${server!.url}/redis` })
  },
  async teardown(ctx) {
    await server?.stop()
    server = undefined
    if (key) {
      const redis = new Redis(ctx.redisUrl, { maxRetriesPerRequest: 1 })
      await redis.del(key).finally(() => redis.quit())
      key = undefined
    }
  },
}
