import { Type, type Static } from '@sinclair/typebox'
import { Env, loadConfig } from './config.ts'
import type { Logger } from './logger.ts'
import type { Lifecycle } from './lifecycle.ts'
import type { Denylist } from './auth.ts'
import type { ValueMirror } from './key-mirror.ts'
import type { Cache, EventBus } from './ports.ts'

/**
 * What a composition root hands a service: where its database is, which bus and cache
 * adapters it got, where the other services live. Embedded mode builds one runtime per
 * service over shared in-process adapters; distributed mode builds one per process from
 * the environment. A service never learns which.
 */
export const SERVICES = ['auth', 'product', 'order', 'payment', 'shipping'] as const
export type ServiceName = (typeof SERVICES)[number]
export type ProcessName = ServiceName | 'gateway'
export const PROCESSES: ProcessName[] = ['gateway', ...SERVICES]

export const DEFAULT_PORTS: Record<ProcessName, number> = {
  gateway: 8080,
  auth: 8081,
  product: 8082,
  order: 8083,
  payment: 8084,
  shipping: 8085,
}

/** Settings every process reads (DESIGN.md "Running and configuration"). */
export const SharedConfig = Type.Object({
  HOST: Env.string('127.0.0.1'),
  GATEWAY_PORT: Env.port(DEFAULT_PORTS.gateway),
  AUTH_PORT: Env.port(DEFAULT_PORTS.auth),
  PRODUCT_PORT: Env.port(DEFAULT_PORTS.product),
  ORDER_PORT: Env.port(DEFAULT_PORTS.order),
  PAYMENT_PORT: Env.port(DEFAULT_PORTS.payment),
  SHIPPING_PORT: Env.port(DEFAULT_PORTS.shipping),
  AUTH_URL: Env.optionalUrl(),
  PRODUCT_URL: Env.optionalUrl(),
  ORDER_URL: Env.optionalUrl(),
  PAYMENT_URL: Env.optionalUrl(),
  SHIPPING_URL: Env.optionalUrl(),
  LOG_LEVEL: Env.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info'),
  OTEL_EXPORTER_OTLP_ENDPOINT: Env.optionalUrl(),
  JWT_ISSUER: Env.string('shop-auth'),
  JWT_AUDIENCE: Env.string('shop'),
  SHOP_VERSION: Env.string('0.1.0'),
})
export type SharedConfig = Static<typeof SharedConfig>

export interface Runtime {
  name: ProcessName
  env: Record<string, string | undefined>
  shared: SharedConfig
  host: string
  port: number
  /** This service's own database (created if missing); undefined for the gateway. */
  databaseUrl?: string
  bus: EventBus
  cache: Cache
  /** Revoked tokens from an exact local copy of the cache's denylist (distributed); absent: read from the cache. */
  denylist?: Denylist
  /** The gateway's copy of the edge copies' validators (distributed); absent: read from the cache. */
  validators?: ValueMirror
  logger: Logger
  lifecycle: Lifecycle
  /** Base URLs of every process, for service-to-service HTTP. */
  urls: Record<ProcessName, string>
  jwksUrl: string
  /** Readiness checks for the adapters this runtime holds (rabbitmq, redis). */
  adapterChecks: Record<string, () => Promise<void>>
  /** 'embedded' or 'distributed', for logs and /health only. */
  mode: 'embedded' | 'distributed'
}

/** Reads the shared settings; throws ConfigError naming the bad variables. */
export function loadSharedConfig(env: Record<string, string | undefined> = process.env): SharedConfig {
  return loadConfig(SharedConfig, env)
}

export function portOf(shared: SharedConfig, name: ProcessName): number {
  const key = `${name.toUpperCase()}_PORT` as keyof SharedConfig
  return shared[key] as number
}

/** Base URL of every process: `<NAME>_URL` when set, else loopback on its port. */
export function serviceUrls(shared: SharedConfig): Record<ProcessName, string> {
  const out = {} as Record<ProcessName, string>
  for (const name of PROCESSES) {
    const explicit = shared[`${name.toUpperCase()}_URL` as keyof SharedConfig] as string | undefined
    out[name] = (explicit ?? `http://127.0.0.1:${portOf(shared, name)}`).replace(/\/$/, '')
  }
  return out
}
