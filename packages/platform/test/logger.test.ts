import { Writable } from 'node:stream'
import { context, propagation, trace } from '@opentelemetry/api'
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node'
import { afterAll, describe, expect, it } from 'vitest'
import { createLogger } from '../src/logger.ts'

/** A logger writing into an array of parsed lines. */
function capture(level = 'info') {
  const lines: Record<string, unknown>[] = []
  const destination = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l))
      done()
    },
  })
  const logger = createLogger({ service: 'log-test', level, destination })
  return { logger, lines, raw: () => JSON.stringify(lines) }
}

const SECRETS = ['010-1234-5678', '서울시 강남구 테헤란로 1', 'hunter2-password', '06234', '홍길동', 'kim@example.com', 'tok_success', 'eyJhbGciOi.secret']

describe('createLogger', () => {
  it('redacts phone, address and password at the top and nested, showing [redacted]', () => {
    const { logger, lines, raw } = capture()
    logger.info({ phone: '010-1234-5678', address: '서울시 강남구 테헤란로 1', password: 'hunter2-password', orderId: 'o-1' }, 'top')
    logger.info({ user: { name: '홍길동', email: 'kim@example.com', phone: '010-1234-5678' } }, 'one deep')
    logger.info({ event: { data: { shippingAddress: { postalCode: '06234' }, paymentToken: 'tok_success' } } }, 'two deep')
    logger.info({ body: { items: [{ recipient: '홍길동', address1: '서울시 강남구 테헤란로 1' }] } }, 'in an array')
    for (const secret of SECRETS.slice(0, 7)) expect(raw()).not.toContain(secret)
    expect(lines[0]).toMatchObject({ phone: '[redacted]', address: '[redacted]', password: '[redacted]', orderId: 'o-1' })
    expect(lines[1]).toMatchObject({ user: { name: '[redacted]', email: '[redacted]', phone: '[redacted]' } })
    expect(lines[2]).toMatchObject({ event: { data: { shippingAddress: '[redacted]', paymentToken: '[redacted]' } } })
    expect(lines[3]).toMatchObject({ body: { items: [{ recipient: '[redacted]', address1: '[redacted]' }] } })
  })

  it('redacts tokens and the authorization and cookie headers of a logged request', () => {
    const { lines, logger, raw } = capture()
    logger.info(
      {
        req: { method: 'GET', headers: { authorization: 'Bearer eyJhbGciOi.secret', cookie: 'sid=eyJhbGciOi.secret', accept: 'application/json' } },
        tokens: { accessToken: 'eyJhbGciOi.secret', refreshToken: 'eyJhbGciOi.secret' },
      },
      'headers',
    )
    expect(raw()).not.toContain('eyJhbGciOi.secret')
    expect(lines[0]).toMatchObject({ req: { headers: { authorization: '[redacted]', cookie: '[redacted]', accept: 'application/json' } } })
  })

  it('redacts at any depth and in child bindings, without touching the caller\'s object', () => {
    const { logger, lines, raw } = capture()
    const payload = { a: { b: { c: { d: { e: { phone: '010-1234-5678' } } } } }, keep: [1, 2] }
    logger.child({ customer: { email: 'kim@example.com' } }).info(payload, 'deep')
    expect(raw()).not.toContain('010-1234-5678')
    expect(raw()).not.toContain('kim@example.com')
    expect(lines[0]).toMatchObject({ customer: { email: '[redacted]' }, a: { b: { c: { d: { e: { phone: '[redacted]' } } } } }, keep: [1, 2] })
    expect(payload.a.b.c.d.e.phone).toBe('010-1234-5678')
  })

  it('still serializes errors with their message and stack', () => {
    const { logger, lines } = capture()
    logger.error({ err: new Error('pool exhausted') }, 'failed')
    expect(lines[0]).toMatchObject({ err: { type: 'Error', message: 'pool exhausted' } })
    expect(String((lines[0].err as { stack: string }).stack)).toContain('logger.test.ts')
  })

  it('writes JSON lines with the service, level name and time, honouring the level', () => {
    const { logger, lines } = capture('warn')
    logger.info('dropped')
    logger.warn({ orderId: 'o-2' }, 'kept')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatchObject({ service: 'log-test', level: 'warn', msg: 'kept', orderId: 'o-2' })
    expect(Date.parse(String(lines[0].time))).not.toBeNaN()
  })

  describe('with OpenTelemetry tracing', () => {
    const provider = new NodeTracerProvider()
    provider.register()
    afterAll(async () => {
      await provider.shutdown()
      trace.disable()
      context.disable()
      propagation.disable()
    })

    it('adds trace_id and span_id of the active span, and nothing outside a span', () => {
      const { logger, lines } = capture()
      const tracer = trace.getTracer('log-test')
      let ids: { traceId: string; spanId: string } | undefined
      tracer.startActiveSpan('work', (span) => {
        ids = span.spanContext()
        logger.info('inside')
        span.end()
      })
      logger.info('outside')
      expect(ids?.traceId).toMatch(/^[0-9a-f]{32}$/)
      expect(lines[0]).toMatchObject({ msg: 'inside', trace_id: ids?.traceId, span_id: ids?.spanId })
      expect(lines[1].msg).toBe('outside')
      expect(lines[1]).not.toHaveProperty('trace_id')
    })
  })
})
