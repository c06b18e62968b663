import type { EventEnvelope } from '@shop/contracts'
import type { FastifyInstance } from 'fastify'
import { Counter } from 'prom-client'
import { createTokenVerifier } from './auth.ts'
import type { Keyring } from './crypto.ts'
import { createPool, type MigrationSource, migrate, platformMigrations, type Pool } from './db.ts'
import { checkPiiKeys } from './key-check.ts'
import { createMetrics, registerPoolMetrics, type Metrics } from './metrics.ts'
import { createOutboxRelay } from './outbox.ts'
import type { Subscription } from './ports.ts'
import type { Runtime } from './runtime.ts'

type Verifier = ReturnType<typeof createTokenVerifier>
type Relay = ReturnType<typeof createOutboxRelay>

/** What every business service gets from the boot sequence. */
export interface ServiceDeps {
  rt: Runtime
  pool: Pool
  verifier: Verifier
  relay: Relay
  metrics: Metrics
  /** Readiness checks for this service's adapters: postgres plus the runtime's broker and cache. */
  readiness: Record<string, () => Promise<void>>
}

/** Something that runs in the background (sweepers, simulators) and must stop on shutdown. */
export interface Worker {
  name: string
  start(): void
  stop(): Promise<void>
}

export interface ServiceSpec {
  migrations: MigrationSource
  /** The PII keyring of a service that stores or reads encrypted fields: checked against the database at boot. */
  piiKeys?: Keyring
  buildApp(deps: ServiceDeps): Promise<FastifyInstance> | FastifyInstance
  subscribe?(deps: ServiceDeps): Promise<Subscription[]>
  workers?(deps: ServiceDeps): Worker[]
}

export interface RunningService {
  app: FastifyInstance
  deps: ServiceDeps
}

/**
 * The shared boot sequence of a business service: pool → migrations → PII key check → metrics → token
 * verifier → outbox relay → app → listen → consumers → workers. Stop functions are
 * registered so the lifecycle runs them in reverse: workers, consumers, HTTP (drain),
 * relay, pool.
 */
export async function bootService(rt: Runtime, spec: ServiceSpec): Promise<RunningService> {
  if (!rt.databaseUrl) throw new Error(`${rt.name}: no database configured`)
  const pool = createPool(rt.databaseUrl, { applicationName: `shop-${rt.name}`, max: 10 })
  rt.lifecycle.add('postgres pool', () => pool.end())
  const applied = await migrate(pool, [platformMigrations, spec.migrations])
  if (applied.length) rt.logger.info({ applied }, 'migrations applied')
  // Before the relay, the app or any worker can touch personal data with the wrong keys.
  if (spec.piiKeys) await checkPiiKeys(pool, spec.piiKeys)

  const metrics = createMetrics(rt.name)
  registerPoolMetrics(metrics, pool)
  const verifier = createTokenVerifier({
    jwksUrl: rt.jwksUrl,
    issuer: rt.shared.JWT_ISSUER,
    audience: rt.shared.JWT_AUDIENCE,
    denylist: rt.denylist ?? rt.cache,
  })
  const relay = createOutboxRelay({ pool, bus: rt.bus, logger: rt.logger, onSent: countPublished(metrics) })
  metrics.gauge('outbox_backlog', 'Outbox rows not yet published', async () => (await relay.backlog()).count)
  metrics.gauge('outbox_oldest_age_seconds', 'Age of the oldest outbox row not yet published (0 when none)', async () =>
    (await relay.backlog()).oldestAgeSeconds ?? 0)
  relay.start()
  rt.lifecycle.add('outbox relay', () => relay.stop())

  const readiness: Record<string, () => Promise<void>> = {
    postgres: async () => {
      await pool.query('SELECT 1')
    },
    ...rt.adapterChecks,
  }
  const deps: ServiceDeps = { rt, pool, verifier, relay, metrics, readiness }
  const app = await spec.buildApp(deps)
  await app.listen({ host: rt.host, port: rt.port })
  rt.lifecycle.add('http server', () => app.close())

  const subscriptions = (await spec.subscribe?.(deps)) ?? []
  for (const sub of subscriptions) rt.lifecycle.add('consumer', () => sub.stop())
  if (subscriptions.length > 0) {
    const bus = rt.bus
    if (bus.queueDepth) metrics.gauge('consumer_lag_messages', 'Events waiting in this service\'s queue for its consumer', () => bus.queueDepth!(rt.name))
    metrics.gauge('dead_letter_messages', 'Events dead-lettered for this service, waiting for a replay', async () => (await rt.bus.dlqDepth(rt.name)).count)
  }
  for (const w of spec.workers?.(deps) ?? []) {
    w.start()
    rt.lifecycle.add(w.name, () => w.stop())
  }
  // Consumers and workers stop before HTTP drains: registered later, run earlier.
  return { app, deps }
}

/**
 * Counts the events the outbox relay published, by type (orders placed, payments done,
 * shipments: the business dashboards' figures) and by the `failureCode` a failure event
 * carries; sums the KRW `amount` they carry (revenue). Read from the contract's envelope,
 * so no service has to count anything itself.
 */
function countPublished(metrics: Metrics): (events: EventEnvelope[]) => void {
  const published = new Counter({
    name: 'events_published_total',
    help: 'Events published by this service, by type and, for failures, by failure code',
    labelNames: ['type', 'code'] as const,
    registers: [metrics.registry],
  })
  const amounts = new Counter({
    name: 'events_amount_krw_total',
    help: 'Sum of the KRW amount carried by the events published, by type',
    labelNames: ['type'] as const,
    registers: [metrics.registry],
  })
  return (events) => {
    for (const e of events) {
      const data = e.data as { amount?: unknown; failureCode?: unknown }
      published.inc({ type: e.type, code: typeof data.failureCode === 'string' ? data.failureCode : '' })
      if (typeof data.amount === 'number') amounts.inc({ type: e.type }, data.amount)
    }
  }
}
