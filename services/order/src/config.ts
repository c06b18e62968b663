import { MAX_LINE_QUANTITY } from '@shop/contracts/order'
import { ConfigError, Env, loadConfig } from '@shop/platform/config'
import { type Keyring, parseKeyring } from '@shop/platform/crypto'
import { type Static, Type } from '@sinclair/typebox'
import type { PurchaseCap } from './domain/purchase-cap.ts'

/** Settings of the order service beyond the shared ones (runtime.ts). */
export const OrderConfig = Type.Object({
  /** `kid:base64key[,kid:base64key...]`, the first one active: addresses are stored and sent sealed with it. */
  PII_ENCRYPTION_KEYS: Env.string(),
  /**
   * How long a new order stays payable before the sweeper cancels it (payment_timeout);
   * at most a day, so the stock reservation (window + 5 min) stays within product's limit.
   */
  ORDER_PAYMENT_WINDOW_SECONDS: Type.Integer({ minimum: 1, maximum: 86_400, default: 900 }),
  /** How often the expiry sweeper looks for unpaid orders past their window. */
  ORDER_SWEEP_INTERVAL_MS: Env.int(5000, 10),
  /** Orders one sweeper pass cancels per transaction. */
  ORDER_SWEEP_BATCH_SIZE: Env.int(100, 1),
  /**
   * Most units of one product per order (abuse protection on scarce items; the HTTP
   * schema caps it at 100 whatever this says).
   */
  MAX_QUANTITY_PER_ORDER_LINE: Type.Integer({ minimum: 1, maximum: MAX_LINE_QUANTITY, default: MAX_LINE_QUANTITY }),
  /** Bound on one attempt of a call to product or shipping. */
  ORDER_UPSTREAM_TIMEOUT_MS: Env.int(3000, 50),
  /**
   * Most units of one product one user may hold in orders that are not cancelled, placed
   * within PURCHASE_CAP_WINDOW_HOURS (scalping protection on scarce items); 0 turns it off.
   */
  MAX_UNITS_PER_USER_PER_PRODUCT: Env.int(0),
  /** How far back MAX_UNITS_PER_USER_PER_PRODUCT counts a user's orders (at most a year). */
  PURCHASE_CAP_WINDOW_HOURS: Type.Integer({ minimum: 1, maximum: 8760, default: 24 }),
})
export type OrderConfig = Static<typeof OrderConfig>

export interface OrderSettings {
  keyring: Keyring
  paymentWindowSeconds: number
  sweepIntervalMs: number
  sweepBatchSize: number
  maxQuantityPerLine: number
  upstreamTimeoutMs: number
  /** The per-user purchase cap; maxUnits 0 means off. */
  purchaseCap: PurchaseCap
}

/** Reads and checks every order setting; a bad one throws ConfigError naming its variable. */
export function loadOrderSettings(env: Record<string, string | undefined>): OrderSettings {
  const cfg = loadConfig(OrderConfig, env)
  let keyring: Keyring
  try {
    keyring = parseKeyring(cfg.PII_ENCRYPTION_KEYS)
  } catch (err) {
    throw new ConfigError([{ variable: 'PII_ENCRYPTION_KEYS', message: (err as Error).message }])
  }
  return {
    keyring,
    paymentWindowSeconds: cfg.ORDER_PAYMENT_WINDOW_SECONDS,
    sweepIntervalMs: cfg.ORDER_SWEEP_INTERVAL_MS,
    sweepBatchSize: cfg.ORDER_SWEEP_BATCH_SIZE,
    maxQuantityPerLine: cfg.MAX_QUANTITY_PER_ORDER_LINE,
    upstreamTimeoutMs: cfg.ORDER_UPSTREAM_TIMEOUT_MS,
    purchaseCap: { maxUnits: cfg.MAX_UNITS_PER_USER_PER_PRODUCT, windowHours: cfg.PURCHASE_CAP_WINDOW_HOURS },
  }
}
