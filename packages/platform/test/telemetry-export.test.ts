import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, describe, expect, it } from 'vitest'
import { currentTraceId, currentTraceparent, initTelemetry, withSpan } from '@shop/platform/telemetry'

interface Received {
  path: string
  contentType: string | undefined
  body: string
}

const received: Received[] = []
const collector = createServer((req: IncomingMessage, res) => {
  const chunks: Buffer[] = []
  req.on('data', (c: Buffer) => chunks.push(c))
  req.on('end', () => {
    received.push({ path: req.url ?? '', contentType: req.headers['content-type'], body: Buffer.concat(chunks).toString('utf8') })
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}')
  })
})

afterAll(() => new Promise<void>((r) => collector.close(() => r())))

describe('telemetry with an OTLP/HTTP exporter', () => {
  it('exports finished spans to <exporterUrl>/v1/traces, flushed on shutdown', async () => {
    await new Promise<void>((r) => collector.listen(0, '127.0.0.1', () => r()))
    const { port } = collector.address() as AddressInfo
    const telemetry = initTelemetry({ service: 'export-test', exporterUrl: `http://127.0.0.1:${port}` })
    const traceId = await withSpan('exported-span', () => {
      expect(currentTraceparent()).toBeDefined()
      return currentTraceId()
    })
    await telemetry.shutdown()
    expect(received.length).toBeGreaterThan(0)
    expect(received[0].path).toBe('/v1/traces')
    const all = received.map((r) => r.body).join('\n')
    expect(all).toContain('exported-span')
    expect(all).toContain('export-test')
    expect(all).toContain(traceId)
  })

  it('after the last holder shuts down, a new initTelemetry can register again', async () => {
    const again = initTelemetry({ service: 'export-test-2' })
    const tp = await withSpan('after-restart', () => currentTraceparent())
    // Nothing exports now: the span is a non-recording one, yet its ids still propagate.
    expect(tp).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/)
    await again.shutdown()
  })
})
