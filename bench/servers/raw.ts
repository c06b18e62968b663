import Fastify from 'fastify'
import { Redis } from 'ioredis'

// The baseline server: a bare Fastify 5 route, and with BENCH_REDIS_URL the same route
// behind one Redis GET. It runs in its own process, started by the harness, and prints
// {"port": n} once it listens.

const app = Fastify({ logger: false })
app.get('/', async () => ({ ok: true, id: 1 }))

const redisUrl = process.env.BENCH_REDIS_URL
const redis = redisUrl ? new Redis(redisUrl, { maxRetriesPerRequest: 1 }) : undefined
if (redis) {
  const key = process.env.BENCH_REDIS_KEY ?? 'bench:raw:id'
  app.get('/redis', async (_req, reply) => {
    const id = await redis.get(key)
    // A missing key means the benchmark measures nothing real: make it count as an error.
    if (id === null) return reply.code(500).send({ ok: false })
    return { ok: true, id: Number(id) }
  })
}

const shutdown = async () => {
  await app.close()
  await redis?.quit()
  process.exit(0)
}
process.once('SIGTERM', () => void shutdown())
process.once('SIGINT', () => void shutdown())

await app.listen({ host: '127.0.0.1', port: Number(process.env.BENCH_PORT ?? 0) })
const address = app.server.address()
process.stdout.write(`${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 })}\n`)
