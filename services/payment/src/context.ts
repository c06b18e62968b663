import type { EventEnvelope } from '@shop/contracts'
import type { ServiceDeps } from '@shop/platform/boot'
import type { Pool } from '@shop/platform/db'
import { createIdempotencyStore, type IdempotencyStore } from '@shop/platform/idempotency'
import type { Logger } from '@shop/platform/logger'
import { Counter } from 'prom-client'
import type { PaymentConfig } from './config.ts'
import type { PaymentGatewayAdapter } from './domain/payment-gateway.ts'
import { createOrderDirectory, type OrderDirectory } from './gateways/order-service.ts'
import { createPgClient, type PaymentGateway } from './gateways/pg-client.ts'
import { createSimulatorGateway } from './gateways/simulator.gateway.ts'
import { createTossGateway } from './gateways/toss.gateway.ts'

/** What the payment use cases, handlers and reconciler are given (built once per process). */
export interface Payments {
  pool: Pool
  logger: Logger
  /** The PG adapter behind its timeout and circuit breaker. */
  pg: PaymentGateway
  idempotency: IdempotencyStore
  orders: OrderDirectory
  /** A PENDING attempt older than this is presumed abandoned (its process died mid-call) and is reconciled. */
  staleAttemptMs: number
  reconcileIntervalMs: number
  charges: Counter<'outcome'>
  /** Tells the outbox relay that a committed transaction enqueued events. */
  eventsCommitted(): void
  /** Publishes committed events whose outbox rows were written `direct` (outboxInsert), without a relay pass. */
  publishCommitted(events: EventEnvelope[]): void
  now(): Date
  close(): Promise<void>
}

/** The PG adapter PAYMENT_PROVIDER names. */
export function selectGateway(cfg: PaymentConfig, pool: Pool): PaymentGatewayAdapter {
  if (cfg.PAYMENT_PROVIDER === 'toss') {
    return createTossGateway({ apiBase: cfg.TOSS_API_BASE, secretKey: cfg.TOSS_SECRET_KEY ?? '' })
  }
  return createSimulatorGateway(pool, {
    latencyMs: cfg.PG_SIMULATOR_LATENCY_MS,
    failureRate: cfg.PG_SIMULATOR_FAILURE_RATE,
    timeoutRate: cfg.PG_SIMULATOR_TIMEOUT_RATE,
    timeoutCharges: cfg.PG_SIMULATOR_TIMEOUT_CHARGES,
  })
}

/** Builds the payment context from the boot deps and the checked settings. */
export function createPayments(
  deps: ServiceDeps,
  cfg: PaymentConfig,
  overrides: { gateway?: PaymentGatewayAdapter; orders?: OrderDirectory; now?: () => Date } = {},
): Payments {
  const pg = createPgClient(overrides.gateway ?? selectGateway(cfg, deps.pool), { timeoutMs: cfg.PG_TIMEOUT_MS })
  const orders = overrides.orders ?? createOrderDirectory(deps.rt.urls.order, { logger: deps.rt.logger })
  deps.metrics.gauge('payment_gateway_breaker_open', 'Whether the payment gateway circuit breaker is open (1) or closed (0)', () =>
    pg.breakerOpen() ? 1 : 0,
  )
  const charges = new Counter({
    name: 'payment_charges_total',
    help: 'Charges sent to the payment gateway, by outcome (approved, declined, unknown, not_sent)',
    labelNames: ['outcome'] as const,
    registers: [deps.metrics.registry],
  })
  return {
    pool: deps.pool,
    logger: deps.rt.logger,
    pg,
    idempotency: createIdempotencyStore(deps.pool),
    orders,
    staleAttemptMs: cfg.PG_TIMEOUT_MS * 2 + 10_000,
    reconcileIntervalMs: cfg.PG_RECONCILE_INTERVAL_MS,
    charges,
    eventsCommitted: () => deps.relay.poke(),
    publishCommitted: (events) => deps.relay.publishCommitted(events),
    now: overrides.now ?? (() => new Date()),
    async close() {
      pg.close()
      await orders.close()
    },
  }
}
