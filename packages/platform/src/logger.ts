import { hostname } from 'node:os'
import { isSpanContextValid, trace } from '@opentelemetry/api'
import pino from 'pino'

/** The logger every service, adapter and request uses (pino JSON). */
export type Logger = pino.Logger

/** Keys whose values never reach a log line: personal data, credentials, tokens. */
export const REDACTED_KEYS = [
  'name',
  'phone',
  'recipient',
  'address',
  'address1',
  'address2',
  'postalCode',
  'addresses',
  'shippingAddress',
  'email',
  'password',
  'refreshToken',
  'accessToken',
  'paymentToken',
  'authorization',
  'cookie',
] as const

const SECRET = new Set<string>(REDACTED_KEYS)
const CENSOR = '[redacted]'
// Deep enough for any payload we log; also the guard against cyclic objects.
const MAX_DEPTH = 8

/**
 * Replaces the value of every secret key at any depth of plain objects and arrays,
 * copying only what changes so the caller's object is never mutated. pino's `redact`
 * with wildcard paths (`*.phone`, `*.*.phone`, ...) does the same at fixed depths but
 * costs 20-120 µs per line for this many keys, against about 1 µs here.
 */
export function scrub(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return value
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined
    for (let i = 0; i < value.length; i++) {
      const next = scrub(value[i], depth + 1)
      if (next !== value[i]) (copy ??= value.slice())[i] = next
    }
    return copy ?? value
  }
  // Errors, requests, buffers and other class instances go to their serializers untouched.
  const proto = Object.getPrototypeOf(value)
  if (proto !== Object.prototype && proto !== null) return value
  const obj = value as Record<string, unknown>
  let copy: Record<string, unknown> | undefined
  for (const key of Object.keys(obj)) {
    const v = obj[key]
    const next = SECRET.has(key) ? (v === undefined ? v : CENSOR) : scrub(v, depth + 1)
    if (next !== v) (copy ??= { ...obj })[key] = next
  }
  return copy ?? obj
}

/** Fixed paths for what serializers produce (request headers); cheap, unlike wildcards. */
export const redactPaths: string[] = ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]']

/** Adds the active OpenTelemetry span's ids so a log line can be found from a trace. */
function traceMixin(): Record<string, string> {
  const span = trace.getActiveSpan()
  if (!span) return {}
  const ctx = span.spanContext()
  if (!isSpanContextValid(ctx)) return {}
  return { trace_id: ctx.traceId, span_id: ctx.spanId }
}

/**
 * One stdout stream for several loggers of one process (embedded mode): each pino logger
 * otherwise buffers and writes on its own, and two writers on one pipe can split a line.
 */
export function sharedStdout(): pino.DestinationStream {
  return pino.destination(process.stdout.fd)
}

/** `json`: pino's own lines; `ecs`: Elastic Common Schema, which ELK ingests and correlates with traces as it is. */
export type LogFormat = 'json' | 'ecs'

/** LOG_FORMAT from the environment (default json); any other value stops the start with a message naming it. */
export function logFormatFromEnv(value = process.env.LOG_FORMAT): LogFormat {
  if (value === undefined || value === '' || value === 'json') return 'json'
  if (value === 'ecs') return 'ecs'
  throw new Error(`LOG_FORMAT must be "json" or "ecs", not "${value}"`)
}

/** The ECS version the lines follow (https://www.elastic.co/guide/en/ecs/current/). */
export const ECS_VERSION = '8.11.0'

function traceMixinEcs(): Record<string, unknown> {
  const ids = traceMixin()
  return ids.trace_id ? { trace: { id: ids.trace_id }, span: { id: ids.span_id } } : {}
}

/** A logged `err` (an Error, or what pino's serializer made of one) as ECS `error.*`. */
function ecsError(obj: Record<string, unknown>): Record<string, unknown> {
  const err = obj.err as { name?: string; type?: string; message?: string; stack?: string; code?: unknown } | undefined
  if (!err || typeof err !== 'object') return obj
  const { err: _err, ...rest } = obj
  const type = err instanceof Error ? err.name : (err.type ?? err.name)
  return { ...rest, error: { type, message: err.message, stack_trace: err.stack, ...(err.code !== undefined ? { code: String(err.code) } : {}) } }
}

/** Options that make pino write ECS lines: `@timestamp`, `log.level`, `message`, `service.name`, `trace.id`, `error.*`. */
function ecsOptions(service: string): Partial<pino.LoggerOptions> {
  return {
    messageKey: 'message',
    base: { ecs: { version: ECS_VERSION }, service: { name: service }, process: { pid: process.pid }, host: { hostname: hostname() } },
    timestamp: () => `,"@timestamp":"${new Date().toISOString()}"`,
    mixin: traceMixinEcs,
    formatters: {
      level: (label) => ({ 'log.level': label }),
      log: (obj) => ecsError(scrub(obj) as Record<string, unknown>),
    },
  }
}

/**
 * A pino JSON logger for one service, with PII redaction and trace ids on every line;
 * with `format: 'ecs'` (LOG_FORMAT=ecs) the lines follow the Elastic Common Schema.
 */
export function createLogger(opts: { service: string; level?: string; destination?: pino.DestinationStream; format?: LogFormat }): Logger {
  const options: pino.LoggerOptions = {
    level: opts.level ?? 'info',
    base: { service: opts.service },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: redactPaths, censor: CENSOR },
    mixin: traceMixin,
    formatters: {
      // Level names read better than numbers in a terminal and in log search.
      level: (label) => ({ level: label }),
      log: (obj) => scrub(obj) as Record<string, unknown>,
    },
    serializers: { err: pino.stdSerializers.err },
    ...((opts.format ?? logFormatFromEnv()) === 'ecs' ? ecsOptions(opts.service) : {}),
  }
  const logger = opts.destination ? pino(options, opts.destination) : pino(options)
  // pino applies no formatter to a child's bindings; children inherit this override, so
  // `logger.child({ customer })` at any level is scrubbed too.
  const child = logger.child
  logger.child = function (this: Logger, bindings, childOptions) {
    return child.call(this, scrub(bindings) as pino.Bindings, childOptions)
  } as typeof logger.child
  return logger
}
