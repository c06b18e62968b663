import { randomUUID } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import type { ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import type { TestIssuer } from '@shop/platform/testing-auth'
import { openSse } from '@shop/platform/testing-sse'
import Fastify, { type FastifyInstance } from 'fastify'
import { Client } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestGateway, type TestGateway } from './test-gateway.ts'

// GET /v1/orders/:id/events through the gateway, in front of an order stand-in on
// loopback that sends one event at once and the next only when the test says so: a
// client that reads the first before the second is sent proves nothing is buffered.

const UPSTREAM_TIMEOUT_MS = 200

interface OpenStream {
  res: ServerResponse
  authorization: unknown
  closed: Promise<void>
  /** The connection from the gateway the stream came on. */
  socket: Socket
}

let issuer: TestIssuer
let order: FastifyInstance
let gateway: TestGateway
let gatewayUrl: string
const opened: OpenStream[] = []
let streamOpened: () => void = () => {}

beforeAll(async () => {
  order = Fastify()
  order.get('/health', async () => ({ status: 'ok' }))
  order.get('/openapi.json', async () => ({ openapi: '3.1.0', info: { title: 'order', version: '1' }, paths: {} }))
  order.get('/orders/missing/events', async (_req, reply) => reply.code(404).send({ code: 'not_found' }))
  order.get('/orders/:id/events', (req, reply) => {
    reply.hijack()
    reply.raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' })
    reply.raw.write(`event: order\ndata: {"n":1}\n\n`)
    opened.push({
      res: reply.raw,
      authorization: req.headers.authorization,
      closed: new Promise((r) => reply.raw.on('close', r)),
      socket: req.socket,
    })
    streamOpened()
  })
  await order.listen({ host: '127.0.0.1', port: 0 })
  gateway = await buildTestGateway({
    upstream: `http://127.0.0.1:${(order.server.address() as AddressInfo).port}`,
    env: { UPSTREAM_TIMEOUT_MS: String(UPSTREAM_TIMEOUT_MS) },
  })
  issuer = gateway.issuer
  gatewayUrl = await gateway.app.listen({ host: '127.0.0.1', port: 0 })
})
afterAll(async () => {
  await gateway?.close()
  await order?.close()
})

const nextStream = () => new Promise<OpenStream>((resolve) => (streamOpened = () => resolve(opened[opened.length - 1])))

describe('GET /v1/orders/:id/events through the gateway', () => {
  it('passes each event on as it comes, past UPSTREAM_TIMEOUT_MS, with the token checked and forwarded', async () => {
    const authorization = `Bearer ${await issuer.tokenFor(randomUUID())}`
    const upstream = nextStream()
    const s = await openSse(`${gatewayUrl}/v1/orders/${randomUUID()}/events`, { authorization })
    expect(s.status).toBe(200)
    expect(s.headers['content-type']).toMatch(/^text\/event-stream/)
    expect(s.headers['x-cache']).toBeUndefined()
    const up = await upstream
    expect(up.authorization).toBe(authorization)
    // The first event arrives while the service has sent nothing more: nothing waits in a buffer.
    expect(JSON.parse((await s.next()).data)).toEqual({ n: 1 })
    // Longer than the gateway waits for an ordinary answer: a quiet stream is not cut.
    await sleep(UPSTREAM_TIMEOUT_MS * 3)
    up.res.write(': keep-alive\n\nevent: order\ndata: {"n":2}\n\n')
    expect(JSON.parse((await s.next()).data)).toEqual({ n: 2 })
    expect(s.raw()).toContain(': keep-alive')
    up.res.end()
    await s.ended
  })

  it('a client that leaves closes the stream to the service', async () => {
    const upstream = nextStream()
    const s = await openSse(`${gatewayUrl}/v1/orders/${randomUUID()}/events`, { authorization: `Bearer ${await issuer.tokenFor(randomUUID())}` })
    await s.next()
    const up = await upstream
    s.close()
    await up.closed
  })

  it('a stream the service ends is ended as a normal chunked answer: both connections serve the next stream', async () => {
    let connections = 0
    const counted = () => connections++
    gateway.app.server.on('connection', counted)
    // One connection to the gateway: the second stream can only go out on it once the first has ended normally.
    const client = new Client(gatewayUrl, { pipelining: 1 })
    const authorization = `Bearer ${await issuer.tokenFor(randomUUID())}`
    const once = async () => {
      const upstream = nextStream()
      const res = await client.request({ method: 'GET', path: `/v1/orders/${randomUUID()}/events?until=settled`, headers: { authorization } })
      const up = await upstream
      up.res.end('event: order\ndata: {"n":2}\n\n')
      // Resolves only at a normal end of the answer (an aborted one rejects).
      expect(await res.body.text()).toBe('event: order\ndata: {"n":1}\n\nevent: order\ndata: {"n":2}\n\n')
      expect(res.headers['transfer-encoding']).toBe('chunked')
      return up
    }
    try {
      const first = await once()
      const second = await once()
      expect(connections).toBe(1)
      // The gateway's call to the service was not aborted: its connection carried the next stream.
      expect(second.socket).toBe(first.socket)
      expect(first.socket.destroyed).toBe(false)
    } finally {
      gateway.app.server.off('connection', counted)
      await client.close()
    }
  })

  it('refuses a stream without a token before it reaches the service, and passes a 404 through', async () => {
    const before = opened.length
    const anonymous = await gateway.app.inject({ method: 'GET', url: `/v1/orders/${randomUUID()}/events` })
    expect(anonymous.statusCode).toBe(401)
    const missing = await gateway.app.inject({
      method: 'GET',
      url: '/v1/orders/missing/events',
      headers: { authorization: `Bearer ${await issuer.tokenFor(randomUUID())}` },
    })
    expect(missing.statusCode).toBe(404)
    expect(opened.length).toBe(before)
  })
})
