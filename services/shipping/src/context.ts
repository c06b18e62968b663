import type { CarrierCode } from '@shop/contracts/shipping'
import type { ServiceDeps } from '@shop/platform/boot'
import { createFieldCipher, type FieldCipher } from '@shop/platform/crypto'
import type { Pool } from '@shop/platform/db'
import type { Logger } from '@shop/platform/logger'
import { createCarrierSimulators } from './carriers/simulator.carrier.ts'
import type { ShippingSettings } from './config.ts'
import type { CarrierAdapter } from './domain/carrier.ts'
import type { FeeRules } from './domain/fee-rules.ts'

/** What the shipping use cases, handlers and worker are given (built once per process). */
export interface Shipping {
  pool: Pool
  logger: Logger
  feeRules: FeeRules
  cipher: FieldCipher
  carriers: Record<CarrierCode, CarrierAdapter>
  /** Tells the outbox relay that a committed transaction enqueued events. */
  eventsCommitted(): void
  now(): Date
}

/** Builds the shipping context from the boot deps and the checked settings. */
export function createShipping(
  deps: ServiceDeps,
  settings: ShippingSettings,
  overrides: Partial<Pick<Shipping, 'carriers' | 'now'>> = {},
): Shipping {
  return {
    pool: deps.pool,
    logger: deps.rt.logger,
    feeRules: settings.feeRules,
    cipher: createFieldCipher(settings.keyring),
    carriers: overrides.carriers ?? createCarrierSimulators(),
    eventsCommitted: () => deps.relay.poke(),
    now: overrides.now ?? (() => new Date()),
  }
}
