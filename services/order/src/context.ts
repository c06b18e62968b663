import type { EventEnvelope } from '@shop/contracts'
import type { ServiceDeps } from '@shop/platform/boot'
import { createFieldCipher, type FieldCipher } from '@shop/platform/crypto'
import type { Pool } from '@shop/platform/db'
import { createServiceClient, type ServiceClient } from '@shop/platform/http-client'
import { createIdempotencyStore, type IdempotencyStore } from '@shop/platform/idempotency'
import type { Logger } from '@shop/platform/logger'
import type { OrderSettings } from './config.ts'
import { createShippingFees, type ShippingFees, type ShippingFeesOptions } from './upstream/shipping.client.ts'
import { createOrderChanges, type OrderChanges } from './data/order-changes.listener.ts'

/** What the order use cases, handlers and sweeper are given (built once per process). */
export interface OrderContext {
  pool: Pool
  logger: Logger
  cipher: FieldCipher
  settings: OrderSettings
  idempotency: IdempotencyStore
  product: ServiceClient
  shipping: ServiceClient
  /** Shipping fees, from a copy of shipping's fee rules. */
  fees: ShippingFees
  /** Committed changes of orders, from any replica (the event streams follow them). */
  changes: OrderChanges
  /** Tells the outbox relay that a committed transaction enqueued events. */
  eventsCommitted(): void
  /** Publishes committed events whose outbox rows were written `direct` (outboxInsert), without a relay pass. */
  publishCommitted(events: EventEnvelope[]): void
  /** Closes the upstream clients (after HTTP has drained). */
  close(): Promise<void>
}

export interface UpstreamOverrides {
  /** Extra attempts of an idempotent upstream call (default 2). */
  retries?: number
  retryBaseMs?: number
  /** How the copy of shipping's fee rules ages (defaults in createShippingFees). */
  feeRules?: Pick<ShippingFeesOptions, 'ttlMs' | 'maxStaleMs' | 'now'>
}

/** Builds the order context from the boot deps and the checked settings. */
export function createOrderContext(deps: ServiceDeps, settings: OrderSettings, upstream: UpstreamOverrides = {}): OrderContext {
  const client = (name: 'product' | 'shipping') => {
    const c = createServiceClient({
      name,
      baseUrl: deps.rt.urls[name],
      timeoutMs: settings.upstreamTimeoutMs,
      retries: upstream.retries ?? 2,
      retryBaseMs: upstream.retryBaseMs,
      logger: deps.rt.logger,
    })
    deps.metrics.gauge('upstream_breaker_open', 'Whether the circuit breaker to an upstream is open (1) or not (0)', () =>
      c.breakerState() === 'open' ? 1 : 0, { upstream: name })
    return c
  }
  const product = client('product')
  const shipping = client('shipping')
  const changes = createOrderChanges({ databaseUrl: deps.rt.databaseUrl, logger: deps.rt.logger })
  return {
    pool: deps.pool,
    logger: deps.rt.logger,
    cipher: createFieldCipher(settings.keyring),
    settings,
    idempotency: createIdempotencyStore(deps.pool),
    product,
    shipping,
    fees: createShippingFees(shipping, { ...upstream.feeRules, logger: deps.rt.logger }),
    changes,
    eventsCommitted: () => deps.relay.poke(),
    publishCommitted: (events) => deps.relay.publishCommitted(events),
    close: async () => {
      await Promise.all([product.close(), shipping.close(), changes.close()])
    },
  }
}
