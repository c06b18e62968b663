import { Type } from '@sinclair/typebox'
import { createMemoryBus } from './bus-memory.ts'
import { createRabbitBus } from './bus-rabbitmq.ts'
import { createMemoryCache } from './cache-memory.ts'
import { DENYLIST_PREFIX, type Denylist, denylistCopy } from './auth.ts'
import { createRedisCache } from './cache-redis.ts'
import { Env, loadConfig } from './config.ts'
import { ensureDatabase } from './db.ts'
import { VALIDATOR_PREFIXES } from './edge-cache.ts'
import { createRedisMirror } from './key-mirror.ts'
import type { Lifecycle } from './lifecycle.ts'
import type { Logger } from './logger.ts'
import type { Cache, EventBus } from './ports.ts'
import {
  loadSharedConfig,
  portOf,
  type ProcessName,
  type Runtime,
  serviceUrls,
} from './runtime.ts'

/** Servers for distributed mode; each defaults to the standard local port. */
export const DistributedConfig = Type.Object({
  PG_URL: Env.url({ default: 'postgres://postgres@127.0.0.1:5432/postgres' }),
  AUTH_DATABASE_URL: Env.optionalUrl(),
  PRODUCT_DATABASE_URL: Env.optionalUrl(),
  ORDER_DATABASE_URL: Env.optionalUrl(),
  PAYMENT_DATABASE_URL: Env.optionalUrl(),
  SHIPPING_DATABASE_URL: Env.optionalUrl(),
  AMQP_URL: Env.url({ default: 'amqp://guest:guest@127.0.0.1:5672' }),
  REDIS_URL: Env.url({ default: 'redis://127.0.0.1:6379' }),
  // Namespaces on a shared broker and Redis (several shops, or parallel test runs).
  AMQP_PREFIX: Env.string(''),
  REDIS_KEY_PREFIX: Env.string('shop:'),
})

/** The database URL of a service: `<NAME>_DATABASE_URL`, else `shop_<name>` on the server (created if missing). */
export async function serviceDatabaseUrl(
  name: ProcessName,
  serverUrl: string,
  explicit: string | undefined,
): Promise<string | undefined> {
  if (name === 'gateway') return undefined
  return explicit ?? (await ensureDatabase(serverUrl, `shop_${name}`))
}

/** One process, one service: RabbitMQ, Redis and PostgreSQL from the environment. */
export async function createDistributedRuntime(
  name: ProcessName,
  logger: Logger,
  lifecycle: Lifecycle,
  env: Record<string, string | undefined> = process.env,
): Promise<Runtime> {
  const shared = loadSharedConfig(env)
  const servers = loadConfig(DistributedConfig, env)
  const bus = await createRabbitBus({ url: servers.AMQP_URL, prefix: servers.AMQP_PREFIX, logger })
  lifecycle.add('rabbitmq', () => bus.close())
  const cache = createRedisCache({ url: servers.REDIS_URL, prefix: servers.REDIS_KEY_PREFIX })
  lifecycle.add('redis', () => cache.close())
  // Every authenticated request reads the denylist, and every gateway edge hit its validators:
  // from memory, kept exact by Redis's pushes (one pair of connections for both).
  const mirror = createRedisMirror({
    url: servers.REDIS_URL,
    keyPrefix: servers.REDIS_KEY_PREFIX,
    onError: (err) => logger.debug({ err }, 'redis copies (denylist, validators): redis error (answers come from redis until they are rebuilt)'),
  })
  const denylist = mirror.keys({ prefix: DENYLIST_PREFIX, fallback: async (key) => (await cache.get(key)) !== null })
  const validators = name === 'gateway' ? mirror.values({ prefixes: VALIDATOR_PREFIXES, fallback: (keys) => cache.mget(keys) }) : undefined
  lifecycle.add('redis copies', () => mirror.close())
  const explicit = servers[`${name.toUpperCase()}_DATABASE_URL` as keyof typeof servers] as string | undefined
  const databaseUrl = await serviceDatabaseUrl(name, servers.PG_URL, explicit)
  return { ...assemble(name, env, shared, logger, lifecycle, bus, cache, denylistCopy(denylist), 'distributed', databaseUrl), validators }
}

/** Embedded mode: every service shares one in-process bus and cache and one PostgreSQL server. */
export async function createEmbeddedRuntime(
  name: ProcessName,
  shared: { bus: EventBus; cache: Cache; pgServerUrl: string },
  logger: Logger,
  lifecycle: Lifecycle,
  env: Record<string, string | undefined> = process.env,
): Promise<Runtime> {
  const cfg = loadSharedConfig(env)
  const dbUrl = await serviceDatabaseUrl(name, shared.pgServerUrl, undefined)
  return assemble(name, env, cfg, logger, lifecycle, shared.bus, shared.cache, undefined, 'embedded', dbUrl)
}

/** Shared in-process adapters for embedded mode. */
export function createEmbeddedAdapters(): { bus: ReturnType<typeof createMemoryBus>; cache: Cache } {
  return { bus: createMemoryBus(), cache: createMemoryCache() }
}

function assemble(
  name: ProcessName,
  env: Record<string, string | undefined>,
  shared: ReturnType<typeof loadSharedConfig>,
  logger: Logger,
  lifecycle: Lifecycle,
  bus: EventBus,
  cache: Cache,
  denylist: Denylist | undefined,
  mode: Runtime['mode'],
  databaseUrl: string | undefined,
): Runtime {
  const urls = serviceUrls(shared)
  return {
    name,
    env,
    shared,
    host: shared.HOST,
    port: portOf(shared, name),
    databaseUrl,
    bus,
    cache,
    denylist,
    logger,
    lifecycle,
    urls,
    jwksUrl: `${urls.auth}/.well-known/jwks.json`,
    // The contract names the checks after the distributed adapters; in embedded mode the
    // in-process broker and cache answer for them.
    adapterChecks: { rabbitmq: () => bus.ping(), redis: () => cache.ping() },
    mode,
  }
}
