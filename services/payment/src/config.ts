import { ConfigError, Env, loadConfig } from '@shop/platform/config'
import { type Static, Type } from '@sinclair/typebox'

const Rate = (def: number) => Type.Number({ minimum: 0, maximum: 1, default: def })

/** Settings of the payment service beyond the shared ones (runtime.ts). */
export const PaymentConfig = Type.Object({
  /** Which payment gateway adapter charges: the built-in simulator or Toss Payments. */
  PAYMENT_PROVIDER: Type.Union([Type.Literal('simulator'), Type.Literal('toss')], { default: 'simulator' }),
  /** Bound on every call to the PG; past it the charge's outcome is unknown until reconciled. */
  PG_TIMEOUT_MS: Env.int(3000, 1),
  /** How often the reconciler asks the PG about timed-out charges and retries pending refunds. */
  PG_RECONCILE_INTERVAL_MS: Env.int(5000, 50),
  PG_SIMULATOR_LATENCY_MS: Env.int(20),
  /** Share of charges the simulator declines at random (code simulated_failure). */
  PG_SIMULATOR_FAILURE_RATE: Rate(0),
  /** Share of charges (per idempotency key) for which the simulator never answers. */
  PG_SIMULATOR_TIMEOUT_RATE: Rate(0),
  /** Whether such a charge happened before the hang: per_key (about half), always, never. */
  PG_SIMULATOR_TIMEOUT_CHARGES: Type.Union([Type.Literal('per_key'), Type.Literal('always'), Type.Literal('never')], {
    default: 'per_key',
  }),
  TOSS_API_BASE: Env.url({ default: 'https://api.tosspayments.com' }),
  /** Toss secret key (test_sk_... or live_sk_...); required when PAYMENT_PROVIDER=toss. */
  TOSS_SECRET_KEY: Env.optionalString(),
})
export type PaymentConfig = Static<typeof PaymentConfig>

/** Reads and checks the payment settings; throws ConfigError naming each bad variable. */
export function loadPaymentSettings(env: Record<string, string | undefined>): PaymentConfig {
  const cfg = loadConfig(PaymentConfig, env)
  if (cfg.PAYMENT_PROVIDER === 'toss' && !cfg.TOSS_SECRET_KEY) {
    throw new ConfigError([{ variable: 'TOSS_SECRET_KEY', message: 'is required when PAYMENT_PROVIDER is toss' }])
  }
  return cfg
}
