import { execFile } from 'node:child_process'
import { Writable } from 'node:stream'
import { promisify } from 'node:util'
import { ECS_VERSION, createLogger, logFormatFromEnv } from '@shop/platform/logger'
import { initTelemetry, withSpan } from '@shop/platform/telemetry'
import { afterAll, describe, expect, it } from 'vitest'
import { ROOT } from './support.ts'

// LOG_FORMAT=ecs: lines in the Elastic Common Schema, so that Filebeat/Elastic Agent
// ingest them without a parsing pipeline and Kibana links them to their trace.

function capture() {
  const lines: Record<string, unknown>[] = []
  const destination = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l))
      done()
    },
  })
  return { lines, logger: createLogger({ service: 'order', destination, format: 'ecs' }) }
}

const telemetry = initTelemetry({ service: 'ecs-test', spanProcessors: [] })
afterAll(() => telemetry.shutdown())

describe('LOG_FORMAT=ecs', () => {
  it('writes @timestamp, log.level, message, ecs.version, service.name and the trace and span ids of the active span', async () => {
    const { lines, logger } = capture()
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736'
    await withSpan('ecs', () => logger.info({ orderId: 'o-1' }, 'order placed'), { parentTraceparent: `00-${traceId}-00f067aa0ba902b7-01` })
    const [line] = lines
    expect(line).toMatchObject({
      'log.level': 'info',
      message: 'order placed',
      ecs: { version: ECS_VERSION },
      service: { name: 'order' },
      trace: { id: traceId },
      orderId: 'o-1',
    })
    expect((line.span as { id: string }).id).toMatch(/^[0-9a-f]{16}$/)
    expect(new Date(line['@timestamp'] as string).toISOString()).toBe(line['@timestamp'])
    for (const pinoKey of ['msg', 'level', 'time', 'trace_id']) expect(line).not.toHaveProperty(pinoKey)
  })

  it('writes an error as error.type, error.message and error.stack_trace, and still redacts personal data', () => {
    const { lines, logger } = capture()
    logger.error({ err: new TypeError('card declined'), phone: '010-1234-5678' }, 'charge failed')
    expect(lines[0]).toMatchObject({ 'log.level': 'error', error: { type: 'TypeError', message: 'card declined' }, phone: '[redacted]' })
    expect((lines[0].error as { stack_trace: string }).stack_trace).toContain('TypeError: card declined')
    expect(lines[0]).not.toHaveProperty('err')
  })

  it('is chosen by the LOG_FORMAT variable, and an unknown format is refused by name', async () => {
    expect(logFormatFromEnv(undefined)).toBe('json')
    expect(logFormatFromEnv('ecs')).toBe('ecs')
    expect(() => logFormatFromEnv('logfmt')).toThrow('LOG_FORMAT must be "json" or "ecs", not "logfmt"')
    // A service's process, as it starts: the variable alone switches the lines.
    const script = "import { createLogger } from '@shop/platform/logger'; createLogger({ service: 'gateway' }).info('up')"
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: ROOT,
      env: { ...process.env, LOG_FORMAT: 'ecs' },
    })
    expect(JSON.parse(stdout)).toMatchObject({ 'log.level': 'info', message: 'up', service: { name: 'gateway' } })
  })
})
